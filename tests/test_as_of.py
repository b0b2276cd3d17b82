"""Validity on a given day (issue 14, point 4): the API's and the core's optional ``as_of``.
A text not yet in force on that day, or replaced or repealed by then, is not current for
the question; "发布时间不等于生效时间" (a revision passed but not yet in force leaves the old
text in force)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.api import create_router, parse_request
from assistant.documents import IN_FORCE, NOT_YET, REPEALED, as_of, parse_day, records
from assistant.errors import InputError
from assistant.models import SourceDocument

OLD = """# 示范企业职工保护条例

2018年10月26日 示范人民代表大会常务委员会第六次会议修正

第一条 为了保护职工合法权益，制定本条例。

第二条 用人单位不得因怀孕降低女职工的工资。

第三条 本条例自2018年11月1日起施行。
"""
NEW = """# 示范企业职工保护条例

2022年10月30日 示范人民代表大会常务委员会第三十七次会议修订

第一条 为了保护职工合法权益，制定本条例。

第二条 用人单位不得因怀孕降低女职工的工资和福利待遇，不得限制女职工晋职晋级。

第三条 本条例自2023年1月1日起施行。
"""


def _doc(doc_id: str, text: str) -> SourceDocument:
    return SourceDocument(doc_id, text.split("\n", 1)[0].lstrip("# "), text)


def test_parse_day_reads_iso_and_chinese_dates_and_names_the_fix() -> None:
    assert parse_day("2023-3-1") == "2023-03-01" and parse_day("2022年12月1日") == "2022-12-01"
    for bad in ("2023-02-30", "next week", 20230301, ""):
        with pytest.raises(InputError, match="2023-03-01"):
            parse_day(bad)


def test_records_on_a_day_between_passing_and_taking_effect() -> None:
    recs = records({"old": _doc("old", OLD), "new": _doc("new", NEW)})
    assert recs["new"].in_force and recs["old"].replaced_by == "new"  # as settled: the later text
    before = as_of(recs, "2022-12-01")  # the revision is passed (10-30) but takes effect 2023-01-01
    assert (before["old"].status, before["old"].replaced_by) == (IN_FORCE, "")
    assert before["new"].status == NOT_YET
    after = as_of(recs, "2023-03-01")
    assert after is recs  # nothing differs on that day: the same records
    assert as_of(recs, "2010-01-01")["old"].status == NOT_YET  # before either took effect


def test_a_repeal_counts_from_the_day_the_repealing_text_takes_effect() -> None:
    docs = {"a": SourceDocument("a", "某市职工培训办法", "某市职工培训办法\n第一条 ……"),
            "b": SourceDocument("b", "某市职工教育条例",
                                "某市职工教育条例\n第一条 ……\n第九条 本条例自2020年1月1日起施行，《某市职工培训办法》同时废止。")}
    recs = records(docs)
    assert recs["a"].status == REPEALED
    assert as_of(recs, "2019-06-01")["a"].in_force and as_of(recs, "2019-06-01")["b"].status == NOT_YET
    assert as_of(recs, "2021-06-01")["a"].status == REPEALED


@pytest.fixture
def versions_bot(make_bot, seed_corpus):
    (seed_corpus / "protect-2018.md").write_text(OLD, encoding="utf-8")
    (seed_corpus / "protect-2022.md").write_text(NEW, encoding="utf-8")
    bot = make_bot(seed_corpus)
    bot.ingest()
    return bot


QUESTION = "用人单位能因为怀孕降低女职工工资吗？"


def test_ask_as_of_answers_from_the_text_in_force_that_day(versions_bot) -> None:
    now = versions_bot.ask(QUESTION)  # default: today — the 2022 revision is in force
    assert now.citations[0].doc_id == "protect-2022" and now.citations[0].doc_status == IN_FORCE
    then = versions_bot.ask(QUESTION, as_of="2022-12-01")
    first = then.citations[0]
    assert (first.doc_id, first.article, first.doc_status) == ("protect-2018", "第二条", IN_FORCE)
    assert "替代" not in then.answer.split("依据：")[0]  # in force that day: not flagged
    assert then.as_of == "2022-12-01"
    later = versions_bot.ask(QUESTION, as_of="2023年3月1日")
    assert later.citations[0].doc_id == "protect-2022"
    with pytest.raises(InputError):
        versions_bot.ask(QUESTION, as_of="昨天")


def test_a_text_not_yet_in_force_is_labelled_when_cited() -> None:
    from assistant.answering import document_label

    docs = {"old": _doc("old", OLD), "new": _doc("new", NEW)}
    day = as_of(records(docs), "2022-12-01")
    assert document_label("new", docs, day) == f"《示范企业职工保护条例》（{NOT_YET}）"
    assert document_label("old", docs, day) == "《示范企业职工保护条例》"


def test_the_api_takes_as_of_and_echoes_it(versions_bot) -> None:
    assert parse_request(json.dumps({"question": "q", "as_of": "2022-12-01"}).encode()).as_of == "2022-12-01"
    assert parse_request(json.dumps({"question": "q"}).encode()).as_of is None
    app = FastAPI()
    app.include_router(create_router(versions_bot))
    with TestClient(app) as client:
        body = client.post("/api/ask", json={"question": QUESTION, "as_of": "2022-12-01"}).json()
        assert body["as_of"] == "2022-12-01"
        assert body["citations"][0]["doc_id"] == "protect-2018" and body["citations"][0]["doc_status"] == IN_FORCE
        plain = client.post("/api/ask", json={"question": QUESTION}).json()
        assert "as_of" not in plain and plain["citations"][0]["doc_id"] == "protect-2022"
        bad = client.post("/api/ask", json={"question": QUESTION, "as_of": "明年"})
        assert bad.status_code == 400 and "2023-03-01" in bad.json()["error"]


def test_cli_batch_lines_may_carry_as_of(versions_bot, tmp_path: Path, capsys) -> None:
    from argparse import Namespace

    from assistant.cli import cmd_batch

    lines = tmp_path / "q.jsonl"
    lines.write_text(json.dumps({"id": "a", "turns": [QUESTION], "as_of": "2022-12-01"}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    assert cmd_batch(versions_bot, Namespace(infile=str(lines))) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["citations"][0]["doc_id"] == "protect-2018"


def test_a_question_comparing_versions_cites_the_current_rule_and_its_earlier_counterpart(versions_bot) -> None:
    answer = versions_bot.ask("2018年版和现行的示范企业职工保护条例，在怀孕降低工资这件事上有什么变化？")
    cited = [(c.doc_id, c.article) for c in answer.citations]
    assert cited[0] == ("protect-2022", "第二条") and ("protect-2018", "第二条") in cited
    assert "已被新版" in answer.answer.split("依据：")[1]  # the earlier version is flagged
    # asked about the current text alone, the earlier version is not cited
    current = versions_bot.ask("用人单位能因为怀孕降低女职工工资吗？")
    assert "protect-2018" not in {c.doc_id for c in current.citations}


def test_the_earlier_versions_counterpart_is_the_rule_worded_most_like_the_cited_one(segmenter) -> None:
    from assistant.answering import AnswerWriter
    from assistant.models import Clause, Hit
    from assistant.query import analyse
    from assistant.retrieval import Retrieval
    from assistant.settings import Thresholds

    def hit(doc_id: str, article: str, text: str, score: float) -> Hit:
        clause = Clause(f"{doc_id}:{article}", doc_id, doc_id, article, "", text, 0, len(text), "", 0)
        return Hit(clause, score)

    recs = records({"protect-2018": _doc("protect-2018", OLD), "protect-2022": _doc("protect-2022", NEW)})
    lead = hit("protect-2022", "第二条", "用人单位不得因怀孕降低女职工的工资和福利待遇，不得限制女职工晋职晋级。", 0.3)
    hits = [lead, hit("protect-2018", "第一条", "为了保护职工合法权益，制定本条例。", 0.25),
            hit("protect-2018", "第二条", "用人单位不得因怀孕降低女职工的工资。", 0.2)]
    compare = Retrieval(analyse("2018年版和现行的条例在怀孕降薪上有什么变化？", segmenter), hits)
    assert AnswerWriter(Thresholds())._other_version(compare, [lead], recs).clause.article == "第二条"
    current = Retrieval(analyse("现行条例对怀孕降薪怎么规定？", segmenter), hits)
    assert AnswerWriter(Thresholds())._other_version(current, [lead], recs) is None
