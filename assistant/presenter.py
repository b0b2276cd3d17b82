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
from . import wording
from .eligibility import parse_form_fact
from .errors import InputError, PolicyAssistantError
from .models import ANSWERED, NEEDS_INFO, NOT_FOUND, NOT_SPECIFIED, Answer, Citation, Clause, SourceDocument

STATUS_LABELS = dict(wording.STATUS_WORDS)
_STATUS_COLOURS = {  # (text, background): every pair ≥ 4.5:1 (WCAG AA)
    ANSWERED: ("#14532d", "#dcfce7"),
    NOT_SPECIFIED: ("#78350f", "#fef3c7"),
    NOT_FOUND: ("#7f1d1d", "#fee2e2"),
    NEEDS_INFO: ("#1e3a8a", "#dbeafe"),
}
OUTCOME_LABELS = dict(wording.OUTCOME_WORDS)
CONDITION_LABELS = dict(wording.CONDITION_WORDS)
_CONDITION_STATUS = {"met": ANSWERED, "unmet": NOT_FOUND, "unknown": NEEDS_INFO}  # borrow the status colours
BOOL_CHOICES = wording.BOOL_CHOICES
UNKNOWN_CHOICE = wording.UNKNOWN_CHOICE
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
    """One citation card: "[n] 《短标题》第X条 标题" (always naming its document), the whole
    article with the quote highlighted on opening, and a link that opens the article in
    the policy browser (the page script reads the hidden ``open-target``)."""
    snap = snapshot_of(index)
    label = label or citation_label(n, citation, snap.documents)
    body = cited_article_html(snap, citation)
    target = f"{citation.doc_id}::{citation.article}"
    return (f'<details class="citation citation-{n}"><summary style="cursor:pointer;color:#1d4ed8">{esc(label)}</summary>'
            f'<div class="article-text" style="border-left:3px solid #93c5fd;padding:4px 10px;margin:4px 0">{body}</div>'
            f'<a class="open-article" href="#browse" style="color:#1d4ed8">在政策浏览中打开</a>'
            f'<span class="open-target" style="display:none">{esc(target)}</span>'
            f'</details>')


# ---- chat ------------------------------------------------------------------------------------
def question_html(question: str) -> str:
    return f'<div class="question">{_lines(question)}</div>'


_BASIS = re.compile(r"\n+依据：\n(?:\[\d+\][^\n]*(?:\n|$))+\s*$")
_MARKER = re.compile(r"&#91;(\d+)&#93;")


def answer_body(answer: Answer) -> str:
    """The answer text without its trailing "依据：[1] …" list when the citation cards
    show the same quotes (the reader sees each quote once)."""
    text = answer.answer
    return _BASIS.sub("", text).rstrip() if answer.citations else text


def _linked_markers(escaped: str, count: int) -> str:
    """Inline [n] markers (escaped as entities) as links that open citation card n."""
    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if not 1 <= n <= count:
            return m.group(0)
        return f'<a class="cite-ref cite-ref-{n}" href="#citation-{n}" title="查看引用 {n}">{m.group(0)}</a>'
    return _MARKER.sub(link, escaped)


def answer_html(answer: Answer, index) -> str:
    """One chat bubble: status (shown here only), the answer text with clickable [n]
    markers, then each citation as a card naming its document, opening the article with
    the quote highlighted — from the generation the answer was read from
    (``answer.snapshot``; ``index``'s served one when unknown)."""
    snap = answer.snapshot if getattr(answer, "snapshot", None) is not None else snapshot_of(index)
    follow_up = answer.follow_up
    note = '<span class="follow-up" style="color:#4b5563;font-size:0.85em;margin-left:8px">已结合上一个问题理解</span>'
    classes = f"answer answer-{esc(answer.status)}" + (" follow-up-answer" if follow_up else "")
    parts = [f'<div class="{classes}">',  # classes, not data-*: the chat's sanitiser drops data attributes
             f'<div style="margin-bottom:6px">{status_badge(answer.status)}{note if follow_up else ""}</div>',
             f'<div class="answer-text">{_linked_markers(_lines(answer_body(answer)), len(answer.citations))}</div>']
    if answer.citations:
        parts.append('<div class="citations" style="margin-top:8px"><div style="font-weight:600">引用原文（点击展开条文）</div>')
        parts.extend(citation_html(n, c, snap) for n, c in enumerate(answer.citations, 1))
        parts.append("</div>")
        from .chatview import follow_up_questions, follow_ups_html  # (chatview renders with this module)

        parts.append(follow_ups_html(follow_up_questions(answer, snap)))
    if answer.corpus_version:
        meta = f"语料版本 {answer.corpus_version}"
        parts.append(f'<div class="answer-meta" title="{esc(meta)}" style="color:#4b5563;font-size:0.8em;margin-top:6px">'
                     f'用时 {answer.latency_ms:.0f} 毫秒</div>')
    parts.append("</div>")
    return "".join(parts)


