"""Knowledge-base administration without any UI: password check with rate limiting,
upload validation and safe file names, adding and deleting corpus files, and an audit
log (JSONL) of who changed what and when.

The admin functions exist only when ``settings.admin_password`` is set; the web UI
registers its admin handlers only then and checks the session's login in each."""
from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import re
import secrets
import threading
import time
import unicodedata
from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .errors import DocumentReadError, PolicyAssistantError
from .ingest import MAX_UNPACKED_BYTES, SUPPORTED, check_docx_archive, corpus_files, doc_id_for, extract_text, read_text  # noqa: F401 (re-exported)
from .models import SourceDocument

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 100
MAX_NAME_BYTES = 200  # UTF-8 bytes of a stored name; file systems allow 255 (100 CJK chars are 300)
MAX_ATTEMPTS = 5  # failed logins per client address per window
GLOBAL_MAX_ATTEMPTS = 30  # failed logins from all addresses per window
WINDOW_SECONDS = 60.0
MAX_LOCK_SECONDS = 15 * 60.0  # repeated lockouts of one address back off (doubling) up to this
MAX_TRACKED_KEYS = 10_000  # addresses remembered by the login limits (idle ones are dropped first)
MAX_ADMIN_SESSIONS = 100  # logged-in admin sessions at once (the oldest is logged out first)
ADMIN_IDLE_SECONDS = 1800.0  # default; the app uses settings.admin_idle_seconds
MAX_ACTOR_NAME_CHARS = 40  # the operator's name typed at login
MAX_DOCUMENT_CHARS = 500_000  # defaults; the app uses settings.max_document_chars / _clauses
MAX_DOCUMENT_CLAUSES = 10_000
AUDIT_FILE = "admin_audit.jsonl"
AUDIT_FIELD_CHARS = 200  # every text field of an audit entry is cut to this
AUDIT_LIST_ITEMS = 20  # and every list to this many items
AUDIT_SCAN_BYTES = 64 * 1024 * 1024  # the viewer reads at most this much, backwards from the end
AUDIT_LINE_BYTES = 64 * 1024  # longer lines (written before fields were bounded) are skipped
LOGIN_ACTIONS = frozenset({"login", "login_failed", "login_blocked", "logout", "session_expired"})
AUDIT_KINDS = ("all", "changes", "logins")  # the viewer's filter: everything, knowledge-base changes, logins
_UNSAFE = re.compile(r"[^\w\-.()（）\u3001-\u303f]+", re.UNICODE)  # word chars, CJK punctuation


class AdminError(PolicyAssistantError):
    """An admin action refused: bad login, rate limit, bad upload or a name conflict."""


class SessionError(AdminError):
    """No live admin session: never logged in, logged out, or idle for too long."""


# ---- authentication -------------------------------------------------------------------------
def check_password(given: str, expected: str) -> bool:
    """Constant-time compare; an unset password never matches."""
    if not expected or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class RateLimiter:
    """At most ``limit`` recorded events per ``key`` within ``window`` seconds."""

    def __init__(self, limit: int = MAX_ATTEMPTS, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_TRACKED_KEYS):
        self.limit, self.window, self.clock, self.max_keys = limit, window, clock, max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        events = self._events.setdefault(key, deque())
        cutoff = self.clock() - self.window
        while events and events[0] <= cutoff:
            events.popleft()
        return events

    def _prune(self) -> None:
        """Forget keys without recent events (an attacker cycling addresses cannot grow this)."""
        if len(self._events) <= self.max_keys:
            return
        cutoff = self.clock() - self.window
        for key in [k for k, e in self._events.items() if not e or e[-1] <= cutoff]:
            del self._events[key]
        while len(self._events) > self.max_keys:  # all recent: drop the oldest keys
            self._events.pop(next(iter(self._events)))

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key)) >= self.limit

    def record(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())
            self._prune()

    def count(self, key: str) -> int:
        """Events of ``key`` within the window."""
        with self._lock:
            return len(self._recent(key)) if key in self._events else 0

    def remaining(self, key: str) -> int:
        with self._lock:
            return max(0, self.limit - len(self._recent(key)))

    def wait(self, key: str) -> float:
        """Seconds until ``key`` is below its limit again (0 when it is not blocked)."""
        with self._lock:
            events = self._recent(key)
            if len(events) < self.limit:
                return 0.0
            return max(0.0, events[len(events) - self.limit] + self.window - self.clock())

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


