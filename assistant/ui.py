"""The web chat (gradio, Chinese UI). This module only wires components to the package:
rendering lives in :mod:`assistant.presenter`, feedback in :mod:`assistant.feedback`,
knowledge-base administration in :mod:`assistant.admin`.

gradio is imported inside :func:`create_app`, so ``import assistant`` stays fast.
Per-browser-session state (the conversation) lives in ``gr.State``; nothing is shared
between users. The admin tab and its event handlers exist only when an admin password
is configured, and every admin handler checks the session's login.

Bounds (issue 11): a question is cut before it is asked or echoed, a session keeps its
last ``settings.web_history_turns`` turns and its state expires after
``settings.web_session_ttl_seconds`` idle; chat questions run ``settings.web_concurrency``
at a time in their own queue, never behind an admin rebuild; admin rights live in a
server-side session (:class:`~assistant.admin.AdminSessions`) that ends after
``settings.admin_idle_seconds`` idle; files exist in the web temp folder only briefly
(:mod:`assistant.webguard`).

(No ``from __future__ import annotations`` here: gradio inspects the real annotations
to pass ``gr.Request`` / ``gr.LikeData`` into the handlers.)"""
import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # offline: before gradio is imported anywhere
os.environ["ANONYMIZED_TELEMETRY"] = "False"

import logging  # noqa: E402
import re  # noqa: E402
from html import unescape as html_unescape  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

from . import presenter as view  # noqa: E402
from . import webguard  # noqa: E402
from .admin import (AUDIT_FILE, KEEP_DELETED_DAYS, MAX_UPLOAD_BYTES, AdminAuth, AdminError, AdminSessions, AuditLog,  # noqa: E402
                    CorpusAdmin, SessionError, actor_name, document_rows, validate_upload)
from .conversation import Conversation  # noqa: E402
from .eligibility import MAX_FACT_CHARS  # noqa: E402
from .errors import PolicyAssistantError, RuleBaseError  # noqa: E402
from .feedback import MAX_COMMENT_CHARS, FeedbackStore  # noqa: E402
from . import wording  # noqa: E402

logger = logging.getLogger("assistant.ui")

