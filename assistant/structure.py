"""Split a cleaned document along its own structure into citable sentence clauses.

Recognised: preamble (前言), chapters and sections (第X章 / 第X节, nested), articles
(一、 … or 第X条, numbered in sequence), sub-items (（一） or 1.), a closing paragraph (结语)
and sentences. A document with no article markers is split by paragraph (第N段).

What the document sets apart as metadata is kept apart: its title line (标题) and its front
matter before the first article (题注: adoption, promulgation and effective-date lines, 文号,
the addressee line) are clauses of their own parts, cited only for questions about the
document itself (who issued it, when it takes effect), never as the answer to a rule. A heading is only what the document itself sets apart as one: a line of
its own without sentence-ending punctuation, a 【…】 lead, or the short lead sentence of a
policy article ("一、打造产教评技能生态链。…"). In a 第X条 article the text after the
number is the rule, quoted like any other sentence.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .cleaning import DATE_LINE, NUMERAL
from .models import Clause, SourceDocument
from .numerals import cn_to_int

PREAMBLE = "前言"
CLOSING = "结语"
TITLE = "标题"  # the document's title line: cited only for questions about the document itself
FRONT = "题注"  # its front matter (adoption, amendment and effective-date lines, 文号, addressees): likewise
_N = rf"[{NUMERAL}\d]+"
CHAPTER = re.compile(rf"^(第{_N}[章节编])[ \u3000]*(\S.*)?$")
ARTICLE = re.compile(rf"^(?:(第{_N}条)[ \u3000]*|([{NUMERAL}]+)(?:、|[ \u3000]*$))")  # "三、…", or "三" on a line of its own
# What follows "第N条" when it is a reference inside a sentence rather than an article's start.
CROSS_REFERENCE_NEXT = tuple("的、，,和或及与至到第规之款项中所有以在")
BRACKET_HEADING = re.compile(r"^【([^】]{1,30})】")
# An appendix after the articles ("附录：", "附件2：职业目录"): its 一、… are its own parts
# (附录一), not articles of the text (第一条).
APPENDIX = re.compile(rf"^(附录|附件|附表)[ \u3000]*({_N})?[ \u3000]*[：:]?[ \u3000]*(\S.*)?$")
SENTENCE_END = ("。", "！", "？", "；", "!", "?", ";", "：", ":")
# Front matter: lines about the document, not rules in it.
FRONT_MATTER = (
    DATE_LINE,
    re.compile(r"^[（(]?(发布|施行|生效|成文|印发|公布|实施)(日期|时间)[:：]"),
    re.compile(r"^[^。；]{0,30}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号[）)]?$"),  # 文号: 人社部发〔2024〕12号
    re.compile(r"^各[^。；]{2,400}[：:]$"),  # the addressees: 各省、自治区……：
    re.compile(r"^自?(公布|发布|印发)之日(起)?(施行|实施|生效)$"),  # "公布之日施行" under the title
)
ITEM = re.compile(rf"^(?:（({_N})）|\(({_N})\)|(\d+)[.．、](?!\d))")
SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;”’」』）)]*")
# A paragraph after the last article that opens with one of these is the closing part.
CLOSING_CUES = ("各有关部门", "各地", "各级", "各部门", "各单位", "请各", "本意见", "本通知", "本办法", "本方案", "本决定", "有关部门")
HEADING_MAX_CHARS = 40  # a first sentence this short (and ended by 。) is the article's heading


@dataclass
class _Position:
    chapter: str = ""  # "第五章 特别规定" or, inside a section, "第五章 特别规定 第一节 集体合同"
    article: str = PREAMBLE
    article_key: str = "pre"
    heading: str = ""
    item: str = ""
    item_key: str = ""
    sentence: int = 0
    plain_sentences: int = 0  # sentences of the article outside any item (numbering resumes after items)


def article_key(label: str) -> str:
    """Stable ASCII key for an article label: "九" → "a09", "第十二条" → "a12"."""
    if label == PREAMBLE:
        return "pre"
    if label == CLOSING:
        return "end"
    if label == TITLE:
        return "ttl"
    if label == FRONT:
        return "ftn"
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


def is_front_matter(paragraph: str, title: str = "") -> bool:
    """Whether a paragraph before the first article is metadata: the title line (when
    ``title`` is given), a date/adoption line, a 文号, or the addressee line."""
    line = paragraph.strip()
    return bool(title) and line == title.strip() or any(p.match(line) for p in FRONT_MATTER)


def _is_heading_line(text: str) -> bool:
    """A line of its own, short, without sentence-ending punctuation."""
    return 0 < len(text) <= HEADING_MAX_CHARS and not text.rstrip("”’」』）)").endswith(SENTENCE_END + ("，", ","))


class _Chapters:
    """Chapter and section headings, a section nested under its chapter."""

    def __init__(self) -> None:
        self.chapter = ""
        self.section = ""

    def enter(self, label: str, name: str | None) -> str:
        heading = f"{label} {name}".strip() if name else label
        if label.endswith("节"):
            self.section = heading
        else:
            self.chapter, self.section = heading, ""
        return self.current

    def titled(self, name: str) -> str:
        """A section named without a number, inside the current chapter."""
        self.section = name
        return self.current

    @property
    def current(self) -> str:
        return f"{self.chapter} {self.section}".strip()


def opens_article(number: int, last: int | None, rest: str) -> bool:
    """Whether "第<number>条" followed by ``rest`` at the start of a paragraph opens an article,
    the previous article being number ``last``. Article numbers run in sequence; one that
    breaks it opens an article only when what follows is not the rest of a cross-reference
    (a wrapped "第四十一条的规定…", "第三十九条、第四十条…" is text), and never going back."""
    if last is None or number == last + 1:
        return True
    return number > last and not rest.startswith(CROSS_REFERENCE_NEXT)


def _article_rows(paragraphs: list[tuple[str, int]]) -> list[int]:
    """Rows that open an article: 一、… (any), or 第N条 as :func:`opens_article` decides."""
    rows, last = [], None
    for i, (para, _) in enumerate(paragraphs):
        m = ARTICLE.match(para)
        if m is None:
            continue
        if m.group(1):
            try:
                number = cn_to_int(m.group(1)[1:-1])
            except ValueError:
                continue
            if not opens_article(number, last, para[m.end():]):
                continue
            last = number
        rows.append(i)
    return rows


def split_document(doc: SourceDocument) -> list[Clause]:
    """The clauses of ``doc`` in document order, each a verbatim sentence with its place
    (article, heading, item, chapter) and an id unique within the document."""
    paragraphs = _paragraphs(doc.text)
    article_rows = _article_rows(paragraphs)
    if not article_rows:
        return _check_unique(_split_by_paragraph(doc, paragraphs))
    appendices = {row for row, (para, _) in enumerate(paragraphs) if row > article_rows[0] and _appendix(para)}
    starts = set(article_rows)
    body_rows = [row for row in article_rows if not appendices or row < min(appendices)]
    last_article = body_rows[-1]
    # a 第X条 text has no closing part: a paragraph after its last article belongs to that article
    numbered_articles = ARTICLE.match(paragraphs[last_article][0]).group(1) is not None
    appendix = ""  # the label of the appendix being read ("附录", "附件2")
    pos = _Position()
    chapters = _Chapters()
    clauses: list[Clause] = []
    seen: dict[str, int] = {}
    for row, (para, start) in enumerate(paragraphs):
        body_offset = 0
        chapter = CHAPTER.match(para)
        if chapter and _is_heading_line(para):
            pos.chapter = chapters.enter(chapter.group(1), chapter.group(2))
            continue
        if row in appendices:
            appendix = _appendix(para)
            pos = _Position(chapter=para.strip().rstrip("：:"), article=appendix, article_key=article_key(appendix))
            continue
        if appendix and pos.article == appendix and _is_heading_line(para):
            pos.chapter = f"{pos.chapter} {para.strip()}"  # the appendix's title: "附录 女职工禁忌从事的劳动范围"
            continue
        if row == 0 and para.strip() == doc.title.strip():
            pos = _Position(article=TITLE, article_key="ttl")
        elif row < article_rows[0] and is_front_matter(para):
            if pos.article != FRONT:
                pos = _Position(chapter=pos.chapter, article=FRONT, article_key="ftn")
        elif pos.article in (TITLE, FRONT):
            pos = _Position(chapter=pos.chapter)
        if row in starts:
            m = ARTICLE.match(para)
            label = appendix + (m.group(1) or m.group(2))
            pos = _Position(chapter=pos.chapter, article=label, article_key=article_key(label))
            body_offset = m.end()
            body = para[body_offset:]
            if (bracket := BRACKET_HEADING.match(body)) is not None:
                pos.heading = bracket.group(1)
                body_offset += bracket.end()
            elif _is_heading_line(body) and _has_body(paragraphs, row, starts):
                # "一、总体要求" on a line of its own, its text on the next; an article's only
                # line is its rule, punctuated or not ("第十九条 本办法自发布之日起施行")
                pos.heading = body.strip()
                continue
            elif m.group(2):  # a policy article's short lead sentence: "一、打造产教评技能生态链。"
                lead = list(sentences(body))
                # … when more follows it: an article's only sentence is its rule ("五、本决定自…起施行。")
                if (lead and len(lead[0][0]) <= HEADING_MAX_CHARS and lead[0][0].endswith("。")
                        and (len(lead) > 1 or _has_body(paragraphs, row, starts))):
                    pos.heading = lead[0][0].rstrip("。")
        elif (m := ITEM.match(para)) is not None and pos.article != PREAMBLE:
            label = m.group()
            number = next(g for g in m.groups() if g)
            key = f"n{int(number):02d}" if number.isdigit() else f"i{cn_to_int(number):02d}"
            pos.item, pos.item_key, pos.sentence = label, key, 0
        elif (row > last_article and not numbered_articles and para.startswith(CLOSING_CUES)
              and pos.article != CLOSING):
            pos = _Position(chapter="", article=CLOSING, article_key="end")
        elif (numbered_articles and row not in starts and row + 1 in starts and pos.article.startswith("第")
              and pos.sentence and _section_title(para)):
            pos.chapter = chapters.titled(para.strip())  # a section's title without 第X节: "监察管辖与职责"
            continue
        elif pos.item and row not in starts:
            # a paragraph of its own after the items is the article's next 款, not part of an item
            # ("裁减人员时，应当优先留用下列人员：" after （四）)
            pos.item, pos.item_key, pos.sentence = "", "", pos.plain_sentences
        for text, s, e in sentences(para[body_offset:], start + body_offset):
            pos.sentence += 1
            if not pos.item:
                pos.plain_sentences = pos.sentence
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
    return _check_unique(clauses)


def _appendix(paragraph: str) -> str:
    """The label of the appendix a heading line opens ("附录：" → 附录, "附件2：职业目录" →
    附件2), or "" when the paragraph opens none."""
    line = paragraph.strip()
    m = APPENDIX.match(line)
    if m is None or not _is_heading_line(line.rstrip("：:")):
        return ""
    return m.group(1) + (m.group(2) or "")


# What a rule says and a section's title does not: its verbs, a figure, a formula
_RULE_WORDS = re.compile(r"应当|不得|可以|必须|禁止|有权|适用|按照|依照|依法|予以|是指|[\d＝=%％]")


def _section_title(paragraph: str) -> bool:
    """Whether a line between two articles, after an article that already has its text, is a
    section's title ("监察管辖与职责"): short, unpunctuated, saying no rule. A rule line written
    without a full stop ("本细则适用于全体员工") stays its article's text."""
    return _is_heading_line(paragraph) and not _RULE_WORDS.search(paragraph)


def _has_body(paragraphs: list[tuple[str, int]], row: int, starts: set[int]) -> bool:
    """Whether the article opened at ``row`` goes on in the next paragraph (not a new
    article or chapter, not the end of the text)."""
    following = row + 1
    if following >= len(paragraphs) or following in starts:
        return False
    return not (CHAPTER.match(paragraphs[following][0]) and _is_heading_line(paragraphs[following][0]))


def _check_unique(clauses: list[Clause]) -> list[Clause]:
    ids = [c.clause_id for c in clauses]
    if len(set(ids)) != len(ids):  # chroma upserts by id: a repeated id would lose a clause
        raise AssertionError(f"duplicate clause ids in {clauses[0].doc_id}: the splitter must number them apart")
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
