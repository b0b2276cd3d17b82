"""Knowledge-base administration without any UI: password check with rate limiting,
upload validation and safe file names, adding and deleting corpus files, and an audit
log (JSONL) of who changed what and when.

The admin functions exist only when ``settings.admin_password`` is set; the web UI
registers its admin handlers only then and checks the session's login in each."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .cleaning import clean_text
from .errors import DocumentReadError, PolicyAssistantError
from .ingest import SUPPORTED, corpus_files, doc_id_for, extract_text

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a .docx (zip) may declare at most this much content
MAX_NAME_CHARS = 100
MAX_NAME_BYTES = 200  # UTF-8 bytes of a stored name; file systems allow 255 (100 CJK chars are 300)
MAX_ATTEMPTS = 5  # failed logins per session per window
GLOBAL_MAX_ATTEMPTS = 30  # failed logins from all sessions per window
WINDOW_SECONDS = 60.0
AUDIT_FILE = "admin_audit.jsonl"
_UNSAFE = re.compile(r"[^\w\-.()（）\u3001-\u303f]+", re.UNICODE)  # word chars, CJK punctuation


class AdminError(PolicyAssistantError):
    """An admin action refused: bad login, rate limit, bad upload or a name conflict."""


# ---- authentication -------------------------------------------------------------------------
def check_password(given: str, expected: str) -> bool:
    """Constant-time compare; an unset password never matches."""
    if not expected or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class RateLimiter:
    """At most ``limit`` recorded events per ``key`` within ``window`` seconds."""

    def __init__(self, limit: int = MAX_ATTEMPTS, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        events = self._events.setdefault(key, deque())
        cutoff = self.clock() - self.window
        while events and events[0] <= cutoff:
            events.popleft()
        return events

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key)) >= self.limit

    def record(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())

    def remaining(self, key: str) -> int:
        with self._lock:
            return max(0, self.limit - len(self._recent(key)))

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


class AdminAuth:
    """Login for the admin tab: constant-time password check, failed attempts limited
    per session and overall."""

    def __init__(self, password: str, per_session: RateLimiter | None = None, overall: RateLimiter | None = None):
        self._password = password
        self.per_session = per_session or RateLimiter()
        self.overall = overall or RateLimiter(GLOBAL_MAX_ATTEMPTS)

    @property
    def enabled(self) -> bool:
        return bool(self._password)

    def remaining(self, session: str) -> int:
        """Failed attempts this session may still make within the window."""
        return min(self.per_session.remaining(session), self.overall.remaining("*"))

    def login(self, session: str, password: str) -> bool:
        """True on success; False on a wrong password; AdminError when rate-limited."""
        if not self.enabled:
            raise AdminError("管理功能未启用 (admin disabled): set POLICY_ADMIN_PASSWORD")
        if self.per_session.blocked(session) or self.overall.blocked("*"):
            raise AdminError(f"登录失败次数过多，请 {int(self.per_session.window)} 秒后再试 (too many attempts)")
        if check_password(password, self._password):
            self.per_session.reset(session)
            return True
        self.per_session.record(session)
        self.overall.record("*")
        return False


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
        raise AdminError(f"文件名无效 {name!r}: 需要带扩展名 {', '.join(SUPPORTED)}")
    suffix = "." + suffix.lower()
    if suffix not in SUPPORTED:
        raise AdminError(f"不支持的文件类型 {suffix}: use one of {', '.join(SUPPORTED)}")
    stem = _UNSAFE.sub("_", stem).strip("._ ")[:MAX_NAME_CHARS]
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    if not stem:
        raise AdminError(f"文件名无效 {name!r}: 请改用由文字、数字、-、_ 组成的文件名")
    return stem + suffix


@dataclass(frozen=True)
class Upload:
    filename: str  # safe base name
    data: bytes
    chars: int  # readable characters after cleaning
    sha256: str


def validate_upload(data: bytes, name: str, max_bytes: int = MAX_UPLOAD_BYTES) -> Upload:
    """Check an uploaded file before it goes near the corpus: size, name, type by
    content, and that it has readable text. Raises AdminError or a CorpusError."""
    if not data:
        raise AdminError(f"{name}: 文件为空 (empty file)")
    if len(data) > max_bytes:
        raise AdminError(f"{name}: 文件过大 ({len(data) / 1048576:.1f} MB > {max_bytes / 1048576:.0f} MB)")
    filename = safe_filename(name)
    if filename.endswith(".docx") and data.startswith(b"PK\x03\x04"):  # else extract_text names the mismatch
        _check_unpacked_size(data, filename)
    text = clean_text(extract_text(data, Path(filename).suffix, filename))
    if not text.strip():
        raise DocumentReadError(f"{filename}: 文件没有可读文字 (no text; a scanned PDF needs OCR first)")
    return Upload(filename, data, len(text), hashlib.sha256(data).hexdigest())


def _check_unpacked_size(data: bytes, filename: str) -> None:
    """Refuse a zip (docx) whose members would unpack to more than MAX_UNPACKED_BYTES (a
    "zip bomb"). zipfile never inflates a member past its declared size, so the declared
    sizes bound the memory reading it takes."""
    from io import BytesIO
    from zipfile import BadZipFile, ZipFile

    try:
        with ZipFile(BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (BadZipFile, ValueError, OSError, RuntimeError, EOFError) as exc:
        raise DocumentReadError(f"{filename}: docx 无法读取 (corrupt docx: {exc}): re-save it in Word") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise AdminError(f"{filename}: 解压后过大 ({unpacked / 1048576:.0f} MB > {MAX_UNPACKED_BYTES / 1048576:.0f} MB): "
                         "not a normal Word document")


# ---- audit log ------------------------------------------------------------------------------
class AuditLog:
    """Append-only JSONL: one line per admin event (time, actor, action, target, detail)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, actor: str, action: str, target: str = "", **detail) -> dict:
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "actor": actor,
                 "action": action, "target": target, **detail}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return entry

    def entries(self, limit: int = 200) -> list[dict]:
        """The latest entries, newest first (unreadable lines are skipped)."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()[-limit:]
        entries = []
        for line in reversed(lines):
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return entries


# ---- corpus changes -------------------------------------------------------------------------
class CorpusAdmin:
    """Adds and removes files in the corpus folder, logging each change."""

    def __init__(self, corpus_dir: Path, audit: AuditLog):
        self.dir = Path(corpus_dir)
        self.audit = audit

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
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        path.unlink()
        self.audit.append(actor, "delete", filename, sha256=digest)
        return path


def document_rows(files: list[Path], documents: dict) -> list[list]:
    """[file, doc id, title, size KB] for each corpus file (title from the index)."""
    rows = []
    for path in files:
        doc_id = doc_id_for(path)
        doc = documents.get(doc_id)
        rows.append([path.name, doc_id, doc.title if doc else "（尚未索引）", round(path.stat().st_size / 1024, 1)])
    return rows
