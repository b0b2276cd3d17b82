"""Repair text extracted from PDFs and word processors.

PDF extraction breaks lines mid-sentence, leaves blank lines at page breaks, puts
page numbers on their own lines and spaces between CJK characters and digits
("8 部门"). :func:`clean_text` undoes that for any input; :func:`decode` picks UTF-8
or GB18030.
"""
from __future__ import annotations

import re
import unicodedata

from .errors import DocumentReadError

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"
_WIDE = f"[{CJK}{CJK_PUNCT}]"
# Whitespace with a CJK character or CJK punctuation on at least one side carries no meaning.
_SPACE_AFTER_WIDE = re.compile(rf"(?<={_WIDE})[ \t\u3000\u00a0]+")
_SPACE_BEFORE_WIDE = re.compile(rf"[ \t\u3000\u00a0]+(?={_WIDE})")
_PAGE_NUMBER = re.compile(r"^\s*[-—－–]*\s*(第\s*\d+\s*页|\d{1,4})\s*[-—－–]*\s*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\ufeff]")
# A line that ends a paragraph ends with one of these.
_PARAGRAPH_END = tuple("。！？：；!?:;")
# A line that starts with one of these starts a new paragraph even if the previous
# line ran on (headings without punctuation, numbered items).
NUMERAL = "一二三四五六七八九十百零〇两"
STRUCTURE_START = re.compile(
    rf"^(#+\s|第[{NUMERAL}\d]+[章节条]|[{NUMERAL}]+、|（[{NUMERAL}\d]+）|\([{NUMERAL}\d]+\)|\d+[.．、](?!\d))"
)


# Markup that is never content: HTML/markdown comments (<!-- INFO END -->) and a YAML front
# matter block at the very start of a file.
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n.*?\n---[ \t]*(\n|\Z)", re.S)
_ARTICLE_AT_START = re.compile(rf"^第([{NUMERAL}\d]+)条")
# Text extracted from PDFs is hard-wrapped: most long lines stop mid-sentence (and blank
# lines at page breaks fall inside sentences), so lines are joined into paragraphs. Text
# from markdown, Word or the web has one paragraph per line: when at least this share of
# its long lines end a sentence, every line is a paragraph of its own (a date line or a
# heading without punctuation is not joined to the next line).
LINE_PARAGRAPHS = 0.75
LONG_LINE_CHARS = 15
MIN_LONG_LINES = 3  # fewer long lines than this say nothing about the layout: join as for a PDF
# In hard-wrapped text, a line that opens with a structure marker and stops well short of
# the wrapping width without punctuation is a heading ("一、总体要求"): it ends its paragraph.
HEADING_WIDTH_SHARE = 0.6

# An adoption, amendment, promulgation or effective-date line ("2007年6月29日 第十届……会议通过"):
# complete without punctuation, so it ends its paragraph.
DATE_LINE = re.compile(r"^[（(]?\d{4}年\d{1,2}月(?:\d{1,2}日)?.{0,120}(通过|公布|发布|印发|施行|修正|修订|批准|颁布|废止)"
                       r"[^。；]{0,20}[）)]?$")

# The title block ends with the document type; it has no punctuation to end it.
TITLE_END = re.compile(r"(意见|通知|办法|规定|条例|决定|方案|细则|规划|纲要|规则|制度|公告|通告|批复|答复|解释|决议|章程|准则|指引|标准|函|法)$")
TITLE_MAX_CHARS = 80


