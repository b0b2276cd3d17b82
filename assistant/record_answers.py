"""Questions about a document itself — 这个文件什么时候施行 / 谁通过的 / 文号是多少 / 现在还有效吗 —
answered from its :class:`~assistant.documents.DocumentRecord`, each fact quoted from the
sentence of the text that states it (the 施行 article, a date line of the front matter,
the 文号 line, the repealing article). Nothing is invented: a fact the record lacks is
said to be unstated only when the text has nothing like it (else the ordinary answer
path runs), and then what the text does state about the document is quoted instead.

A question is about the document only when it refers to one (its name, or a document
word such as 这个文件 / 这部办法) and what follows that reference is nothing but a question
about the document's dates, issuer, number or validity ("劳动合同法是从哪天开始施行的"),
so "劳动合同法规定劳动合同什么时候生效" stays a question about the law's content."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .direct import NOT_YET_STATED, RECORD_FIELD_NAMES, REPLACED, STATUS_UNSTATED, TEXT_SAYS, TEXT_SILENT
from .documents import IN_FORCE, NOT_YET, REPEALED, DocumentRecord, asks_old_version, name_form, named_documents
from .models import ANSWERED, NOT_SPECIFIED, Answer, Clause
from .query import EFFECTIVE_CLAUSE
from .structure import FRONT, TITLE

if TYPE_CHECKING:
    from .index import Snapshot
    from .retrieval import Retrieval

# (field, cue in the question, what the field is called in a reply)
FIELDS = (
    ("number", r"文号|令号|发文字号|第几号"),
    ("effective", r"施行|生效|实施"),
    ("adopted", r"通过"),
    ("amended", r"修订|修正|修改"),
    ("published", r"公布|发布|印发|颁布"),
    ("issuers", r"哪个机关|哪些机关|哪个部门|哪些部门|哪个单位|哪家单位|谁|哪个会议|什么会议|哪次会议|发文机关|制定机关"),
    ("status", r"有效|失效|废止|作废|过期"),
)
_CUE = {name: re.compile(cue) for name, cue in FIELDS}
_NAMES = RECORD_FIELD_NAMES
# what a date, issuer or validity question needs besides its cue (a bare 实施 or 通过 is not one)
_ASKS = {
    "effective": re.compile(r"哪天|哪一天|哪年|哪一年|哪个月|什么时候|什么时间|何时|日期|时间|几月|几号|从何|多会儿|when", re.I),
    "adopted": re.compile(r"哪天|哪一天|哪年|哪一年|什么时候|何时|日期|时间|哪个|哪些|什么|谁"),
    "amended": re.compile(r"哪天|哪一天|哪年|哪一年|什么时候|何时|日期|时间|过吗|过没有|有没有|几次|哪次|哪个|什么"),
    "published": re.compile(r"哪天|哪一天|哪年|哪一年|什么时候|何时|日期|时间|谁|哪个|哪些"),
    "status": re.compile(r"吗|是否|是不是|还|仍|目前|现在|有没有"),
}
# A document referred to without its name.
_DOC_WORD = re.compile(r"(这|该|此|本|那)(个|部|份|项|版|一版)?(文件|法律|法规|条例|办法|规定|细则|意见|通知|政策|制度|法)|"
                       r"(法|条例|办法|规定|细则|意见|通知|决定|方案|制度)(?=(本身|自己|最初|最早|是|从|在|由|于|什么|哪|何|现在|目前|还|的))")
# What may stand between the reference and the cue in a question about the document.
_FILLER = (r"(?:的|是|从|在|由|于|被|经|哪天|哪一天|哪年|哪一年|哪个月|何时|什么时候|什么时间|几月几[号日]|开始|起|正式|最早|最初|当初|"
           r"最近一次|最近|最新一次|最后一次|第一次|上一次|后来|又|有没有|是否|是不是|现在|目前|还|仍然|仍|哪个|哪些|哪次|什么|"
           r"机关|部门|会议|单位|机构|[、，,\s]|那次|这次|一次|那版|这版|\d+|[年月日号]|自己写的|自己|本身|版本?|再|了|过|和|及|以及|或|"
           r"主席令|国务院令|令|公布|通过|修订|修正|发布|日期|时间|以来|曾经|一共|几次)")
_LATEST = re.compile(r"最近|最新|最后|上一次")
_EARLIEST = re.compile(r"最早|最初|当初|第一次|原来")
_DATE_CN = "{y}年{m}月{d}日"
# Loose traces of each field in a text: a fact is "not stated" only when none is there.
_TRACES = {
    "number": re.compile(r"[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号|令\s*第?\s*[\d一二三四五六七八九十百]+\s*号|字\s*第|文号"),
    "effective": re.compile(r"起(施行|实施|生效)|施行日期"),
    "adopted": re.compile(r"\d{4}\s*年[^。\n]{0,80}通过"),
    "amended": re.compile(r"\d{4}\s*年[^。\n]{0,120}(修订|修正)"),
    "published": re.compile(r"\d{4}\s*年[^。\n]{0,80}(公布|发布|印发)"),
    "issuers": re.compile(r"人民代表大会|人民政府|国务院|部|委员会|厅|局|办公室|公司|会议"),
}


@dataclass(frozen=True)
class Fact:
    """One field of a document record and the clauses of the text that state it."""

    field: str
    clauses: tuple[Clause, ...]
    lead: str = ""  # words of our own before the quotes (no figure: every figure is quoted)


def asked_fields(text: str) -> list[str]:
    """The record fields a question about a document asks for, in the order it asks them."""
    found = []
    for name, pattern in _CUE.items():
        m = pattern.search(text)
        if m is not None and (name not in _ASKS or _ASKS[name].search(text)):
            found.append((m.start(), name))
    return [name for _, name in sorted(found)]


def _refers(text: str, names: list[str]) -> bool:
    """Whether ``text`` refers to a document (by one of ``names`` or a document word) and
    follows the reference with nothing but a question about the document."""
    ends = [m.end() for n in names for m in re.finditer(re.escape(n), text)]
    ends += [m.end() for m in _DOC_WORD.finditer(text)]
    cues = "|".join(f"(?:{pattern.pattern})" for pattern in _CUE.values())
    follows = re.compile(rf"(?:{_FILLER})*?(?:{cues})")
    if not any(follows.match(text, end) for end in ends):
        return False
    # and nothing but the question follows its last cue: "由哪些部门对单位执行情况进行监督检查" asks about a rule
    last = max(m.end() for pattern in _CUE.values() for m in pattern.finditer(text))
    return bool(re.fullmatch(rf"(?:{_FILLER}|{cues}|多少|吗|呢|[？?。！!])*", text[last:]))


def target(text: str, retrieval: "Retrieval", snap: "Snapshot", topic_doc: str | None = None) -> str | None:
    """The document a question about a document is about: the one it names (of several
    versions, the one it asks about, else the current one), else the conversation's
    document, else the best match's."""
    named = named_documents(text, snap.aliases)
    if named:
        recs = snap.records
        old = [d for d in named if d in recs and not recs[d].in_force and asks_old_version(text, recs[d])]
        current = [d for d in named if d in recs and recs[d].in_force]
        return (old or current or named)[0]
    if topic_doc and topic_doc in snap.documents:
        return topic_doc
    return retrieval.top.clause.doc_id if retrieval.top is not None else None


