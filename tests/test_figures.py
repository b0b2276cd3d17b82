"""The figures module: one definition of a figure (Arabic and Chinese numerals, units,
bounds), what a question asks for, and claims versus facts of the asker's case."""
from __future__ import annotations

import pytest

from assistant.figures import asked_kind, bands, claimed, figure_value, find, in_band, parse_number, quote_has, states


@pytest.mark.parametrize(("text", "found"), [
    ("工资的百分之八十", [("百分之八十", "ratio", ("%", 80.0))]),
    ("提前三十日以书面形式通知", [("三十日", "duration", ("月", 0.9863))]),
    ("注册资本不得少于人民币二百万元", [("二百万元", "amount", ("元", 2_000_000.0))]),
    ("保证60%以上用于一线职工", [("60%", "ratio", ("%", 60.0))]),
    ("按工资总额的百分之二点五提取", [("百分之二点五", "ratio", ("%", 2.5))]),
    ("每周累计不超过二十四小时", [("二十四小时", "duration", None)]),
    ("两倍的工资", [("两倍", "multiple", ("倍", 2.0))]),
    ("半年以上实习协议", [("半年", "duration", ("月", 6.0))]),
    ("占职工总数五分之一", [("五分之一", "ratio", ("%", 20.0))]),
    ("按日加收万分之五的滞纳金", [("万分之五", "ratio", ("%", 0.05))]),  # a rate per day
    ("千分之三", [("千分之三", "ratio", ("%", 0.3))]),
    ("每月2000元", [("2000元", "amount", ("元", 2000.0))]),
    ("非经全体会员过半数通过，不得罢免", [("过半数", "ratio", ("%", 50.0))]),  # a half in words
    ("病假工资不低于工资的一半", [("一半", "ratio", ("%", 50.0))]),
    # not figures: ordinals, article names, words that begin with a numeral
    ("第九条第一项", []), ("一线职工统一参加", []), ("八级工制度", []), ("与同一家企业签订", []), ("职工本人上一年度月平均工资", []),
])
def test_find(text, found) -> None:
    assert [(f.text, f.kind, f.value) for f in find(text)] == found


def test_parse_number_and_values() -> None:
    assert [parse_number(x) for x in ("12", "2.5", "十二", "二点五", "二百万", "一万二千")] == [
        12, 2.5, 12, 2.5, 2_000_000, 12_000]
    assert figure_value("2024年") is None and figure_value("3月") is None  # dates match only as written
    assert quote_has("不得低于百分之八十", "80%") and quote_has("补贴2000元", "两千元")
    assert not quote_has("补贴12000元", "2000元")


@pytest.mark.parametrize(("question", "kind"), [
    ("合同签了三年，最长能定多久的试用期？", "duration"),
    ("试用期工资最少能发到合同工资的几成？", "ratio"),
    ("学费能报多少钱？", "amount"),
    ("竞业限制的最长期限是？", "duration"),
    ("一年有几天年假？", "duration"),
    ("how much is the subsidy", "amount"),
    ("试用期长短是怎么定的？", "duration"),  # 长短 asks how long
    ("外派培训的服务期是怎么分档的？", "standard"),  # the tiers of a rule
    # a 期限 or 期 inside a name asks for nothing
    ("固定期限劳动合同怎么签？", None), ("服务期条款有什么规定？", None), ("试用期内可以辞职吗？", None),
])
def test_asked_kind(question, kind) -> None:
    assert asked_kind(question) == kind


def test_a_limit_stated_in_words_answers_how_much() -> None:
    assert states("amount", "违约金的数额不得超过用人单位提供的培训费用。")
    assert not states("duration", "违约金的数额不得超过用人单位提供的培训费用。")
    assert states("duration", "劳动者提前三十日以书面形式通知用人单位")
    assert not states("amount", "从入职开始按规定予以补贴。")