@dataclass(frozen=True)
class LoginAttempt:
    """What :meth:`AdminAuth.attempt` decided."""

    ok: bool
    blocked: bool = False  # refused without checking the password
    wait: int = 0  # seconds until this address may try again (when blocked)
    remaining: int = 0  # wrong passwords this address may still try in the window
    log: bool = True  # False for the repeats of a refusal already logged (a burst is logged once)
    scope: str = ""  # "address" or "global" when blocked


class AdminAuth:
    """Login for the admin tab: constant-time password check, failed attempts limited per
    client address (with a doubling lockout for an address that keeps failing) and overall.

    The overall limit never locks out the real admin: once it is reached, addresses with
    recent failures are refused, while an address without any may still try (so 30 wrong
    guesses a minute from fresh addresses cannot keep a correct password out). Keys are
    client addresses taken from the connection (see :mod:`assistant.webguard` for proxies),
    never a session id the client picks."""

    def __init__(self, password: str, per_address: RateLimiter | None = None, overall: RateLimiter | None = None,
                 max_lock: float = MAX_LOCK_SECONDS):
        self._password = password
        self.per_address = per_address or RateLimiter()
        self.overall = overall or RateLimiter(GLOBAL_MAX_ATTEMPTS)
        self.max_lock = max_lock
        self._locks: dict[str, tuple[float, int, bool]] = {}  # address → (locked until, level, refusal logged)
        self._global_logged_until = -math.inf
        self._lock = threading.RLock()

    per_session = property(lambda self: self.per_address)  # the name it had when it was keyed on sessions

    @property
    def enabled(self) -> bool:
        return bool(self._password)

    def remaining(self, address: str) -> int:
        """Wrong passwords ``address`` may still try within the window."""
        return self.per_address.remaining(address)

    def attempt(self, address: str, password: str) -> LoginAttempt:
        """Check ``password`` for a login from ``address`` (AdminError when admin is off)."""
        if not self.enabled:
            raise AdminError("管理功能未启用 (admin disabled): set POLICY_ADMIN_PASSWORD")
        address = str(address)[:100]
        with self._lock:
            now = self.per_address.clock()
            until, level, logged = self._locks.get(address, (-math.inf, 0, False))
            if now < until:
                self._locks[address] = (until, level, True)
                return LoginAttempt(False, blocked=True, wait=math.ceil(until - now), log=not logged, scope="address")
            if self.per_address.count(address) and self.overall.blocked("*"):
                wait = max(1, math.ceil(self.overall.wait("*")))
                first = now >= self._global_logged_until
                if first:
                    self._global_logged_until = now + wait
                return LoginAttempt(False, blocked=True, wait=wait, log=first, scope="global")
            if check_password(password, self._password):
                self.per_address.reset(address)
                self._locks.pop(address, None)
                return LoginAttempt(True)
            self.per_address.record(address)
            self.overall.record("*")
            if self.per_address.blocked(address):  # this failure starts a lockout
                level = level + 1 if now - until < self.max_lock else 1  # repeat offenders wait longer
                duration = min(self.per_address.window * 2 ** (level - 1), self.max_lock)
                self._locks[address] = (now + duration, level, False)
                self._prune_locks(now)
            return LoginAttempt(False, remaining=self.per_address.remaining(address))

    def _prune_locks(self, now: float) -> None:
        if len(self._locks) <= MAX_TRACKED_KEYS:
            return
        for key in [k for k, (until, _, _) in self._locks.items() if now - until >= self.max_lock]:
            del self._locks[key]
        while len(self._locks) > MAX_TRACKED_KEYS:
            self._locks.pop(next(iter(self._locks)))

    def login(self, address: str, password: str) -> bool:
        """True on success; False on a wrong password; AdminError when rate-limited."""
        result = self.attempt(address, password)
        if result.blocked:
            raise AdminError(f"登录失败次数过多，请 {result.wait} 秒后再试 (too many attempts)")
        return result.ok


