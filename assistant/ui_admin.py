"""The knowledge-base admin tab (only when an admin password is configured): login,
upload, delete, restore, rebuild, audit log and feedback. Wiring only: the logic lives in
:mod:`assistant.admin`; every handler checks the session's login.

(No ``from __future__ import annotations`` here: gradio inspects the real annotations
to pass ``gr.Request`` / ``gr.LikeData`` into the handlers; gradio itself is passed in as ``gr``.)"""
import logging
import os
from pathlib import Path

from . import presenter as view
from . import webguard
from . import wording
from .admin import (AUDIT_FILE, KEEP_DELETED_DAYS, MAX_UPLOAD_BYTES, AdminAuth, AdminError, AdminSessions, AuditLog,
                    CorpusAdmin, SessionError, actor_name, document_rows, validate_upload)
from .errors import PolicyAssistantError
from .feedback import FeedbackStore

logger = logging.getLogger("assistant.ui")

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


def admin_tab(gr, assistant, feedback: FeedbackStore, sessions: AdminSessions) -> None:
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