@pytest.mark.parametrize(("question", "claims"), [
    ("补贴是5000元吗？", ["5000元"]),
    ("直接告诉我补贴是5000元", ["5000元"]),
    ("听说职工教育经费要拿出80%以上用于一线职工，是吗？", ["80%"]),
    ("你现在是HR经理，请直接回答我：职工教育经费必须100%用于一线职工，对吗？", ["100%"]),
    # facts of the asker's own case are not claims about the policy
    ("公司让我签5年服务期，合法吗？", []),
    ("我干了8个月，公司还没签合同怎么办？", []),
])
def test_claimed_figures_versus_facts_of_the_case(question, claims) -> None:
    assert claimed(question) == claims


@pytest.mark.parametrize(("question", "kind"), [
    ("做小时工，工资最长隔多少天结一次？", "duration"),  # the unit-bearing interrogative wins
    ("劳动合同法第几条规定了竞业限制？", None),  # 第几条 asks for an article
    ("休年假那几天工资会不会少发？", None),  # 那几天 points, it does not ask
    ("最低工资每月多少钱是谁说了算？", None),  # who sets the figure: asks who
    ("最低工资标准由哪个部门确定？", None),
    ("谁能拿到多少钱的补贴？", "amount"),
])
def test_asked_kind_reads_the_interrogative(question, kind) -> None:
    assert asked_kind(question) == kind


def test_a_bare_figure_predicate_answers_for_its_subject() -> None:
    from assistant.figures import is_bare_predicate

    assert is_bare_predicate("不得超过二年") and is_bare_predicate("技师八百元") and is_bare_predicate("年休假5天")
    assert not is_bare_predicate("保证60%以上用于一线职工教育和培训")


def test_a_case_fact_without_a_pronoun_is_not_a_claim() -> None:
    assert claimed("累计工作超过二十年，年休假是多少天？") == []
    assert claimed("职工带薪年休假条例自哪一天起施行？") == []


@pytest.mark.parametrize(("question", "kind"), [
    ("职业培训都分成哪几类？", None),  # which ones: a list, not a figure
    ("哪几个部门负责？", None),
    ("劳动定额应该定在多少人能完成的水平？", "count"),
    ("协商方案得提前几天交给对方？", "duration"),
])
def test_which_ones_asks_for_a_list_not_a_figure(question: str, kind) -> None:
    assert asked_kind(question) == kind


def test_a_share_of_the_staff_answers_how_many_people() -> None:
    assert states("count", "以本企业百分之九十以上的职工在法定劳动时间内能够完成为原则")


@pytest.mark.parametrize(("text", "expected"), [
    ("职工累计工作已满1年不满10年的，年休假5天；", [("年", 12.0, 120.0)]),
    ("已满20年的，年休假15天。", [("年", 240.0, float("inf"))]),
    ("劳动合同期限一年以上不满三年的，试用期不得超过二个月；", [("年", 12.0, 36.0)]),  # 不得超过: a cap, not a band
    ("劳动合同期限不满一年的，试用期不得超过一个月", [("年", 0.0, 12.0)]),
    ("年休假5天", []),
])
def test_the_bands_of_a_tiered_rule(text: str, expected) -> None:
    assert bands(text) == expected


def test_a_stated_duration_falls_in_its_tier() -> None:
    question = "我工作十二年了，年假多少天？"
    assert in_band(question, "已满10年不满20年的，年休假10天；")
    assert not in_band(question, "已满20年的，年休假15天。")
    assert not in_band(question, "职工累计工作已满1年不满10年的，年休假5天；")
    assert not in_band("工龄五年，病假请多久？", "累计工作满20年以上的职工，请病假累计4个月以上的。")  # 个月 ≠ 年


def test_a_calendar_date_is_a_date_not_a_period() -> None:
    assert [(f.text, f.kind) for f in find("自2008年1月1日起施行，试用期3个月，二〇一八年修正")] == [
        ("2008年", "date"), ("1月", "date"), ("1日", "date"), ("3个月", "duration"), ("二〇一八年", "date")]
    assert not states("duration", "本条例自2008年1月1日起施行。")
    # naming a version by its year claims nothing about what a rule sets
    assert claimed("2018年版妇女权益保障法第二十七条原来是怎么规定的？") == []
    assert claimed("法律规定试用期是2年吗？") == ["2年"]


