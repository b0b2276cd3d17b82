"""Which text a question reaches (issue 14, point 2): a named document's own name does not
pick its article; a named region boosts only its texts that treat the question (else the
national text answers); "修订之前" asks for the earlier version."""
from __future__ import annotations

from assistant.documents import alias_table, asks_old_version, records, without_names
from assistant.models import SourceDocument

LAW = """# 示范劳动合同法

第一条 为了规范示范劳动合同，完善示范劳动合同制度，制定本法。

第二条 竞业限制期限，不得超过二年。

第三条 劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同。

第四条 本法自2008年1月1日起施行。
"""
CITY = """# 江州市妇女权益保障办法

第一条 为了保障本市妇女的合法权益，根据示范劳动合同法和有关法律，结合本市实际，制定本办法。

第二条 用人单位不得因结婚、怀孕降低女职工的工资。

第三条 女职工的劳动合同中不得含有限制结婚、生育的内容。

第四条 本办法自2010年1月1日起施行。
"""


def test_without_names_blanks_the_document_names_a_question_uses() -> None:
    docs = {"law": SourceDocument("law", "中华人民共和国劳动合同法", "…")}
    table = alias_table(docs)
    assert without_names("《中华人民共和国劳动合同法》对违约金怎么规定？", table) == "，对违约金怎么规定？"
    assert without_names("劳动合同期限怎么定？", table) == "劳动合同期限怎么定？"  # not a name


def test_before_the_revision_asks_for_the_earlier_version() -> None:
    docs = {"old": SourceDocument("old", "示范法", "示范法\n2018年10月26日……修正\n第一条 ……"),
            "new": SourceDocument("new", "示范法", "示范法\n2022年10月30日……修订\n第一条 ……")}
    old = records(docs)["old"]
    for asked in ("修订之前的示范法怎么写的？", "2022年修订以前，示范法怎么规定？", "修正前的规定"):
        assert asks_old_version(asked, old)
    assert not asks_old_version("示范法修订后怎么规定？", old)


def test_a_named_region_without_a_text_on_the_question_leaves_it_to_the_national_text(make_bot, seed_corpus) -> None:
    (seed_corpus / "law.md").write_text(LAW, encoding="utf-8")
    (seed_corpus / "city.md").write_text(CITY, encoding="utf-8")
    bot = make_bot(seed_corpus)
    bot.ingest()
    answer = bot.ask("在江州工作，竞业限制期限最长几年？")
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("law", "第二条")
    answer = bot.ask("在江州，用人单位能因为怀孕降低女职工工资吗？")
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("city", "第二条")


def test_a_named_documents_own_words_do_not_pick_its_article(make_bot, seed_corpus) -> None:
    (seed_corpus / "law.md").write_text(LAW, encoding="utf-8")
    (seed_corpus / "city.md").write_text(CITY, encoding="utf-8")
    bot = make_bot(seed_corpus)
    bot.ingest()
    # 示范 and 劳动合同 are in the title and all over 第一条: the topic is 解除 and 通知
    from assistant.query import analyse

    query = analyse("示范劳动合同法规定怎样通知解除？", bot.segmenter)
    topic = bot.retriever._topic(query, bot.index.snapshot)
    assert "示范" in query.terms and not {"示范", "劳动合同", "劳动合同法"} & set(topic.terms)
    assert {"通知", "解除"} <= set(topic.terms)
    answer = bot.ask("示范劳动合同法规定怎样通知解除？")
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("law", "第三条")


def test_a_text_titled_by_its_issuer_and_subject_is_named_by_its_subject() -> None:
    from assistant.documents import aliases, named_documents

    docs = {"hours": SourceDocument("hours", "国务院关于职工工作时间的规定", "第一条 ……"),
            "law": SourceDocument("law", "中华人民共和国劳动合同法", "第一条 ……")}
    assert aliases(docs["hours"]) == ["国务院关于职工工作时间的规定", "职工工作时间的规定", "职工工作时间规定"]
    table = alias_table(docs)
    assert named_documents("职工工作时间这个规定里，每周工作多少小时？", table) == ["hours"]
    assert named_documents("按职工工作时间的规定，加班怎么算？", table) == ["hours"]
    assert named_documents("工作时间有什么规定？", table) == []


def test_a_three_character_law_name_is_named_only_as_a_whole_word() -> None:
    from assistant.documents import named_documents

    docs = {"ld": SourceDocument("ld", "中华人民共和国劳动法", "第一条 ……"),
            "gh": SourceDocument("gh", "中华人民共和国工会法", "第一条 ……"),
            "ht": SourceDocument("ht", "中华人民共和国劳动合同法", "第一条 ……")}
    table = alias_table(docs)
    assert named_documents("按照劳动法，加班费怎么算？", table) == ["ld"]
    assert named_documents("工会法规定工会主席怎么产生？", table) == ["gh"]
    assert named_documents("劳动合同法第十条怎么说？", table) == ["ht"]
    assert named_documents("劳动法律法规对加班有什么要求？", table) == []
    assert named_documents("工会法人资格怎么取得？", table) == []


def test_a_title_is_named_without_its_leading_qualifiers_but_never_over_another_texts_own_name() -> None:
    from assistant.documents import named_documents, shortened

    docs = {"leave": SourceDocument("leave", "职工带薪年休假条例", "第一条 ……"),
            "rules": SourceDocument("rules", "企业职工带薪年休假实施办法", "第一条 ……")}
    assert shortened(docs["leave"]) == ["工带薪年休假条例", "带薪年休假条例", "薪年休假条例", "年休假条例"]
    table = alias_table(docs)
    assert named_documents("年休假条例的实施办法由哪些部门制定？", table) == ["leave"]
    assert named_documents("按年休假实施办法，未休年假怎么补？", table) == ["rules"]
    # a loaded text whose own title is the shortened name keeps it
    docs["own"] = SourceDocument("own", "年休假条例", "第一条 ……")
    assert named_documents("年休假条例第三条", alias_table(docs)) == ["own"]
