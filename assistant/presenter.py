"""What the web UI shows, as plain functions (no gradio here): answers, articles and
eligibility verdicts rendered to HTML, and form values turned back into facts.

Every piece of user, model or corpus text goes through :func:`_lines` before it is put
into markup: escaped, with markdown link/image brackets as entities and line breaks as
``<br>`` (a chat bubble is one line of HTML, so the chat's markdown renderer never gets
hold of its text: no markdown image or link, nothing fetched from elsewhere); the chat
component sanitises on top of that. Citations render from the index generation the
answer was read from (``answer.snapshot``): one snapshot per render."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .answering import article_name
from .eligibility import parse_form_fact
from .errors import PolicyAssistantError
from .models import ANSWERED, NEEDS_INFO, NOT_FOUND, NOT_SPECIFIED, Answer, Citation, Clause, SourceDocument

STATUS_LABELS = {
    ANSWERED: "已回答",
    NOT_SPECIFIED: "文件未规定",
    NOT_FOUND: "未找到依据",
    NEEDS_INFO: "需要补充信息",
}
_STATUS_COLOURS = {  # (text, background)
    ANSWERED: ("#14532d", "#dcfce7"),
    NOT_SPECIFIED: ("#78350f", "#fef3c7"),
    NOT_FOUND: ("#7f1d1d", "#fee2e2"),
    NEEDS_INFO: ("#1e3a8a", "#dbeafe"),
}
OUTCOME_LABELS = {"eligible": "符合条件", "not_eligible": "不符合条件", "unknown": "暂无法判断（需补充信息）"}
CONDITION_LABELS = {"met": "满足", "unmet": "不满足", "unknown": "待确认"}
_CONDITION_STATUS = {"met": ANSWERED, "unmet": NOT_FOUND, "unknown": NEEDS_INFO}  # borrow the status colours
BOOL_CHOICES = ("是", "否", "不确定")
UNKNOWN_CHOICE = "不确定"
METADATA_LABELS = (("title", "标题"), ("issuers", "发文机关"), ("doc_type", "文种"),
                   ("addressees", "主送"), ("note", "说明"), ("file", "文件"))
DEFAULT_MAX_QUESTION_CHARS = 2000  # when the bot has no settings (test doubles)
RAW_QUESTION_FACTOR = 4  # the core gets at most this many times max_question_chars of raw input
SHOWN_CUT = "…（问题过长，只显示开头部分）"
_MARKDOWN_SAFE = str.maketrans({"[": "&#91;", "]": "&#93;"})  # no markdown link or image can form


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _lines(text: str) -> str:
    """Escaped text with line breaks as <br>, never a line break or blank line (which
    would end the chat component's HTML block and let markdown loose on the rest), and
    with ``[`` ``]`` as entities, so no markdown link or image (``![](http://…)``) can
    form even if it did."""
    return "<br>".join(esc(line).translate(_MARKDOWN_SAFE) for line in str(text).splitlines())


def plain_text_html(text: str) -> str:
    """Any text (a user's question, a model's draft) shown as plain text in a chat bubble."""
    return _lines(text)


def snapshot_of(index) -> Any:
    """The served generation of ``index`` (a PolicyIndex), or ``index`` itself when it is
    already a snapshot: read once, so one render never mixes two generations."""
    snap = getattr(index, "snapshot", None)
    return index if snap is None else snap


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def status_badge(status: str) -> str:
    fg, bg = _STATUS_COLOURS.get(status, ("#374151", "#f3f4f6"))
    return (f'<span class="status-badge status-{esc(status)}" style="color:{fg};background:{bg};'
            f'border-radius:6px;padding:1px 8px;font-size:0.85em;font-weight:600">{esc(status_label(status))}</span>')


def short_title(documents: dict[str, SourceDocument], doc_id: str, fallback: str = "") -> str:
    doc = documents.get(doc_id)
    if doc is None:
        return fallback or doc_id
    return doc.metadata.get("short_title") or doc.title


def article_label(article: str, heading: str = "") -> str:
    """"第九条 强化技能强企资金保障" for article "九" (names as the answers name them)."""
    name = article_name(Clause("", "", "", article, heading, "", 0, 0))
    return f"{name} {heading}".strip()


def citation_label(n: int, citation: Citation, documents: dict[str, SourceDocument]) -> str:
    title = short_title(documents, citation.doc_id, citation.doc_title)
    return f"[{n}] 《{title}》{article_label(citation.article, citation.heading)}"


# ---- highlighting ---------------------------------------------------------------------------
def highlight(text: str, quote: str) -> str:
    """``text`` escaped, with the first occurrence of ``quote`` wrapped in <mark>."""
    at = text.find(quote) if quote else -1
    if at < 0:
        return _lines(text)
    return _mark_span(text, at, at + len(quote))


def _mark_span(text: str, start: int, end: int) -> str:
    return f"{_lines(text[:start])}<mark>{_lines(text[start:end])}</mark>{_lines(text[end:])}"


@dataclass(frozen=True)
class ArticleView:
    doc_id: str
    article: str
    heading: str
    text: str  # the article as it stands in the document
    start: int  # where ``text`` starts in the document

    @classmethod
    def of(cls, index, doc_id: str, article: str) -> "ArticleView | None":
        clauses = index.article_clauses(doc_id, article)
        doc = index.documents.get(doc_id)
        if not clauses or doc is None:
            return None
        start, end = clauses[0].start, clauses[-1].end
        return cls(doc_id, article, clauses[0].heading, doc.text[start:end], start)

    def html(self, clause: Clause | None = None, quote: str = "") -> str:
        """The article text with the quote marked: found within the cited sentence when
        the sentence is known (the whole sentence if the quote is not in it)."""
        if clause is None or clause.doc_id != self.doc_id or clause.article != self.article:
            return highlight(self.text, quote)
        start, end = clause.start - self.start, clause.end - self.start
        at = self.text.find(quote, start, end) if quote else -1
        if at >= 0:
            start, end = at, at + len(quote)
        return _mark_span(self.text, start, end)


def cited_article_html(index, citation: Citation) -> str:
    """The whole cited article with the quoted sentence highlighted (``index``: a
    snapshot, or a PolicyIndex whose served snapshot is read once)."""
    snap = snapshot_of(index)
    view = ArticleView.of(snap, citation.doc_id, citation.article)
    if view is None:
        return f"<mark>{_lines(citation.quote)}</mark>"
    position = snap.by_id.get(citation.clause_id)
    clauses = snap.clauses
    clause = clauses[position] if position is not None and position < len(clauses) else None
    return view.html(clause, citation.quote)


def citation_html(n: int, citation: Citation, index, label: str = "") -> str:
    snap = snapshot_of(index)
    label = label or citation_label(n, citation, snap.documents)
    body = cited_article_html(snap, citation)
    return (f'<details class="citation"><summary style="cursor:pointer;color:#1d4ed8">{esc(label)}</summary>'
            f'<div class="article-text" style="border-left:3px solid #93c5fd;padding:4px 10px;margin:4px 0">{body}</div>'
            f'</details>')


# ---- chat ------------------------------------------------------------------------------------
def question_html(question: str) -> str:
    return f'<div class="question">{_lines(question)}</div>'


def answer_html(answer: Answer, index) -> str:
    """One chat bubble: status, the answer text, then each citation as a collapsible
    "open the article" element with the quote highlighted — from the generation the
    answer was read from (``answer.snapshot``; ``index``'s served one when unknown)."""
    snap = answer.snapshot if getattr(answer, "snapshot", None) is not None else snapshot_of(index)
    follow_up = bool(answer.details.get("follow_up"))
    note = '<span class="follow-up" style="color:#6b7280;font-size:0.85em;margin-left:8px">已结合上一个问题理解</span>'
    classes = f"answer answer-{esc(answer.status)}" + (" follow-up-answer" if follow_up else "")
    parts = [f'<div class="{classes}">',  # classes, not data-*: the chat's sanitiser drops data attributes
             f'<div style="margin-bottom:6px">{status_badge(answer.status)}{note if follow_up else ""}</div>',
             f'<div class="answer-text">{_lines(answer.answer)}</div>']
    if answer.citations:
        parts.append('<div class="citations" style="margin-top:8px"><div style="font-weight:600">引用原文（点击展开条文）</div>')
        parts.extend(citation_html(n, c, snap) for n, c in enumerate(answer.citations, 1))
        parts.append("</div>")
    meta = f"语料版本 {answer.corpus_version} · {answer.latency_ms:.0f} ms" if answer.corpus_version else ""
    if meta:
        parts.append(f'<div class="answer-meta" style="color:#6b7280;font-size:0.8em;margin-top:6px">{esc(meta)}</div>')
    parts.append("</div>")
    return "".join(parts)


def error_html(message: str) -> str:
    return f'<div class="answer answer-error" style="color:#991b1b">出错了：{_lines(message)}</div>'


def answer_plain(answer: Answer) -> str:
    """The answer as plain text for the clipboard: status, text, and the citations."""
    lines = [f"【{status_label(answer.status)}】", answer.answer]
    if answer.citations:
        lines.append("")
        lines.extend(f"[{n}] 《{c.doc_title}》{article_label(c.article)}：“{c.quote}”"
                     for n, c in enumerate(answer.citations, 1))
    return "\n".join(lines)


# ---- policy browser --------------------------------------------------------------------------
def document_meta_html(doc: SourceDocument) -> str:
    rows = []
    for key, label in METADATA_LABELS:
        value = doc.title if key == "title" else doc.metadata.get(key)
        if value:
            value = "、".join(map(str, value)) if isinstance(value, (list, tuple)) else value
            rows.append(f'<tr><th style="text-align:left;white-space:nowrap;padding-right:12px">{esc(label)}</th>'
                        f"<td>{esc(value)}</td></tr>")
    return f'<table class="doc-meta">{"".join(rows)}</table>'


def article_choices(index, doc_id: str) -> list[tuple[str, str]]:
    """(label, article) for each article of a document, in document order."""
    snap = snapshot_of(index)
    return [(article_label(article, snap.clauses[positions[0]].heading), article)
            for (doc, article), positions in snap.articles.items() if doc == doc_id]


def article_html(index, doc_id: str, article: str) -> str:
    view = ArticleView.of(snapshot_of(index), doc_id, article)
    if view is None:
        return "<p>没有找到该条文。</p>"
    title = article_label(article, view.heading)
    return f'<div class="article"><h3>{esc(title)}</h3><p style="line-height:1.8">{_lines(view.text)}</p></div>'


# ---- eligibility checker ---------------------------------------------------------------------
def facts_from_form(specs, values) -> dict[str, Any]:
    """Form values (in the order of ``specs``) → the facts dict for ``RuleBase.check``.
    Blank or "不确定" answers are left out, so the checker reports them as unknown. A
    typed number of months or percentage that is not usable (NaN, inf, 1e309, "60%%%",
    "150%", too long…) raises InputError naming the field."""
    facts: dict[str, Any] = {}
    for spec, value in zip(specs, values):
        if value is None or (isinstance(value, str) and value.strip() in ("", UNKNOWN_CHOICE)):
            continue
        if spec.kind == "bool":
            facts[spec.name] = value == "是" if isinstance(value, str) else bool(value)
        elif spec.kind in ("months", "percent"):  # checked here; the checker parses "半年", "60%"…
            parse_form_fact(spec, value)
            facts[spec.name] = str(value).strip() if isinstance(value, str) else value
        elif spec.kind == "choice":
            if value in (spec.choices or []):
                facts[spec.name] = value
        else:
            facts[spec.name] = value
    return facts


def condition_badge(status: str) -> str:
    fg, bg = _STATUS_COLOURS.get(_CONDITION_STATUS.get(status, ""), ("#374151", "#f3f4f6"))
    return (f'<span class="condition-status condition-{esc(status)}" style="color:{fg};background:{bg};'
            f'border-radius:6px;padding:1px 8px;font-weight:600">{esc(CONDITION_LABELS.get(status, status))}</span>')


def verdict_problem(verdict, index) -> str | None:
    """Why ``verdict`` must not be shown, or None: a condition quotes text that is no
    longer in the served generation (the document was deleted or replaced after the
    rule base was read)."""
    snap = snapshot_of(index)
    clauses = snap.clauses
    for result in verdict.conditions:
        c = result.citation
        if c is None:
            continue
        position = snap.by_id.get(c.clause_id)
        if position is None or position >= len(clauses) or c.quote not in clauses[position].text:
            return (f"“{verdict.title}”的依据条文已不在当前政策文本中（文件可能已被删除或替换），暂不能给出核对结果。"
                    "请刷新页面后重试；如仍如此，请联系管理员更新规则库（rules.yaml）。")
    return None


def verdict_html(verdict, index) -> str:
    snap = snapshot_of(index)
    colour = {"eligible": ANSWERED, "not_eligible": NOT_FOUND}.get(verdict.outcome, NEEDS_INFO)
    fg, bg = _STATUS_COLOURS[colour]
    parts = [f'<div class="verdict outcome-{esc(verdict.outcome)}">',
             f'<h3>{esc(verdict.title)}</h3>',
             f'<div style="color:{fg};background:{bg};padding:6px 10px;border-radius:6px;font-weight:600">'
             f'{esc(OUTCOME_LABELS.get(verdict.outcome, verdict.outcome))}</div>']
    if verdict.message:
        parts.append(f'<p>{_lines(verdict.message)}</p>')
    parts.append('<table class="conditions" style="width:100%;border-collapse:collapse">'
                 '<tr><th style="text-align:left">条件</th><th style="text-align:left">结果</th>'
                 '<th style="text-align:left">依据</th></tr>')
    for n, result in enumerate(verdict.conditions, 1):
        cite = "—"
        if result.citation is not None:
            c = result.citation
            cite = citation_html(n, c, snap, f"[{n}] {article_label(c.article)}：“{c.quote}”")
        parts.append(f'<tr class="condition-row" style="border-top:1px solid #e5e7eb">'
                     f'<td style="vertical-align:top;padding:4px">{esc(result.text)}</td>'
                     f'<td style="vertical-align:top;padding:4px;white-space:nowrap">{condition_badge(result.status)}</td>'
                     f'<td style="vertical-align:top;padding:4px">{cite}</td></tr>')
    parts.append("</table>")
    if verdict.missing:
        missing = "、".join(spec.label for spec in verdict.missing)
        parts.append(f'<p class="missing">还需补充：{esc(missing)}</p>')
    parts.append("</div>")
    return "".join(parts)


def chat_turn(bot, question: str, history: list[dict], conversation) -> tuple[list[dict], Answer | None]:
    """Ask ``bot`` within ``conversation`` and return the chat history with the question
    and the answer (or the error message) appended. A blank question changes nothing."""
    *_, (final_history, answer, _done) = chat_turn_stream(bot, question, history, conversation)
    return final_history, answer


def _max_question_chars(bot) -> int:
    settings = getattr(bot, "settings", None)
    return int(getattr(settings, "max_question_chars", DEFAULT_MAX_QUESTION_CHARS))


def bound_question(question: str, limit: int) -> tuple[str, str]:
    """(what the core is asked, what the chat shows) for a question typed or posted to
    the web chat: the core gets at most RAW_QUESTION_FACTOR × ``limit`` characters (it
    cleans them and answers from the first ``limit``, with its own notice), the chat
    echoes at most ``limit`` characters. The browser's limit is only a convenience: a
    forged request can send megabytes."""
    text = question.strip()
    asked = text[: limit * RAW_QUESTION_FACTOR]
    shown = text if len(text) <= limit else text[:limit] + SHOWN_CUT
    return asked, shown


def chat_turn_stream(bot, question: str, history: list[dict], conversation):
    """Like :func:`chat_turn`, step by step: yields ``(history, answer, done)``. With the
    optional LLM writer the drafts (``done`` False) show its text as it arrives, as plain
    text; the last item holds the verified answer — or the extractive one, replacing the
    draft. The question is bounded before it is asked or echoed (:func:`bound_question`)."""
    if not isinstance(question, str) or not question.strip():
        yield list(history), None, True
        return
    asked, shown = bound_question(question, _max_question_chars(bot))
    history = [*history, {"role": "user", "content": question_html(shown)}]
    draft = ""
    try:
        for item in bot.ask_stream(asked, conversation):
            if isinstance(item, str):
                draft += item
                yield [*history, {"role": "assistant", "content": draft_html(draft)}], None, False
            else:
                yield [*history, {"role": "assistant", "content": answer_html(item, bot.index)}], item, True
    except PolicyAssistantError as exc:
        yield [*history, {"role": "assistant", "content": error_html(str(exc))}], None, True


def draft_html(text: str) -> str:
    """Provisional LLM text while it streams (checked before it becomes the answer), as
    plain text: a model steered to write ``![](http://…)`` gets it shown, never fetched."""
    return (f'<div class="answer-draft">{plain_text_html(text)}'
            '<p><small>（正在生成，核对引文后显示最终回答）</small></p></div>')


def trim_history(history: list[dict], known: dict[int, Any], max_turns: int) -> tuple[list[dict], dict[int, Any]]:
    """The chat history cut to its last ``max_turns`` question/answer pairs (2 messages
    each), with the answers kept for feedback re-keyed to their new message positions."""
    keep = max(2, 2 * int(max_turns))
    drop = max(0, len(history) - keep)
    if not drop:
        return history, known
    return history[drop:], {i - drop: a for i, a in known.items() if isinstance(i, int) and i >= drop}


def write_verdict_files(verdict, directory: Path) -> tuple[Path, Path]:
    """The verdict as Markdown and CSV files for HR records (CSV with a BOM for Excel)."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w\-]+", "-", f"{verdict.rule_id}-核对结果").strip("-")
    md_path, csv_path = directory / f"{stem}.md", directory / f"{stem}.csv"
    md_path.write_text(verdict.to_markdown(), encoding="utf-8")
    csv_path.write_text(verdict.to_csv(), encoding="utf-8-sig")
    return md_path, csv_path


def rule_intro_html(rule) -> str:
    return (f'<div class="rule-intro" style="padding:4px 8px"><b>{esc(rule.title)}</b>'
            f'（依据{esc(article_label(rule.article))}）：{esc(rule.summary)}</div>')