def pending_html(message: str) -> str:
    """The bubble shown while an answer is being looked up (instead of a spinner)."""
    return f'<div class="answer-pending" style="color:#374151">{_lines(message)}</div>'


def error_html(message: str) -> str:
    return f'<div class="answer answer-error" style="color:#991b1b">出错了：{_lines(message)}</div>'


def answer_plain(answer: Answer) -> str:
    """The answer as plain text for the clipboard: status, text, and the citations."""
    lines = [f"【{status_label(answer.status)}】", answer_body(answer)]
    if answer.citations:
        lines.append("")
        lines.extend(f"[{n}] 《{c.doc_title}》{article_label(c.article)}：“{c.quote}”"
                     for n, c in enumerate(answer.citations, 1))
    return "\n".join(lines)


# ---- policy browser (the record, whole document and search: assistant.browseview) -------------
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
    Blank or "未知" answers are left out, so the checker reports them as unknown. A
    value that is not usable raises InputError naming the field: a typed number of
    months or percentage that is not one (NaN, inf, 1e309, "60%%%", "150%", too
    long…), a yes/no answer other than 是/否, a choice not in the list."""
    from .eligibility import NO, YES

    facts: dict[str, Any] = {}
    for spec, value in zip(specs, values):
        if value is None or (isinstance(value, str) and value.strip() in ("", UNKNOWN_CHOICE, "不确定", "不清楚")):
            continue
        if spec.kind == "bool":
            if isinstance(value, bool):
                facts[spec.name] = value
                continue
            word = str(value).strip().lower()
            if word not in YES and word not in NO:
                raise InputError(f"“{spec.label}”填写有误：{str(value)[:20]!r} 不是“是”“否”或“{UNKNOWN_CHOICE}”。请修改后再核对。")
            facts[spec.name] = word in YES
        elif spec.kind in ("months", "percent", "number"):  # checked here; the checker parses "半年", "60%", "1.5万元"…
            parse_form_fact(spec, value)
            facts[spec.name] = str(value).strip() if isinstance(value, str) else value
        elif spec.kind == "choice":
            choice = str(value).strip()
            if choice not in (spec.choices or []):
                raise InputError(f"“{spec.label}”填写有误：{choice[:20]!r} 不在可选项中（{'、'.join(spec.choices or [])}）。")
            facts[spec.name] = choice
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


def verdict_html(verdict, index, record: "Record | None" = None, doc_title: str = "", version: str = "",
                 document=None) -> str:
    """A verdict on the page: outcome, each condition with its state and quote, and (with
    ``record``) who was checked, when, by whom, against which document and corpus version."""
    snap = snapshot_of(index)
    colour = {"eligible": ANSWERED, "not_eligible": NOT_FOUND}.get(verdict.outcome, NEEDS_INFO)
    fg, bg = _STATUS_COLOURS[colour]
    parts = [f'<div class="verdict outcome-{esc(verdict.outcome)}">',
             f'<h3>{esc(verdict.title)}</h3>',
             f'<div style="color:{fg};background:{bg};padding:6px 10px;border-radius:6px;font-weight:600">'
             f'{esc(OUTCOME_LABELS.get(verdict.outcome, verdict.outcome))}</div>']
    if record is not None:
        rows = [*record.rows(), ("依据文件", f"《{doc_title}》" if doc_title else ""), *document_rows(document),
                ("语料版本", version)]
        parts.append('<table class="record" style="margin:6px 0">' + "".join(
            f'<tr><th style="text-align:left;padding-right:12px;white-space:nowrap">{esc(label)}</th><td>{esc(value)}</td></tr>'
            for label, value in rows if value) + "</table>")
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


# ---- HR records -------------------------------------------------------------------------------
MAX_RECORD_CHARS = 40  # a name, an employee number or a checker's name
MAX_BATCH_ROWS = 500  # employees per batch check
MAX_BATCH_CHARS = 200_000
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass(frozen=True)
class Record:
    """Who was checked, when and by whom: filed with every verdict export."""

    employee_name: str = ""
    employee_id: str = ""
    checked_on: str = ""  # YYYY-MM-DD
    checker: str = ""

    def rows(self) -> list[tuple[str, str]]:
        return [(label, getattr(self, key)) for key, label in wording.RECORD_FIELDS]


def _one_line(value: object, label: str) -> str:
    text = " ".join("".join(ch for ch in str(value or "") if ch.isprintable()).split())
    if len(text) > MAX_RECORD_CHARS:
        raise InputError(f"“{label}”填写有误：最多 {MAX_RECORD_CHARS} 个字。请修改后再核对。")
    return text


def record_from_form(employee_name: object = "", employee_id: object = "", checked_on: object = "",
                     checker: object = "", today: str | None = None) -> Record:
    """The record fields typed into the HR form, checked: InputError naming the field
    when one is too long or the date is not a date (blank date: today)."""
    from datetime import date

    labels = wording.RECORD_LABELS
    day = _one_line(checked_on, labels["checked_on"])
    if not day:
        day = today or date.today().isoformat()
    else:
        m = _DATE.match(day)
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat() if m else ""
        except ValueError:
            day = ""
        if not day:
            raise InputError(f"“{labels['checked_on']}”填写有误：{str(checked_on)[:20]!r} 不是有效日期，"
                             "请按 2025-03-01 的格式填写。")
    return Record(_one_line(employee_name, labels["employee_name"]), _one_line(employee_id, labels["employee_id"]),
                  day, _one_line(checker, labels["checker"]))


def rule_record(snap, verdict):
    """The record (documents.DocumentRecord: content hash, status …) of the document the
    verdict cites, from ``snap``; None when it is not served."""
    doc_id = next((r.citation.doc_id for r in verdict.conditions if r.citation is not None), "")
    return getattr(snapshot_of(snap), "records", {}).get(doc_id)


def document_rows(document) -> list[tuple[str, str]]:
    """(label, value) rows an HR record files for the cited document's version and status
    (:data:`wording.DOCUMENT_FIELDS`), empty values when it is unknown."""
    return [(label, getattr(document, key, "") if document is not None else "") for key, label in wording.DOCUMENT_FIELDS]


def rule_document(snap, verdict) -> tuple[str, str]:
    """(full title of the document the verdict cites, corpus version) from ``snap``."""
    doc_id = next((r.citation.doc_id for r in verdict.conditions if r.citation is not None), "")
    doc = snapshot_of(snap).documents.get(doc_id)
    title = doc.title if doc is not None else next(
        (r.citation.doc_title for r in verdict.conditions if r.citation is not None), "")
    return title, getattr(snapshot_of(snap), "corpus_version", "") or ""


def _cell(value: object) -> str:
    return " ".join(str("" if value is None else value).split()).replace("|", "｜")


def record_markdown(verdict, record: Record, doc_title: str, version: str, document=None) -> str:
    """The verdict as a Markdown HR record: who, when, by whom, which document (its
    version hash and status, from ``document``, its DocumentRecord) and corpus version,
    the outcome, then each condition with its state and quote."""
    lines = [f"# 资格核对记录：{_cell(verdict.title)}", "", "| 项目 | 内容 |", "|---|---|"]
    lines += [f"| {label} | {_cell(value)} |" for label, value in record.rows()]
    lines += [f"| 待遇/资格 | {_cell(verdict.title)} |", f"| 核对结论 | {OUTCOME_LABELS.get(verdict.outcome, verdict.outcome)} |",
              f"| 依据文件 | 《{_cell(doc_title)}》 |", *[f"| {label} | {_cell(value)} |" for label, value in document_rows(document)],
              f"| 语料版本 | {_cell(version)} |",
              "| 规则 | " + _cell(" · ".join(x for x in _rule_fields(verdict) if x)) + " |", ""]
    if verdict.message:
        lines += [_cell(verdict.message), ""]
    lines += ["| 条件 | 结果 | 填写的情况 | 依据 |", "|---|---|---|---|"]
    for c in verdict.conditions:
        basis = f"{article_label(c.citation.article)}：“{c.citation.quote}”" if c.citation is not None else ""
        lines.append(f"| {_cell(c.text)} | {CONDITION_LABELS.get(c.status, c.status)} | {_cell(c.value)} | {_cell(basis)} |")
    if verdict.missing:
        lines += ["", "还需补充的信息：", *[f"- {_cell(f.ask or f.label)}" for f in verdict.missing]]
    return "\n".join(lines) + "\n"


def record_csv(verdict, record: Record, doc_title: str, version: str, document=None) -> str:
    """The verdict as CSV with Chinese headers (:data:`wording.VERDICT_CSV_HEADERS`), one
    row per condition, every row carrying the record fields and the cited document's
    version hash and status (spreadsheet-safe)."""
    from .spreadsheet import to_csv

    head = [record.employee_name, record.employee_id, record.checked_on, record.checker, verdict.title,
            OUTCOME_LABELS.get(verdict.outcome, verdict.outcome)]
    rows = []
    for c in verdict.conditions:
        cite = c.citation
        rows.append([*head, c.text, CONDITION_LABELS.get(c.status, c.status), "" if c.value is None else c.value,
                     f"《{doc_title}》", article_label(cite.article) if cite else "", cite.clause_id if cite else "",
                     cite.quote if cite else "", version, *[value for _, value in document_rows(document)],
                     *_rule_fields(verdict)])
    return to_csv(wording.VERDICT_CSV_HEADERS, rows)


def _rule_fields(verdict) -> list[str]:
    """The rule behind a verdict: its document, article, version (content hash) and author."""
    return [getattr(verdict, "document", ""), article_label(verdict.article) if getattr(verdict, "article", "") else "",
            getattr(verdict, "rule_version", ""), getattr(verdict, "author", "")]


def record_page(verdict, record: Record, doc_title: str, version: str, document=None) -> str:
    """A printable HTML page of the record (open it, print or save as PDF); no script."""
    meta = "".join(f"<tr><th>{esc(label)}</th><td>{esc(value)}</td></tr>" for label, value in
                   [*record.rows(), ("待遇/资格", verdict.title),
                    ("核对结论", OUTCOME_LABELS.get(verdict.outcome, verdict.outcome)),
                    ("依据文件", f"《{doc_title}》"), *document_rows(document), ("语料版本", version),
                    ("规则", " · ".join(x for x in _rule_fields(verdict) if x))])
    rows = "".join(
        f"<tr><td>{esc(c.text)}</td><td>{esc(CONDITION_LABELS.get(c.status, c.status))}</td>"
        f"<td>{esc('' if c.value is None else c.value)}</td>"
        f"<td>{esc(article_label(c.citation.article)) if c.citation else ''}：“{esc(c.citation.quote) if c.citation else ''}”</td></tr>"
        for c in verdict.conditions)
    missing = "".join(f"<li>{esc(f.ask or f.label)}</li>" for f in verdict.missing)
    return ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>资格核对记录 {esc(record.employee_name)} {esc(verdict.title)}</title><style>"
            "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:#111;margin:2em;line-height:1.6}"
            "table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #555;padding:4px 8px;"
            "text-align:left;vertical-align:top}th{white-space:nowrap;background:#f3f4f6}"
            ".sign{margin-top:3em}@media print{body{margin:1cm}}</style></head><body>"
            f"<h1>资格核对记录：{esc(verdict.title)}</h1><table class=\"record\">{meta}</table>"
            f"<p>{esc(verdict.message)}</p>"
            f"<table class=\"conditions\"><tr><th>条件</th><th>结果</th><th>填写的情况</th><th>依据</th></tr>{rows}</table>"
            + (f"<p>还需补充的信息：</p><ul>{missing}</ul>" if missing else "")
            + "<p class=\"sign\">核对人签字：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿＿＿</p>"
            "<p style=\"color:#4b5563;font-size:0.9em\">本记录按政策原文逐项核对生成；用浏览器打开后可打印或另存为 PDF。</p>"
            "</body></html>")


def write_record_files(verdict, record: Record, doc_title: str, version: str, directory: Path,
                       document=None) -> tuple[Path, Path, Path]:
    """The HR record as Markdown, CSV (with a BOM for Excel) and a printable HTML page,
    named "核对结果-<待遇>-<员工>-<日期>"; ``document``: the cited document's record."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = wording.file_stem(wording.EXPORT_STEM, verdict.title, record.employee_name or record.employee_id,
                             record.checked_on)
    md_path, csv_path, html_path = (directory / f"{stem}.md", directory / f"{stem}.csv", directory / f"{stem}.html")
    md_path.write_text(record_markdown(verdict, record, doc_title, version, document), encoding="utf-8")
    csv_path.write_text(record_csv(verdict, record, doc_title, version, document), encoding="utf-8-sig")
    html_path.write_text(record_page(verdict, record, doc_title, version, document), encoding="utf-8")
    return md_path, csv_path, html_path