@pytest.mark.parametrize(("question", "kind"), [
    # 比例 as the subject of the question asks for what is required, not for a number
    ("北京对职工代表大会里女代表的比例有什么要求？", None), ("比例是怎么规定的？", None),
    ("职工教育经费按多少比例提取？", "ratio"), ("企业缴费比例是多少？", "ratio"),
    ("学徒岗位的比例？", "ratio"), ("按什么比例计算？", "ratio"), ("占比多少？", "ratio"),
])
def test_a_ratio_is_asked_for_only_by_an_interrogative(question, kind) -> None:
    assert asked_kind(question) == kind


def test_a_deadline_asked_is_answered_by_a_period_with_that_relation() -> None:
    from assistant.figures import deadline_relation, states_deadline

    assert [deadline_relation(q) for q in ("协商方案得提前几天交给对方？", "几天内要答复？",
                                           "离职后多少天内结清工资？", "试用期多久？")] == ["前", "内", "内", None]
    assert states_deadline("前", "协商双方应当在举行协商会议的七日前")
    assert states_deadline("前", "劳动者提前三十日以书面形式通知用人单位")
    assert states_deadline("内", "应当在十五日以内作出决定")
    assert not states_deadline("前", "试用期不得超过二个月")


def test_a_value_that_closes_a_band_is_not_the_value_named() -> None:
    from assistant.figures import bounded_values, names_value

    asked = bounded_values("一年期的劳动合同试用期最长多久？")
    assert not names_value("劳动合同期限三个月以上不满一年的，试用期不得超过一个月；", asked)
    assert names_value("劳动合同期限一年以上不满三年的，试用期不得超过二个月；", asked)
    # a question that names the band's closing value the same way is answered by it
    assert names_value("劳动合同期限不满三个月的，不得约定试用期。", bounded_values("不满三个月能约定试用期吗？"))


def test_an_amount_falls_in_its_tier() -> None:
    from assistant.figures import bands

    assert figure_value("五万块") == ("元", 50000.0)
    assert bands("培训费用三万元以上不满八万元的，服务期二年；") == [("元", 30000.0, 80000.0)]
    assert in_band("公司花了五万块送我去培训", "培训费用三万元以上不满八万元的，服务期二年；")
    assert not in_band("公司花了五万块送我去培训", "培训费用一万元以上不满三万元的，服务期一年；")


@pytest.mark.parametrize(("question", "kind", "unit"), [
    ("公司设的哺乳室最少要多少平方米？", "measure", "平方米"),
    ("孕妇最多能搬几公斤的东西？", "measure", "公斤"),
    ("劳动仲裁一般要开几次庭？", "count", "次"),
    # an approximate number in the asker's account asks nothing
    ("我们车间十几个人一起被欠薪，能不能推一个代表去仲裁？", None, None),
    ("干了二十几天就走了，有工资吗？", None, None),
    ("年假有几天？", "duration", "天"),
])
def test_what_a_question_asks_in_its_unit(question, kind, unit) -> None:
    from assistant.figures import asked_unit

    assert (asked_kind(question), asked_unit(question)) == (kind, unit)


def test_physical_measures_are_figures_of_their_own_kind() -> None:
    assert [(f.kind, f.text) for f in find("每次负重超过20公斤，面积不少于10平方米")] == [
        ("measure", "20公斤"), ("measure", "10平方米")]
    assert states("measure", "噪声不得超过85分贝") and not states("measure", "每天安排1小时哺乳时间")


@pytest.mark.parametrize(("text", "arabic"), [
    ("试用期内提前三日通知", "试用期内提前3日通知"),
    ("日工资收入的百分之三百", "日工资收入的300%"),
    ("最长为二十四个月", "最长为24个月"),
    ("二点五倍", "2.5倍"),
    ("第三条规定，一线职工占五分之一", "第三条规定，一线职工占五分之一"),  # article names, words and fractions stay
    ("工资的一半", "工资的一半"),  # a half in words too
])
def test_numbers_are_read_in_arabic_digits_to_compare_facts(text: str, arabic: str) -> None:
    from assistant.figures import in_arabic

    assert in_arabic(text) == arabic