TITLE = "政策助手"
EXAMPLES = [
    "职工教育经费用在一线职工身上的比例有什么要求？",
    "新型学徒的补贴从什么时候开始？",
    "企业可以直接认定哪些职业技能等级？",
    "高技能人才可以实行哪些激励办法？",
]
FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "sans-serif"]
CSS = """
.status-line {min-height: 1.6em}
.article-text mark, .article mark {background: #fde68a; color: #111827; padding: 0 2px}
footer {display: none !important}
#chat {height: calc(100dvh - 330px) !important; min-height: 240px; max-height: none !important}
@media (max-width: 640px) {
  #chat {height: calc(100dvh - 390px) !important; min-height: 200px}
  #page-intro p {display: none}
  #page-intro h1 {font-size: 1.3em; margin: 0}
  #chat-actions {flex-direction: row !important; flex-wrap: wrap; min-width: 0 !important}
  #chat-actions button {flex: 1 1 30%; min-width: 0}
  [role=tablist] [role=tab] {padding: 4px 6px !important; font-size: 0.9em !important}
}
*:focus-visible, button:focus-visible, a:focus-visible, summary:focus-visible, input:focus-visible,
textarea:focus-visible, [role=tab]:focus-visible, [role=radio]:focus-visible {
  outline: 3px solid #1d4ed8 !important; outline-offset: 2px !important}
[role=tab] {color: #374151 !important}
[role=tab][aria-selected=true] {color: #1d4ed8 !important}
a.cite-ref {color: #1d4ed8; text-decoration: underline; cursor: pointer; font-weight: 600}
details.citation.flash > summary {background: #fef3c7}
.sr-only {position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap}
.verdict table th, .verdict table td {color: #111827}
"""
# The page's own script (run once on load): Enter sends and Shift+Enter starts a new line
# (not while an input method is composing Chinese), inline [n] open citation n, "在政策浏览中打开"
# opens the article in the policy browser, "复制回答" says 已复制, and gradio's own English
# words (aria labels, titles, toasts) are replaced by the Chinese ones of assistant.wording.
PAGE_JS_TEMPLATE = """() => {
  if (window.__policyPage) return; window.__policyPage = true;
  const WORDS = __WORDS__, PATTERNS = __PATTERNS__.map(([p, r]) => [new RegExp(p, 's'), r]);
  const tr = (text) => {
    if (!text) return text;
    const t = text.trim();
    if (Object.prototype.hasOwnProperty.call(WORDS, t)) return WORDS[t];
    for (const [re, rep] of PATTERNS) if (re.test(t)) return rep;
    return text;
  };
  const ATTRS = ['aria-label', 'title', 'placeholder', 'aria-roledescription'];
  const fixNode = (el) => {
    if (!(el instanceof Element)) return;
    for (const a of ATTRS) { const v = el.getAttribute(a); if (v) { const n = tr(v); if (n !== v) el.setAttribute(a, n); } }
  };
  const fixText = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = []; while (walker.nextNode()) nodes.push(walker.currentNode);
    for (const n of nodes) {
      const p = n.parentElement; if (!p || p.closest('.answer, .question, .article, #browse-text, textarea')) continue;
      const v = n.nodeValue, t = tr(v); if (t !== v) n.nodeValue = t;
    }
  };
  const fixAll = (root) => { if (!(root instanceof Element)) return; fixNode(root);
    root.querySelectorAll('*').forEach(fixNode); fixText(root); };
  fixAll(document.body);
  new MutationObserver((records) => { for (const r of records) {
    if (r.type === 'attributes') fixNode(r.target);
    else if (r.type === 'characterData') { const p = r.target.parentElement; if (p) fixText(p); }
    else for (const n of r.addedNodes) { if (n instanceof Element) fixAll(n); else if (n.parentElement) fixText(n.parentElement); }
  }}).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true, attributeFilter: ATTRS});

  const inQuestion = (e) => e.target instanceof HTMLTextAreaElement && e.target.closest('#question') && e.key === 'Enter';
  document.addEventListener('keydown', (e) => {
    if (!inQuestion(e) || e.isComposing || e.keyCode === 229) return;
    e.stopPropagation();  // gradio's own handler would send on Shift+Enter
    if (e.shiftKey) return;  // the browser adds the new line
    e.preventDefault();
    const send = document.querySelector('#send'); if (send) send.click();
  }, true);
  document.addEventListener('keypress', (e) => { if (inQuestion(e)) e.stopPropagation(); }, true);

  const openCitation = (answer, n) => {
    const card = answer && answer.querySelector('details.citation-' + n);
    if (!card) return;
    card.open = true; card.classList.add('flash'); setTimeout(() => card.classList.remove('flash'), 1500);
    card.scrollIntoView({block: 'nearest', behavior: 'smooth'});
    const s = card.querySelector('summary'); if (s) s.focus({preventScroll: true});
  };
  document.addEventListener('click', (e) => {
    const ref = e.target.closest && e.target.closest('a.cite-ref');
    if (ref) { e.preventDefault(); const m = ref.className.match(/cite-ref-(\\d+)/);
      if (m) openCitation(ref.closest('.answer'), m[1]); return; }
    const open = e.target.closest && e.target.closest('a.open-article');
    if (open) { e.preventDefault();
      const target = open.parentElement.querySelector('.open-target');
      const box = document.querySelector('#open-target textarea, #open-target input');
      if (target && box) { box.value = target.textContent + '::' + Date.now();
        box.dispatchEvent(new Event('input', {bubbles: true})); }
      return; }
    const copy = e.target.closest && e.target.closest('#copy-answer');
    if (copy) { const old = copy.textContent; setTimeout(() => { copy.textContent = '__COPIED__';
      setTimeout(() => { copy.textContent = old; }, 1500); }, 50); }
  }, true);
  document.addEventListener('keydown', (e) => {
    const ref = e.target.closest && e.target.closest('a.cite-ref');
    if (ref && (e.key === ' ')) { e.preventDefault(); ref.click(); }
  });
}"""
MAX_WEB_SESSIONS = 1000  # browser sessions whose state the server keeps (the least recently used go first)
FEEDBACK_ROWS = 200  # feedback rows in the admin table
FEEDBACK_CELL_CHARS = 300  # characters per text cell in that table
AUDIT_PAGE = 50  # audit entries per page in the admin viewer
AUDIT_CELL_CHARS = 200
AUDIT_FILTERS = {"全部": "all", "变更": "changes", "登录": "logins"}
SET_UPLOAD_COOKIE_JS = f"""(key) => {{
  if (!key) return;
  document.cookie = "{webguard.UPLOAD_COOKIE}=" + encodeURIComponent(key) + "; path=/; SameSite=Strict"
    + (location.protocol === "https:" ? "; Secure" : "");
}}"""
CLEAR_UPLOAD_COOKIE_JS = f"""() => {{ document.cookie = "{webguard.UPLOAD_COOKIE}=; path=/; max-age=0; SameSite=Strict"; }}"""
COPY_JS = """(text) => {
  if (!text) return;
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text); return; }
  const area = document.createElement('textarea');
  area.value = text; area.style.position = 'fixed'; area.style.opacity = '0';
  document.body.appendChild(area); area.select(); document.execCommand('copy'); area.remove();
}"""


def page_js() -> str:
    """The page script with the vocabulary of :mod:`assistant.wording` filled in."""
    import json

    return (PAGE_JS_TEMPLATE.replace("__WORDS__", json.dumps(wording.GRADIO_STRINGS, ensure_ascii=False))
            .replace("__PATTERNS__", json.dumps([list(p) for p in wording.GRADIO_PATTERNS], ensure_ascii=False))
            .replace("__COPIED__", wording.COPIED))


def theme():
    """The Soft theme with text colours that meet WCAG AA (4.5:1) on their backgrounds:
    primary buttons, tab labels, field labels, placeholders."""
    import gradio as gr

    base = gr.themes.Soft(primary_hue="blue", font=FONTS, font_mono=["ui-monospace", "monospace"])
    return base.set(
        button_primary_background_fill="#1d4ed8", button_primary_background_fill_hover="#1e40af",
        button_primary_text_color="#ffffff", button_primary_text_color_hover="#ffffff",
        button_secondary_text_color="#1f2937", button_secondary_background_fill="#e5e7eb",
        button_cancel_background_fill="#b91c1c", button_cancel_text_color="#ffffff",
        body_text_color="#111827", body_text_color_subdued="#4b5563", block_label_text_color="#1f2937",
        block_title_text_color="#1f2937", block_info_text_color="#4b5563", input_placeholder_color="#6b7280",
        link_text_color="#1d4ed8", checkbox_label_text_color="#1f2937")


