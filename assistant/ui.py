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
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

from . import presenter as view  # noqa: E402
from . import webguard  # noqa: E402
from .admin import (AUDIT_FILE, MAX_UPLOAD_BYTES, AdminAuth, AdminError, AdminSessions, AuditLog,  # noqa: E402
                    CorpusAdmin, SessionError, actor_name, document_rows, validate_upload)
from .conversation import Conversation  # noqa: E402
from .eligibility import MAX_FACT_CHARS  # noqa: E402
from .errors import PolicyAssistantError, RuleBaseError  # noqa: E402
from .feedback import MAX_COMMENT_CHARS, FeedbackStore  # noqa: E402

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
.article-text mark, .article mark {background: #fde68a; padding: 0 2px}
footer {display: none !important}
"""
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


def launch_options(settings) -> dict:
    """Keyword arguments for ``app.launch``: local only, no share link, no browser
    window, local fonts (no CDN), uploads capped at the admin size limit."""
    import gradio as gr

    theme = gr.themes.Soft(primary_hue="blue", font=FONTS, font_mono=["ui-monospace", "monospace"])
    return dict(server_name=settings.host, server_port=settings.port, share=False, inbrowser=False,
                theme=theme, css=CSS, footer_links=[], max_file_size=MAX_UPLOAD_BYTES, quiet=True,
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
        gr.Markdown(f"# {TITLE}\n技能政策问答：每个回答都引用政策原文，点击引用可查看整条条文。离线运行，不上传任何数据。")
        with gr.Tabs():
            with gr.Tab("政策问答", id="chat"):
                _chat_tab(gr, assistant, feedback)
            with gr.Tab("政策浏览", id="browse"):
                _browse_tab(gr, app, assistant)
            with gr.Tab("资格核对（HR）", id="check"):
                _check_tab(gr, assistant)
            if settings.admin_password:
                with gr.Tab("知识库管理", id="admin"):
                    _admin_tab(gr, assistant, feedback, sessions)
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
    chatbot = gr.Chatbot(label="对话", elem_id="chat", height=560, buttons=[], sanitize_html=True,
                         latex_delimiters=[], allow_tags=False, group_consecutive_messages=False,
                         placeholder="请在下方输入问题，或点击示例问题。")
    status = gr.HTML("", elem_classes="status-line", elem_id="status")
    with gr.Row():
        question = gr.Textbox(label="问题", placeholder="例如：职工教育经费用在一线职工身上的比例有什么要求？",
                              lines=2, max_length=settings.max_question_chars, scale=5, elem_id="question")
        with gr.Column(scale=1, min_width=140):
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
        for updated, answer, done in view.chat_turn_stream(assistant, text, past, convo):
            if not done:  # an LLM draft streaming in
                yield gr.update(), updated, updated, convo, known, "正在生成回答…", gr.update()
                continue
            del convo.turns[:-turns]
            if answer is None:  # blank question (nothing changes) or an error shown in the chat
                note = "" if len(updated) == len(past) else "出错了：请查看对话中的提示。"
                updated, known = view.trim_history(updated, known, turns)
                yield gr.update(), updated, updated, convo, known, note, gr.update()
            else:  # kept for feedback without its index generation (that may be large)
                known = {**known, len(updated) - 1: replace(answer, snapshot=None)}
                updated, known = view.trim_history(updated, known, turns)
                badge = f"当前回答状态：{view.status_badge(answer.status)}"
                yield "", updated, updated, convo, known, badge, view.answer_plain(answer)

    outputs = [question, chatbot, history, conversation, answers, status, plain]
    for trigger in (send.click, question.submit):  # its own queue: never behind an admin rebuild
        trigger(respond, [question, history, conversation, answers], outputs, concurrency_id="chat",
                concurrency_limit=max(1, settings.web_concurrency), api_visibility="private")

    def reset():
        return [], [], Conversation(), {}, None, "", ""

    for trigger in (new.click, chatbot.clear):  # the chat's own 🗑 button starts over too
        trigger(reset, None, [chatbot, history, conversation, answers, rated, status, plain], api_visibility="private")
    copy.click(None, [plain], None, js=COPY_JS)

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
def _browse_tab(gr, app, assistant) -> None:
    index = assistant.index
    with gr.Row():
        doc = gr.Dropdown(label="文件", choices=[], elem_id="browse-doc", scale=2)
        article = gr.Dropdown(label="条文", choices=[], elem_id="browse-article", scale=1)
    meta = gr.HTML("")
    text = gr.HTML("", elem_id="browse-text")

    def documents():
        try:
            assistant.ensure_index()  # the page can be open before the index has loaded
        except PolicyAssistantError as exc:
            raise gr.Error(f"政策文件无法加载：{exc}") from exc
        choices = [(d.title, d.doc_id) for d in view.snapshot_of(index).documents.values()]
        first = choices[0][1] if choices else None
        return gr.update(choices=choices, value=first)

    def pick_document(doc_id):
        snap = view.snapshot_of(index)
        if not doc_id or doc_id not in snap.documents:
            return "", gr.update(choices=[], value=None)
        choices = view.article_choices(snap, doc_id)
        return view.document_meta_html(snap.documents[doc_id]), gr.update(choices=choices, value=choices[0][1] if choices else None)

    def pick_article(doc_id, article_key):
        if not doc_id or not article_key:
            return ""
        return view.article_html(view.snapshot_of(index), doc_id, article_key)

    app.load(documents, None, [doc], api_visibility="private")
    doc.change(pick_document, [doc], [meta, article], api_visibility="private")
    article.change(pick_article, [doc, article], [text], api_visibility="private")


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
    gr.Markdown("选择一项待遇，填写员工情况，查看每个条件是否满足及其政策依据。不清楚的项目可选“不确定”。")
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
        md_file = gr.DownloadButton("导出 Markdown", visible=False)
        csv_file = gr.DownloadButton("导出 CSV", visible=False)

    pick.change(lambda rid: [gr.update(visible=r.id == rid) for r in rules], [pick], groups, api_visibility="private")
    for rule, fields, check in forms:
        check.click(_checker(gr, assistant, rule), fields, [result, md_file, csv_file], api_visibility="private")


def _fact_input(gr, spec):
    if spec.kind == "bool":
        return gr.Radio(list(view.BOOL_CHOICES), value=view.UNKNOWN_CHOICE, label=spec.label)
    if spec.kind == "choice":
        return gr.Dropdown([*spec.choices, view.UNKNOWN_CHOICE], value=view.UNKNOWN_CHOICE, label=spec.label)
    hint = "百分比，如 60" if spec.kind == "percent" else "月数，如 6、12 或“半年”"
    return gr.Textbox(label=f"{spec.label}（{hint}）", placeholder="不清楚可留空", max_length=MAX_FACT_CHARS)


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


def _checker(gr, assistant, rule):
    def check(*values):
        hidden = gr.update(visible=False)
        try:
            verdict, snap = check_rule(assistant, rule, values)
        except PolicyAssistantError as exc:
            return view.error_html(str(exc)), hidden, hidden
        md_path, csv_path = view.write_verdict_files(verdict, webguard.download_dir())
        return (view.verdict_html(verdict, snap), gr.update(value=str(md_path), visible=True),
                gr.update(value=str(csv_path), visible=True))

    return check


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
            upload = gr.File(label="上传政策文件（.txt/.md/.docx/.pdf，≤10 MB）", file_types=[".txt", ".md", ".docx", ".pdf"],
                             type="filepath", elem_id="admin-upload")
            with gr.Column():
                replace_box = gr.Checkbox(label="替换已有文档（同名或同编号）")
                do_upload = gr.Button("校验、上传并重建索引", variant="primary")
        with gr.Row():
            victim = gr.Dropdown(label="删除文件", choices=[])
            confirm = gr.Checkbox(label="确认删除")
            do_delete = gr.Button("删除并重建索引", variant="stop")
            rebuild = gr.Button("仅重建索引")
        admin_note = gr.Markdown("", elem_id="admin-note")
        with gr.Accordion("审计日志", open=False):
            with gr.Row():
                audit_kind = gr.Radio(list(AUDIT_FILTERS), value="全部", label="显示", elem_id="audit-kind")
                audit_page = gr.Number(value=1, precision=0, minimum=1, label=f"页码（每页 {AUDIT_PAGE} 条，最新在前）",
                                       elem_id="audit-page")
                audit_show = gr.Button("刷新", elem_id="audit-show")
            log = gr.Dataframe(headers=["时间(UTC)", "操作人", "操作", "对象", "详情"], interactive=False,
                               elem_id="audit-log")
        with gr.Accordion("用户反馈", open=False):
            feedback_table = gr.Dataframe(headers=["时间(UTC)", "评价", "问题", "状态", "意见", "语料版本"],
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
                _feedback_rows(feedback.summaries(limit=FEEDBACK_ROWS, chars=FEEDBACK_CELL_CHARS)))

    overview_outputs = [docs, victim, log, feedback_table]
    keep = gr.update()

    def do_login(who, secret, request: gr.Request):
        who = actor_name(who)
        if not who:
            return None, keep, keep, "请填写操作人姓名。", "", *[keep] * 4, ""
        host = webguard.client_host(request)
        person = f"{who}@{host}"
        secret = secret[:1024] if isinstance(secret, str) else ""
        result = auth.attempt(host, secret)
        if result.blocked:  # a burst is logged once, not every refused attempt
            if result.log:
                audit.append(person, "login_blocked", scope=result.scope, wait_seconds=result.wait)
            return None, keep, keep, f"登录失败次数过多，请 {result.wait} 秒后再试。", "", *[keep] * 4, ""
        audit.append(person, "login" if result.ok else "login_failed")
        if not result.ok:
            return None, keep, keep, f"密码错误。还可尝试 {result.remaining} 次。", "", *[keep] * 4, ""
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
                raise AdminError(f"{source.name}: 文件过大 (> {MAX_UPLOAD_BYTES // 1048576} MB)")
            checked = validate_upload(source.read_bytes(), source.name, max_chars=settings.max_document_chars,
                                      max_clauses=settings.max_document_clauses)
            corpus.add(checked, who, replace=bool(replacing))
            message = f"已上传 {checked.filename}（{checked.chars} 字）。" + reindex(who, progress)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", None, *[keep] * 4, *gate(exc)
        except OSError as exc:
            return f"**未完成：** 无法读取上传的文件 ({view.esc(exc.strerror or exc)})", None, *[keep] * 4, keep, keep
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
            return f"**未完成：** {view.esc(exc)}", *[keep] * 4, *gate(exc)
        return message, *overview(), keep, keep

    do_delete.click(do_delete_file, [session, victim, confirm], [admin_note, *overview_outputs, login_box, panel], **builds)

    def do_rebuild(token, progress=gr.Progress()):
        try:
            message = reindex(require(token), progress)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", *[keep] * 4, *gate(exc)
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
                "")

    logout.click(do_logout, [session], [session, login_box, panel, login_note, *overview_outputs, upload_key],
                 api_visibility="private").then(None, None, None, js=CLEAR_UPLOAD_COOKIE_JS)


def _cut(value: object, limit: int = AUDIT_CELL_CHARS) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _audit_rows(entries: list[dict]) -> list[list]:
    rows = []
    for e in entries:
        detail = {k: v for k, v in e.items() if k not in ("time", "actor", "action", "target")}
        rows.append([_cut(e.get("time", "")), _cut(e.get("actor", "")), _cut(e.get("action", "")),
                     _cut(e.get("target", "")), _cut(", ".join(f"{k}={v}" for k, v in detail.items()))])
    return rows


def _feedback_rows(rows: list[dict]) -> list[list]:
    labels = {"up": "👍", "down": "👎"}
    return [[r["created_at"], labels.get(r["rating"], r["rating"]), r["question"],
             view.status_label(r["status"]), r["comment"], r["corpus_version"]] for r in rows]
