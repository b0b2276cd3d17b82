"""The chat's extras, as plain functions (no gradio): suggested follow-up questions
drawn from where the answer's first citation stands (the rest of its article, the
articles next to it), and the conversation exported as Markdown with its citations.

A suggestion names its document and article ("《技能强企指导意见》第十条（…）有哪些规定？"),
so asking it reaches that article through the named-document and 第X条 lookups; nothing
here knows any particular question."""
from __future__ import annotations

import re
from datetime import datetime

from . import presenter as view
from .answering import article_name
from .models import ANSWERED, NOT_SPECIFIED, Answer, Clause
from .structure import CLOSING, FRONT, PREAMBLE, TITLE

MAX_FOLLOW_UPS = 3
_UNNUMBERED = (TITLE, FRONT, PREAMBLE, CLOSING)
_PARAGRAPH = re.compile(r"^第\d+段$")


def _numbered(article: str) -> bool:
    return article not in _UNNUMBERED and not _PARAGRAPH.match(article)


def _ask_about(document: str, article: str, heading: str, more: bool = False) -> str:
    name = article_name(Clause("", "", "", article, heading, "", 0, 0))
    topic = f"{name}（{heading}）" if heading else name
    return f"《{document}》{topic}{'还' if more else ''}有哪些规定？"


def follow_up_questions(answer: Answer, snap, limit: int = MAX_FOLLOW_UPS) -> list[str]:
    """Up to ``limit`` questions a reader may ask next: the rest of the first cited
    article (when the answer quoted only part of it), then the articles after and before
    it in its document that the answer did not cite. None for an answer without basis."""
    if answer.status not in (ANSWERED, NOT_SPECIFIED) or not answer.citations or snap is None:
        return []
    first = answer.citations[0]
    document = view.short_title(snap.documents, first.doc_id, first.doc_title)
    cited = {(c.doc_id, c.article) for c in answer.citations}
    quoted = {c.clause_id for c in answer.citations}
    found: list[str] = []
    own = snap.article_clauses(first.doc_id, first.article)
    if _numbered(first.article) and any(c.clause_id not in quoted for c in own):
        found.append(_ask_about(document, first.article, first.heading, more=True))
    keys = [article for (doc, article) in snap.articles if doc == first.doc_id and _numbered(article)]
    if first.article in keys:
        at = keys.index(first.article)
        for key in (keys[at + 1] if at + 1 < len(keys) else None, keys[at - 1] if at > 0 else None):
            if key and (first.doc_id, key) not in cited:
                clauses = snap.article_clauses(first.doc_id, key)
                found.append(_ask_about(document, key, clauses[0].heading if clauses else ""))
    return list(dict.fromkeys(found))[:limit]


def follow_ups_html(questions: list[str]) -> str:
    """The suggestions as links; the page script asks the one clicked."""
    if not questions:
        return ""
    links = "".join(f'<li><a class="ask-next" href="#question" style="color:#1d4ed8">{view.esc(q)}</a></li>'
                    for q in questions)
    return (f'<div class="follow-ups" style="margin-top:8px"><div style="font-weight:600;color:#1f2937">可以接着问：</div>'
            f'<ul style="margin:2px 0 0 1.2em;padding:0">{links}</ul></div>')


def conversation_markdown(answers: list[Answer], now: datetime | None = None) -> str:
    """The conversation as Markdown: each question, the answer's status and text, and its
    citations (document, article, quoted text, the document's status)."""
    if not answers:
        return ""
    moment = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    versions = sorted({a.corpus_version for a in answers if a.corpus_version})
    lines = ["# 政策助手对话记录", "", f"- 导出内容截至：{moment}"]
    if versions:
        lines.append(f"- 语料版本：{'、'.join(versions)}")
    for n, answer in enumerate(answers, 1):
        question = " ".join(str(answer.question or "").split())
        lines += ["", f"## {n}. {question}", "", f"**{view.status_label(answer.status)}**", "",
                  view.answer_body(answer).strip()]
        if answer.citations:
            lines += ["", "引用原文："]
            for i, c in enumerate(answer.citations, 1):
                status = f"（{c.doc_status}）" if c.doc_status else ""
                label = view.article_label(c.article, c.heading)
                lines.append(f"{i}. 《{c.doc_title}》{status}{label}：“{c.quote}”")
    return "\n".join(lines) + "\n"
