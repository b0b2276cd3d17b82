"""The knowledge-base admin tab (only when an admin password is configured): login,
upload (with a preview of how the file splits), the editable document record, delete,
restore, rebuild, audit log and feedback. Wiring only: the logic lives in
:mod:`assistant.admin` and :mod:`assistant.docedit`, the tables and the preview in
:mod:`assistant.adminview`; every handler checks the session's login.

(No ``from __future__ import annotations`` here: gradio inspects the real annotations
to pass ``gr.Request`` / ``gr.LikeData`` into the handlers; gradio itself is passed in as ``gr``.)"""
import logging
import os
from pathlib import Path

from . import adminview
from . import docedit
from . import presenter as view
from . import webguard
from . import wording
from .admin import (AUDIT_FILE, DOCUMENT_HEADERS, KEEP_DELETED_DAYS, MAX_UPLOAD_BYTES, SHIPPED_MARK, AdminAuth,
                    AdminError, AdminSessions, AuditLog, CorpusAdmin, SessionError, actor_name, document_rows,
                    validate_upload)
from .errors import PolicyAssistantError
from .feedback import FeedbackStore
from .settings import SHIPPED_CORPUS
from .rules_admin_ui import rules_panel

logger = logging.getLogger("assistant.ui")

FEEDBACK_ROWS = 200  # feedback rows in the admin table
FEEDBACK_CELL_CHARS = 300  # characters per text cell in that table
AUDIT_PAGE = 50  # audit entries per page in the admin viewer
AUDIT_FILTERS = {"全部": "all", "变更": "changes", "登录": "logins"}
SET_UPLOAD_COOKIE_JS = f"""(key) => {{
  if (!key) return;
  document.cookie = "{webguard.UPLOAD_COOKIE}=" + encodeURIComponent(key) + "; path=/; SameSite=Strict"
    + (location.protocol === "https:" ? "; Secure" : "");
}}"""
CLEAR_UPLOAD_COOKIE_JS = f"""() => {{ document.cookie = "{webguard.UPLOAD_COOKIE}=; path=/; max-age=0; SameSite=Strict"; }}"""



