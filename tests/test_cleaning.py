"""Cleaning of extracted text: sentences broken across lines and page breaks are joined,
stray spaces next to CJK are dropped, page numbers go, encodings are detected."""
from __future__ import annotations

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from assistant.cleaning import clean_lines, clean_text, decode, normalise_spaces
from assistant.errors import DocumentReadError
from conftest import SEED_TXT, seed_clean_text


@pytest.fixture(scope="module")
def seed() -> str:
    return seed_clean_text()


def test_seed_sentence_broken_across_page_break_is_whole(seed: str) -> None:
    raw = SEED_TXT.read_text(encoding="utf-8")
    # the raw extraction really does break it: "…职业学校、" / blank lines / "企业培训中心…"
    assert "支持企业依托职业学校、企业培训中心等建设工匠学院。" not in raw
    assert "支持企业依托职业学校、企业培训中心等建设工匠学院。" in seed


@pytest.mark.parametrize("fragment", ["8部门", "签订1年以上劳动合同", "保证60%以上", "技术难题和重大质量问题"])
def test_seed_spaces_and_line_breaks_repaired(seed: str, fragment: str) -> None:
    assert fragment in seed


def test_seed_has_no_stray_spaces_or_blank_lines(seed: str) -> None:
    assert " 8 " not in seed and "签订 1" not in seed and "保证 60" not in seed
    lines = seed.split("\n")
    assert all(line.strip() == line and line for line in lines)
    # title, addressees, preamble, nine articles, three closing sentences in one paragraph
    assert lines[0] == "人力资源社会保障部等8部门关于推动技能强企工作的指导意见"
    assert lines[-1].startswith("各有关部门要健全工作机制") and lines[-1].endswith("推动各项政策落实落地。")
    assert len(lines) == 1 + 1 + 1 + 9 + 1


def test_page_number_lines_are_dropped() -> None:
    raw = "企业要足额提取和使用职工\n\n- 3 -\n\n教育经费。\n第 12 页\n 7 \n—4—\n下一段。"
    assert clean_text(raw) == "企业要足额提取和使用职工教育经费。\n下一段。"


def test_a_number_inside_text_is_not_a_page_number() -> None:
    # "2024" on its own line is a page number by shape; "2024年" is content
    assert clean_text("截至\n2024年底，\n完成培训。") == "截至2024年底，完成培训。"


def test_crlf_and_cr_line_endings() -> None:
    assert clean_text("第一句。\r\n第二\r\n句。\r第三句。\r\n") == "第一句。\n第二句。\n第三句。"
    assert "\r" not in clean_text(SEED_TXT.read_text(encoding="utf-8").replace("\n", "\r\n"))
    assert clean_text(SEED_TXT.read_text(encoding="utf-8").replace("\n", "\r\n")) == seed_clean_text()


def test_spaces_between_cjk_and_digits_removed_but_ascii_words_keep_one() -> None:
    assert normalise_spaces("签订 1 年以上") == "签订1年以上"
    assert normalise_spaces("保证 60% 以上") == "保证60%以上"
    assert normalise_spaces("multilingual   e5  model") == "multilingual e5 model"
    # an ASCII word broken across lines gets its space back, CJK does not
    assert clean_text("the skills\npolicy 和\n政策") == "the skills policy和政策"


def test_decode_gb18030_equals_utf8() -> None:
    text = SEED_TXT.read_text(encoding="utf-8")
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the bytes really are not UTF-8
    assert decode(data) == text
    assert clean_text(decode(data)) == seed_clean_text()


def test_decode_utf8_bom() -> None:
    assert decode("\ufeff职工教育经费".encode("utf-8")) == "职工教育经费"
    assert decode(b"\xef\xbb\xbf" + "一、总则。".encode()) == "一、总则。"
    # a BOM left in the text is removed by cleaning as well
    assert clean_text("\ufeff一、总则。") == "一、总则。"


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02\x03binary", b"PK\x03\x04\x00\x00\x00\x00", bytes(range(256)), b"abc\xff\xfe\xfd"],
    ids=["nul-bytes", "zip-header", "all-bytes", "invalid-in-both"],
)
def test_binary_content_rejected(data: bytes) -> None:
    with pytest.raises(DocumentReadError):
        decode(data)


def test_control_characters_and_zero_width_removed() -> None:
    assert clean_text("职工\u200b教育\x0c经费。") == "职工教育经费。"


