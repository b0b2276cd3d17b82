"""Where the JSON API keeps conversations between questions (issue 16: stateless app
processes).

A :class:`ConversationStore` hands out conversations by id: ``checkout(id)`` returns the
live conversation (or a new one under a fresh server-made id when ``id`` is absent, unknown
or expired), ``save`` writes it back after a question, ``discard`` drops it. Every store is
bounded (least recently used first out) and forgets conversations idle for ``ttl`` seconds.

* :class:`MemoryConversationStore` — in this process only (one app process).
* :class:`SQLiteConversationStore` — a SQLite file in WAL mode that every app process on
  the machine opens: a follow-up answered by process B continues the conversation process
  A started. Safe across processes and threads (one connection per thread, each change in
  one ``BEGIN IMMEDIATE`` transaction). A server-backed store (Redis, a database) would
  implement the same three methods.

:func:`open_store` picks one from ``Settings.conversation_store``: ``"sqlite"`` (default:
``conversations.sqlite3`` beside the feedback database in the data folder), ``"sqlite:<path>"``
or ``"memory"``.
"""
from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Protocol, runtime_checkable

from .conversation import Conversation

log = logging.getLogger("assistant.conversations")

MAX_CONVERSATIONS = 10_000
TTL_SECONDS = 2 * 3600.0
SETUP_ATTEMPTS = 20  # tries at opening a store file another thread or process is setting up
SETUP_RETRY_SECONDS = 0.05  # … waiting this much longer after each
DB_NAME = "conversations.sqlite3"


def new_id() -> str:
    return secrets.token_urlsafe(18)


@runtime_checkable
class ConversationStore(Protocol):
    def checkout(self, conversation_id: str | None) -> tuple[str, Conversation, bool]:
        """(id, conversation, created): the live conversation ``conversation_id``, or a new
        one under a fresh id when it is absent, unknown or expired (never the client's id)."""
        ...

    def save(self, conversation_id: str, conversation: Conversation) -> None: ...

    def discard(self, conversation_id: str) -> None: ...


