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


# The title block ends with the document type; it has no punctuation to end it.
TITLE_END = re.compile(r"(意见|通知|办法|规定|条例|决定|方案|细则|规划|纲要|规则|制度|公告|通告|批复|函|法)$")
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


def clean_lines(text: str) -> list[str]:
    """Cleaned paragraphs, one per item, in document order."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    paragraphs: list[str] = []
    current = ""
    for raw in text.split("\n"):
        line = normalise_spaces(raw)
        if not line or _PAGE_NUMBER.match(line):
            continue  # blank lines and page numbers are layout, not content
        title_done = not paragraphs and len(current) <= TITLE_MAX_CHARS and TITLE_END.search(current)
        if current and (current.endswith(_PARAGRAPH_END) or STRUCTURE_START.match(line) or title_done):
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


def clean_text(text: str) -> str:
    """Cleaned text: one paragraph per line, sentences whole, no stray spaces."""
    return "\n".join(clean_lines(text))
