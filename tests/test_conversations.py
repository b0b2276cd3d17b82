"""Conversation stores (issue 16, item 1): the in-memory one and the SQLite one keep the
same contract — fresh unguessable ids, never a client's id, bounded least recently used
first, idle conversations expire — and the SQLite one is shared: a follow-up asked
through another process (another router, another OS process) continues the conversation."""
from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.api import create_router
from assistant.conversation import Conversation
from assistant.conversations import (ConversationStore, MemoryConversationStore, SQLiteConversationStore,
                                     open_store)
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request, tmp_path):
    def make(**kwargs):
        if request.param == "memory":
            return MemoryConversationStore(**kwargs)
        return SQLiteConversationStore(tmp_path / "data" / "conversations.sqlite3", **kwargs)
    return make


def test_both_stores_follow_the_protocol(make_store):
    assert isinstance(make_store(), ConversationStore)


def test_conversation_round_trips_through_json():
    conversation = Conversation()
    conversation.remember("新型学徒的补贴从什么时候开始给？", ("doc", "四"), standalone=True)
    conversation.rule, conversation.facts = "apprentice_subsidy", {"months": 6, "graduate": True, "kind": "技师班"}
    again = Conversation.from_json(conversation.to_json())
    assert again == conversation and again.topic == ("doc", "四")
    with pytest.raises(ValueError):
        Conversation.from_json("[1, 2]")


def test_ids_are_fresh_unguessable_and_never_the_clients(make_store):
    store = make_store()
    ids = {store.checkout(None)[0] for _ in range(300)}
    assert len(ids) == 300 and all(len(i) >= 20 for i in ids)
    chosen, _, created = store.checkout("my-own-id")
    assert created and chosen != "my-own-id" and "my-own-id" not in store


def test_saved_state_comes_back_and_stays_apart(make_store):
    store = make_store()
    cid, conversation, created = store.checkout(None)
    conversation.remember("问题", ("d", "九"), standalone=True)
    store.save(cid, conversation)
    again, back, created2 = store.checkout(cid)
    assert (again, created, created2) == (cid, True, False)
    assert back.topic == ("d", "九") and back.turns == ["问题"] and back.topic_text == "问题"
    other_id, other, _ = store.checkout(None)
    assert other_id != cid and other.turns == [] and other.topic is None


def test_bounded_least_recently_used_first(make_store):
    clock = Clock()
    store = make_store(max_items=3, clock=clock)
    ids = []
    for _ in range(3):
        clock.now += 1
        ids.append(store.checkout(None)[0])
    a, b, c = ids
    clock.now += 1
    store.checkout(a)  # a is now the most recently used
    clock.now += 1
    d = store.checkout(None)[0]
    assert len(store) == 3 and b not in store and all(x in store for x in (a, c, d))


def test_idle_conversations_expire(make_store):
    clock = Clock()
    store = make_store(ttl=7200, clock=clock)
    old = store.checkout(None)[0]
    clock.now += 3600
    kept = store.checkout(None)[0]
    clock.now += 3599
    assert store.checkout(old)[0] == old  # used again: its idle time starts over
    clock.now += 7200
    fresh, _, created = store.checkout(old)
    assert created and fresh != old and old not in store and kept not in store and len(store) == 1


def test_discard(make_store):
    store = make_store()
    cid = store.checkout(None)[0]
    store.discard(cid)
    assert cid not in store and len(store) == 0


def test_sqlite_store_is_safe_under_concurrent_threads(tmp_path):
    store = SQLiteConversationStore(tmp_path / "c.sqlite3", max_items=500)
    start = threading.Barrier(10)

    def worker(n: int) -> list[str]:
        start.wait(30)
        out = []
        for k in range(30):
            cid, conversation, _ = store.checkout(None)
            conversation.remember(f"q{n}-{k}", None, standalone=True)
            store.save(cid, conversation)
            out.append(cid)
        return out

    with ThreadPoolExecutor(10) as pool:
        ids = [i for batch in pool.map(worker, range(10)) for i in batch]
    assert len(set(ids)) == 300 and len(store) == 300
    assert all(len(store.checkout(cid)[1].turns) == 1 for cid in ids[::37])


_OTHER_PROCESS = """
import sys
from assistant.conversations import SQLiteConversationStore
store = SQLiteConversationStore(sys.argv[1])
cid, conversation, created = store.checkout(sys.argv[2])
assert not created, "the other process does not see the conversation"
conversation.remember("第二问", conversation.topic, standalone=False)
store.save(cid, conversation)
new_id, _, _ = store.checkout(None)
print(new_id)
"""


