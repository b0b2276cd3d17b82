"""Evaluation metrics on hand-made answers, with the arithmetic spelled out."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluation import (
    GATES,
    gate_failures,
    invented_figures,
    load_gold,
    report_markdown,
    run,
    score_case,
    summarise,
)
from assistant.models import ANSWERED, NOT_FOUND, NOT_SPECIFIED, Answer, Citation, SourceDocument

Q9 = "企业要足额提取和使用职工教育经费，保证60%以上用于一线职工教育和培训。"
Q4 = "对毕业后与实习企业签订1年以上劳动合同的，从入职开始按规定予以补贴。"
DOCS = {"d": SourceDocument("d", "技能强企指导意见", f"九、资金保障。{Q9}\n四、学徒制。{Q4}")}


def cite(article: str, quote: str) -> Citation:
    return Citation("d", "技能强企指导意见", article, "", f"d:{article}:s01", quote)


def case(cid: str, category: str, gold: str | None, expected: str, facts: list[str] | None = None) -> dict:
    return {"id": cid, "category": category, "turns": ["问题"], "gold_article": gold, "expected_status": expected,
            "key_facts": facts or []}


def answer(status: str, text: str, citations: list[Citation], latency: float) -> Answer:
    return Answer(status, text, citations, corpus_version="v1", latency_ms=latency)


CASES = [
    (case("c1", "article", "九", ANSWERED, ["60%以上", "职工代表大会"]),
     answer(ANSWERED, "根据第九条：保证60%以上用于一线职工教育和培训。[1]", [cite("九", Q9)], 10.0)),
    (case("c2", "article", "四", ANSWERED, ["按规定予以补贴"]),
     answer(ANSWERED, "根据第四条：从入职开始按规定 予以补贴。[1]", [cite("四", Q4)], 20.0)),
    (case("c3", "everyday", "九", NOT_SPECIFIED),
     answer(ANSWERED, "学徒补贴每月2000元。[1][2]", [cite("四", Q4), cite("九", Q9)], 30.0)),
    (case("c4", "out_of_scope", None, NOT_FOUND), answer(NOT_FOUND, "抱歉，没有找到。", [], 40.0)),
    (case("c5", "out_of_scope", None, NOT_FOUND), answer(ANSWERED, "见第九条。[1]", [cite("九", "文件里没有这句话。")], 50.0)),
]


@pytest.fixture
def results():
    return [score_case(c, a, DOCS) for c, a in CASES]


def test_score_case(results) -> None:
    rows = [(r.top1, r.recall, r.facts, r.verbatim, r.invented) for r in results]
    assert rows == [
        (True, True, 0.5, True, []),  # 1 of 2 key facts in the answer text
        (True, True, 1.0, True, []),  # whitespace inside the answer does not hide a fact
        (False, True, None, True, ["2000元"]),  # 九 cited second: recall, not top-1; 2000元 is in no quote
        (None, None, None, True, []),  # no gold article for a refusal
        (None, None, None, False, []),  # quote not in the document
    ]


def test_summarise_exact_values(results) -> None:
    s = summarise(results)
    assert s["cases"] == 5
    assert s["article_top1"] == pytest.approx(2 / 3)  # c1, c2 hit; c3 misses (c4, c5 have no gold)
    assert s["article_recall"] == 1.0  # 3 / 3
    assert s["key_facts"] == pytest.approx(0.75)  # (0.5 + 1.0) / 2
    assert s["refusal_accuracy"] == 0.5  # c4 refused, c5 answered: 1 / 2
    assert s["false_refusals"] == 0.0  # none of c1..c3 refused
    assert s["unspecified_flagged"] == 0.0  # c3 should be not_specified: 0 / 1
    assert s["status_accuracy"] == pytest.approx(0.6)  # c1, c2, c4 right: 3 / 5
    assert s["verbatim_quotes"] == pytest.approx(0.8)  # c5 wrong: 4 / 5
    assert s["invented_figures"] == pytest.approx(0.2)  # c3: 1 / 5
    assert s["latency_p50_ms"] == 30.0  # median of 10..50
    assert s["latency_p95_ms"] == 40.0  # sorted[int(0.95 * (5 - 1))] = sorted[3]
    assert s["by_category"] == {
        # no basis list in these answers: the direct answer is the whole text
        "article": {"cases": 2, "article_top1": 1.0, "key_facts": 0.75, "key_facts_direct": 0.75, "status_accuracy": 1.0},
        "everyday": {"cases": 1, "article_top1": 0.0, "key_facts": None, "key_facts_direct": None, "status_accuracy": 0.0},
        "out_of_scope": {"cases": 2, "article_top1": None, "key_facts": None, "key_facts_direct": None,
                         "status_accuracy": 0.5},
    }
    assert s["article_top1.everyday"] == 0.0
    assert s["followup_top1"] is None  # no follow-up cases


def test_summarise_empty() -> None:
    s = summarise([])
    assert s["cases"] == 0 and s["article_top1"] is None and s["latency_p50_ms"] is None
    assert gate_failures(s) == []


def test_gate_failures(results) -> None:
    failures = gate_failures(summarise(results))
    assert failures == [
        "article_top1 = 0.667 < 0.95",
        "article_top1.everyday = 0.000 < 0.9",
        "key_facts = 0.750 < 0.95",
        "refusal_accuracy = 0.500 < 1.0",
        "unspecified_flagged = 0.000 < 0.95",
        "verbatim_quotes = 0.800 < 1.0",
        "direct_verbatim = 0.500 < 1.0",  # c3 ("学徒补贴每月2000元") and c5 ("见…") say what no quote says
        "invented_figures = 0.200 > 0.0",
    ]


def test_the_direct_answer_is_the_text_before_the_basis_list() -> None:
    from assistant.evaluation import direct_answer

    reply = answer(ANSWERED, "根据第九条：保证60%以上。[1]\n\n依据：\n[1] 第九条：“…职工代表大会公布。”", [cite("九", Q9)], 1.0)
    scored = score_case(case("d1", "article", "九", ANSWERED, ["60%以上", "职工代表大会"]), reply, DOCS)
    assert direct_answer(reply.answer) == "根据第九条：保证60%以上。[1]\n\n"
    assert (scored.facts, scored.direct) == (1.0, 0.5)  # 职工代表大会 only in the basis list


def test_gates_pass_exactly_at_the_floor() -> None:
    at_floor = dict(GATES)
    assert gate_failures(at_floor) == []
    just_below = {**at_floor, "followup_top1": 0.899, "invented_figures": 0.001}
    assert gate_failures(just_below) == ["followup_top1 = 0.899 < 0.9", "invented_figures = 0.001 > 0.0"]


@pytest.mark.parametrize(
    ("text", "quotes", "invented"),
    [
        ("保证60%以上[1]", [Q9], []),
        ("保证80%以上[1]", [Q9], ["80%"]),
        ("签订1年以上[1]，补贴3000元[2]", [Q9, Q4], ["3000元"]),
        ("见第[12]条", [Q9], []),  # citation markers are not figures
        ("补贴1.5倍", [Q9], ["1.5倍"]),
        ("补贴一点五倍", [Q9], ["一点五倍"]),  # Chinese numerals count too
        ("保证百分之六十以上[1]", [Q9], []),  # the same value as the quote's 60%
        ("没有数字。", [], []),
        ("每月2000元", [], ["2000元"]),
    ],
)
def test_invented_figures(text: str, quotes: list[str], invented: list[str]) -> None:
    a = Answer(ANSWERED, text, [cite("九", q) for q in quotes])
    assert invented_figures(a) == invented


def test_report_markdown_lists_metrics_and_misses(results) -> None:
    report = report_markdown(summarise(results), results, "fake-hash-64")
    assert "| article_top1 | 0.667 | ≥ 0.95 |" in report
    assert "| invented_figures | 0.200 | ≤ 0.0 |" in report
    assert "`fake-hash-64`" in report
    # misses: c1 (half the key facts), c3 (top-1 and status), c5 (status)
    assert "## Misses (3)" in report
    assert "`c3`" in report and "`c5`" in report and "`c4`" not in report


class StubBot:
    """Answers from a script; stands in for PolicyAssistant in ``run``."""

    def __init__(self, script: dict[str, Answer]):
        self.script = script
        self.index = type("Index", (), {"documents": DOCS})()
        self.ensured = False

    def ensure_index(self) -> None:
        self.ensured = True

    def chat(self, turns: list[str], as_of: str | None = None) -> Answer:
        return self.script[turns[-1]]


def test_run_on_a_gold_file(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [case("g1", "article", "九", ANSWERED, ["60%以上"]), case("g2", "out_of_scope", None, NOT_FOUND)]
    rows[0]["turns"], rows[1]["turns"] = ["比例？"], ["公积金？"]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    assert load_gold(gold) == rows  # blank lines skipped
    bot = StubBot({"比例？": CASES[0][1], "公积金？": CASES[3][1]})
    results, summary = run(bot, gold)
    assert bot.ensured and [r.case["id"] for r in results] == ["g1", "g2"]
    assert (summary["article_top1"], summary["key_facts"], summary["refusal_accuracy"]) == (1.0, 1.0, 1.0)
    assert "eligibility_correct" not in summary  # no eligibility file given


def test_sync_folder_touches_only_what_differs(tmp_path):
    """A suite's corpus copy is brought in line file by file: an unchanged file keeps its
    inode (a process reading it meanwhile never finds it missing), a changed one is
    replaced, a file no source names any more is removed, and no temporary file is left."""
    from assistant.evaluation import sync_folder

    source, folder = tmp_path / "src", tmp_path / "copy"
    source.mkdir()
    (source / "a.md").write_text("第一条 甲。", encoding="utf-8")
    (source / "b.md").write_text("第一条 乙。", encoding="utf-8")
    sync_folder(sorted(source.iterdir()), folder)
    kept = (folder / "a.md").stat().st_ino
    (folder / "old.md").write_text("第一条 旧。", encoding="utf-8")
    (source / "b.md").write_text("第一条 丙。", encoding="utf-8")

    sync_folder(sorted(source.iterdir()), folder)

    assert sorted(p.name for p in folder.iterdir()) == ["a.md", "b.md"]
    assert (folder / "a.md").stat().st_ino == kept
    assert (folder / "b.md").read_text(encoding="utf-8") == "第一条 丙。"