def test_title_block_ends_at_the_document_type() -> None:
    lines = clean_lines("关于推动技能强企工作的\n指导意见\n各省人力资源社会保障厅：\n现提出如下意见。")
    assert lines == ["关于推动技能强企工作的指导意见", "各省人力资源社会保障厅：", "现提出如下意见。"]
    # a judicial interpretation's title, wrapped as in a PDF, ends at 解释 (not glued to its date line)
    lines = clean_lines("最高人民法院关于审理劳动争议案件适用法律问题的\n解释\n2020年12月25日最高人民法院审判委员会通过\n为正确审理劳动争议案件，制定本解释。")
    assert lines[:2] == ["最高人民法院关于审理劳动争议案件适用法律问题的解释", "2020年12月25日最高人民法院审判委员会通过"]


def test_bare_item_marker_before_a_digit_line_stays_a_marker() -> None:
    assert clean_lines("通知如下。\n1.\n2024年起实施。") == ["通知如下。", "1. 2024年起实施。"]
    # a decimal or a thousands separator broken across lines is joined without a space
    assert clean_text("补贴标准提高1.\n5倍。") == "补贴标准提高1.5倍。"
    assert clean_text("补贴10,\n000元。") == "补贴10,000元。"
    # an English sentence end keeps its space
    assert clean_text("new workers.\nTraining is free, as\nstated.") == "new workers. Training is free, as stated."


def test_lines_that_join_into_a_page_number_are_dropped() -> None:
    assert clean_lines("正文。\n第\n5页\n一、总则。") == ["正文。", "一、总则。"]


def test_structure_markers_start_new_paragraphs() -> None:
    text = "前言没有句号\n一、总体要求\n（一）培训对象\n1.新职工\n第二条 适用范围"
    assert clean_lines(text) == ["前言没有句号", "一、总体要求", "（一）培训对象", "1.新职工", "第二条适用范围"]


# ---- properties ------------------------------------------------------------------------------
CJK_CHARS = "职工教育经费企业技能人才培训补贴学徒制度年月日第条章页一二三十百两半"
PUNCT = "。，、；：！？（）“”%.-—"
TEXT = st.lists(
    st.sampled_from(list(CJK_CHARS + "abcXYZ0123456789" + PUNCT) + [" ", "\u3000", "\t", "\n", "\r", "\r\n"]),
    max_size=120,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("abc\n1.\n2024年起实施。")  # a bare item marker before a digit line stays a marker
@example("正文。\n第\n5页\n一、总则。")  # lines joined into a page number are dropped too
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_clean_output_has_no_empty_lines_and_no_cr(text: str) -> None:
    out = clean_text(text)
    assert "\r" not in out
    if out:
        assert all(line.strip() for line in out.split("\n"))
    assert clean_lines(text) == (out.split("\n") if out else [])


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(CJK_CHARS + PUNCT + "abc123\n")), max_size=80))
def test_decode_round_trips_utf8_and_gb18030(text: str) -> None:
    assert decode(text.encode("utf-8")) == text
    data = text.encode("gb18030")
    try:
        data.decode("utf-8")
        ambiguous = True  # e.g. "职" is D6 B0 in GB18030, also valid UTF-8 (U+05B0): UTF-8 wins by design
    except UnicodeDecodeError:
        ambiguous = False
    assume(not ambiguous)
    assert decode(data) == text


def test_a_short_markdown_text_keeps_its_paragraphs_apart() -> None:
    from assistant.ingest import read_text

    # few long lines: as plain text this reads like a hard-wrapped PDF and would be glued
    md = ("# 关于工资折算问题的解释\n\n2000年4月4日 会议通过\n\n## 一、计算\n\n年工作日：250天\n\n季工作日：62.5天\n\n"
          "## 三\n2000年3月17日发布的通知同时废止。\n").encode()
    assert read_text(md, ".md").split("\n") == [
        "关于工资折算问题的解释", "2000年4月4日会议通过", "一、计算", "年工作日：250天", "季工作日：62.5天", "三",
        "2000年3月17日发布的通知同时废止。"]
    # a Word paragraph is a paragraph whatever its punctuation
    assert clean_text("一、计算\n年工作日：250天\n季工作日：62.5天", "lines").split("\n") == [
        "一、计算", "年工作日：250天", "季工作日：62.5天"]