def answer(retrieval: "Retrieval", snap: "Snapshot", topic_doc: str | None = None) -> Answer | None:
    """The answer to a question about a document itself, or None when the question is not
    one (or the record cannot answer it faithfully: the ordinary answer path then runs)."""
    text = name_form(retrieval.query.text)
    names = [n for n in snap.aliases if n in text]
    unnamed = text
    for name in sorted(names, key=len, reverse=True):  # "北京市实施…办法" does not ask about 实施
        unnamed = unnamed.replace(name, "〇")
    fields = asked_fields(unnamed)
    if not fields:
        return None
    if not _refers(text, names):
        return None
    doc_id = target(text, retrieval, snap, topic_doc)
    record = snap.records.get(doc_id or "")
    if record is None:
        return None
    clauses = [snap.clauses[i] for i in range(*snap.spans[doc_id])] if doc_id in snap.spans else []
    facts, missing = [], []
    for name in fields:
        if name == "issuers" and any(f.field in ("adopted", "amended", "published") for f in facts):
            continue  # "哪次会议修订的": the date line quoted for it names the body
        fact = _fact(name, record, clauses, snap, text)
        if fact is not None:
            facts.append(fact)
        elif _TRACES.get(name) is not None and _TRACES[name].search(_front(clauses) if name != "effective"
                                                                      else snap.documents[doc_id].text):
            return None  # the text seems to state it but the record does not have it: no claim either way
        else:
            missing.append(name)
    status = NOT_SPECIFIED if missing or any(f.field == "status" and not f.lead for f in facts) else ANSWERED
    if not facts:  # what the text does say about the document instead
        facts = [f for f in (_fact(n, record, clauses, snap, text) for n in ("adopted", "amended", "effective")) if f]
        if not facts:
            return None
    return compose(facts, missing, snap, status)


def _front(clauses: list[Clause]) -> str:
    return "\n".join(c.text for c in clauses if c.article in (TITLE, FRONT))


def _cn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return _DATE_CN.format(y=int(y), m=int(m), d=int(d))


def _dated(clauses: list[Clause], iso: str, words: str) -> list[Clause]:
    """Front-matter clauses that carry the date ``iso`` and one of ``words``."""
    if not iso:
        return []
    day = _cn_date(iso)
    return [c for c in clauses if c.article in (TITLE, FRONT) and day in re.sub(r"\s+", "", c.text)
            and re.search(words, c.text)]