def admin_tab(gr, assistant, feedback: FeedbackStore, sessions: AdminSessions) -> None:
    settings = assistant.settings
    auth = AdminAuth(settings.admin_password)
    audit = AuditLog(Path(settings.feedback_db).parent / AUDIT_FILE)
    corpus = CorpusAdmin(settings.corpus_dir, audit, shipped_dir=SHIPPED_CORPUS)
    session = gr.State(None)  # server-side: this browser session's admin token once logged in
    upload_key = gr.Textbox(visible=False)  # this browser's upload cookie (set by SET_UPLOAD_COOKIE_JS)
    idle_minutes = max(1, round(settings.admin_idle_seconds / 60))

    with gr.Column(visible=True, elem_id="admin-login") as login_box:
        gr.Markdown("管理员登录后可上传或删除政策文件、修改文件信息、重建索引、查看审计日志和用户反馈。"
                    f"闲置 {idle_minutes} 分钟后自动退出。")
        name = gr.Textbox(label="操作人姓名", max_length=40, elem_id="admin-name")
        password = gr.Textbox(label="管理密码", type="password", max_length=200, elem_id="admin-password")
        login = gr.Button("登录", variant="primary", elem_id="admin-login-button")
    login_note = gr.Markdown("", elem_id="admin-login-note")
    with gr.Column(visible=False, elem_id="admin-panel") as panel:
        docs = gr.Dataframe(headers=DOCUMENT_HEADERS, interactive=False, label="当前语料", elem_id="admin-docs",
                            wrap=True)
        gr.Markdown(f"标为“{SHIPPED_MARK}”的文档随程序提供，不能删除或替换（可修改其文件信息）。", elem_id="shipped-note")
        admin_note = gr.Markdown("", elem_id="admin-note")
        with gr.Accordion("上传文件", open=True, elem_id="admin-upload-box"):
            with gr.Row(elem_classes="admin-row"):
                upload = gr.File(label="上传政策文件（.txt/.md/.docx/.pdf，≤10 MB）", type="filepath",
                                 elem_id="admin-upload", min_width=240)
                with gr.Column(min_width=240):
                    replace_box = gr.Checkbox(label="替换已有文档（同名或同编号）")
                    do_upload = gr.Button("切分无误，上传并重建索引", variant="primary", elem_id="upload-button")
            split_preview = gr.HTML("", elem_id="upload-preview")
        with gr.Accordion("文件信息（标题、文号、日期、层级、地区、效力状态）", open=False, elem_id="admin-record"):
            record_pick = gr.Dropdown(label="文件", choices=[], elem_id="record-pick")
            with gr.Row(elem_classes="admin-row"):
                record_fields = [_record_input(gr, key, label) for key, label in docedit.EDITABLE_FIELDS]
            save_record = gr.Button("保存文件信息并重建索引", variant="primary", elem_id="record-save")
        with gr.Accordion("删除、恢复、重建", open=True, elem_id="admin-delete-box"):
            with gr.Row(elem_classes="admin-row"):
                victim = gr.Dropdown(label="删除文件", choices=[], min_width=200)
                confirm = gr.Checkbox(label="确认删除", elem_id="confirm-delete", min_width=120)
                do_delete = gr.Button("删除并重建索引", variant="stop", min_width=160)
                rebuild = gr.Button("仅重建索引", min_width=120)
            with gr.Row(elem_classes="admin-row"):
                restorable = gr.Dropdown(label=f"已删除的文件（保留 {KEEP_DELETED_DAYS} 天）", choices=[],
                                         elem_id="restore-pick", min_width=200)
                do_restore = gr.Button("恢复并重建索引", elem_id="restore-button", min_width=160)
        with gr.Accordion("审计日志", open=False, elem_id="admin-audit"):
            with gr.Row(elem_classes="admin-row"):
                audit_kind = gr.Radio(list(AUDIT_FILTERS), value="全部", label="显示", elem_id="audit-kind", min_width=200)
                audit_page = gr.Number(value=1, precision=0, minimum=1, label=f"页码（每页 {AUDIT_PAGE} 条，最新在前）",
                                       elem_id="audit-page", min_width=160)
            with gr.Row(elem_classes="admin-row"):
                audit_previous = gr.Button("上一页", elem_id="audit-previous", size="sm", min_width=80)
                audit_next = gr.Button("下一页", elem_id="audit-next", size="sm", min_width=80)
                audit_show = gr.Button("刷新", elem_id="audit-show", size="sm", min_width=80)
            log = gr.Dataframe(headers=wording.AUDIT_HEADERS, interactive=False, elem_id="audit-log")
        with gr.Accordion("用户反馈", open=False):
            feedback_table = gr.Dataframe(headers=["时间", "评价", "问题", "状态", "意见", "语料版本"],
                                          interactive=False, wrap=True)
            export = gr.Button("导出反馈 CSV")
            export_file = gr.File(label="反馈 CSV", interactive=False)
        rules_panel(gr, assistant, audit, lambda token: require(token), session)  # issue 17: rules per document
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
        return adminview.audit_rows(audit.entries(limit=AUDIT_PAGE, kind=kind, offset=(_page(page) - 1) * AUDIT_PAGE))

    def file_choices(files):
        return [(f"{p.name}（随程序提供）" if corpus.shipped(p) else p.name, p.name) for p in files]

    def overview():
        try:
            assistant.ensure_index()
        except PolicyAssistantError as exc:  # the table then shows every file as not indexed
            logger.warning("index not loaded for the admin overview: %s", exc)
        files = corpus.files()
        snap = view.snapshot_of(assistant.index)
        rows = document_rows(files, snap.documents, getattr(snap, "records", None), corpus.shipped)
        choices = file_choices(files)
        return (rows, gr.update(choices=choices, value=None), audit_rows(), 1,
                adminview.feedback_rows(feedback.summaries(limit=FEEDBACK_ROWS, chars=FEEDBACK_CELL_CHARS)),
                gr.update(choices=[(label, kept) for kept, label in corpus.deleted()], value=None), False,
                gr.update(choices=choices, value=None), *[""] * len(record_fields))

    overview_outputs = [docs, victim, log, audit_page, feedback_table, restorable, confirm, record_pick, *record_fields]
    keep = gr.update()
    kept = [keep] * len(overview_outputs)

    def do_login(who, secret, request: gr.Request):
        who = actor_name(who)
        if not who:
            return None, keep, keep, "请填写操作人姓名。", "", *kept, ""
        host = webguard.client_host(request)
        person = f"{who}@{host}"
        secret = secret[:1024] if isinstance(secret, str) else ""
        result = auth.attempt(host, secret)
        if result.blocked:  # a burst is logged once, not every refused attempt
            if result.log:
                audit.append(person, "login_blocked", scope=result.scope, wait_seconds=result.wait)
            return None, keep, keep, f"登录失败次数过多，请 {result.wait} 秒后再试。", "", *kept, ""
        audit.append(person, "login" if result.ok else "login_failed")
        if not result.ok:
            return None, keep, keep, f"密码错误。还可尝试 {result.remaining} 次。", "", *kept, ""
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

    def checked_upload(path):
        if not path or not isinstance(path, (str, os.PathLike)):
            raise AdminError("请先选择文件")
        source = Path(path)
        if source.stat().st_size > MAX_UPLOAD_BYTES:
            raise AdminError(f"{source.name}：文件过大（上限 {MAX_UPLOAD_BYTES // 1048576} MB）")
        return validate_upload(source.read_bytes(), source.name, max_chars=settings.max_document_chars,
                               max_clauses=settings.max_document_clauses)

    def do_preview(token, path):
        """As soon as a file is chosen: how it splits (before anything is indexed)."""
        if not path:
            return ""
        try:
            require(token)
            checked = checked_upload(path)
            if corpus.unchanged(checked):
                return f"<p>{view.esc(checked.filename)}：内容未变化，无需上传。</p>"
            return ("<p>请检查下方的切分结果，无误后点击“切分无误，上传并重建索引”。</p>"
                    + adminview.preview_html(docedit.preview_split(checked)))
        except PolicyAssistantError as exc:
            return f"<p><b>无法上传：</b>{view.esc(exc)}</p>"
        except OSError as exc:
            return f"<p><b>无法上传：</b>无法读取上传的文件 ({view.esc(exc.strerror or exc)})</p>"

    upload.upload(do_preview, [session, upload], [split_preview], api_visibility="private")

    def do_upload_file(token, path, replacing, progress=gr.Progress()):
        try:
            who = require(token)
            checked = checked_upload(path)
            if corpus.unchanged(checked):
                return f"{view.esc(checked.filename)}：内容未变化，无需重建索引。", None, "", *kept, keep, keep
            corpus.add(checked, who, replace=bool(replacing))
            message = f"已上传 {checked.filename}（{checked.chars} 字）。" + reindex(who, progress)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", None, keep, *kept, *gate(exc)
        except OSError as exc:
            return f"**未完成：** 无法读取上传的文件 ({view.esc(exc.strerror or exc)})", None, keep, *kept, keep, keep
        finally:
            webguard.discard(path if isinstance(path, (str, os.PathLike)) else None)  # never kept after use
        return message, None, "", *overview(), keep, keep

    builds = dict(concurrency_id="admin-build", concurrency_limit=1, api_visibility="private")
    do_upload.click(do_upload_file, [session, upload, replace_box],
                    [admin_note, upload, split_preview, *overview_outputs, login_box, panel], **builds)

    def show_record(token, filename):
        try:
            require(token)
            if not filename:
                return [""] * len(record_fields)
            values = docedit.current_fields(corpus.dir / Path(str(filename)).name)
        except PolicyAssistantError as exc:
            raise gr.Error(str(exc)) from exc
        return [values.get(key, "") for key, _ in docedit.EDITABLE_FIELDS]

    record_pick.input(show_record, [session, record_pick], record_fields, api_visibility="private")

    def do_save_record(token, filename, *values, progress=gr.Progress()):
        try:
            who = require(token)
            if not filename:
                raise AdminError("请先选择文件")
            path = corpus.dir / Path(str(filename)).name
            changed = docedit.edit_record(path, dict(zip([k for k, _ in docedit.EDITABLE_FIELDS], values)), who, audit)
            if not changed:
                return "文件信息未变化。", *kept, keep, keep
            message = f"已修改 {path.name} 的{'、'.join(changed)}。" + reindex(who, progress)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", *kept, *gate(exc)
        rows = overview()
        return (message, *rows[:7], gr.update(choices=rows[7]["choices"], value=path.name),
                *[gr.update() for _ in record_fields], keep, keep)

    save_record.click(do_save_record, [session, record_pick, *record_fields],
                      [admin_note, *overview_outputs, login_box, panel], **builds)

    def do_delete_file(token, filename, confirmed, progress=gr.Progress()):
        try:
            who = require(token)
            if not filename:
                raise AdminError("请选择要删除的文件")
            if not confirmed:
                raise AdminError("请勾选“确认删除”")
            corpus.delete(filename, who)
            message = f"已删除 {filename}。" + reindex(who, progress)
        except PolicyAssistantError as exc:  # "确认删除" resets after every try
            return f"**未完成：** {view.esc(exc)}", *kept[:6], False, *kept[7:], *gate(exc)
        return message, *overview(), keep, keep

    do_delete.click(do_delete_file, [session, victim, confirm], [admin_note, *overview_outputs, login_box, panel], **builds)

    def do_restore_file(token, kept_name, progress=gr.Progress()):
        try:
            who = require(token)
            path = corpus.restore(kept_name, who)
            message = f"已恢复 {path.name}。" + reindex(who, progress)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", *kept, *gate(exc)
        return message, *overview(), keep, keep

    do_restore.click(do_restore_file, [session, restorable], [admin_note, *overview_outputs, login_box, panel], **builds)

    def do_rebuild(token, progress=gr.Progress()):
        try:
            message = reindex(require(token), progress)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", *kept, *gate(exc)
        return message, *overview(), keep, keep

    rebuild.click(do_rebuild, [session], [admin_note, *overview_outputs, login_box, panel], **builds)

    def do_show_audit(token, kind_label, page, delta=0):
        try:
            require(token)
        except AdminError as exc:
            raise gr.Error(str(exc)) from exc
        page = max(1, _page(page) + delta)
        return audit_rows(kind_label, page), page

    audit_inputs, audit_outputs = [session, audit_kind, audit_page], [log, audit_page]
    for trigger in (audit_show.click, audit_page.submit):
        trigger(do_show_audit, audit_inputs, audit_outputs, api_visibility="private")
    audit_kind.change(lambda t, k, p: do_show_audit(t, k, 1), audit_inputs, audit_outputs, api_visibility="private")
    audit_previous.click(lambda t, k, p: do_show_audit(t, k, p, -1), audit_inputs, audit_outputs, api_visibility="private")
    audit_next.click(lambda t, k, p: do_show_audit(t, k, p, 1), audit_inputs, audit_outputs, api_visibility="private")

    def do_export(token):
        try:
            who = require(token)
        except AdminError as exc:
            raise gr.Error(str(exc)) from exc
        path = webguard.download_dir() / f"{wording.FEEDBACK_CSV_STEM}.csv"  # unguessable folder, swept soon
        path.write_text(feedback.to_csv(), encoding="utf-8-sig")
        audit.append(who, "export_feedback")
        return str(path)

    export.click(do_export, [session], [export_file], api_visibility="private")

    def do_logout(token):
        who = sessions.close(token)
        if who:
            audit.append(who, "logout")
        return (None, gr.update(visible=True), gr.update(visible=False), "已退出。", [], gr.update(choices=[]), [], 1, [],
                gr.update(choices=[]), False, gr.update(choices=[]), *[""] * len(record_fields), "", "")

    logout.click(do_logout, [session], [session, login_box, panel, login_note, *overview_outputs, upload_key,
                                        split_preview],
                 api_visibility="private").then(None, None, None, js=CLEAR_UPLOAD_COOKIE_JS)


def _page(value) -> int:
    try:
        return max(1, int(value or 1))
    except (TypeError, ValueError, OverflowError):
        return 1


def _record_input(gr, key: str, label: str):
    """One field of the document record form (level and status from their lists)."""
    elem = f"record-field-{key}"
    if key == "level":
        return gr.Dropdown(["", *docedit.LEVELS], label=label, elem_id=elem, allow_custom_value=True, min_width=140)
    if key == "status":
        return gr.Dropdown(["", *docedit.STATUSES], label=label, elem_id=elem, allow_custom_value=True, min_width=140,
                           info="“已被…替代”由程序根据新版自动判断")
    hint = {"published": "如 2024-03-01", "effective": "如 2024-03-01"}.get(key, "")
    return gr.Textbox(label=label, elem_id=elem, placeholder=hint, min_width=240 if key == "title" else 160,
                      max_length=docedit.MAX_TITLE_CHARS if key == "title" else docedit.MAX_FIELD_CHARS)
