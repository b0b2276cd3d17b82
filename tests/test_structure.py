"""Splitting a cleaned document along its own structure into verbatim sentence clauses."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.cleaning import clean_text
from assistant.ingest import load_document
from assistant.models import SourceDocument
from assistant.structure import CLOSING, FRONT, PREAMBLE, TITLE, article_key, sentences, split_document
from conftest import SEED_ID, SEED_TXT

ARTICLES = ["一", "二", "三", "四", "五", "六", "七", "八", "九"]
HEADINGS = {
    "一": "打造产教评技能生态链",
    "二": "支持企业自主培养技能人才",
    "三": "加大企业技能人才供给",
    "四": "大力推行中国特色学徒制",
    "五": "支持企业数字人才培育",
    "六": "支持企业自主开展职业技能等级评价",
    "七": "完善企业技能人才工资分配制度",
    "八": "加强企业技能人才表彰激励",
    "九": "强化技能强企资金保障",
}


def doc_of(raw: str, doc_id: str = "t") -> SourceDocument:
    text = clean_text(raw)
    return SourceDocument(doc_id=doc_id, title=text.split("\n", 1)[0], text=text)  # as load_document titles it


def assert_verbatim(doc: SourceDocument, clauses) -> None:
    for c in clauses:
        assert c.text == doc.text[c.start : c.end]
        assert c.text and c.text == c.text.strip()


@pytest.fixture(scope="module")
def seed_doc() -> SourceDocument:
    return load_document(SEED_TXT)


@pytest.fixture(scope="module")
def seed_clauses(seed_doc):
    return split_document(seed_doc)


def test_seed_articles_in_order(seed_clauses) -> None:
    order = list(dict.fromkeys(c.article for c in seed_clauses))
    assert order == [TITLE, FRONT, PREAMBLE, *ARTICLES, CLOSING]


def test_seed_headings(seed_clauses) -> None:
    headings = {c.article: c.heading for c in seed_clauses}
    assert {a: headings[a] for a in ARTICLES} == HEADINGS
    assert headings[PREAMBLE] == "" and headings[CLOSING] == ""


def test_seed_clause_counts(seed_clauses) -> None:
    counts = {a: sum(c.article == a for c in seed_clauses) for a in [TITLE, FRONT, PREAMBLE, *ARTICLES, CLOSING]}
    # sentences per part, counted by hand from the cleaned text (heading sentence included);
    # the addressee line (各省、自治区……：) is front matter (题注), not part of the preamble
    assert counts == {TITLE: 1, FRONT: 1, PREAMBLE: 1, "一": 3, "二": 7, "三": 4, "四": 4, "五": 5, "六": 5, "七": 4,
                      "八": 4, "九": 3, CLOSING: 3}
    assert len(seed_clauses) == 45  # 1+1+1+3+7+4+4+5+5+4+4+3+3


def test_seed_clauses_are_verbatim_slices(seed_doc, seed_clauses) -> None:
    assert_verbatim(seed_doc, seed_clauses)
    assert [c.order for c in seed_clauses] == list(range(len(seed_clauses)))
    assert all(a.start < b.start for a, b in zip(seed_clauses, seed_clauses[1:]))


def test_seed_key_clauses(seed_clauses) -> None:
    by_id = {c.clause_id: c for c in seed_clauses}
    nine = by_id[f"{SEED_ID}:a09:s03"]
    assert nine.article == "九" and "保证60%以上用于一线职工教育和培训" in nine.text
    assert by_id[f"{SEED_ID}:a02:s05"].text == "支持企业依托职业学校、企业培训中心等建设工匠学院。"
    assert by_id[f"{SEED_ID}:a04:s04"].text.startswith("可将签订半年以上实习协议的毕业年度高校毕业生")
    assert by_id[f"{SEED_ID}:end:s01"].text.startswith("各有关部门要健全工作机制")


def test_seed_clause_ids_stable_and_unique(seed_clauses) -> None:
    again = split_document(load_document(SEED_TXT))
    ids = [c.clause_id for c in seed_clauses]
    assert ids == [c.clause_id for c in again]
    assert len(set(ids)) == len(ids)
    assert ids[:3] == [f"{SEED_ID}:ttl:s01", f"{SEED_ID}:ftn:s01", f"{SEED_ID}:pre:s01"]
    assert ids[-1] == f"{SEED_ID}:end:s03"


def test_chapters_and_numbered_articles() -> None:
    doc = doc_of(
        "职业技能培训管理办法\n"
        "第一章 总则\n"
        "第一条 为了规范职业技能培训，制定本办法。\n"
        "第二条 本办法适用于企业职工。职工包括劳务派遣人员。\n"
        "第二章 培训组织\n"
        "第三条 企业应当按规定开展培训。\n"
        "第十二条 本办法自发布之日起施行。\n",
        doc_id="banfa",
    )
    clauses = split_document(doc)
    assert_verbatim(doc, clauses)
    rows = [(c.clause_id, c.article, c.chapter, c.text) for c in clauses]
    assert rows == [
        ("banfa:ttl:s01", TITLE, "", "职业技能培训管理办法"),
        ("banfa:a01:s01", "第一条", "第一章 总则", "为了规范职业技能培训，制定本办法。"),
        ("banfa:a02:s01", "第二条", "第一章 总则", "本办法适用于企业职工。"),
        ("banfa:a02:s02", "第二条", "第一章 总则", "职工包括劳务派遣人员。"),
        ("banfa:a03:s01", "第三条", "第二章 培训组织", "企业应当按规定开展培训。"),
        ("banfa:a12:s01", "第十二条", "第二章 培训组织", "本办法自发布之日起施行。"),
    ]


def test_parenthesised_sub_items() -> None:
    doc = doc_of(
        "关于开展技能培训的通知\n"
        "一、培训对象。\n"
        "（一）新招用职工。\n"
        "（二）转岗职工；在岗职工。\n"
        "二、组织实施。\n"
    )
    clauses = split_document(doc)
    assert_verbatim(doc, clauses)
    items = [(c.clause_id, c.article, c.heading, c.item, c.text) for c in clauses if c.item]
    assert items == [
        ("t:a01.i01:s01", "一", "培训对象", "（一）", "（一）新招用职工。"),
        ("t:a01.i02:s01", "一", "培训对象", "（二）", "（二）转岗职工；"),
        ("t:a01.i02:s02", "一", "培训对象", "（二）", "在岗职工。"),
    ]
    assert [c.clause_id for c in clauses if c.article == "二"] == ["t:a02:s01"]


def test_numbered_items() -> None:
    doc = doc_of("培训方案\n一、培训内容。\n1.安全生产知识；\n2.岗位操作技能。\n")
    clauses = split_document(doc)
    assert_verbatim(doc, clauses)
    items = [(c.clause_id, c.item, c.text) for c in clauses if c.item]
    assert items == [("t:a01.n01:s01", "1.", "1.安全生产知识；"), ("t:a01.n02:s01", "2.", "2.岗位操作技能。")]


def test_document_without_markers_is_split_by_paragraph() -> None:
    doc = doc_of("企业应当开展培训。培训应当免费。\n\n职工应当参加培训。\n")
    clauses = split_document(doc)
    assert_verbatim(doc, clauses)
    assert [(c.clause_id, c.article, c.text) for c in clauses] == [
        ("t:p001:s01", "第1段", "企业应当开展培训。"),
        ("t:p001:s02", "第1段", "培训应当免费。"),
        ("t:p002:s01", "第2段", "职工应当参加培训。"),
    ]


def test_closing_paragraph() -> None:
    doc = doc_of("关于培训的通知\n一、开展培训。企业应当开展培训。\n各地要认真贯彻落实。请各单位及时报送情况。\n")
    clauses = split_document(doc)
    assert [(c.clause_id, c.article) for c in clauses] == [
        ("t:ttl:s01", TITLE), ("t:a01:s01", "一"), ("t:a01:s02", "一"), ("t:end:s01", CLOSING), ("t:end:s02", CLOSING),
    ]
    # a paragraph after the last article without a closing cue stays in that article
    doc = doc_of("关于培训的通知\n一、开展培训。\n企业应当开展培训。\n")
    assert [c.article for c in split_document(doc)] == [TITLE, "一", "一"]


def test_restarting_numbering_still_gives_unique_ids() -> None:
    # 1. 2. restart under each （一）; an annex restarts 一、. Ids must stay unique (chroma upserts by id).
    doc = doc_of(
        "关于开展培训的通知\n一、总体要求。\n（一）培训对象。\n1.新职工。\n2.老职工。\n（二）培训内容。\n1.安全知识。\n"
        "2.操作技能。\n二、组织实施。\n附件\n一、报名要求。\n"
    )
    clauses = split_document(doc)
    assert_verbatim(doc, clauses)
    ids = [c.clause_id for c in clauses]
    assert len(set(ids)) == len(ids)
    assert "t:a01.n01:s01" in ids and "t:a01.n01:s01-2" in ids
    assert [c.article for c in clauses if c.text == "报名要求。"] == ["附件一"]  # the annex's 一、 is its own part
    assert ids == [c.clause_id for c in split_document(doc)]  # and stable


def test_article_key() -> None:
    assert [article_key(x) for x in ("九", "十二", "第三条", "第二十条", PREAMBLE, CLOSING)] == [
        "a09", "a12", "a03", "a20", "pre", "end"]


def test_sentences_keep_closing_quotes_and_offsets() -> None:
    text = "他说“好。”然后走了！最后"
    assert list(sentences(text, 10)) == [("他说“好。”", 10, 16), ("然后走了！", 16, 21), ("最后", 21, 23)]


# ---- property: any document splits into verbatim, uniquely identified clauses ------------------
BODY = st.text(alphabet=st.sampled_from(list("企业职工培训补贴技能学徒经费年月12%，、；。！？“”（）")), min_size=1, max_size=40)
MARKER = st.sampled_from(["", "", "一、", "二、", "三、", "十二、", "（一）", "（二）", "1.", "2、", "第一条", "第三条",
                          "第一章 ", "各地", "各有关部门"])
PARAGRAPH = st.tuples(MARKER, BODY).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=12))
def test_random_documents_split_into_verbatim_unique_clauses(paragraphs: list[str]) -> None:
    doc = doc_of("\n".join(paragraphs))
    clauses = split_document(doc)
    assert_verbatim(doc, clauses)
    ids = [c.clause_id for c in clauses]
    assert len(set(ids)) == len(ids)
    assert ids == [c.clause_id for c in split_document(doc)]
    assert all(a.end <= b.start for a, b in zip(clauses, clauses[1:]))  # in order, never overlapping


# ---- law-style and markdown documents (issue 12: structure that holds on any document) ------
LAW_MD = """---
title: 示例
---
# 中华人民共和国职工培训示范法