def launch_options(settings) -> dict:
    """Keyword arguments for ``app.launch``: local only, no share link, no browser
    window, local fonts (no CDN), uploads capped at the admin size limit."""
    return dict(server_name=settings.host, server_port=settings.port, share=False, inbrowser=False,
                theme=theme(), css=CSS, footer_links=[], max_file_size=MAX_UPLOAD_BYTES, quiet=True,
                enable_monitoring=False, run_history=False)


def create_app(assistant, sessions: AdminSessions | None = None):
    """The gradio Blocks app for a ready :class:`~assistant.core.PolicyAssistant`.
    ``sessions``: the admin sessions (the web server's upload gate checks the same
    object; a new one when not given). Available afterwards as ``app.admin_sessions``."""
    webguard.web_temp_dir()  # gradio's file folder, before any component is built
    import gradio as gr

    settings = assistant.settings
    feedback = FeedbackStore(settings.feedback_db)
    sessions = sessions if sessions is not None else AdminSessions(settings.admin_idle_seconds)
    cleanup = (webguard.WEB_FILE_SWEEP_EVERY, webguard.WEB_FILE_MAX_AGE)
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=cleanup) as app:
        gr.Markdown(f"# {TITLE}\n技能政策问答：每个回答都引用政策原文，点击引用可查看整条条文。离线运行，不上传任何数据。",
                    elem_id="page-intro")
        open_target = gr.Textbox(visible="hidden", elem_id="open-target")  # set by the page script
        with gr.Tabs() as tabs:
            with gr.Tab("政策问答", id="chat"):
                _chat_tab(gr, assistant, feedback)
            with gr.Tab("政策浏览", id="browse"):
                _browse_tab(gr, app, assistant, tabs, open_target)
            with gr.Tab("资格核对（HR）", id="check"):
                _check_tab(gr, assistant)
            if settings.admin_password:
                with gr.Tab("知识库管理", id="admin"):
                    _admin_tab(gr, assistant, feedback, sessions)
        app.load(None, None, None, js=page_js())
    app.state_session_capacity = MAX_WEB_SESSIONS
    app.admin_sessions = sessions
    return app


# ---- chat -----------------------------------------------------------------------------------
def _chat_tab(gr, assistant, feedback: FeedbackStore) -> None:
    settings = assistant.settings
    ttl, turns = settings.web_session_ttl_seconds, settings.web_history_turns
    conversation = gr.State(Conversation(), time_to_live=ttl)
    history = gr.State([], time_to_live=ttl)
    answers = gr.State({}, time_to_live=ttl)  # chat message index → Answer, for feedback
    rated = gr.State(None, time_to_live=ttl)  # id of this session's latest feedback row
    chatbot = gr.Chatbot(label="对话", show_label=False, elem_id="chat", height="60vh", buttons=[], sanitize_html=True,
                         latex_delimiters=[], allow_tags=False, group_consecutive_messages=False,
                         placeholder="请在下方输入问题，或点击示例问题。")
    status = gr.HTML("", elem_classes="status-line", elem_id="status")
    with gr.Row(equal_height=False):
        question = gr.Textbox(label="问题", placeholder="例如：职工教育经费用在一线职工身上的比例有什么要求？",
                              info=wording.ENTER_HINT, lines=2, max_length=settings.max_question_chars, scale=5,
                              elem_id="question")
        with gr.Column(scale=1, min_width=140, elem_id="chat-actions"):
            send = gr.Button("发送", variant="primary", elem_id="send")
            new = gr.Button("新对话", elem_id="new-chat")
            copy = gr.Button("复制回答", elem_id="copy-answer")
    gr.Examples(EXAMPLES, inputs=[question], label="示例问题")
    with gr.Accordion("对回答的意见（点击回答下方的 👍/👎 评价后，可补充说明）", open=False) as opinion:
        comment = gr.Textbox(label="意见（可选）", lines=2, max_length=MAX_COMMENT_CHARS, elem_id="feedback-comment")
        send_comment = gr.Button("提交意见", elem_id="feedback-send")
        comment_note = gr.Markdown("", elem_id="feedback-note")
    plain = gr.Textbox(visible=False)  # the latest answer as plain text, for the copy button

    def respond(text, past, convo, known):
        past, known = list(past or []), dict(known or {})
        convo = convo if isinstance(convo, Conversation) else Conversation()
        if not isinstance(text, str) or not text.strip():  # a short message (a toast), nothing else changes
            gr.Info(wording.EMPTY_QUESTION, duration=3)
            yield gr.update(), past, past, convo, known, "", gr.update()
            return
        waiting = wording.SEARCHING if getattr(assistant, "_loaded", True) else wording.LOADING
        if getattr(assistant, "building", False):
            waiting = wording.BUILDING
        _, shown = view.bound_question(text, view._max_question_chars(assistant))
        pending = [*past, {"role": "user", "content": view.question_html(shown)},
                   {"role": "assistant", "content": view.pending_html(waiting)}]
        yield "", pending, past, convo, known, waiting, gr.update()  # the question stays visible while it is answered
        for updated, answer, done in view.chat_turn_stream(assistant, text, past, convo):
            if not done:  # an LLM draft streaming in
                yield gr.update(), updated, updated, convo, known, wording.GENERATING, gr.update()
                continue
            del convo.turns[:-turns]
            if answer is None:  # an error shown in the chat
                note = "" if len(updated) == len(past) else "出错了：请查看对话中的提示。"
                updated, known = view.trim_history(updated, known, turns)
                yield gr.update(), updated, updated, convo, known, note, gr.update()
            else:  # kept for feedback without its index generation (that may be large)
                known = {**known, len(updated) - 1: replace(answer, snapshot=None)}
                updated, known = view.trim_history(updated, known, turns)
                # the status shows once, in the bubble; this line only tells screen readers
                note = f'<span class="sr-only" role="status">当前回答状态：{view.status_label(answer.status)}</span>'
                yield "", updated, updated, convo, known, note, view.answer_plain(answer)

    outputs = [question, chatbot, history, conversation, answers, status, plain]
    # Enter sends through the page script's click on #send (Shift+Enter: a new line); its
    # own queue: never behind an admin rebuild; no gradio spinner or timer (we say what happens)
    send.click(respond, [question, history, conversation, answers], outputs, concurrency_id="chat",
               concurrency_limit=max(1, settings.web_concurrency), api_visibility="private", show_progress="hidden")

    def reset():
        return [], [], Conversation(), {}, None, "", ""

    for trigger in (new.click, chatbot.clear):  # the chat's own 🗑 button starts over too
        trigger(reset, None, [chatbot, history, conversation, answers, rated, status, plain], api_visibility="private")
    copy.click(None, [plain], None, js=COPY_JS)  # the page script shows 已复制

    def rate(data: gr.LikeData, known, request: gr.Request):
        index = data.index if isinstance(data.index, int) else (data.index or [None])[0]
        answer = (known or {}).get(index)
        if answer is None or data.liked not in (True, False):
            return None, "", gr.update()
        row = feedback.add("up" if data.liked else "down", answer, session=request.session_hash or "")
        return row, "已记录您的评价，谢谢！可在上方补充意见。", gr.update(open=True)

    chatbot.like(rate, [answers], [rated, comment_note, opinion], api_visibility="private")

    def add_comment(text, row, request: gr.Request):
        if row is None:
            return gr.update(), "请先点击回答下方的 👍 或 👎。"
        if not isinstance(text, str) or not text.strip():
            return gr.update(), "意见为空。"
        feedback.set_comment(row, text.strip(), session=request.session_hash or "")
        return "", "意见已保存，谢谢！"

    send_comment.click(add_comment, [comment, rated], [comment, comment_note], api_visibility="private")


