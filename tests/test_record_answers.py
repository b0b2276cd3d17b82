"""Questions about a document itself (issue 14): answered from its record, each fact quoted
from the sentence of the text that states it; "文件没有写明…" only when the text has nothing
like it; questions about what a law says keep their ordinary answers."""
from __future__ import annotations

import pytest

from assistant.models import ANSWERED, NOT_SPECIFIED
from assistant.record_answers import asked_fields

LAW = """# 示范职工休假法

2007年6月29日 示范人民代表大会常务委员会第二十八次会议通过

2012年12月28日 示范人民代表大会常务委员会第三十次会议《关于修改<示范职工休假法>的决定》修正

第一条 为了保障职工休息休假，制定本法。

第二条 劳动合同由用人单位与劳动者在劳动合同文本上签字或者盖章生效。

第三条 职工连续工作满一年的，享受带薪年休假五天。

第四条 本法自2008年1月1日起施行。
"""
CITY = """# 某市职工休假条例

第一条 为了保障本市职工休息休假，制定本条例。

第二条 职工连续工作满一年的，享受带薪年休假七天。

第三条 本条例自2010年5月1日起施行。
"""
NOTICE = """# 示范部关于做好职工休假工作的通知

示范部〔2021〕12号

第一条 各单位应当安排职工休假。

第二条 本通知自印发之日起施行。
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory, segmenter):
    from tests.conftest import bot_with_documents

    with bot_with_documents(tmp_path_factory, segmenter, "records",
                            {"law.md": LAW, "city.md": CITY, "notice.md": NOTICE}) as bot:
        yield bot


def test_asked_fields_in_question_order() -> None:
    assert asked_fields("是哪个机关、哪天通过的？后来修正过吗？") == ["issuers", "adopted", "amended"]
    assert asked_fields("从哪天开始施行？") == ["effective"]
    assert asked_fields("文号是多少？") == ["number"]
    assert asked_fields("现在还有效吗？") == ["status"]
    assert asked_fields("实施以来效果如何") == []  # 实施 without a time asked


def test_when_it_takes_effect_quotes_the_effective_article(bot) -> None:
    answer = bot.ask("示范职工休假法是从哪天开始施行的？")
    assert answer.status == ANSWERED and answer.record_fields == ("effective",)
    assert [(c.doc_id, c.article, c.quote) for c in answer.citations] == [("law", "第四条", "本法自2008年1月1日起施行。")]
    assert answer.answer.startswith("根据《示范职工休假法》第四条：“本法自2008年1月1日起施行。”[1]")


def test_who_passed_it_and_amendments_quote_the_front_matter_lines(bot) -> None:
    answer = bot.ask("示范职工休假法是哪个机关、哪天通过的？后来修正过吗？")
    assert answer.status == ANSWERED
    assert [c.article for c in answer.citations] == ["题注", "题注"]
    assert answer.citations[0].quote.startswith("2007年6月29日") and answer.citations[0].quote.endswith("通过")
    assert answer.citations[1].quote.startswith("2012年12月28日") and "修正" in answer.citations[1].quote


def test_a_number_the_text_does_not_state_is_said_to_be_unstated_with_what_it_does_state(bot) -> None:
    answer = bot.ask("示范职工休假法的文号是多少？")
    assert answer.status == NOT_SPECIFIED and answer.answer.startswith("文件没有写明文号。文件写明的是：")
    assert answer.not_stated == ("number",)
    assert {c.article for c in answer.citations} == {"题注", "第四条"}  # its dates, quoted


def test_a_number_the_text_states_is_quoted(bot) -> None:
    answer = bot.ask("示范部关于做好职工休假工作的通知文号是多少？")
    assert answer.status == ANSWERED
    assert answer.citations[0].quote == "示范部〔2021〕12号"


def test_a_local_text_without_front_matter_says_so_only_for_what_is_missing(bot) -> None:
    answer = bot.ask("某市职工休假条例是哪天、由哪个机关通过的？")
    assert answer.status == NOT_SPECIFIED
    assert answer.answer.startswith("文件没有写明制定机关、通过日期。")
    assert [(c.doc_id, c.article) for c in answer.citations] == [("city", "第三条")]


def test_whether_it_is_still_valid_is_not_claimed_from_a_default(bot) -> None:
    answer = bot.ask("某市职工休假条例现在还有效吗？")
    assert answer.status == NOT_SPECIFIED and "文件本身没有写明它目前是否仍然有效" in answer.answer
    assert answer.citations[0].article == "第三条"


def test_a_replaced_version_is_said_to_be_no_longer_current(make_bot, seed_corpus) -> None:
    old = LAW.replace("2012年12月28日 示范人民代表大会常务委员会第三十次会议《关于修改<示范职工休假法>的决定》修正\n", "")
    new = LAW.replace("2012年12月28日", "2022年10月30日").replace("2008年1月1日", "2023年1月1日")
    (seed_corpus / "law-2007.md").write_text(old, encoding="utf-8")
    (seed_corpus / "law-2022.md").write_text(new, encoding="utf-8")
    bot = make_bot(seed_corpus)
    bot.ingest()
    answer = bot.ask("旧版的示范职工休假法现在还有效吗？")
    assert answer.status == ANSWERED and answer.citations[0].doc_id == "law-2007"
    assert answer.answer.startswith("《示范职工休假法》（已被新版《示范职工休假法》替代）不再是现行文本。")
    assert ("law-2022", "第四条") in [(c.doc_id, c.article) for c in answer.citations]


@pytest.mark.parametrize("question", ["示范职工休假法规定劳动合同什么时候生效？", "示范职工休假法规定年休假几天？"])
def test_questions_about_what_the_law_says_are_not_record_questions(bot, question) -> None:
    answer = bot.ask(question)
    assert not answer.record_fields and answer.status == ANSWERED
    assert all(c.article not in ("标题", "题注") for c in answer.citations)


def test_a_question_going_on_after_its_cue_is_about_a_rule(bot) -> None:
    answer = bot.ask("依据示范职工休假法，由哪些部门对单位执行情况进行监督检查？")
    assert not answer.record_fields
