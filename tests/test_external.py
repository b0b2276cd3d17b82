"""The external check (evals/external, issue 12): the STARD-derived gold set is intact, its
gold articles are articles of the split documents, and ``policy-assistant eval --suite
external`` runs the assistant and the two baselines side by side (fake embedder)."""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.baselines import (BM25Baseline, DenseBaseline, SystemScore, distinct_articles, score,
                                 side_by_side, summary_entries)
from assistant.evaluation import EXTERNAL_GATES, gate_failures, gold_places, load_gold, suites
from assistant.models import Clause
from assistant.structure import FRONT, TITLE

REPO = Path(__file__).resolve().parent.parent
EXTERNAL = REPO / "evals" / "external"

LAW = """# 示例劳动条例

<!-- INFO END -->

第一条 职工连续工作满一年的，享受带薪年休假五天。

第二条 单位拖欠工资的，职工可以解除劳动合同。

第三条 试用期最长不得超过六个月。

第四条 本条例自公布之日起施行。"""
CASES = [  # (id, question, gold article)
    ("x-1", "年休假有几天？", "第一条"),
    ("x-2", "公司拖欠工资，我能解除劳动合同吗？", "第二条"),
    ("x-3", "试用期最长多久？", "第三条"),
]


def clause(doc: str, article: str) -> Clause:
    return Clause(clause_id=f"{doc}:{article}:s1", doc_id=doc, doc_title=doc, article=article, heading="", text="…",
                  start=0, end=1)


def test_distinct_articles_skip_titles_front_matter_and_repeats() -> None:
    clauses = [clause("a", TITLE), clause("a", "第一条"), clause("a", FRONT), clause("a", "第一条"),
               clause("b", "第一条"), clause("a", "第二条")]
    assert distinct_articles(clauses, 5) == [("a", "第一条"), ("b", "第一条"), ("a", "第二条")]
    assert distinct_articles(clauses, 2) == [("a", "第一条"), ("b", "第一条")]


def test_score_counts_any_gold_article_for_top1_and_recall() -> None:
    gold = [{("a", "第一条"), ("a", "第九条")}, {("b", "第二条")}, {("c", "第三条")}]
    rankings = [[("a", "第九条")], [("b", "第一条"), ("b", "第二条")], []]
    assert score("s", rankings, gold) == SystemScore("s", 1 / 3, 2 / 3, 3)
    assert score("s", rankings, gold, k=1) == SystemScore("s", 1 / 3, 1 / 3, 3)


def test_summary_entries_and_the_gate_against_bm25() -> None:
    scores = [SystemScore("answer", 0.5, 0.6, 10), SystemScore("hybrid", 0.5, 0.8, 10),
              SystemScore("bm25", 0.6, 0.7, 10), SystemScore("dense", 0.3, 0.5, 10)]
    entries = summary_entries(scores)
    assert entries["top1_over_bm25"] == pytest.approx(-0.1)
    assert (entries["article_top1.dense"], entries["recall_at_5.hybrid"]) == (0.3, 0.8)
    assert [s["name"] for s in entries["systems"]] == ["answer", "hybrid", "bm25", "dense"]
    assert any(f.startswith("top1_over_bm25") for f in gate_failures(entries, EXTERNAL_GATES))


def test_the_gold_set_is_what_the_stard_records_give() -> None:
    built = subprocess.run([sys.executable, str(EXTERNAL / "build_gold.py"), "--check"], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    cases = load_gold(EXTERNAL / "gold.jsonl")
    assert len(cases) == 82 and len({c["id"] for c in cases}) == 82
    assert all(c["expected_status"] == "answered" and len(c["turns"]) == 1 for c in cases)


def test_every_gold_article_is_an_article_of_the_split_documents() -> None:
    from assistant.ingest import load_document
    from assistant.structure import split_document

    folders = suites(REPO)["external"].extra_docs
    articles = {}
    for folder in folders:
        for path in sorted(folder.glob("*.md")):
            doc = load_document(path)
            articles[doc.doc_id] = {c.article for c in split_document(doc)}
    for case in load_gold(EXTERNAL / "gold.jsonl"):
        for doc, article in gold_places(case):
            assert article in articles[doc], (case["id"], doc, article)


def test_sources_match_the_documents() -> None:
    import hashlib

    for source in json.loads((EXTERNAL / "sources.json").read_text(encoding="utf-8"))["documents"]:
        raw = (EXTERNAL / source["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == source["sha256"], source["file"]
        assert len(raw.decode("utf-8")) == source["chars"], source["file"]


@pytest.fixture
def external_root(tmp_path: Path) -> Path:
    """A repository root holding a tiny external suite: one law, three questions."""
    root = tmp_path / "root"
    (root / "evals" / "multidoc" / "docs").mkdir(parents=True)
    docs = root / "evals" / "external" / "docs"
    docs.mkdir(parents=True)
    (docs / "shili-tiaoli.md").write_text(LAW, encoding="utf-8")
    rows = [{"id": i, "doc": "shili-tiaoli", "gold_article": a, "also_gold": [], "turns": [q],
             "expected_status": "answered", "key_facts": []} for i, q, a in CASES]
    (root / "evals" / "external" / "gold.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return root


def test_side_by_side_on_a_tiny_suite(external_root: Path, make_bot, seed_corpus) -> None:
    from assistant.evaluation import run, suite_assistant

    suite = suites(external_root)["external"]
    assert suite.baselines and suite.extra_docs[-1] == external_root / "evals/external/docs"
    asked = suite_assistant(make_bot(seed_corpus), suite)
    results, summary = run(asked, suite.gold)
    scores = side_by_side(asked, [r.case for r in results], [r.answer for r in results])
    assert [(s.name, s.cases) for s in scores] == [("answer", 3), ("hybrid", 3), ("bm25", 3), ("dense", 3)]
    by_name = {s.name: s for s in scores}
    assert (by_name["bm25"].top1, by_name["bm25"].recall) == (1.0, 1.0)  # each question shares its article's words
    snapshot = asked.index.snapshot
    assert BM25Baseline(snapshot).rank("试用期最长多久？", 2)[0] == ("shili-tiaoli", "第三条")
    dense = DenseBaseline(snapshot, asked.embedder).rank("年休假有几天？", 5)
    assert len(dense) == 5 and len(set(dense)) == 5  # five distinct articles, seed and law together
    assert all(article not in (TITLE, FRONT) for _, article in dense)
    assert summary["cases"] == 3


def test_eval_command_runs_the_external_suite(external_root: Path, make_bot, seed_corpus, tmp_path, monkeypatch,
                                              capsys) -> None:
    from assistant import cli, settings

    monkeypatch.setattr(settings, "ROOT", external_root)
    bot = make_bot(seed_corpus)
    args = argparse.Namespace(suite=["external"], gold=None, report=None, eligibility=None,
                              report_dir=str(tmp_path / "reports"), check=True)
    code = cli.cmd_eval(bot, args)
    report = (tmp_path / "reports" / "external-report.md").read_text(encoding="utf-8")
    summary = json.loads((tmp_path / "reports" / "external-report.json").read_text(encoding="utf-8"))
    assert "## Side by side" in report and "BM25 only" in report and "dense only" in report
    assert "Not listed: this set is held out" in report and "年休假有几天" not in report  # no misses shown
    assert [s["name"] for s in summary["systems"]] == ["answer", "hybrid", "bm25", "dense"]
    assert summary["suite_seconds"] > 0
    assert code == (1 if gate_failures(summary, EXTERNAL_GATES) else 0)
    shutil.rmtree(tmp_path / "reports")
    capsys.readouterr()