# ---- policy browser -------------------------------------------------------------------------
def _browse_tab(gr, app, assistant, tabs, open_target) -> None:
    index = assistant.index
    with gr.Row():
        doc = gr.Dropdown(label="文件", choices=[], elem_id="browse-doc", scale=2)
        article = gr.Dropdown(label="条文", choices=[], elem_id="browse-article", scale=1)
    meta = gr.HTML("")
    text = gr.HTML("", elem_id="browse-text")
    with gr.Row():
        previous = gr.Button("上一条", elem_id="browse-previous", size="sm")
        following = gr.Button("下一条", elem_id="browse-next", size="sm")

    def show(doc_id, article_key=None):
        """[meta, article dropdown, article text] for a document (its first article unless given)."""
        snap = view.snapshot_of(index)
        if not doc_id or doc_id not in snap.documents:
            return "", gr.update(choices=[], value=None), ""
        choices = view.article_choices(snap, doc_id)
        keys = [key for _, key in choices]
        key = article_key if article_key in keys else (keys[0] if keys else None)
        body = view.article_html(snap, doc_id, key) if key else ""
        return view.document_meta_html(snap.documents[doc_id]), gr.update(choices=choices, value=key), body

    def documents():
        try:
            assistant.ensure_index()  # the page can be open before the index has loaded
        except PolicyAssistantError as exc:
            raise gr.Error(f"政策文件无法加载：{exc}") from exc
        choices = [(d.title, d.doc_id) for d in view.snapshot_of(index).documents.values()]
        first = choices[0][1] if choices else None
        return gr.update(choices=choices, value=first), *show(first)

    def pick_article(doc_id, article_key):
        if not doc_id or not article_key:
            return ""
        return view.article_html(view.snapshot_of(index), doc_id, article_key)

    def step(doc_id, article_key, delta):
        keys = [key for _, key in view.article_choices(view.snapshot_of(index), doc_id)] if doc_id else []
        if not keys:
            return gr.update(), ""
        at = keys.index(article_key) if article_key in keys else 0
        key = keys[max(0, min(len(keys) - 1, at + delta))]
        return gr.update(value=key), pick_article(doc_id, key)

    def open_article(target):
        """A citation's "在政策浏览中打开": "doc_id::article::click time" → that article, in context."""
        doc_id, _, rest = str(target or "").partition("::")
        article_key = rest.partition("::")[0]
        if doc_id not in view.snapshot_of(index).documents:
            return gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
        return gr.Tabs(selected="browse"), gr.update(value=doc_id), *show(doc_id, article_key)

    private = dict(api_visibility="private")
    app.load(documents, None, [doc, meta, article, text], **private)
    doc.input(show, [doc], [meta, article, text], **private)
    article.input(pick_article, [doc, article], [text], **private)
    previous.click(lambda d, a: step(d, a, -1), [doc, article], [article, text], **private)
    following.click(lambda d, a: step(d, a, 1), [doc, article], [article, text], **private)
    open_target.change(open_article, [open_target], [tabs, doc, meta, article, text], **private)