class AdminSessions:
    """Logged-in admin sessions, server-side: an unguessable token per login (kept in the
    browser session's server-side state, never sent to the page) that ends after
    ``idle_seconds`` without an admin action, at logout, or when :data:`MAX_ADMIN_SESSIONS`
    newer logins push it out. Each session also has an upload token: the only thing that
    lets a browser post a file to the web server (see :mod:`assistant.webguard`)."""

    def __init__(self, idle_seconds: float = ADMIN_IDLE_SECONDS, clock: Callable[[], float] = time.monotonic,
                 max_sessions: int = MAX_ADMIN_SESSIONS):
        self.idle_seconds, self.clock, self.max_sessions = float(idle_seconds), clock, max_sessions
        self._items: OrderedDict[str, list] = OrderedDict()  # token → [actor, last used, upload token]
        self._expired: OrderedDict[str, str] = OrderedDict()  # recently expired token → actor (to say so once)
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        for token in [t for t, (_, used, _) in self._items.items() if now - used >= self.idle_seconds]:
            self._expired[token] = self._items.pop(token)[0]
        while len(self._expired) > self.max_sessions:
            self._expired.popitem(last=False)

    def expired(self, token: object) -> str | None:
        """The actor of ``token`` if its session ended by idling (reported once), else None."""
        if not isinstance(token, str):
            return None
        with self._lock:
            self._expire(self.clock())
            return self._expired.pop(token, None)

    def open(self, actor: str) -> str:
        """A new session for ``actor``; returns its token."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            now = self.clock()
            self._expire(now)
            self._items[token] = [actor, now, secrets.token_urlsafe(24)]
            while len(self._items) > self.max_sessions:
                self._items.popitem(last=False)
        return token

    def actor(self, token: object) -> str | None:
        """The actor of a live session (its idle timer restarts); None when unknown or expired."""
        if not isinstance(token, str) or not token:
            return None
        with self._lock:
            now = self.clock()
            self._expire(now)
            item = self._items.get(token)
            if item is None:
                return None
            item[1] = now
            self._items.move_to_end(token)
            return item[0]

    def upload_token(self, token: object) -> str:
        with self._lock:
            item = self._items.get(token) if isinstance(token, str) else None
            return item[2] if item else ""

    def allows_upload(self, upload_token: object) -> bool:
        """Whether ``upload_token`` belongs to a live session (checked for every upload)."""
        if not isinstance(upload_token, str) or not upload_token:
            return False
        with self._lock:
            self._expire(self.clock())
            return any(hmac.compare_digest(upload_token, item[2]) for item in self._items.values())

    def close(self, token: object) -> str | None:
        """End a session; returns its actor (None when it had already ended)."""
        with self._lock:
            item = self._items.pop(token, None) if isinstance(token, str) else None
        return item[0] if item else None

    def __len__(self) -> int:
        with self._lock:
            self._expire(self.clock())
            return len(self._items)


def actor_name(name: object) -> str:
    """The operator's name as typed at login: printable, one line, at most
    :data:`MAX_ACTOR_NAME_CHARS` characters (it goes into every audit entry)."""
    text = "".join(ch for ch in str(name or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_ACTOR_NAME_CHARS]


# ---- uploads --------------------------------------------------------------------------------
def safe_filename(name: str) -> str:
    """The base name of an uploaded file, made safe to store in the corpus folder: no
    directories, no hidden or reserved names, only word characters, '-', '.', brackets;
    the extension must be a supported one."""
    name = unicodedata.normalize("NFC", str(name or ""))
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem:
        raise AdminError(f"文件名无效 {name!r}：需要带扩展名 {'、'.join(SUPPORTED)}")
    suffix = "." + suffix.lower()
    if suffix not in SUPPORTED:
        raise AdminError(f"不支持的文件类型 {suffix}：请上传 {'、'.join(SUPPORTED)} 文件")
    stem = _UNSAFE.sub("_", stem).strip("._ ")[:MAX_NAME_CHARS]
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    if not stem:
        raise AdminError(f"文件名无效 {name!r}：请改用由文字、数字、-、_ 组成的文件名")
    return stem + suffix


@dataclass(frozen=True)
class Upload:
    filename: str  # safe base name
    data: bytes
    chars: int  # readable characters after cleaning
    sha256: str


def validate_upload(data: bytes, name: str, max_bytes: int = MAX_UPLOAD_BYTES, max_chars: int = MAX_DOCUMENT_CHARS,
                    max_clauses: int = MAX_DOCUMENT_CLAUSES) -> Upload:
    """Check an uploaded file before it goes near the corpus: size, name, type by
    content, that it has readable text, and that the work it makes stays bounded (at
    most ``max_chars`` readable characters and ``max_clauses`` clauses to embed). Raises
    AdminError or a CorpusError."""
    if not data:
        raise AdminError(f"{name}：文件为空")
    if len(data) > max_bytes:
        raise AdminError(f"{name}：文件过大（{len(data) / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB）")
    filename = safe_filename(name)
    if filename.endswith(".docx") and data.startswith(b"PK\x03\x04"):  # else extract_text names the mismatch
        _check_unpacked_size(data, filename)
    text = read_text(data, Path(filename).suffix, filename)
    if not text.strip():
        raise DocumentReadError(f"{filename}：文件没有可读文字（扫描版 PDF 需要先做文字识别）")
    if len(text) > max_chars:
        raise AdminError(f"{filename}: 文字过多（{len(text):,} 字，超过上限 {max_chars:,} 字）：请拆分成几个文件上传 "
                         "（上限由 POLICY_MAX_DOCUMENT_CHARS 设置）")
    from .structure import split_document

    clauses = len(split_document(SourceDocument(doc_id_for(Path(filename)), filename, text)))
    if clauses > max_clauses:
        raise AdminError(f"{filename}: 条款过多（{clauses:,} 条，超过上限 {max_clauses:,} 条）：请拆分成几个文件上传 "
                         "（上限由 POLICY_MAX_DOCUMENT_CLAUSES 设置）")
    return Upload(filename, data, len(text), hashlib.sha256(data).hexdigest())


def _check_unpacked_size(data: bytes, filename: str) -> None:
    """Refuse a zip (docx) that unpacks to more than MAX_UNPACKED_BYTES (a "zip bomb"),
    counting the bytes it really inflates to, not what its directory declares (see
    :func:`assistant.ingest.check_docx_archive`)."""
    check_docx_archive(data, filename)


# ---- audit log ------------------------------------------------------------------------------
def _bounded(value: object, depth: int = 0) -> object:
    """An audit field as stored: strings cut to AUDIT_FIELD_CHARS, lists to AUDIT_LIST_ITEMS."""
    if isinstance(value, str):
        return value if len(value) <= AUDIT_FIELD_CHARS else value[: AUDIT_FIELD_CHARS - 1] + "…"
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, (list, tuple)) and depth < 2:
        items = [_bounded(v, depth + 1) for v in list(value)[:AUDIT_LIST_ITEMS]]
        return items + ([f"…（共 {len(value)} 项）"] if len(value) > AUDIT_LIST_ITEMS else [])
    return _bounded(str(value), depth + 1)


def audit_kind(entry: dict) -> str:
    """"logins" for login/logout/lockout events, "changes" for everything else."""
    return "logins" if entry.get("action") in LOGIN_ACTIONS else "changes"


class AuditLog:
    """Append-only JSONL: one line per admin event (time, actor, action, target, detail).
    Every field is bounded when written; the viewer reads from the end of the file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, actor: str, action: str, target: str = "", **detail) -> dict:
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "actor": _bounded(str(actor)),
                 "action": _bounded(str(action)), "target": _bounded(str(target)),
                 **{_bounded(str(k))[:40]: _bounded(v) for k, v in list(detail.items())[:AUDIT_LIST_ITEMS]}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return entry

    def entries(self, limit: int = 200, kind: str = "all", offset: int = 0) -> list[dict]:
        """The latest entries of ``kind`` (see :data:`AUDIT_KINDS`), newest first, skipping
        the ``offset`` newest; unreadable lines are skipped. Reads backwards from the end
        of the file, at most AUDIT_SCAN_BYTES of it, never the whole file at once."""
        if kind not in AUDIT_KINDS:
            raise AdminError(f"未知的审计日志筛选 {kind!r}: use one of {', '.join(AUDIT_KINDS)}")
        found: list[dict] = []
        for line in self._lines_from_end():
            try:
                entry = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if not isinstance(entry, dict) or (kind != "all" and audit_kind(entry) != kind):
                continue
            if offset:
                offset -= 1
                continue
            found.append(entry)
            if len(found) >= limit:
                break
        return found

    def _lines_from_end(self, chunk: int = 64 * 1024, max_bytes: int | None = None) -> Iterator[bytes]:
        """Complete lines, last first, read in chunks from the end of the file."""
        budget = AUDIT_SCAN_BYTES if max_bytes is None else max_bytes
        try:
            fh = open(self.path, "rb")
        except FileNotFoundError:
            return
        with fh:
            position = fh.seek(0, os.SEEK_END)
            rest, skipping = b"", False  # rest: the start-cut line so far; skipping: inside an overlong line
            while position > 0 and budget > 0:
                step = min(chunk, position, budget)
                position -= step
                budget -= step
                fh.seek(position)
                parts = (fh.read(step) + rest).split(b"\n")
                rest, complete = parts[0], parts[1:]
                if complete and skipping:  # the overlong line ends here: drop it
                    complete, skipping = complete[:-1], False
                for line in reversed(complete):
                    if line.strip() and len(line) <= AUDIT_LINE_BYTES:
                        yield line
                if len(rest) > AUDIT_LINE_BYTES:
                    rest, skipping = b"", True
            if position == 0 and not skipping and rest.strip():
                yield rest