def decode(data: bytes) -> str:
    """Decode file bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentReadError("文件含二进制内容，不是文本文件 (binary content in a text file): save it as UTF-8 text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentReadError("无法识别文件编码 (neither UTF-8 nor GB18030): re-save the file as UTF-8")


def normalise_spaces(line: str) -> str:
    line = _SPACE_AFTER_WIDE.sub("", line)
    line = _SPACE_BEFORE_WIDE.sub("", line)
    return re.sub(r"[ \t\u00a0]{2,}", " ", line).strip()


def _join(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and right[0].isascii() and right[0].isalnum():
        if left[-1].isalnum():
            return left + " " + right
        # "workers." + "Training" keeps its space; "1." + "5%" and "10," + "000元" stay numbers
        if left[-1] in ".," and len(left) > 1 and left[-2].isascii() and left[-2].isalpha():
            return left + " " + right
    return left + right


def strip_markup(text: str) -> str:
    """``text`` without comments and YAML front matter (metadata, never quoted)."""
    return _COMMENT.sub("", _FRONT_MATTER.sub("", text))


def _layout(lines: list[str]) -> tuple[bool, float]:
    """(one paragraph per line?, the width below which a marker line is a heading)."""
    long_lines = [line.strip() for line in lines if len(line.strip()) >= LONG_LINE_CHARS]
    ended = sum(1 for line in long_lines if line.endswith(_PARAGRAPH_END + ("。）", "。”", "。」")))
    per_line = len(long_lines) >= MIN_LONG_LINES and ended >= LINE_PARAGRAPHS * len(long_lines)
    widths = sorted(len(line) for line in long_lines)
    width = widths[len(widths) // 2] if len(widths) >= MIN_LONG_LINES else 2 * LONG_LINE_CHARS
    return per_line, HEADING_WIDTH_SHARE * width


class _ArticleSequence:
    """第N条 at the start of a line starts an article as :func:`structure.opens_article`
    decides: a cross-reference wrapped to the start of a line ("第四十一条的规定…") is text."""

    def __init__(self) -> None:
        self.last: int | None = None

    def starts_article(self, line: str) -> bool | None:
        """True/False for a line that opens with 第N条, None for any other line."""
        from .numerals import cn_to_int
        from .structure import opens_article

        m = _ARTICLE_AT_START.match(line)
        if m is None:
            return None
        try:
            number = cn_to_int(m.group(1))
        except ValueError:
            return False
        if not opens_article(number, self.last, line[m.end():].lstrip()):
            return False
        self.last = number
        return True


# How a format lays out paragraphs: "lines" (Word: one paragraph per line), "markdown" (a blank
# line ends a paragraph; other line breaks may be wraps) or "wrapped" (txt, PDF: lines may be
# cut anywhere, blank lines too, and the layout is read from the text).
LAYOUTS = ("lines", "markdown", "wrapped")


def clean_lines(text: str, layout: str = "wrapped") -> list[str]:
    """Cleaned paragraphs, one per item, in document order (``layout``: see :data:`LAYOUTS`)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", strip_markup(text))
    raw_lines = text.split("\n")
    line_paragraphs, heading_width = _layout(raw_lines)
    line_paragraphs = line_paragraphs or layout == "lines"
    articles = _ArticleSequence()
    paragraphs: list[str] = []
    current = ""
    for raw in raw_lines:
        line = normalise_spaces(raw)
        if not line and layout == "markdown" and current:
            paragraphs.append(current)  # a blank line ends a markdown paragraph
            current = ""
            continue
        if not line or _PAGE_NUMBER.match(line):
            continue  # blank lines and page numbers are layout, not content
        title_done = not paragraphs and len(current) <= TITLE_MAX_CHARS and TITLE_END.search(current)
        marker = STRUCTURE_START.match(current)
        heading_done = (marker is not None and marker.end() < len(current) < heading_width
                        and not any(ch in current for ch in "。；！？，,;"))
        article = articles.starts_article(line)
        structural = article if article is not None else bool(STRUCTURE_START.match(line))
        continues = article is False  # "第四十一条的规定…": a reference wrapped to this line
        ends = (current.endswith(_PARAGRAPH_END) or title_done or heading_done or line_paragraphs
                or bool(DATE_LINE.match(current)))
        if current and (structural or (ends and not (continues and not current.endswith(_PARAGRAPH_END)))):
            paragraphs.append(current)
            current = line
        else:
            joined = _join(current, line)
            if STRUCTURE_START.match(current) and not STRUCTURE_START.match(joined):
                joined = current + " " + line  # a bare "1." before a line starting with a digit stays a marker
            current = joined
    if current:
        paragraphs.append(current)
    # lines joined into a page number ("第" + "5页") are layout too; dropping them keeps clean_text idempotent
    return [p for p in paragraphs if not _PAGE_NUMBER.match(p)]


def clean_text(text: str, layout: str = "wrapped") -> str:
    """Cleaned text: one paragraph per line, sentences whole, no stray spaces."""
    return "\n".join(clean_lines(text, layout))