# ---- eligibility checker --------------------------------------------------------------------
def _check_tab(gr, assistant) -> None:
    try:
        rulebase = assistant.rules
    except PolicyAssistantError as exc:
        gr.HTML(view.error_html(f"规则库无法加载：{exc}"))
        return
    rules = list(rulebase.rules.values())
    if not rules:
        gr.Markdown("规则库为空。")
        return
    gr.Markdown(f"选择一项待遇，填写员工情况，查看每个条件是否满足及其政策依据。不清楚的项目可选“{view.UNKNOWN_CHOICE}”或留空。")
    with gr.Row(elem_id="record-fields"):
        record = [gr.Textbox(label=label, max_length=view.MAX_RECORD_CHARS, elem_id=f"record-{key}",
                             placeholder="今天" if key == "checked_on" else "", min_width=140)
                  for key, label in wording.RECORD_FIELDS]
    pick = gr.Dropdown(label="待遇 / 资格", choices=[(r.title, r.id) for r in rules], value=rules[0].id, elem_id="rule-pick")
    groups = []
    forms = []
    for n, rule in enumerate(rules):
        with gr.Group(visible=n == 0) as group:
            gr.HTML(view.rule_intro_html(rule))
            fields = [_fact_input(gr, spec) for spec in rule.facts]
            check = gr.Button("核对", variant="primary", elem_classes="check-rule")
        groups.append(group)
        forms.append((rule, fields, check))
    result = gr.HTML("", elem_id="verdict")
    with gr.Row():
        md_file = gr.DownloadButton("导出 Markdown", visible=False, elem_id="export-md")
        csv_file = gr.DownloadButton("导出 CSV", visible=False, elem_id="export-csv")
        page_file = gr.DownloadButton("导出打印页（可另存为 PDF）", visible=False, elem_id="export-page")
    hidden = gr.update(visible=False)

    def switch(rule_id):  # another entitlement: the previous verdict and its exports go
        return [*[gr.update(visible=r.id == rule_id) for r in rules], "", hidden, hidden, hidden]

    pick.change(switch, [pick], [*groups, result, md_file, csv_file, page_file], api_visibility="private")
    for rule, fields, check in forms:
        check.click(_checker(gr, assistant, rule), [*fields, *record], [result, md_file, csv_file],
                    api_visibility="private").then(_printable, [result], [page_file], api_visibility="private")

    with gr.Accordion("批量核对（多名员工）", open=False, elem_id="batch"):
        template = gr.Textbox(label="表头（复制到表格软件，每行一名员工；可直接粘贴表格内容或 CSV）", interactive=False,
                              value=view.batch_template(rules[0]).strip(), elem_id="batch-template")
        table = gr.Textbox(label="员工信息表", lines=6, max_length=view.MAX_BATCH_CHARS, elem_id="batch-table",
                           placeholder="第一行为表头，其后每行一名员工")
        run = gr.Button("批量核对", variant="primary", elem_id="batch-run")
        batch_note = gr.Markdown("", elem_id="batch-note")
        batch_file = gr.DownloadButton("下载核对结果 CSV", visible=False, elem_id="batch-download")

    def template_for(rule_id):
        rule = rulebase.rules.get(rule_id) or rules[0]
        return view.batch_template(rule).strip(), "", hidden

    pick.change(template_for, [pick], [template, batch_note, batch_file], api_visibility="private")

    def run_batch(rule_id, text, checked_on, checker):
        rule = next((r for r in rules if r.id == rule_id), None)
        try:
            if rule is None:
                raise RuleBaseError("请先选择待遇 / 资格。")
            assistant.ensure_index()
            snap = view.snapshot_of(assistant.index)
            current = assistant.rules
            doc = snap.documents.get(rule.doc_id)
            out, count, problems = view.batch_check(current, rule, text, checked_on, checker,
                                                    doc_title=doc.title if doc else "", version=snap.corpus_version,
                                                    document=snap.records.get(rule.doc_id))
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", hidden
        folder = webguard.download_dir()
        path = folder / f"{wording.file_stem(wording.BATCH_STEM, rule.title)}.csv"
        path.write_text(out, encoding="utf-8-sig")
        note = f"已核对 {count} 名员工。"
        if problems:
            note += f"其中 {len(problems)} 行未核对（填写有误）：\n\n" + "\n".join(f"- {view.esc(p)}" for p in problems[:20])
        return note, gr.update(value=str(path), visible=True)

    run.click(run_batch, [pick, table, record[2], record[3]], [batch_note, batch_file], api_visibility="private")