class MemoryConversationStore:
    """Conversations in this process's memory: an LRU of at most ``max_items``."""

    def __init__(self, max_items: int = MAX_CONVERSATIONS, ttl: float = TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.max_items, self.ttl, self.clock = max_items, ttl, clock
        self._items: OrderedDict[str, tuple[Conversation, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __contains__(self, conversation_id: object) -> bool:
        with self._lock:
            return conversation_id in self._items

    def _expire(self, now: float) -> None:
        while self._items:  # ordered by last use: expired entries are at the front
            _, used = next(iter(self._items.values()))
            if now - used < self.ttl:
                break
            self._items.popitem(last=False)

    def _put(self, conversation_id: str, conversation: Conversation, now: float) -> None:
        self._items[conversation_id] = (conversation, now)
        self._items.move_to_end(conversation_id)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)

    def checkout(self, conversation_id: str | None) -> tuple[str, Conversation, bool]:
        now = self.clock()
        with self._lock:
            self._expire(now)
            found = self._items.get(conversation_id) if conversation_id else None
            if found is not None:
                self._put(conversation_id, found[0], now)
                return conversation_id, found[0], False
            conversation_id = new_id()
            while conversation_id in self._items:
                conversation_id = new_id()
            conversation = Conversation()
            self._put(conversation_id, conversation, now)
            return conversation_id, conversation, True

    def save(self, conversation_id: str, conversation: Conversation) -> None:
        with self._lock:
            self._put(conversation_id, conversation, self.clock())

    def discard(self, conversation_id: str) -> None:
        with self._lock:
            self._items.pop(conversation_id, None)


class SQLiteConversationStore:
    """Conversations in a SQLite file shared by every process that opens it (WAL mode).

    Rows are (id, conversation as JSON, last use as wall-clock seconds: processes share no
    monotonic clock). Expired rows are deleted on each checkout, and after each new
    conversation the least recently used ones beyond ``max_items``. A file SQLite cannot
    read is reported, removed and started afresh (conversations are disposable)."""

    def __init__(self, path: Path, max_items: int = MAX_CONVERSATIONS, ttl: float = TTL_SECONDS,
                 clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.max_items, self.ttl, self.clock = max_items, ttl, clock
        self._local = threading.local()
        self._generation = 0  # bumped when a damaged file is replaced: threads reconnect

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        for attempt in range(SETUP_ATTEMPTS):
            try:
                # switching a fresh file to WAL takes a lock SQLite's busy timeout does not wait for:
                # threads or processes opening the file at once retry instead of failing
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS conversations "
                           "(id TEXT PRIMARY KEY, data TEXT NOT NULL, used REAL NOT NULL)")
                db.execute("CREATE INDEX IF NOT EXISTS conversations_used ON conversations(used)")
                return db
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == SETUP_ATTEMPTS - 1:
                    db.close()
                    raise
                time.sleep(SETUP_RETRY_SECONDS * (attempt + 1))
            except sqlite3.DatabaseError:
                db.close()
                raise
        raise AssertionError("unreachable")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is not None and self._local.generation == self._generation:
            return db
        try:
            db = self._connect()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):  # locked, read-only, …: not damage
                raise
            log.warning("对话库已损坏 (%s: %s): 已删除并新建", self.path, exc)
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            self._generation += 1
            db = self._connect()
        self._local.db, self._local.generation = db, self._generation
        return db

    def _run(self, work: Callable[[sqlite3.Connection], object]):
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            result = work(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return result

    def __len__(self) -> int:
        return int(self._db().execute("SELECT COUNT(*) FROM conversations").fetchone()[0])

    def __contains__(self, conversation_id: object) -> bool:
        row = self._db().execute("SELECT 1 FROM conversations WHERE id = ?", (str(conversation_id),)).fetchone()
        return row is not None

    def checkout(self, conversation_id: str | None) -> tuple[str, Conversation, bool]:
        now = self.clock()

        def work(db: sqlite3.Connection) -> tuple[str, Conversation, bool]:
            db.execute("DELETE FROM conversations WHERE used <= ?", (now - self.ttl,))
            if conversation_id:
                row = db.execute("SELECT data FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
                if row is not None:
                    try:
                        conversation = Conversation.from_json(row[0])
                    except (ValueError, TypeError, IndexError):
                        log.warning("对话记录无法读取 (%s…): starting a new one", conversation_id[:6])
                    else:
                        db.execute("UPDATE conversations SET used = ? WHERE id = ?", (now, conversation_id))
                        return conversation_id, conversation, False
            fresh = new_id()
            while db.execute("SELECT 1 FROM conversations WHERE id = ?", (fresh,)).fetchone():
                fresh = new_id()
            conversation = Conversation()
            db.execute("INSERT INTO conversations (id, data, used) VALUES (?, ?, ?)", (fresh, conversation.to_json(), now))
            over = db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0] - self.max_items
            if over > 0:
                db.execute("DELETE FROM conversations WHERE id IN "
                           "(SELECT id FROM conversations ORDER BY used ASC LIMIT ?)", (over,))
            return fresh, conversation, True

        return self._run(work)

    def save(self, conversation_id: str, conversation: Conversation) -> None:
        data, now = conversation.to_json(), self.clock()
        self._run(lambda db: db.execute(
            "INSERT INTO conversations (id, data, used) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET data = excluded.data, used = excluded.used", (conversation_id, data, now)))

    def discard(self, conversation_id: str) -> None:
        self._run(lambda db: db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)))


def open_store(settings) -> ConversationStore:
    """The store ``settings.conversation_store`` names: ``"sqlite"`` (the data folder, beside
    the feedback database), ``"sqlite:<path>"``, or ``"memory"``."""
    spec = str(getattr(settings, "conversation_store", "sqlite") or "sqlite").strip()
    if spec == "memory":
        return MemoryConversationStore()
    if spec == "sqlite":
        return SQLiteConversationStore(Path(settings.feedback_db).parent / DB_NAME)
    if spec.startswith("sqlite:"):
        return SQLiteConversationStore(Path(spec[len("sqlite:"):]).expanduser())
    raise ValueError(f"POLICY_CONVERSATION_STORE={spec!r}: use 'sqlite', 'sqlite:<path>' or 'memory'")
