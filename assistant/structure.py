"""Split a cleaned document along its own structure into citable sentence clauses.

Recognised: title and preamble (前言), chapters (第X章), articles (一、 … or 第X条),
sub-items (（一） or 1.), a closing paragraph (结语) and sentences. A document with no
article markers is split by paragraph (第N段).
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .cleaning import NUMERAL
from .models import Clause, SourceDocument
from .numerals import cn_to_int

PREAMBLE = "前言"
CLOSING = "结语"
_N = rf"[{NUMERAL}\d]+"
CHAPTER = re.compile(rf"^(第{_N}[章节])[ \u3000]*(\S.*)?$")
ARTICLE = re.compile(rf"^(?:(第{_N}条)[ \u3000]*|([{NUMERAL}]+)、)")
ITEM = re.compile(rf"^(?:（({_N})）|\(({_N})\)|(\d+)[.．、](?!\d))")
SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;”’」』）)]*")
# A paragraph after the last article that opens with one of these is the closing part.
CLOSING_CUES = ("各有关部门", "各地", "各级", "各部门", "各单位", "请各", "本意见", "本通知", "本办法", "本方案", "有关部门")
HEADING_MAX_CHARS = 40  # a first sentence this short (and ended by 。) is the article's heading


@dataclass
class _Position:
    chapter: str = ""
    article: str = PREAMBLE
    article_key: str = "pre"
    heading: str = ""
    item: str = ""
    item_key: str = ""
    sentence: int = 0


def article_key(label: str) -> str:
    """Stable ASCII key for an article label: "九" → "a09", "第十二条" → "a12"."""
    if label == PREAMBLE:
        return "pre"
    if label == CLOSING:
        return "end"
    digits = re.sub(r"^第|[条段]$", "", label)
    try:
        return f"a{cn_to_int(digits):02d}"
    except ValueError:
        return f"x{zlib.crc32(label.encode('utf-8')):08x}"  # stable across processes, unlike hash()


def sentences(text: str, offset: int = 0) -> Iterator[tuple[str, int, int]]:
    """Sentence slices of ``text`` as (sentence, start, end), spans shifted by ``offset``."""
    for m in SENTENCE.finditer(text):
        raw = m.group()
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        if stripped:
            start = offset + m.start() + lead
            yield stripped, start, start + len(stripped)


def _paragraphs(text: str) -> list[tuple[str, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((line, pos))
        pos += len(line) + 1
    return out


def split_document(doc: SourceDocument) -> list[Clause]:
    paragraphs = _paragraphs(doc.text)
    article_rows = [i for i, (p, _) in enumerate(paragraphs) if ARTICLE.match(p)]
    if not article_rows:
        return _split_by_paragraph(doc, paragraphs)
    last_article = article_rows[-1]
    pos = _Position()
    clauses: list[Clause] = []
    seen: dict[str, int] = {}
    for row, (para, start) in enumerate(paragraphs):
        body_offset = 0
        chapter = CHAPTER.match(para)
        if chapter and not para.endswith(("。", "；")):
            pos.chapter = " ".join(g for g in chapter.groups() if g)
            continue
        if (m := ARTICLE.match(para)) is not None:
            label = m.group(1) or m.group(2)
            pos = _Position(chapter=pos.chapter, article=label, article_key=article_key(label))
            body_offset = m.end()
            first = next(sentences(para[body_offset:]), None)
            if first and len(first[0]) <= HEADING_MAX_CHARS and first[0].endswith("。"):
                pos.heading = first[0].rstrip("。")
        elif (m := ITEM.match(para)) is not None and pos.article != PREAMBLE:
            label = m.group()
            number = next(g for g in m.groups() if g)
            key = f"n{int(number):02d}" if number.isdigit() else f"i{cn_to_int(number):02d}"
            pos.item, pos.item_key, pos.sentence = label, key, 0
        elif row > last_article and para.startswith(CLOSING_CUES) and pos.article != CLOSING:
            pos = _Position(chapter="", article=CLOSING, article_key="end")
        for text, s, e in sentences(para[body_offset:], start + body_offset):
            pos.sentence += 1
            item_part = f".{pos.item_key}" if pos.item else ""
            clauses.append(
                Clause(
                    clause_id=_unique(f"{doc.doc_id}:{pos.article_key}{item_part}:s{pos.sentence:02d}", seen),
                    doc_id=doc.doc_id,
                    doc_title=doc.title,
                    article=pos.article,
                    heading=pos.heading,
                    text=text,
                    start=s,
                    end=e,
                    item=pos.item,
                    chapter=pos.chapter,
                    order=len(clauses),
                )
            )
    return clauses


def _unique(clause_id: str, seen: dict[str, int]) -> str:
    """``clause_id``, or ``clause_id-<n>`` for its n-th occurrence: numbering that restarts
    (1. 2. under each （一）, a second 一、 in an annex) must not give two clauses one id."""
    seen[clause_id] = seen.get(clause_id, 0) + 1
    return clause_id if seen[clause_id] == 1 else f"{clause_id}-{seen[clause_id]}"


def _split_by_paragraph(doc: SourceDocument, paragraphs: list[tuple[str, int]]) -> list[Clause]:
    clauses: list[Clause] = []
    for number, (para, start) in enumerate(paragraphs, 1):
        label = f"第{number}段"
        for n, (text, s, e) in enumerate(sentences(para, start), 1):
            clauses.append(
                Clause(
                    clause_id=f"{doc.doc_id}:p{number:03d}:s{n:02d}",
                    doc_id=doc.doc_id,
                    doc_title=doc.title,
                    article=label,
                    heading="",
                    text=text,
                    start=s,
                    end=e,
                    order=len(clauses),
                )
            )
    return clauses