def _fact_input(gr, spec):
    if spec.kind == "bool":
        return gr.Radio(list(view.BOOL_CHOICES), value=view.UNKNOWN_CHOICE, label=spec.label, elem_classes="fact-bool")
    if spec.kind == "choice":
        return gr.Dropdown([*spec.choices, view.UNKNOWN_CHOICE], value=view.UNKNOWN_CHOICE, label=spec.label)
    hint = "百分比，如 60" if spec.kind == "percent" else "月数，如 6、12 或“半年”"
    return gr.Textbox(label=f"{spec.label}（{hint}）", placeholder=f"{view.UNKNOWN_CHOICE}可留空", max_length=MAX_FACT_CHARS)


def check_rule(assistant, rule, values):
    """The HR checker's click, without gradio: (verdict, snapshot) from the rule base of the
    generation served now (``assistant.rules`` read at click time, not when the page was
    built). PolicyAssistantError with a message for the page when a typed value is not
    usable, or when the rule is gone, has changed or quotes text no longer served."""
    facts = view.facts_from_form(rule.facts, values)
    assistant.ensure_index()  # the verdict links its clauses to the indexed articles
    rulebase = assistant.rules
    snap = view.snapshot_of(assistant.index)
    current = rulebase.rules.get(rule.id)
    if current is None:
        if rule.id in getattr(rulebase, "disabled", {}):
            raise RuleBaseError(f"“{rule.title}”的依据条文已不在当前政策文本中（文件可能已被删除或替换），该项核对已停用。"
                             "请联系管理员更新规则库（rules.yaml）。")
        raise RuleBaseError(f"“{rule.title}”已不在当前规则库中（政策文件可能已被删除或替换），暂不能核对。请刷新页面。")
    if [(f.name, f.kind) for f in current.facts] != [(f.name, f.kind) for f in rule.facts]:
        raise RuleBaseError(f"“{rule.title}”的核对项目已更新，请刷新页面后重新填写。")
    verdict = rulebase.check(rule.id, facts)
    problem = view.verdict_problem(verdict, snap)
    if problem:
        raise RuleBaseError(problem)
    return verdict, snap


_PAGE_MARK = re.compile(r'<span class="record-page" style="display:none">(dl-[0-9a-f]{32})/([^<>/\\]+\.html)</span>')


def _checker(gr, assistant, rule):
    count = len(rule.facts)

    def check(*values):
        """``values``: the rule's facts, then (optionally) the record fields of the form."""
        hidden = gr.update(visible=False)
        try:
            record = view.record_from_form(*values[count:count + len(wording.RECORD_FIELDS)])
            verdict, snap = check_rule(assistant, rule, values[:count])
        except PolicyAssistantError as exc:
            return view.error_html(str(exc)), hidden, hidden
        title, version = view.rule_document(snap, verdict)
        folder = webguard.download_dir()
        document = view.rule_record(snap, verdict)  # its version hash and status go on the record
        md_path, csv_path, page_path = view.write_record_files(verdict, record, title, version, folder, document)
        mark = f'<span class="record-page" style="display:none">{folder.name}/{view.esc(page_path.name)}</span>'
        return (view.verdict_html(verdict, snap, record, title, version, document) + mark,
                gr.update(value=str(md_path), visible=True), gr.update(value=str(csv_path), visible=True))

    return check


def _printable(result_html):
    """The printable page written with the verdict now shown (named in its hidden mark;
    only a file of our own download folders)."""
    import gradio as gr

    m = _PAGE_MARK.search(result_html or "")
    if m is None:
        return gr.update(visible=False)
    path = webguard.web_temp_dir() / m.group(1) / html_unescape(m.group(2))
    if not path.is_file():
        return gr.update(visible=False)
    return gr.update(value=str(path), visible=True)


