""""文件没有规定……" is a claim about the text (issue 12, point 7): it is made only when none
of the articles that treat the question states what was asked, and it is made when that is
true. A small law-style text, a fake embedder: each mechanism that kept a false claim away."""
from __future__ import annotations

import pytest

from assistant.models import ANSWERED, NOT_SPECIFIED

RULES = """# 示范职工休假与协商办法

第一条 为了保障职工休息休假和工资集体协商，制定本办法。

第二条 单位确因工作需要不能安排职工休年休假的，经职工本人同意，可以不安排职工休年休假。

第三条 职工有下列情形之一的，不享受当年的年休假：
（一）职工请事假累计20天以上且单位按照规定不扣工资的；
（二）累计工作满1年不满10年的职工，请病假累计2个月以上的。

第四条 协商双方应当在举行协商会议的七日前，如实向对方提供协商方案以及与协商方案相关的信息和资料。

第五条 用人单位未与劳动者订立书面劳动合同的，由劳动行政部门责令限期改正，并可以按每人五百至一千元处以罚款。

第六条 各单位职工代表大会中女代表的比例应当与本单位女职工占职工总人数的比例相适应。

第七条 本办法自2018年1月1日起施行。
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory, segmenter):
    from tests.conftest import bot_with_documents

    with bot_with_documents(tmp_path_factory, segmenter, "unspecified", {"rules.md": RULES}) as bot:
        yield bot


@pytest.mark.parametrize(("question", "stated"), [
    # the figure stands in another article of the same text that treats the question as fully
    ("事假请了多少天，当年就不能休年假了？", "20天"),
    # the period asked "提前几天" is the one stated "七日前", whatever the rest of the phrase says
    ("协商方案得提前几天交给对方？", "七日前"),
    # 罚 is 罚款 in the text
    ("不签书面劳动合同的单位会被罚多少钱？", "五百至一千元"),
])
def test_a_figure_the_text_states_is_answered_not_denied(bot, question: str, stated: str) -> None:
    answer = bot.ask(question)
    assert answer.status == ANSWERED, answer.answer
    assert not answer.answer.startswith("文件没有规定")
    assert stated in answer.answer.split("依据：")[0]


def test_a_requirement_on_a_ratio_is_answered_with_the_rule(bot) -> None:
    answer = bot.ask("职工代表大会里女代表的比例有什么要求？")
    assert answer.status == ANSWERED and "相适应" in answer.answer.split("依据：")[0]


def test_a_year_naming_a_version_is_not_a_figure_to_contradict(bot) -> None:
    answer = bot.ask("2018年的示范职工休假与协商办法对女代表比例怎么规定？")
    assert "没有您提到的数字" not in answer.answer and answer.status == ANSWERED


def test_not_specified_is_still_said_when_it_is_true(bot) -> None:
    answer = bot.ask("职工代表大会里女代表的比例最低是百分之几？")
    assert answer.status == NOT_SPECIFIED
    assert answer.answer.startswith("文件没有规定具体比例")
    assert answer.citations[0].article == "第六条"


def test_a_question_mostly_about_a_treated_rule_is_not_refused_for_one_untreated_word(fake_bot) -> None:
    # 社保 is a topic the seed does not treat (its lexicon's out-of-scope list); the rest of the
    # question is what article 八 says: the text is cited and said not to set the figure
    answer = fake_bot.ask("纳入城市直接落户范围的高技能人才需要缴满几年社保？")
    assert answer.status == NOT_SPECIFIED and answer.citations[0].article == "八"
    # a question about the untreated topic itself is still refused
    assert fake_bot.ask("社保缴费基数是怎么核定的？").status == "not_found"


@pytest.mark.parametrize(("question", "quote", "gives"), [
    # 劳动 is a piece of 劳动合同法 here, and of 劳动者 in the quote: the ratio is a 赔偿金's
    ("劳动合同法里，加班费按工资的几倍计算？",
     "逾期不支付的，责令用人单位按应付金额百分之五十以上百分之一百以下的标准向劳动者加付赔偿金。", False),
    ("实习生的劳动报酬最低应该给多少钱？", "用人单位按应付金额百分之五十以上的标准向劳动者加付赔偿金。", False),
    # a piece of the question's word standing as a word of the quote is its topic
    ("试用期工资不得低于同岗位最低档工资的百分之几？", "劳动者在试用期的工资不得低于本单位相同岗位最低档工资的80%。", True),
    ("工资集体协商最长要在多久内谈完？", "协商双方应当在协商会议开始之日起三十个工作日内完成协商。", True),
    # a fine stands alone in its phrase: the sanction is what "要罚多少" asks about
    ("收到整改指令后公司一直不照做，要罚多少？", "逾期未改正的，处五千元以上十万元以下罚款。", True),
    # a count of what the question counts, not of another thing in the sentence
    ("一个单位的工会可以配几个专职工作人员？", "职工二百人以上的企业的工会，可以设专职工会主席。", False),
    ("一个单位的工会可以配几个专职工作人员？", "职工二百人以上的企业的工会，应当配备二名以上专职工作人员。", True),
    ("工资协商最多能请几个外部专家？", "外部专家不得超过本方代表的三分之一。", True),
])
def test_a_figure_answers_only_about_the_words_the_question_uses(segmenter, question, quote, gives) -> None:
    from assistant.query import analyse, quote_gives

    query = analyse(question, segmenter)
    assert quote_gives(query.asks, quote, query) is gives


def test_a_figure_in_another_unit_does_not_answer(segmenter) -> None:
    from assistant.query import analyse, quote_gives

    query = analyse("劳动仲裁一般要开几次庭才能裁决？", segmenter)
    assert not quote_gives(query.asks, "仲裁庭由三名仲裁员组成，设首席仲裁员。", query)
    assert quote_gives(query.asks, "仲裁庭裁决劳动争议案件，开庭不得超过两次。", query)


def test_the_only_figure_of_a_sentence_answers_for_the_topic_its_phrase_names(segmenter) -> None:
    from assistant.query import analyse, quote_gives

    query = analyse("提前通知期最长可以约定多久？", segmenter)
    assert quote_gives(query.asks, "劳动合同当事人可以就提前通知期作出约定，但提前通知期不得超过六个月。", query)


def test_quotes_that_do_not_state_the_asked_figure_are_not_offered_as_if_they_did(bot) -> None:
    from dataclasses import replace

    from assistant.answering import AnswerWriter
    from assistant.query import analyse

    # coverage too weak to say "文件没有规定…" (a threshold above any coverage here): the quotes
    # are given, said first not to state the area asked for
    writer = AnswerWriter(replace(bot.settings.thresholds, unstated_coverage=1.01), bot.settings.max_quotes)
    snap = bot.index.snapshot
    answer = writer.write(bot.retriever.search(analyse("职工代表大会的会场最少要多少平方米？", bot.segmenter)), snap)
    assert answer.status == ANSWERED and answer.answer.startswith("以下条文没有写明具体数值。根据")
    # a quote that states the figure asked for is not hedged
    answer = writer.write(bot.retriever.search(analyse("协商方案得提前几天交给对方？", bot.segmenter)), snap)
    assert answer.answer.startswith("根据") and "七日前" in answer.answer.split("依据：")[0]


def test_the_cited_sentence_stating_the_figure_asked_for_leads(bot) -> None:
    from dataclasses import replace

    from assistant.models import Hit
    from assistant.query import analyse

    # another article ranked first; the one stating "七日前" is cited beside it: it leads
    snap = bot.index.snapshot
    retrieval = bot.retriever.search(analyse("协商方案得提前几天交给对方？", bot.segmenter))
    first, stating = snap.article_clauses("rules", "第二条")[0], snap.article_clauses("rules", "第四条")[0]
    retrieval = replace(retrieval, hits=[Hit(first, 1.0, coverage=0.9), Hit(stating, 0.99, coverage=0.9)])
    answer = bot.writer.write(retrieval, snap)
    assert answer.citations[0].article == "第四条" and "七日前" in answer.answer.split("依据：")[0]


def test_every_retrieved_article_is_read_before_saying_the_text_sets_no_figure(bot) -> None:
    from dataclasses import replace

    from assistant.models import Hit
    from assistant.query import analyse

    # four articles that state no amount rank above the one that does: it is found, not denied
    snap = bot.index.snapshot
    retrieval = bot.retriever.search(analyse("用人单位没订立书面劳动合同会被罚多少钱？", bot.segmenter))
    ranked = ["第二条", "第三条", "第六条", "第一条", "第五条"]
    hits = [Hit(snap.article_clauses("rules", a)[0], 1.0 - n / 100, coverage=0.9) for n, a in enumerate(ranked)]
    answer = bot.writer.write(replace(retrieval, hits=hits), snap)
    assert answer.status == ANSWERED and answer.citations[0].article == "第五条"
    assert "五百至一千元" in answer.answer.split("依据：")[0]


def test_a_period_is_not_an_age(segmenter) -> None:
    from assistant.query import analyse, quote_gives

    query = analyse("法定退休年龄到底是多少岁？", segmenter)
    assert not quote_gives(query.asks, "在本单位连续工作满十五年，且距法定退休年龄不足五年的；", query)
    assert quote_gives(query.asks, "职工的法定退休年龄为男年满六十周岁。", query)


def test_a_turn_leaning_on_the_askers_account_reads_the_figure_with_its_words(segmenter) -> None:
    from dataclasses import replace

    from assistant.query import analyse, quote_gives

    quote = "累计缴费十年以上的，领取失业保险金的期限最长为二十四个月。"
    alone = analyse("那最多能领多久？", segmenter)
    told = replace(alone, case="我交了12年失业保险，上个月被公司裁员了。")
    assert not quote_gives(alone.asks, quote, alone)  # nothing says what the period is of
    assert quote_gives(told.asks, quote, told)  # the account says: 失业保险


def test_a_local_rule_leaving_the_figure_to_the_national_one_is_answered_from_it(corpus_bot) -> None:
    # the city's rule only says its rate floats on "国家规定的最低缴存比例"; the national rule
    # loaded beside it states that minimum: no "文件没有规定", the national sentence answers
    bot = corpus_bot({
        "national.md": "# 示范公积金管理条例\n\n第一条 职工和单位公积金的缴存比例均不得低于职工上一年度月平均工资的5%。\n\n"
                       "第二条 单位应当按时足额缴存公积金。\n",
        "city.md": "# 江州市公积金管理若干规定\n\n第一条 本市公积金的缴存比例，可以在国家规定的最低缴存比例基础上浮动确定。\n\n"
                   "第二条 单位应当按照国家规定的本单位职工工资总额的比例缴纳养老保险费。\n",
        "fund.md": "# 示范失业保险条例\n\n第一条 单位按照本单位工资总额的2%缴纳失业保险费。\n"})
    answer = bot.ask("在江州，公积金的缴存比例最低是多少？")
    assert answer.status == ANSWERED
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("national", "第一条")
    assert "不得低于职工上一年度月平均工资的5%" in answer.answer.split("依据：")[0]
    # a national text's rate for another fund does not answer for the one deferred
    answer = bot.ask("在江州，单位的养老保险费按工资总额的百分之几交？")
    assert answer.status == NOT_SPECIFIED and "2%" not in answer.answer


def test_how_many_must_agree_is_answered_by_the_share_that_must_vote(segmenter) -> None:
    from assistant.query import analyse, quote_gives

    rule = "非经会员大会全体会员或者会员代表大会全体代表过半数通过，不得罢免。"
    query = analyse("工会主席任期没满，要罢免他得多少人同意？", segmenter)
    assert query.asks == "count" and quote_gives("count", rule, query)
    # a head count not about a vote is not answered by a share of another thing
    query = analyse("工会主席任期没满，工会委员会要有多少人？", segmenter)
    assert not quote_gives("count", rule, query)


def test_the_sentence_leaving_the_asked_figure_open_is_quoted_for_not_specified(corpus_bot) -> None:
    # the article sharing most words sets no ratio; the one saying the ratio is left to another
    # body is the text's own word that none is set: it leads "文件没有规定具体比例"
    bot = corpus_bot({"law.md": "# 示范劳务派遣法\n\n"
                      "第一条 用工单位不得将被派遣劳动者再派遣到其他用人单位。\n\n"
                      "第二条 用工单位应当严格控制劳务派遣用工数量，不得超过其用工总量的一定比例，"
                      "具体比例由国务院劳动行政部门规定。\n\n"
                      "第三条 企业应当按照职工工资总额一定比例提取职工教育经费。\n\n"
                      "第四条 被派遣劳动者的继续教育经费从职工教育经费中列支。\n"})
    answer = bot.ask("用工单位使用的被派遣劳动者最多能占用工总量的百分之几？")
    assert answer.status == NOT_SPECIFIED
    assert answer.citations[0].article == "第二条"
    assert answer.answer.startswith("文件没有规定具体比例。") and "具体比例由国务院劳动行政部门规定" in answer.answer.split("依据：")[0]
    # a ratio left open for another thing (of the wage bill, not of the fund asked about) does not lead
    answer = bot.ask("职工教育经费中多大比例用于被派遣劳动者的继续教育？")
    assert answer.citations[0].article == "第四条"


def test_two_figures_of_one_rule_joined_by_or_state_what_is_asked(segmenter) -> None:
    # both figures are about 旷工 ("或者" gives another case of the same phrase): the sentence states
    # the period asked, so no "以下条文没有写明具体期限" in front of it
    from assistant.phrases import with_alternatives
    from assistant.query import analyse, quote_gives

    rule = "事业单位工作人员连续旷工超过15个工作日，或者1年内累计旷工超过30个工作日的，事业单位可以解除聘用合同。"
    assert with_alternatives(rule) == ["事业单位工作人员连续旷工超过15个工作日，或者1年内累计旷工超过30个工作日的", "事业单位可以解除聘用合同"]
    query = analyse("在事业单位上班，一年里断断续续旷工加起来超过多少天，单位就可以解聘？", segmenter)
    assert query.asks == "duration" and quote_gives("duration", rule, query)


def test_a_fine_answers_only_a_question_about_the_sanction(segmenter) -> None:
    from assistant.query import analyse, quote_gives

    fine = "职业中介机构为不满16周岁的未成年人介绍就业的，由劳动保障行政部门按照每介绍一人处5000元罚款的标准给予处罚。"
    assert not quote_gives("amount", fine, analyse("职业中介帮我介绍工作，中介机构的介绍费最多能收多少？", segmenter))
    assert quote_gives("amount", fine, analyse("职业中介机构介绍童工就业，要罚多少钱？", segmenter))


def test_a_whether_clause_naming_a_decision_does_not_ask_yes_or_no(segmenter) -> None:
    from assistant.query import analyse

    asked = analyse("申请职业中介的行政许可，人社部门多少天内要给出是否许可的决定？", segmenter)
    assert asked.asks == "duration" and not asked.yes_no
    assert analyse("人社部门是否可以不作决定？", segmenter).yes_no


def test_a_period_asked_in_hours_is_called_a_length_of_time() -> None:
    from assistant.direct import ask_name

    assert ask_name("duration", "每天最多能让他们训练几个小时？") == "具体时长"
    assert ask_name("duration", "试用期最长多久？") == "具体期限" and ask_name("ratio", "占百分之几？") == "具体比例"


def test_a_figure_with_an_aside_in_brackets_states_what_is_asked(segmenter) -> None:
    # "(二)春节，放假3天(农历正月初一、初二、初三)；": the brackets say which days, not another
    # subject; the item states the 3 days asked, so no "文件没有规定具体期限"
    from assistant.query import analyse, quote_gives

    item = "(二)春节，放假3天(农历正月初一、初二、初三)；"
    assert quote_gives("duration", item, analyse("春节法定放几天假？", segmenter))


def test_a_cited_article_treating_less_of_the_question_does_not_answer_for_the_main_one(corpus_bot) -> None:
    # the article treating the question sets no figure; another cited beside it, holding much less
    # of the question, does not lend it its figure (女职工多少人 ← "每多哺乳1个婴儿")
    from dataclasses import replace

    from assistant.query import analyse

    bot = corpus_bot({"women.md": "# 示范女职工劳动保护规定\n\n"
                      "第九条 用人单位应当在每天的劳动时间内为哺乳期女职工安排1小时哺乳时间。\n\n"
                      "第十条 女职工比较多的用人单位应当建立女职工卫生室、孕妇休息室、哺乳室等设施。\n"})
    retrieval = bot.retriever.search(analyse("哺乳室里每天的哺乳时间有多长？", bot.segmenter))
    main = replace(next(h for h in retrieval.hits if h.clause.article == "第十条"), coverage=0.9)
    other = next(h for h in retrieval.hits if h.clause.article == "第九条")
    articles, floor = bot.index.snapshot.article_clauses, main.coverage * bot.settings.thresholds.stating_coverage_share

    def stating(coverage: float):
        cited = [main, replace(other, coverage=coverage)]
        return bot.writer._stating(replace(retrieval, hits=cited), cited, articles)

    assert stating(floor - 0.01) is None
    stated = stating(floor)
    assert stated is not None and stated.clause.article == "第九条"


def test_hours_asked_with_a_measure_word_are_a_length_of_time() -> None:
    from assistant.figures import asked_kind

    assert asked_kind("安全培训每年要上多少个小时？") == "duration"
    assert asked_kind("每年要上多少个学时？") == "duration"
    assert asked_kind("车间里有多少个岗位？") == "count"


def test_a_sentence_whose_subject_names_the_measure_gives_its_values_case_by_case(segmenter) -> None:
    # "<topic>的时间，<case 1>…N学时，<case 2>…M学时": each case's figure is the measure the subject names
    from assistant.query import analyse, quote_gives

    rule = "生产经营单位从业人员接受安全培训的时间，主要负责人每年不少于十二学时，其他从业人员每年不少于八学时。"
    query = analyse("员工每年接受安全培训的时间最少多少学时？", segmenter)
    assert query.asks == "duration" and quote_gives("duration", rule, query)
    # no measure named by the subject, or a figure in it: not read so
    assert not quote_gives("duration", "生产经营单位应当组织安全培训，主要负责人每年不少于十二学时，其他从业人员每年不少于八学时。", query)
