"""Issue 15 item 8 without a browser: suggested follow-up questions drawn from where the
answer's first citation stands, and the conversation exported as Markdown."""
from __future__ import annotations

from datetime import datetime

import pytest

from assistant import chatview
from assistant import presenter as view
from assistant.models import ANSWERED, NOT_FOUND, Answer, Citation

SEED = "jineng-qiangqi-zhidao-yijian"


@pytest.fixture(scope="module")
def bot(shared_fake_bot):
    return shared_fake_bot


def _cite(snap, article: str, sentence: int = 0) -> Citation:
    clause = snap.article_clauses(SEED, article)[sentence]
    return Citation(SEED, clause.doc_title, article, clause.heading, clause.clause_id, clause.text, doc_status="有效")


def test_follow_ups_are_the_rest_of_the_cited_article_and_its_neighbours(bot):
    snap = bot.index.snapshot
    answer = Answer(ANSWERED, "x [1]", [_cite(snap, "九", 2)])
    assert chatview.follow_up_questions(answer, snap) == [
        "《技能强企指导意见》第九条（强化技能强企资金保障）还有哪些规定？",
        "《技能强企指导意见》第八条（加强企业技能人才表彰激励）有哪些规定？",
    ]  # 第九条 is the last numbered article: no next one
    middle = Answer(ANSWERED, "x", [_cite(snap, "四", 1), _cite(snap, "五", 1)])
    assert chatview.follow_up_questions(middle, snap) == [
        "《技能强企指导意见》第四条（大力推行中国特色学徒制）还有哪些规定？",
        "《技能强企指导意见》第三条（加大企业技能人才供给）有哪些规定？",
    ]  # 第五条 is already cited


def test_no_follow_ups_without_a_basis(bot):
    snap = bot.index.snapshot
    assert chatview.follow_up_questions(Answer(NOT_FOUND, "没有找到。"), snap) == []
    assert chatview.follow_up_questions(Answer(ANSWERED, "x"), snap) == []


def test_each_suggestion_asked_cites_the_article_it_names(bot):
    snap = bot.index.snapshot
    for question in chatview.follow_up_questions(Answer(ANSWERED, "x", [_cite(snap, "四", 1)]), snap):
        reply = bot.ask(question)
        assert reply.status == ANSWERED, question
        named = question.split("》")[1].split("（")[0]  # "第三条"
        assert any(view.article_label(c.article).startswith(named) for c in reply.citations), (question, reply.citations)


def test_answer_bubble_offers_the_follow_ups_as_links(bot):
    snap = bot.index.snapshot
    html = view.answer_html(Answer(ANSWERED, "x [1]", [_cite(snap, "四", 1)]), bot.index)
    assert html.count('class="ask-next"') == 3 and "可以接着问" in html
    assert "ask-next" not in view.answer_html(Answer(NOT_FOUND, "没有找到。"), bot.index)


def test_conversation_markdown_holds_questions_answers_and_citations(bot):
    snap = bot.index.snapshot
    first = Answer(ANSWERED, "保证60%以上用于一线职工教育和培训 [1]\n\n依据：\n[1] …", [_cite(snap, "九", 2)],
                   corpus_version="abc123", question="职工教育经费用在一线的比例？")
    second = Answer(NOT_FOUND, "抱歉，没有找到依据。", corpus_version="abc123", question="年假 有几天？")
    text = chatview.conversation_markdown([first, second], now=datetime(2025, 3, 1, 14, 5))
    assert text.startswith("# 政策助手对话记录\n\n- 导出内容截至：2025-03-01 14:05\n- 语料版本：abc123\n")
    assert "## 1. 职工教育经费用在一线的比例？\n\n**已回答**\n\n保证60%以上用于一线职工教育和培训 [1]\n" in text
    quote = snap.article_clauses(SEED, "九")[2].text
    assert f"1. 《人力资源社会保障部等8部门关于推动技能强企工作的指导意见》（有效）第九条 强化技能强企资金保障：“{quote}”" in text
    assert "依据：" not in text  # the basis list is the citations, shown once
    assert "## 2. 年假 有几天？\n\n**未找到依据**\n\n抱歉，没有找到依据。\n" in text
    assert chatview.conversation_markdown([]) == ""