# ---- knowledge-base admin (only when a password is configured) ------------------------------
def _admin_tab(gr, assistant, feedback: FeedbackStore, sessions: AdminSessions) -> None:
    settings = assistant.settings
    auth = AdminAuth(settings.admin_password)
    audit = AuditLog(Path(settings.feedback_db).parent / AUDIT_FILE)
    corpus = CorpusAdmin(settings.corpus_dir, audit)
    session = gr.State(None)  # server-side: this browser session's admin token once logged in
    upload_key = gr.Textbox(visible=False)  # this browser's upload cookie (set by SET_UPLOAD_COOKIE_JS)
    idle_minutes = max(1, round(settings.admin_idle_seconds / 60))

    with gr.Column(visible=True, elem_id="admin-login") as login_box:
        gr.Markdown("管理员登录后可上传或删除政策文件、重建索引、查看审计日志和用户反馈。"
                    f"闲置 {idle_minutes} 分钟后自动退出。")
        name = gr.Textbox(label="操作人姓名", max_length=40, elem_id="admin-name")
        password = gr.Textbox(label="管理密码", type="password", max_length=200, elem_id="admin-password")
        login = gr.Button("登录", variant="primary", elem_id="admin-login-button")
    login_note = gr.Markdown("", elem_id="admin-login-note")
    with gr.Column(visible=False, elem_id="admin-panel") as panel:
        docs = gr.Dataframe(headers=["文件", "文档编号", "标题", "大小(KB)"], interactive=False, label="当前语料",
                            elem_id="admin-docs")
        with gr.Row():
            upload = gr.File(label="上传政策文件（.txt/.md/.docx/.pdf，≤10 MB）", type="filepath", elem_id="admin-upload")
            with gr.Column():
                replace_box = gr.Checkbox(label="替换已有文档（同名或同编号）")
                do_upload = gr.Button("校验、上传并重建索引", variant="primary")
        with gr.Row():
            victim = gr.Dropdown(label="删除文件", choices=[])
            confirm = gr.Checkbox(label="确认删除", elem_id="confirm-delete")
            do_delete = gr.Button("删除并重建索引", variant="stop")
            rebuild = gr.Button("仅重建索引")
        with gr.Row():
            restorable = gr.Dropdown(label=f"已删除的文件（保留 {KEEP_DELETED_DAYS} 天）", choices=[], elem_id="restore-pick")
            do_restore = gr.Button("恢复并重建索引", elem_id="restore-button")
        admin_note = gr.Markdown("", elem_id="admin-note")
        with gr.Accordion("审计日志", open=False):
            with gr.Row():
                audit_kind = gr.Radio(list(AUDIT_FILTERS), value="全部", label="显示", elem_id="audit-kind")
                audit_page = gr.Number(value=1, precision=0, minimum=1, label=f"页码（每页 {AUDIT_PAGE} 条，最新在前）",
                                       elem_id="audit-page")
                audit_show = gr.Button("刷新", elem_id="audit-show")
            log = gr.Dataframe(headers=wording.AUDIT_HEADERS, interactive=False,
                               elem_id="audit-log")
        with gr.Accordion("用户反馈", open=False):
            feedback_table = gr.Dataframe(headers=["时间", "评价", "问题", "状态", "意见", "语料版本"],
                                          interactive=False)
            export = gr.Button("导出反馈 CSV")
            export_file = gr.File(label="反馈 CSV", interactive=False)
        logout = gr.Button("退出登录")

    def require(token):
        """The actor of this session's live admin login; AdminError otherwise."""
        actor = sessions.actor(token)
        if actor is not None:
            return actor
        expired = sessions.expired(token)
        if expired is not None:
            audit.append(expired, "session_expired")
            raise SessionError(f"登录已超时（闲置超过 {idle_minutes} 分钟），请重新登录")
        raise SessionError("请先登录管理员账号")

    def gate(exc):
        """Panel updates after a refused action: back to the login form when the session is gone."""
        if isinstance(exc, SessionError):
            return gr.update(visible=True), gr.update(visible=False)
        return gr.update(), gr.update()

    def audit_rows(kind_label="全部", page=1):
        kind = AUDIT_FILTERS.get(kind_label, "all")
        try:
            page = max(1, int(page or 1))
        except (TypeError, ValueError, OverflowError):
            page = 1
        return _audit_rows(audit.entries(limit=AUDIT_PAGE, kind=kind, offset=(page - 1) * AUDIT_PAGE))

    def overview():
        try:
            assistant.ensure_index()
        except PolicyAssistantError as exc:  # the table then shows every file as not indexed
            logger.warning("index not loaded for the admin overview: %s", exc)
        files = corpus.files()
        rows = document_rows(files, view.snapshot_of(assistant.index).documents)
        return (rows, gr.update(choices=[p.name for p in files], value=None), audit_rows(),
                _feedback_rows(feedback.summaries(limit=FEEDBACK_ROWS, chars=FEEDBACK_CELL_CHARS)),
                gr.update(choices=[(label, kept) for kept, label in corpus.deleted()], value=None), False)

    overview_outputs = [docs, victim, log, feedback_table, restorable, confirm]
    keep = gr.update()

    def do_login(who, secret, request: gr.Request):
        who = actor_name(who)
        if not who:
            return None, keep, keep, "请填写操作人姓名。", "", *[keep] * 6, ""
        host = webguard.client_host(request)
        person = f"{who}@{host}"
        secret = secret[:1024] if isinstance(secret, str) else ""
        result = auth.attempt(host, secret)
        if result.blocked:  # a burst is logged once, not every refused attempt
            if result.log:
                audit.append(person, "login_blocked", scope=result.scope, wait_seconds=result.wait)
            return None, keep, keep, f"登录失败次数过多，请 {result.wait} 秒后再试。", "", *[keep] * 6, ""
        audit.append(person, "login" if result.ok else "login_failed")
        if not result.ok:
            return None, keep, keep, f"密码错误。还可尝试 {result.remaining} 次。", "", *[keep] * 6, ""
        token = sessions.open(person)
        return (token, gr.update(visible=False), gr.update(visible=True), f"已登录：{view.esc(who)}", "", *overview(),
                sessions.upload_token(token))

    login.click(do_login, [name, password], [session, login_box, panel, login_note, password, *overview_outputs, upload_key],
                api_visibility="private").then(None, [upload_key], None, js=SET_UPLOAD_COOKIE_JS)

    def reindex(who, progress):
        def step(done, total, message):
            if total:
                progress((done, total), desc=f"正在嵌入条款 {done}/{total}")
        report = assistant.ingest(progress=step)
        audit.append(who, "ingest", report.corpus_version, documents=report.documents, clauses=report.clauses,
                     embedded=report.embedded, removed=report.removed)
        return f"索引已更新：{report.documents} 个文档，{report.clauses} 个条款，语料版本 {report.corpus_version}。"

    def do_upload_file(token, path, replacing, progress=gr.Progress()):
        try:
            who = require(token)
            if not path or not isinstance(path, (str, os.PathLike)):
                raise AdminError("请先选择文件")
            source = Path(path)
            if source.stat().st_size > MAX_UPLOAD_BYTES:
                raise AdminError(f"{source.name}：文件过大（上限 {MAX_UPLOAD_BYTES // 1048576} MB）")
            checked = validate_upload(source.read_bytes(), source.name, max_chars=settings.max_document_chars,
                                      max_clauses=settings.max_document_clauses)
            if corpus.unchanged(checked):
                return f"{view.esc(checked.filename)}：内容未变化，无需重建索引。", None, *[keep] * 6, keep, keep
            corpus.add(checked, who, replace=bool(replacing))
            message = f"已上传 {checked.filename}（{checked.chars} 字）。" + reindex(who, progress)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", None, *[keep] * 6, *gate(exc)
        except OSError as exc:
            return f"**未完成：** 无法读取上传的文件 ({view.esc(exc.strerror or exc)})", None, *[keep] * 6, keep, keep
        finally:
            webguard.discard(path if isinstance(path, (str, os.PathLike)) else None)  # never kept after use
        return message, None, *overview(), keep, keep

    builds = dict(concurrency_id="admin-build", concurrency_limit=1, api_visibility="private")
    do_upload.click(do_upload_file, [session, upload, replace_box],
                    [admin_note, upload, *overview_outputs, login_box, panel], **builds)

    def do_delete_file(token, filename, confirmed, progress=gr.Progress()):
        try:
            who = require(token)
            if not filename:
                raise AdminError("请选择要删除的文件")
            if not confirmed:
                raise AdminError("请勾选“确认删除”")
            corpus.delete(filename, who)
            message = f"已删除 {filename}。" + reindex(who, progress)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", *[keep] * 6, *gate(exc)
        return message, *overview(), keep, keep

    do_delete.click(do_delete_file, [session, victim, confirm], [admin_note, *overview_outputs, login_box, panel], **builds)

    def do_restore_file(token, kept, progress=gr.Progress()):
        try:
            who = require(token)
            path = corpus.restore(kept, who)
            message = f"已恢复 {path.name}。" + reindex(who, progress)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", *[keep] * 6, *gate(exc)
        return message, *overview(), keep, keep

    do_restore.click(do_restore_file, [session, restorable], [admin_note, *overview_outputs, login_box, panel], **builds)

    def do_rebuild(token, progress=gr.Progress()):
        try:
            message = reindex(require(token), progress)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", *[keep] * 6, *gate(exc)
        return message, *overview(), keep, keep

    rebuild.click(do_rebuild, [session], [admin_note, *overview_outputs, login_box, panel], **builds)

    def do_show_audit(token, kind_label, page):
        try:
            require(token)
        except AdminError as exc:
            raise gr.Error(str(exc)) from exc
        return audit_rows(kind_label, page)

    for trigger in (audit_show.click, audit_kind.change):
        trigger(do_show_audit, [session, audit_kind, audit_page], [log], api_visibility="private")

    def do_export(token):
        try:
            who = require(token)
        except AdminError as exc:
            raise gr.Error(str(exc)) from exc
        path = webguard.download_dir() / "feedback.csv"  # unguessable folder, swept after a few minutes
        path.write_text(feedback.to_csv(), encoding="utf-8-sig")
        audit.append(who, "export_feedback")
        return str(path)

    export.click(do_export, [session], [export_file], api_visibility="private")

    def do_logout(token):
        who = sessions.close(token)
        if who:
            audit.append(who, "logout")
        return (None, gr.update(visible=True), gr.update(visible=False), "已退出。", [], gr.update(choices=[]), [], [],
                gr.update(choices=[]), False, "")

    logout.click(do_logout, [session], [session, login_box, panel, login_note, *overview_outputs, upload_key],
                 api_visibility="private").then(None, None, None, js=CLEAR_UPLOAD_COOKIE_JS)