def test_a_conversation_started_in_one_process_continues_in_another(tmp_path):
    path = tmp_path / "data" / "conversations.sqlite3"
    store = SQLiteConversationStore(path)
    cid, conversation, _ = store.checkout(None)
    conversation.remember("第一问", ("doc", "九"), standalone=True)
    store.save(cid, conversation)
    out = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, str(path), cid], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    _, back, created = store.checkout(cid)
    assert not created and back.turns == ["第一问", "第二问"] and back.topic == ("doc", "九")
    assert out.stdout.strip() in store  # and its new conversation is visible here
    assert (path.parent / (path.name + "-wal")).exists()  # WAL mode


def test_a_damaged_conversation_database_is_replaced(tmp_path, caplog):
    path = tmp_path / "conversations.sqlite3"
    path.write_bytes(b"\x00\xff not a database" * 100)
    store = SQLiteConversationStore(path)
    cid, _, created = store.checkout(None)
    assert created and cid in store and "对话库已损坏" in caplog.text


def test_open_store_follows_the_setting(tmp_path):
    base = Settings.from_env(environ={}, feedback_db=tmp_path / "data" / "feedback.sqlite3")
    default = open_store(base)
    assert isinstance(default, SQLiteConversationStore)
    assert default.path == tmp_path / "data" / "conversations.sqlite3"
    assert isinstance(open_store(Settings.from_env(environ={"POLICY_CONVERSATION_STORE": "memory"})),
                      MemoryConversationStore)
    custom = open_store(Settings.from_env(environ={"POLICY_CONVERSATION_STORE": f"sqlite:{tmp_path}/x.sqlite3"}))
    assert custom.path == tmp_path / "x.sqlite3"
    with pytest.raises(ValueError):
        open_store(Settings.from_env(environ={"POLICY_CONVERSATION_STORE": "redis"}))


class _Recorder:
    """A stand-in assistant: answers with what the conversation already holds."""

    def __init__(self, name: str) -> None:
        self.name = name

    def ask(self, question, conversation):
        from assistant.models import Answer

        from assistant.errors import InputError

        if not question.strip():
            raise InputError("问题为空")
        earlier = list(conversation.turns)
        conversation.remember(question, (self.name, str(len(earlier))), standalone=not earlier)
        return Answer(status="answered", answer=f"{self.name}:{'|'.join(earlier)}")


def test_a_follow_up_through_another_router_continues_the_conversation(tmp_path):
    """Two app 'processes' (two routers, two stores) on one SQLite file."""
    path = tmp_path / "conversations.sqlite3"
    clients = []
    for name in ("A", "B"):
        app = FastAPI()
        app.include_router(create_router(_Recorder(name), SQLiteConversationStore(path)))
        clients.append(TestClient(app))
    a, b = clients
    first = a.post("/api/ask", json={"question": "第一问"}).json()
    cid = first["conversation_id"]
    second = b.post("/api/ask", json={"question": "第二问", "conversation_id": cid}).json()
    assert second["conversation_id"] == cid and second["answer"] == "B:第一问"
    third = a.post("/api/ask", json={"question": "第三问", "conversation_id": cid}).json()
    assert third["answer"] == "A:第一问|第二问"
    other = b.post("/api/ask", json={"question": "别的"}).json()
    assert other["conversation_id"] != cid and other["answer"] == "B:"
    assert b.post("/api/ask", json={"question": "  "}).status_code == 400
    assert len(SQLiteConversationStore(path)) == 2  # a blank question leaves no conversation behind


def test_a_store_file_being_set_up_elsewhere_is_waited_for_not_failed_on(tmp_path, monkeypatch):
    import sqlite3

    from assistant import conversations

    real_connect = sqlite3.connect
    busy = {"left": 2}  # another opener holds the lock WAL needs for the first two tries

    class Busy:
        def __init__(self, db):
            self.db = db

        def execute(self, sql, *args):
            if sql.startswith("PRAGMA journal_mode") and busy["left"]:
                busy["left"] -= 1
                raise sqlite3.OperationalError("database is locked")
            return self.db.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.db, name)

    monkeypatch.setattr(conversations.sqlite3, "connect", lambda *a, **k: Busy(real_connect(*a, **k)))
    monkeypatch.setattr(conversations, "SETUP_RETRY_SECONDS", 0.0)
    store = SQLiteConversationStore(tmp_path / "c.sqlite3")
    cid, conversation, created = store.checkout(None)
    assert created and busy["left"] == 0 and store.checkout(cid)[2] is False