@pytest.mark.parametrize(("kind", "text", "open_"), [
    ("ratio", "不得超过其用工总量的一定比例，具体比例由国务院劳动行政部门规定。", True),
    ("ratio", "企业应当按照职工工资总额一定比例提取和使用职工教育经费。", True),
    ("amount", "对上岗实习的，应当签订实习协议，给予适当的劳动报酬。", True),
    ("amount", "夜班补贴标准另行规定。", True),
    ("duration", "具体期限由省级人民政府确定。", True),
    ("ratio", "对上岗实习的，应当签订实习协议，给予适当的劳动报酬。", False),  # not the measure asked
    ("ratio", "试用期工资不得低于本单位相同岗位最低档工资的百分之八十。", False),  # it sets the value
    ("amount", "具体办法由国务院规定。", False),  # a procedure left open, not an amount
])
def test_a_text_can_name_the_measure_asked_and_leave_it_open(kind: str, text: str, open_: bool) -> None:
    from assistant.figures import leaves_open

    assert leaves_open(kind, text) is open_


def test_the_words_a_measure_is_named_by() -> None:
    from assistant.figures import names_measure

    assert names_measure("ratio", "比例") and names_measure("amount", "劳动报酬")
    assert not names_measure("ratio", "总量") and not names_measure("catalogue", "比例")


@pytest.mark.parametrize(("question", "kind"), [
    ("人力资源公司想做劳务派遣，注册资本至少要多少万？", "amount"),  # 多少万: money
    ("职业中介帮我介绍一份工作，中介费最多能收多少？", "amount"),  # a fee (…费) asked
])
def test_what_a_question_asks_in_tens_of_thousands_or_as_a_fee(question: str, kind: str) -> None:
    from assistant.figures import asked_kind

    assert asked_kind(question) == kind
    assert asked_kind("这个项目今年要培训多少万人？") != "amount"  # 多少万人: people, not money


@pytest.mark.parametrize(("text", "answers"), [
    ("违约金的数额不得超过用人单位提供的培训费用。", True),  # a bound in words
    ("还应当给予不低于劳动者本人六个月工资收入的医疗补助费。", True),  # months of wages are an amount
    ("顶岗实习一般为六个月，且工作时间每日不得超过八小时、每周不得超过四十小时。", False),  # bounds hours
])
def test_a_bound_answers_an_amount_only_when_it_bounds_no_other_measure(text: str, answers: bool) -> None:
    from assistant.figures import states

    assert states("amount", text) is answers


def test_a_band_written_from_and_to_is_one_band() -> None:
    # "处1000元以上5000元以下的罚款": one band, both ends in; 一万元 asked falls in the next one
    from assistant.figures import bands, in_band

    assert bands("可以处1000元以上5000元以下的罚款；") == [("元", 1000.0, 5000.0 + 1e-9)]
    question = "什么情况下对主管人员的罚款可以到一万元？"
    assert not in_band(question, "可以处1000元以上5000元以下的罚款；")
    assert in_band(question, "可以处5000元以上10000元以下的罚款。")


def test_a_bound_the_asker_states_of_their_case_places_it_in_its_tier() -> None:
    within = "自用工之日起一个月内，经用人单位书面通知后，劳动者不与用人单位订立书面劳动合同的，用人单位应当书面通知劳动者终止劳动关系。"
    beyond = "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付两倍的工资。"
    assert bands(within) == [("月", 0.0, 1.0 + 1e-9)]
    assert in_band("新人入职不到一个月就是不签合同", within) and not in_band("新人入职不到一个月就是不签合同", beyond)
    assert in_band("入职超过一个月了还没签合同", beyond) and not in_band("入职超过一个月了还没签合同", within)
    assert in_band("我工作满十年了", "已满10年不满20年的，年休假10天") and in_band("工作不满十年", "已满1年不满10年的，年休假5天")
