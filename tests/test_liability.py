"""Questions about consequences (罚多少, 会有什么后果) reach the 法律责任 chapter, whose
articles are read with the rules they cite by number."""
from __future__ import annotations

from assistant.liability import asks_consequence, cited_articles, is_liability
from assistant.models import Clause

LAW = """# 示范就业促进法

## 第一章 总则

第一条 为了促进就业，制定本法。

## 第二章 公平就业

第二条 用人单位招用人员，不得以性别为由拒绝录用妇女或者提高对妇女的录用标准。

第三条 用人单位应当按时足额支付劳动报酬。

## 第三章 法律责任

第四条 用人单位违反本法第二条规定的，由劳动行政部门责令改正；拒不改正的，处一万元以上五万元以下罚款。

第五条 本法自2020年1月1日起施行。
"""


def _clause(text: str, chapter: str = "") -> Clause:
    return Clause("c", "d", "题", "四", "", text, 0, len(text), chapter=chapter)


def test_consequence_questions_liability_clauses_and_cited_articles() -> None:
    assert asks_consequence("招聘歧视会被罚多少？") and asks_consequence("不签合同会有什么后果？")
    assert not asks_consequence("试用期最长多久？")
    assert asks_consequence("不签书面劳动合同是怎么处理的？") and not asks_consequence("怀孕期间合同到期怎么处理？")
    # what someone should do about a breach is no question about its consequence
    assert not asks_consequence("通知新员工签合同他就是不签，公司该怎么处理？")
    assert not asks_consequence("员工拒不交接工作，单位应当如何处理？")
    # what the wronged party can claim is a consequence of the breach too
    assert asks_consequence("公司一直没签书面合同，我能主张什么？") and asks_consequence("被违法辞退可以要求什么？")
    assert not asks_consequence("签合同时公司能要求我提供什么材料吗")
    assert is_liability(_clause("……", "第七章 法律责任")) and not is_liability(_clause("……", "第二章 劳动合同的订立"))
    assert cited_articles(_clause("用人单位违反本法第四十三条和第四十八条规定的，处罚款。")) == ["第四十三条", "第四十八条"]


def test_a_penalty_question_is_answered_by_the_article_enforcing_the_rule(make_bot, seed_corpus) -> None:
    (seed_corpus / "law.md").write_text(LAW, encoding="utf-8")
    bot = make_bot(seed_corpus)
    bot.ingest()
    rule = bot.ask("用人单位招聘时以性别为由拒绝录用妇女，怎么规定？")
    assert rule.citations[0].article == "第二条"
    penalty = bot.ask("用人单位招聘时以性别为由拒绝录用妇女，会被怎么处罚？")
    assert (penalty.citations[0].doc_id, penalty.citations[0].article) == ("law", "第四条")


def test_a_company_rules_sanctions_are_sanctions() -> None:
    from assistant.models import Clause

    def clause(text: str) -> Clause:
        return Clause(clause_id="c:a01:s01", doc_id="c", doc_title="c", article="第二十七条", heading="", text=text,
                      start=0, end=len(text))

    assert is_liability(clause("职工无正当理由不参加公司统一安排的培训累计两次以上的，取消其当年度评优资格。"))
    assert is_liability(clause("违反本细则的，给予警告或者通报批评。"))
    assert not is_liability(clause("职工参加培训的，培训期间工资照常发放。"))


def test_a_sanction_outside_a_liability_chapter_counts_and_facts_are_not_consequence_questions() -> None:
    assert is_liability(_clause("对逾期不改正的，除责令该单位支付年休假工资报酬外，单位还应当加付赔偿金。"))
    assert not asks_consequence("用人单位已支付赔偿金的，还需要另行支付经济补偿吗？")  # 赔偿金 is a fact here


def test_a_consequence_question_is_answered_by_the_sanction_half_of_the_sentence(segmenter) -> None:
    from assistant.models import Clause
    from assistant.query import analyse, kind_of
    from assistant.reader import read

    assert kind_of("老板拖着工资不发，劳动局责令了他还不给，会怎么样？") == "consequence"
    assert kind_of("违反规定会有什么后果？") == "consequence" and kind_of("有哪些补贴？") == "list"
    query = analyse("老板拖着工资不发，劳动局责令了他还不给，会怎么样？", segmenter)
    article = [Clause(f"t:a26:s0{i}", "t", "示范条例", "第二十六条", "", text, 0, 0, order=i) for i, text in enumerate([
        "用人单位克扣或者无故拖欠劳动者工资报酬的，由劳动保障行政部门责令限期支付；",
        "逾期不支付的，责令用人单位按照应付金额50%以上1倍以下的标准计算，向劳动者加付赔偿金。"])]
    weights = [(1.0, (t,)) for t in query.terms]
    assert all(r.slot for r in read(query, weights, article))


def test_a_sanction_enforcing_parts_of_the_appendix_cites_them(corpus_bot) -> None:
    fine = "用人单位违反本规定附录第一条、第二条规定的，处一千元以上五千元以下罚款。"
    assert cited_articles(_clause(fine)) == ["附录一", "附录第一条", "附录二", "附录第二条"]
    assert cited_articles(_clause("违反本规定第五条、附录第三条规定的，处罚款。")) == ["附录三", "附录第三条", "第五条"]
    # the appendix rule's words reach the article enforcing it: a penalty question is answered by it
    bot = corpus_bot({"women.md": "# 示范女职工保护规定\n\n第一条 女职工禁忌从事的劳动范围由本规定附录列示。\n\n"
                      "第二条 用人单位应当遵守女职工禁忌从事的劳动范围的规定。\n\n"
                      f"第三条 {fine}\n\n第四条 本规定自公布之日起施行。\n\n附录：\n\n女职工禁忌从事的劳动范围\n\n"
                      "一、女职工禁忌从事的劳动范围：\n\n(一)矿山井下作业；\n\n(二)第四级体力劳动强度的作业。\n\n"
                      "二、女职工在经期禁忌从事的劳动范围：\n\n(一)高处作业分级标准中规定的第三级高处作业。\n"})
    answer = bot.ask("用人单位安排女职工从事矿山井下作业，会受到什么处罚？")
    assert answer.citations[0].article == "第三条"
