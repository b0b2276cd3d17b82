"""Conflicting texts (issue 14, point 5): a national and a local text giving different
figures for the same thing are both shown, each labelled with where it applies, and the
direct answer says which applies where; texts that agree, texts of another region than the
one asked about, and questions naming one document are left alone."""
from __future__ import annotations


import pytest

from assistant.conflicts import WHERE_APPLIES
from assistant.models import ANSWERED

LAW = """# 示范职工休假法

第一条 为了保障职工休息休假，制定本法。

第二条 职工连续工作满一年不满十年的，带薪年休假不得少于五天；满十年的，不得少于十天。

第三条 职工患病的，医疗期不得少于三个月。

第四条 本法自2008年1月1日起施行。
"""
CITY = """# 江州市职工休假条例

第一条 为了保障本市职工休息休假，根据有关法律，制定本条例。

第二条 本市职工连续工作满一年不满十年的，带薪年休假不得少于七天。

第三条 职工患病的，医疗期不得少于三个月。

第四条 本条例自2010年5月1日起施行。
"""
OTHER_CITY = """# 河阳市职工培训条例

第一条 为了规范职工培训，制定本条例。

第二条 职工参加培训的，每年不少于四十学时。
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory, segmenter):
    from tests.conftest import bot_with_documents

    with bot_with_documents(tmp_path_factory, segmenter, "conflicts",
                            {"law.md": LAW, "city.md": CITY, "other.md": OTHER_CITY}) as bot:
        yield bot


def _cited(answer) -> list[tuple[str, str]]:
    return [(c.doc_id, c.article) for c in answer.citations]


def test_a_national_and_a_local_figure_are_both_shown_with_where_each_applies(bot) -> None:
    answer = bot.ask("职工连续工作满一年不满十年的，带薪年休假最少几天？")
    assert answer.status == ANSWERED
    assert {("law", "第二条"), ("city", "第二条")} <= set(_cited(answer))
    direct = answer.answer.split("依据：")[0]
    assert "五天" in direct and "七天" in direct  # both figures in the direct answer, each cited
    lead, other = ("《示范职工休假法》", "《江州市职工休假条例》")
    if answer.citations[0].doc_id == "city":
        lead, other = other, lead
    scopes = {"《示范职工休假法》": "全国", "《江州市职工休假条例》": "江州市"}
    assert WHERE_APPLIES.format(lead=lead, lead_scope=scopes[lead], other=other, other_scope=scopes[other]) in direct
    assert f"{other}第二条（{scopes[other]}）的规定不同：" in direct
    assert {c.doc_region for c in answer.citations} == {"全国", "江州市"}


def test_a_question_about_the_region_leads_with_its_text_and_shows_the_national_one(bot) -> None:
    answer = bot.ask("在江州市，职工连续工作满一年不满十年的，带薪年休假最少几天？")
    assert _cited(answer)[0] == ("city", "第二条") and ("law", "第二条") in _cited(answer)


def test_texts_that_agree_are_not_a_conflict(bot) -> None:
    answer = bot.ask("职工患病的，医疗期最少多久？")
    assert answer.status == ANSWERED and "的规定不同" not in answer.answer


def test_another_regions_text_is_not_shown_and_a_named_document_answers_alone(bot) -> None:
    asked_elsewhere = bot.ask("在河阳市，职工连续工作满一年不满十年的，带薪年休假最少几天？")
    assert "city" not in {c.doc_id for c in asked_elsewhere.citations}
    named = bot.ask("示范职工休假法规定，职工连续工作满一年不满十年的，带薪年休假最少几天？")
    assert {c.doc_id for c in named.citations} == {"law"} and "的规定不同" not in named.answer


COMPANY = """# 星光公司职工培训细则

第一条 为了规范职工培训，制定本细则。

第二条 职工连续工作满一年的，可以申请脱产培训，培训期不超过三十天。
"""


def test_a_rule_sharing_only_common_words_is_no_conflict(make_bot, tmp_path) -> None:
    # the company rule shares 职工连续工作满 with the question but not what it is about (年假, which the law
    # writes 年休假: the topic is held through the lexicon, not literally)
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "law.md").write_text(LAW, encoding="utf-8")
    (corpus / "company.md").write_text(COMPANY, encoding="utf-8")
    (corpus / "company.meta.json").write_text('{"level": "企业"}', encoding="utf-8")
    bot = make_bot(corpus)
    bot.ingest()
    answer = bot.ask("职工连续工作满十二年的，年假最少几天？")
    assert answer.citations[0].doc_id == "law"
    assert "company" not in {c.doc_id for c in answer.citations}
    assert "规定不同" not in answer.answer


PROBATION_LAW = """# 示范劳动合同法

第一条 为了规范劳动合同，制定本法。

第二条 劳动合同期限不满三个月的，不得约定试用期。

第三条 劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同。

第四条 用人单位违反本法规定招聘时实行性别歧视的，由劳动行政部门责令改正；拒不改正的，处一万元以上五万元以下罚款。
"""
PROBATION_CITY = """# 江州市劳动合同条例

第一条 为了规范本市劳动合同，制定本条例。

第二条 劳动合同期限不满六个月的，不得设试用期。

第三条 用人单位提前三十日以书面形式通知劳动者本人或者额外支付劳动者一个月工资后，可以解除劳动合同。

第四条 用人单位未与劳动者订立书面劳动合同的，由劳动行政部门责令改正，并可以按每人五百至一千元处以罚款。
"""


@pytest.fixture(scope="module")
def contract_bot(tmp_path_factory, segmenter):
    from tests.conftest import bot_with_documents

    with bot_with_documents(tmp_path_factory, segmenter, "contract-conflicts",
                            {"law.md": PROBATION_LAW, "city.md": PROBATION_CITY}) as bot:
        yield bot


def test_a_rule_asked_about_without_a_figure_is_compared_with_the_same_rule_elsewhere(contract_bot) -> None:
    # a yes/no question: the rule the answer leads with sets 三个月, the city's rule worded alike sets 六个月
    answer = contract_bot.ask("劳动合同期限不满三个月，能约定试用期吗？")
    assert answer.status == ANSWERED
    assert {("law", "第二条"), ("city", "第二条")} <= set(_cited(answer))
    direct = answer.answer.split("依据：")[0]
    assert "不满三个月" in direct and "不满六个月" in direct and "的规定不同：" in direct


def test_the_same_notice_period_is_no_conflict_whatever_else_the_rule_pays(contract_bot) -> None:
    # "额外支付劳动者一个月工资" is a payment, not a notice period: both texts say 三十日
    answer = contract_bot.ask("解除劳动合同要提前几天通知？")
    assert answer.status == ANSWERED and "的规定不同" not in answer.answer


def test_a_fine_for_another_offence_is_no_conflict(contract_bot) -> None:
    # both texts fine an employer, for different things: the conditions share no wording
    answer = contract_bot.ask("招聘时搞性别歧视的单位会被罚多少钱？")
    assert ("law", "第四条") == _cited(answer)[0] and "的规定不同" not in answer.answer