# ---- corpus changes -------------------------------------------------------------------------
KEEP_DELETED_DAYS = 30  # a deleted document can be restored for this long
DELETED_DIR = "deleted-documents"  # next to the audit log, never inside the corpus folder
_DELETED_NAME = re.compile(r"^(\d{8}T\d{6})-(.+)$")


class CorpusAdmin:
    """Adds and removes files in the corpus folder, logging each change. A deleted file
    is kept (in ``deleted-documents/`` next to the audit log) for
    :data:`KEEP_DELETED_DAYS` days and can be restored."""

    def __init__(self, corpus_dir: Path, audit: AuditLog, deleted_dir: Path | None = None,
                 shipped_dir: Path | None = None):
        self.dir = Path(corpus_dir)
        self.audit = audit
        self.deleted_dir = Path(deleted_dir) if deleted_dir else Path(audit.path).parent / DELETED_DIR
        self.shipped_dir = Path(shipped_dir) if shipped_dir else None

    def shipped(self, path: Path) -> bool:
        """Whether ``path`` is a document shipped with the program: byte for byte the file
        of the same name in the shipped corpus folder. Shipped documents are protected:
        they cannot be deleted or replaced here (their record can be edited)."""
        if self.shipped_dir is None:
            return False
        original = self.shipped_dir / Path(path).name
        try:
            return original.is_file() and original.read_bytes() == Path(path).read_bytes()
        except OSError:
            return False

    def _refuse_shipped(self, path: Path, action: str) -> None:
        if self.shipped(path):
            raise AdminError(f"{Path(path).name} 是随程序提供的文档，受保护，不能{action}。如要使用自己的语料，"
                             "请把 POLICY_CORPUS_DIR 设为另一个文件夹")

    def unchanged(self, upload: Upload) -> bool:
        """Whether the corpus already holds exactly this file under this name."""
        target = self.dir / upload.filename
        return target.is_file() and target.read_bytes() == upload.data

    def deleted(self, now: float | None = None) -> list[tuple[str, str]]:
        """(kept file name, "原文件名（删除于 …）") of restorable documents, newest first;
        ones older than KEEP_DELETED_DAYS are removed here."""
        now = time.time() if now is None else now
        found = []
        if not self.deleted_dir.is_dir():
            return found
        for path in sorted(self.deleted_dir.iterdir(), reverse=True):
            m = _DELETED_NAME.match(path.name)
            if not m or not path.is_file():
                continue
            if now - path.stat().st_mtime > KEEP_DELETED_DAYS * 86400:
                path.unlink(missing_ok=True)
                continue
            when = datetime.strptime(m.group(1), "%Y%m%dT%H%M%S").strftime("%Y-%m-%d %H:%M")
            found.append((path.name, f"{m.group(2)}（删除于 {when}）"))
        return found

    def restore(self, kept: str, actor: str) -> Path:
        """Put a deleted document back into the corpus (AdminError when its name is taken)."""
        m = _DELETED_NAME.match(str(kept or ""))
        source = self.deleted_dir / str(kept or "")
        if not m or "/" in kept or "\\" in kept or not source.is_file():
            raise AdminError("请选择要恢复的文件")
        name = m.group(2)
        if self.conflicts(name):
            raise AdminError(f"语料中已有同名文档 {name}：请先删除或改名后再恢复")
        target = self.dir / name
        os.replace(source, target)
        self.audit.append(actor, "restore", name)
        return target

    def files(self) -> list[Path]:
        return corpus_files(self.dir)

    def conflicts(self, filename: str) -> list[Path]:
        """Existing files that an upload named ``filename`` would replace: the same
        name, or another file giving the same document id (e.g. x.txt for x.pdf)."""
        doc_id = doc_id_for(Path(filename))
        return [p for p in self.files() if p.name == filename or doc_id_for(p) == doc_id]

    def add(self, upload: Upload, actor: str, replace: bool = False) -> Path:
        target = self.dir / upload.filename
        existing = self.conflicts(upload.filename)
        if existing == [target] and target.read_bytes() == upload.data:
            return target  # the same file again: nothing to change
        if existing and not replace:
            names = "、".join(p.name for p in existing)
            raise AdminError(f"已存在同名文档 {names}：如要替换，请勾选“替换已有文档”后再上传")
        for old in existing:
            self._refuse_shipped(old, "替换")
        tmp = self.dir / f".upload-{upload.sha256[:12]}.tmp"
        try:
            tmp.write_bytes(upload.data)
            os.replace(tmp, target)  # before removing anything: a failed write changes nothing
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise AdminError(f"{upload.filename}: 无法写入语料目录 ({exc.strerror or exc})") from exc
        for old in existing:
            if old != target:
                old.unlink()
        action = "replace" if existing else "upload"
        self.audit.append(actor, action, upload.filename, bytes=len(upload.data), sha256=upload.sha256,
                          replaced=[p.name for p in existing])
        return target

    def delete(self, filename: str, actor: str) -> Path:
        files = {p.name: p for p in self.files()}
        if filename not in files:
            raise AdminError(f"语料中没有文件 {filename!r}")
        if len(files) == 1:
            raise AdminError("不能删除最后一个文档：语料至少需要一个文件")
        path = files[filename]
        self._refuse_shipped(path, "删除")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        kept = self.deleted_dir / f"{datetime.now().strftime('%Y%m%dT%H%M%S')}-{filename}"
        try:
            self.deleted_dir.mkdir(parents=True, exist_ok=True)
            os.replace(path, kept)  # kept for KEEP_DELETED_DAYS days: can be restored
            os.utime(kept)
        except OSError:  # another file system: copy, then remove
            import shutil

            shutil.copy2(path, kept)
            os.utime(kept)
            path.unlink()
        self.audit.append(actor, "delete", filename, sha256=digest, kept_until=KEEP_DELETED_DAYS)
        return path


SHIPPED_MARK = "随程序提供（受保护）"
UPLOADED_MARK = "管理员添加"
DOCUMENT_HEADERS = ["文件", "标题", "效力状态", "来源", "大小(KB)"]


def document_rows(files: list[Path], documents: dict, records: dict | None = None,
                  shipped: Callable[[Path], bool] = lambda path: False) -> list[list]:
    """:data:`DOCUMENT_HEADERS` for each corpus file: name, title and status from the
    index, whether it was shipped with the program, size."""
    rows = []
    for path in files:
        doc_id = doc_id_for(path)
        doc = documents.get(doc_id)
        record = (records or {}).get(doc_id)
        rows.append([path.name, doc.title if doc else "（尚未索引）", record.status if record else "",
                     SHIPPED_MARK if shipped(path) else UPLOADED_MARK, round(path.stat().st_size / 1024, 1)])
    return rows