def write_verdict_files(verdict, directory: Path) -> tuple[Path, Path]:
    """The bare verdict as Markdown and CSV files (CSV with a BOM for Excel)."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = wording.file_stem(wording.EXPORT_STEM, verdict.title)
    md_path, csv_path = directory / f"{stem}.md", directory / f"{stem}.csv"
    md_path.write_text(verdict.to_markdown(), encoding="utf-8")
    csv_path.write_text(verdict.to_csv(), encoding="utf-8-sig")
    return md_path, csv_path


# ---- batch checks (several employees from one table) ---------------------------------------------
def batch_template(rule) -> str:
    """The CSV header HR fills in for ``rule``: name, number, then one column per fact."""
    from .spreadsheet import to_csv

    return to_csv([wording.RECORD_LABELS["employee_name"], wording.RECORD_LABELS["employee_id"],
                   *[f.label for f in rule.facts]], [])


def _read_table(text: str) -> list[list[str]]:
    import csv
    import io

    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    dialect = "excel-tab" if first.count("\t") > first.count(",") else "excel"  # pasted from a spreadsheet
    return [[cell.strip().lstrip("'") for cell in row] for row in csv.reader(io.StringIO(text), dialect)
            if any(cell.strip() for cell in row)]


def batch_check(rulebase, rule, text: str, checked_on: str = "", checker: str = "", today: str | None = None,
                doc_title: str = "", version: str = "", document=None) -> tuple[str, int, list[str]]:
    """Check every employee of a CSV (or a table pasted from a spreadsheet): header
    员工姓名, 员工编号, then the rule's fact labels (any order; missing columns are unknown).
    Returns (result CSV, employees checked, problems); a row with an unusable value gets
    "未核对" and the message naming the field, never a verdict."""
    from .spreadsheet import to_csv

    if not isinstance(text, str) or not text.strip():
        raise InputError("表格为空：请先填入员工信息（第一行为表头）。")
    if len(text) > MAX_BATCH_CHARS:
        raise InputError(f"表格过大：最多 {MAX_BATCH_CHARS:,} 个字符。")
    rows = _read_table(text)
    header, body = rows[0], rows[1:]
    if len(body) > MAX_BATCH_ROWS:
        raise InputError(f"人数过多：一次最多核对 {MAX_BATCH_ROWS} 人。")
    labels = wording.RECORD_LABELS
    column = {name: i for i, name in enumerate(header)}
    if labels["employee_name"] not in column and labels["employee_id"] not in column:
        raise InputError(f"表头需要包含“{labels['employee_name']}”或“{labels['employee_id']}”，"
                         f"以及各项情况：{'、'.join(f.label for f in rule.facts)}。")
    base = record_from_form(checked_on=checked_on, checker=checker, today=today)
    stamp = [value for _, value in document_rows(document)]  # the cited document's version hash and status
    out, problems = [], []

    def get(row, name):
        i = column.get(name)
        return row[i] if i is not None and i < len(row) else ""

    for number, row in enumerate(body, 2):
        name, staff_id = get(row, labels["employee_name"]), get(row, labels["employee_id"])
        head = [name[:MAX_RECORD_CHARS], staff_id[:MAX_RECORD_CHARS], base.checked_on, base.checker, rule.title]
        try:
            facts = facts_from_form(rule.facts, [get(row, f.label) for f in rule.facts])
            verdict = rulebase.check(rule.id, facts)
        except PolicyAssistantError as exc:
            problems.append(f"第 {number} 行（{name or staff_id}）：{exc}")
            out.append([*head, "未核对", "", "", str(exc), f"《{doc_title}》", version, *stamp])
            continue
        unmet = "、".join(r.text for r in verdict.conditions if r.status == "unmet")
        missing = "、".join(f.label for f in verdict.missing)
        out.append([*head, OUTCOME_LABELS.get(verdict.outcome, verdict.outcome), unmet, missing, verdict.message,
                    f"《{doc_title}》", version, *stamp])
    return to_csv(wording.BATCH_RESULT_HEADERS, out), len(body), problems


def rule_intro_html(rule) -> str:
    return (f'<div class="rule-intro" style="padding:4px 8px"><b>{esc(rule.title)}</b>'
            f'（依据{esc(article_label(rule.article))}）：{esc(rule.summary)}</div>')
