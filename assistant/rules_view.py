"""Rules as people see them: the HR checker's list of rules grouped by document (disabled
ones with the reason), each document's standing (level, kind, validity from its
:class:`~assistant.documents.DocumentRecord`), and the verdicts of every document that sets
the same benefit, each under its document."""
from __future__ import annotations

from html import escape

from . import wording


def _article(article: str) -> str:
    from .verdicts import _article as name

    return name(article)


def esc(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def standing(record, dated: bool = True) -> str:
    """"国家级 · 法律 · 有效 · 2008-01-01施行": a document's level, kind and validity, from its
    record (a field the text does not state is left out). ``dated=False`` leaves out the
    date: a chat answer states no figure that its cited sentences do not hold."""
    if record is None:
        return ""
    level = f"{record.level}级" if record.level in ("国家", "省", "市", "区县") else record.level
    parts = [level, record.region if record.region and record.region != "全国" else "", record.kind, record.status,
             f"{record.effective}施行" if record.effective and dated else ""]
    return " · ".join(p for p in parts if p)


def document_name(doc_id: str, records: dict) -> str:
    record = (records or {}).get(doc_id)
    return record.title if record is not None else doc_id


def short_name(doc_id: str, records: dict) -> str:
    record = (records or {}).get(doc_id)
    return (record.short_name or record.title) if record is not None else doc_id


def rule_choices(rulebase, records: dict) -> list[tuple[str, str]]:
    """(label, rule id) for the checker's picker, grouped by document: "《短名》· 待遇"."""
    return [(f"{rule.title}（《{short_name(doc_id, records)}》）", rule.id)
            for doc_id, rules in rulebase.grouped().items() for rule in rules]


def overview_html(rulebase, records: dict) -> str:
    """Every rule under its document (with the document's standing), then the rules that
    are off, each with the reason (a quote no longer in the text, a deleted document …)."""
    off = len(rulebase.off)  # open, with the count, when a rule is off: a warning HR sees
    summary = wording.RULES_BY_DOCUMENT + (f"（{off} 条{wording.RULE_OFF}）" if off else "")
    parts = [f'<details class="rule-overview"{" open" if off else ""}><summary>{esc(summary)}</summary>']
    off_by_doc: dict[str, list] = {}
    for off in rulebase.off.values():
        off_by_doc.setdefault(off.document, []).append(off)
    grouped = rulebase.grouped()
    for doc_id in [*grouped, *(d for d in off_by_doc if d not in grouped)]:
        line = standing((records or {}).get(doc_id))
        parts.append(f'<div class="rule-document"><b>《{esc(document_name(doc_id, records))}》</b>'
                     + (f'<span class="rule-standing">（{esc(line)}）</span>' if line else "") + "<ul>")
        for rule in grouped.get(doc_id, []):
            parts.append(f"<li>{esc(rule.title)}（{esc(_article(rule.article))}，{len(rule.conditions)} 个条件）</li>")
        for off in off_by_doc.get(doc_id, []):
            parts.append(f'<li class="rule-off"><b>{esc(wording.RULE_OFF)}</b>：{esc(off.title)} — {esc(off.reason)}</li>')
        parts.append("</ul></div>")
    return "".join(parts) + "</details>"


def source_html_for(doc_id: str, records: dict) -> str:
    """A line naming a document with its level and validity."""
    line = standing((records or {}).get(doc_id))
    return (f'<p class="verdict-source">依据：《{esc(document_name(doc_id, records))}》'
            + (f"（{esc(line)}）" if line else "") + "</p>")


def source_html(verdict, records: dict) -> str:
    """The line above a verdict naming its document, level and validity."""
    return source_html_for(verdict.document, records)


def others_html(verdicts: list, records: dict, verdict_html) -> str:
    """The verdicts of the other documents on the same benefit, each under its document;
    ``verdict_html(verdict)`` draws one verdict."""
    if not verdicts:
        return ""
    body = "".join(f'<div class="level-verdict">{source_html(v, records)}{verdict_html(v)}</div>' for v in verdicts)
    return f'<div class="other-verdicts"><h4>{esc(wording.RULE_OTHER_DOCUMENTS)}</h4>{body}</div>'