def _cut(value: object, limit: int = AUDIT_CELL_CHARS) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _audit_detail(key: str, value: object) -> str:
    label = wording.AUDIT_DETAILS.get(key, key)
    if key == "scope":
        value = wording.AUDIT_SCOPES.get(str(value), value)
    elif key == "kept_until":
        return f"可恢复 {value} 天"
    elif key == "sha256":
        value = str(value)[:12]
    elif isinstance(value, list):
        value = "、".join(map(str, value)) or "无"
    return f"{label} {value}"


def _audit_rows(entries: list[dict]) -> list[list]:
    """Audit entries for people: local time, Chinese action names, readable details."""
    rows = []
    for e in entries:
        detail = {k: v for k, v in e.items() if k not in ("time", "actor", "action", "target")}
        rows.append([wording.local_time(e.get("time", "")), _cut(e.get("actor", "")),
                     _cut(wording.audit_action(e.get("action", ""))), _cut(e.get("target", "")),
                     _cut("；".join(_audit_detail(k, v) for k, v in detail.items()))])
    return rows


def _feedback_rows(rows: list[dict]) -> list[list]:
    labels = {"up": "👍", "down": "👎"}
    return [[wording.local_time(r["created_at"]), labels.get(r["rating"], r["rating"]), r["question"],
             view.status_label(r["status"]), r["comment"], r["corpus_version"]] for r in rows]