2020年1月1日 第十三届全国人民代表大会常务委员会第十五次会议通过

2022年6月1日 第十三届全国人民代表大会常务委员会第三十五次会议修正

<!-- INFO END -->

## 第一章 总则

第一条 为了保障职工培训权利，制定本法。

第二条 用人单位应当建立培训制度。培训费用由用人单位承担。

## 第二章 特别规定

### 第一节 学徒

第三条 学徒期不得超过二年。

第四条 【服务期】用人单位提供专项培训费用的，可以约定服务期。

### 第二节 非全日制

第五条 非全日制职工可以参加培训。
"""


def law_doc(raw: str = LAW_MD, doc_id: str = "law") -> SourceDocument:
    from assistant.cleaning import strip_markup
    from assistant.ingest import extract_text

    text = clean_text(extract_text(strip_markup(raw).encode("utf-8"), ".md", "law.md"))
    return SourceDocument(doc_id=doc_id, title=text.split("\n", 1)[0], text=text)


def test_front_matter_is_metadata_and_the_title_its_own_part() -> None:
    doc = law_doc()
    assert "INFO END" not in doc.text and "title: 示例" not in doc.text
    clauses = split_document(doc)
    assert_verbatim(doc, clauses)
    assert [(c.article, c.text) for c in clauses[:4]] == [
        (TITLE, "中华人民共和国职工培训示范法"),
        (FRONT, "2020年1月1日第十三届全国人民代表大会常务委员会第十五次会议通过"),  # date lines: front matter
        (FRONT, "2022年6月1日第十三届全国人民代表大会常务委员会第三十五次会议修正"),
        ("第一条", "为了保障职工培训权利，制定本法。")]
    assert PREAMBLE not in {c.article for c in clauses}


def test_the_first_sentence_of_a_numbered_article_is_the_rule_not_a_heading() -> None:
    clauses = split_document(law_doc())
    second = [c for c in clauses if c.article == "第二条"]
    assert [(c.heading, c.text) for c in second] == [("", "用人单位应当建立培训制度。"), ("", "培训费用由用人单位承担。")]
    assert [c.heading for c in clauses if c.article == "第三条"] == [""]
    # 【…】 is a heading the document sets apart; the text after it is the rule
    fourth = [c for c in clauses if c.article == "第四条"]
    assert [(c.heading, c.text) for c in fourth] == [("服务期", "用人单位提供专项培训费用的，可以约定服务期。")]


def test_a_section_nests_under_its_chapter() -> None:
    chapters = {c.article: c.chapter for c in split_document(law_doc())}
    assert chapters == {TITLE: "", FRONT: "", "第一条": "第一章 总则", "第二条": "第一章 总则",
                        "第三条": "第二章 特别规定 第一节 学徒", "第四条": "第二章 特别规定 第一节 学徒",
                        "第五条": "第二章 特别规定 第二节 非全日制"}


def test_a_wrapped_cross_reference_is_not_an_article() -> None:
    # PDF text wrapped so that a reference to 第四十一条 starts a line inside 第三条
    raw = ("某某条例\n第一条 为了规范培训，制定本条例。\n第二条 本条例适用于企业。\n第三条 用人单位依照本条例\n"
           "第四十一条的规定裁减人员的，应当提前通知。\n第四条 本条例自公布之日起施行。\n")
    doc = doc_of(raw)
    clauses = split_document(doc)
    assert_verbatim(doc, clauses)
    assert [c.article for c in clauses] == [TITLE, "第一条", "第二条", "第三条", "第四条"]
    assert [c.text for c in clauses if c.article == "第三条"] == ["用人单位依照本条例第四十一条的规定裁减人员的，应当提前通知。"]
    # a paragraph of its own that starts with a back-reference is text of the article too
    doc = doc_of("某某条例\n第一条 总的规定。\n第二条 具体规定。\n第一条规定的事项，由企业负责。\n第三条 附则。\n")
    assert [c.article for c in split_document(doc)] == [TITLE, "第一条", "第二条", "第二条", "第三条"]
    # an excerpt that skips numbers still opens its articles
    doc = doc_of("摘录\n第三条 甲。\n第十二条 乙。\n")
    assert [c.article for c in split_document(doc)] == [TITLE, "第三条", "第十二条"]


def test_a_heading_line_of_its_own_is_the_articles_heading_not_a_clause() -> None:
    doc = doc_of("关于培训的通知\n一、总体要求\n各企业要开展培训。\n二、保障措施\n加强组织领导。\n")
    clauses = split_document(doc)
    assert [(c.article, c.heading, c.text) for c in clauses] == [
        (TITLE, "", "关于培训的通知"), ("一", "总体要求", "各企业要开展培训。"), ("二", "保障措施", "加强组织领导。")]


def test_one_paragraph_per_line_text_keeps_unpunctuated_lines_apart() -> None:
    text = clean_text("职工条例\n2008年1月1日起施行\n第一条 为了保障职工权益，制定本条例。\n第二条 本条例适用于企业职工。\n")
    assert text.split("\n")[:2] == ["职工条例", "2008年1月1日起施行"]
    # hard-wrapped PDF text is still joined
    assert clean_text("企业要足额提取和使用职工\n教育经费，保证60%以上用于一线职工。\n") == \
        "企业要足额提取和使用职工教育经费，保证60%以上用于一线职工。"


def test_article_numbers_past_one_hundred() -> None:
    from assistant.numerals import cn_to_int, int_to_cn

    assert [int_to_cn(n) for n in (100, 105, 110, 119)] == ["一百", "一百零五", "一百一十", "一百一十九"]
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(1, 1000))
    assert article_key("第一百零五条") == "a105"


def test_a_paragraph_after_the_items_is_the_articles_next_paragraph_not_an_item() -> None:
    # 劳动合同法第四十一条's shape: items, then "裁减人员时，应当优先留用下列人员：" and its own items
    doc = doc_of(
        "某某法\n"
        "第一条 有下列情形之一的，可以裁减人员：\n"
        "（一）依法重整的；\n"
        "（二）经营严重困难的。\n"
        "裁减人员时，应当优先留用下列人员：\n"
        "（一）订立较长期限合同的。\n"
        "用人单位重新招用人员的，应当通知被裁减的人员。\n"
    )
    clauses = split_document(doc)
    assert_verbatim(doc, clauses)
    assert [(c.clause_id, c.item) for c in clauses if c.article == "第一条"] == [
        ("t:a01:s01", ""),
        ("t:a01.i01:s01", "（一）"),
        ("t:a01.i02:s01", "（二）"),
        ("t:a01:s02", ""),
        ("t:a01.i01:s01-2", "（一）"),
        ("t:a01:s03", ""),
    ]


def test_a_paragraph_after_a_laws_last_article_belongs_to_it_not_to_a_closing_part() -> None:
    doc = doc_of("某某办法\n第一条 为了规范培训，制定本办法。\n第二条 本办法适用于本市。\n本办法所称培训，是指职业培训。\n")
    clauses = split_document(doc)
    assert [(c.article, c.text) for c in clauses if c.article != TITLE][-1] == ("第二条", "本办法所称培训，是指职业培训。")
    policy = doc_of("某某意见\n一、加强培训。\n企业要开展培训。\n本意见自印发之日起施行。\n")
    assert split_document(policy)[-1].article == CLOSING


def test_an_articles_only_line_is_its_rule_even_without_a_full_stop() -> None:
    # the last line of a file often has no 。; a heading has a text after it, a rule does not
    doc = doc_of("示范办法\n第一条 适用范围\n本办法适用于本市企业。\n第二条 年度是指公历年度。\n第三条 本办法自发布之日起施行")
    clauses = split_document(doc)
    assert [(c.article, c.heading, c.text) for c in clauses] == [
        (TITLE, "", "示范办法"),
        ("第一条", "适用范围", "本办法适用于本市企业。"),
        ("第二条", "", "年度是指公历年度。"),
        ("第三条", "", "本办法自发布之日起施行"),
    ]
    assert_verbatim(doc, clauses)


def test_an_appendix_after_the_articles_has_parts_of_its_own_not_articles() -> None:
    doc = doc_of("示范规定\n第一条 用人单位应当遵守附录的规定。\n第二条 本规定自公布之日起施行。\n"
                 "附录：\n禁忌从事的劳动范围\n一、经期禁忌从事的劳动范围：\n（一）冷水作业；\n二、孕期禁忌从事的劳动范围：\n（一）高处作业。")
    clauses = split_document(doc)
    assert [(c.article, c.chapter, c.item, c.text) for c in clauses if c.article != TITLE] == [
        ("第一条", "", "", "用人单位应当遵守附录的规定。"),
        ("第二条", "", "", "本规定自公布之日起施行。"),
        ("附录一", "附录 禁忌从事的劳动范围", "", "经期禁忌从事的劳动范围："),
        ("附录一", "附录 禁忌从事的劳动范围", "（一）", "（一）冷水作业；"),
        ("附录二", "附录 禁忌从事的劳动范围", "", "孕期禁忌从事的劳动范围："),
        ("附录二", "附录 禁忌从事的劳动范围", "（一）", "（一）高处作业。"),
    ]
    assert len({c.clause_id for c in clauses}) == len(clauses)
    assert_verbatim(doc, clauses)


def test_an_appendix_part_is_cited_by_its_own_name() -> None:
    from assistant.answering import article_name

    doc = doc_of("示范规定\n第一条 用人单位应当遵守附件的规定。\n附件2：职业目录\n一、焊工。")
    part = [c for c in split_document(doc) if c.text == "焊工。"][0]
    assert (part.article, article_name(part)) == ("附件2一", "附件2一")


def test_a_section_number_on_its_own_line_opens_the_section() -> None:
    text = clean_text("示范通知\n一、计算\n年工作日：250天\n三\n原通知同时废止。", "lines")  # as a Word file
    doc = SourceDocument(doc_id="t", title="示范通知", text=text)
    assert [(c.article, c.text) for c in split_document(doc) if c.article != TITLE] == [
        ("一", "年工作日：250天"), ("三", "原通知同时废止。")]


def test_undated_front_matter_a_closing_decision_and_an_only_sentence() -> None:
    law = doc_of("示范规定\n公布之日施行\n第一条 本规定适用于企业。")
    assert [(c.article, c.text) for c in split_document(law)][1] == (FRONT, "公布之日施行")
    decision = doc_of("关于废止的决定\n一、废止甲条例。\n二、废止乙条例。\n本决定自公布之日起施行。")
    assert [(c.article, c.heading, c.text) for c in split_document(decision)][-1] == (CLOSING, "", "本决定自公布之日起施行。")
    only = doc_of("关于调整的决定\n一、调整甲事项，由乙部门负责。\n二、本决定自2018年11月24日起施行。")
    assert [(c.article, c.heading, c.text) for c in split_document(only)][-1] == ("二", "", "本决定自2018年11月24日起施行。")


def test_a_section_title_without_a_number_is_context_not_a_rule() -> None:
    doc = doc_of("示范条例\n第一条 为了监察，制定本条例。\n监察管辖与职责\n第二条 监察由用工所在地的部门管辖。")
    clauses = split_document(doc)
    assert [(c.article, c.chapter, c.text) for c in clauses if c.article != TITLE] == [
        ("第一条", "", "为了监察，制定本条例。"), ("第二条", "监察管辖与职责", "监察由用工所在地的部门管辖。")]


def test_an_unpunctuated_rule_line_before_the_next_article_stays_its_articles_text() -> None:
    # a company text written without full stops: neither line is a section title
    text = clean_text("员工守则\n第一条 适用范围\n本细则适用于全体员工\n第二条 计薪\n月计薪天数为21.75天\n第三条 附则", "lines")
    doc = SourceDocument(doc_id="t", title="员工守则", text=text)
    assert [(c.article, c.chapter, c.text) for c in split_document(doc) if c.article != TITLE] == [
        ("第一条", "", "本细则适用于全体员工"), ("第二条", "", "月计薪天数为21.75天"), ("第三条", "", "附则")]