def _fact(name: str, record: DocumentRecord, clauses: list[Clause], snap: "Snapshot", text: str) -> Fact | None:
    if name == "number":
        found = [c for c in clauses if record.number and c.article in (TITLE, FRONT)
                 and record.number in re.sub(r"\s+", "", c.text)]
        return Fact(name, tuple(found[:1])) if found else None
    if name == "effective":
        stated = [c for c in clauses if EFFECTIVE_CLAUSE.search(c.text)] or _dated(clauses, record.effective, "施行|实施|生效")
        return Fact(name, (stated[-1],)) if record.effective and stated else None  # the final article
    if name == "adopted":
        found = _dated(clauses, record.adopted, "通过")
        return Fact(name, tuple(found[:1])) if found else None
    if name == "published":
        found = _dated(clauses, record.published, "公布|发布|印发")
        return Fact(name, tuple(found[:1])) if found else None
    if name == "amended":
        found = [c for c in clauses if c.article == FRONT and re.search(r"修订|修正", c.text) and re.search(r"\d{4}\s*年", c.text)]
        if _LATEST.search(text):
            found = found[-1:]
        elif _EARLIEST.search(text):
            found = found[:1]
        return Fact(name, tuple(found)) if found and record.amended else None
    if name == "issuers":
        if not record.issuers:
            return None
        lines = _dated(clauses, record.adopted, "通过") or _dated(clauses, record.published, "公布|发布|印发")
        if not lines:  # "XX部关于……的通知": the title names the issuer
            lines = [c for c in clauses if c.article == TITLE and record.issuers in c.text]
        return Fact(name, tuple(lines[:1])) if lines else None
    if name == "status":
        return _status(record, clauses, snap)
    return None


def _status(record: DocumentRecord, clauses: list[Clause], snap: "Snapshot") -> Fact | None:
    from .answering import document_label

    label = document_label(record.doc_id, snap.documents, snap.records)
    own = [c for c in clauses if c.article == FRONT and re.search(r"\d{4}\s*年", c.text)][-1:]
    effective = [c for c in clauses if EFFECTIVE_CLAUSE.search(c.text)][-1:]
    if record.status == IN_FORCE:
        return Fact("status", tuple(effective or own))  # no lead: whether it is still valid is not stated
    if record.status == NOT_YET:
        return Fact("status", tuple(effective), NOT_YET_STATED.format(label=label)) if effective else None
    successor = record.replaced_by
    span = snap.spans.get(successor)
    later = [snap.clauses[i] for i in range(*span)] if span else []
    if record.status == REPEALED:
        repeal = [c for c in later if "同时废止" in c.text]
        return Fact("status", tuple(repeal[:1]), REPLACED.format(label=label)) if repeal else None
    stated = [c for c in later if EFFECTIVE_CLAUSE.search(c.text)][-1:]
    return Fact("status", tuple(own + stated), REPLACED.format(label=label)) if own or stated else None


def compose(facts: list[Fact], missing: list[str], snap: "Snapshot", status: str) -> Answer:
    from .answering import article_name, citation_of, compose, document_label

    cited: list[Clause] = []
    for fact in facts:
        cited.extend(c for c in fact.clauses if c not in cited)
    number = {c.clause_id: n for n, c in enumerate(cited, 1)}

    def where(c: Clause) -> str:
        return document_label(c.doc_id, snap.documents, snap.records) + article_name(c)

    parts, shown = [], set()
    for fact in facts:
        quotes = [c for c in fact.clauses if c.clause_id not in shown]
        shown.update(c.clause_id for c in quotes)
        said, place = [], None
        for c in quotes:  # "《X》题注：“…”[1]；“…”[2]" — a place is named once for its run of quotes
            said.append(("" if where(c) == place else where(c) + "：") + f"“{c.text}”[{number[c.clause_id]}]")
            place = where(c)
        if said or fact.lead:
            stop = "" if quotes and quotes[-1].text.endswith(("。", "；", "！")) else "。"
            parts.append(fact.lead + ("根据" + "；".join(said) + stop if said else ""))
    first = ""
    if missing:
        first = TEXT_SILENT.format(what="、".join(_NAMES[m] for m in missing)) + (TEXT_SAYS if parts else "")
    if any(f.field == "status" and not f.lead for f in facts):
        first += STATUS_UNSTATED
    first += "".join(parts)
    basis = "\n".join(f"[{number[c.clause_id]}] {where(c)}：“{c.text}”" for c in cited)
    citations = [citation_of(c, snap.records.get(c.doc_id)) for c in cited]
    return Answer(status, compose(first, basis), citations,
                  record_fields=tuple(f.field for f in facts), not_stated=tuple(missing))
