"""What stands between the network and the web app (no gradio here; wired up by
:func:`assistant.api.create_server`):

* :class:`ClientAddress` — the client's address is the TCP peer; ``X-Forwarded-For`` is
  believed only when the peer is one of ``settings.trusted_proxies`` (then the rightmost
  address that is not a trusted proxy is the client). Admin login limits and the audit
  log key on this address. (uvicorn's own ``proxy_headers`` trusts 127.0.0.1 by default,
  so ``app.py`` runs uvicorn with ``proxy_headers=False`` and leaves it to this.)
* :class:`UploadGate` — gradio accepts files from anyone at ``/gradio_api/upload``; here
  a file may be posted only with the upload cookie of a live admin session
  (:class:`~assistant.admin.AdminSessions`), and no other route takes multipart bodies.
* :class:`SecurityHeaders` — a Content-Security-Policy that lets the page load nothing
  from elsewhere (no remote images, scripts, styles, fonts or connections), plus
  ``nosniff`` and ``no-referrer``.
* The web temp folder (gradio's ``GRADIO_TEMP_DIR``): uploads and download files live
  there only briefly — :func:`download_dir` gives each download an unguessable folder,
  :func:`sweep` removes whatever is older than :data:`WEB_FILE_MAX_AGE` (at start and
  as new files are written), and gradio's ``delete_cache`` removes this process's files
  on the same schedule and at shutdown.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

from .errors import PolicyAssistantError

log = logging.getLogger("assistant.webguard")

UPLOAD_COOKIE = "policy_upload"
UPLOAD_PATHS = frozenset({"/gradio_api/upload", "/upload"})  # where the admin's file component posts
WEB_FILE_MAX_AGE = 600  # seconds an upload or a download file may stay in the web temp folder
WEB_FILE_SWEEP_EVERY = 60  # gradio's delete_cache frequency (seconds)
MAX_UPLOAD_BODY_OVERHEAD = 64 * 1024  # multipart framing allowed on top of the file size limit
# what sweep() may remove: gradio's per-file folders (a sha256) and ours ("dl-" + 32 hex);
# anything else in the folder (an operator's GRADIO_TEMP_DIR may be shared) is left alone
_SWEEPABLE = re.compile(r"^(dl-)?[0-9a-f]{32,64}$")
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",  # gradio's inline config and event js
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


class ConfigError(PolicyAssistantError):
    """A web setting that cannot be used as given."""


# ---- client address -------------------------------------------------------------------------
Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def parse_networks(text: str) -> Networks:
    """``"127.0.0.1, 10.0.0.0/8"`` → networks; ConfigError naming a bad entry."""
    networks = []
    for item in (text or "").replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ConfigError(f"POLICY_TRUSTED_PROXIES 中的 {item!r} 不是 IP 地址或网段 "
                              "(use addresses or CIDRs, e.g. 127.0.0.1,10.0.0.0/8)") from exc
    return tuple(networks)


def _within(address: str, networks: Networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_from_forwarded(peer: str, forwarded: str, trusted: Networks) -> str:
    """The client address for a request from ``peer`` carrying ``X-Forwarded-For:
    forwarded``: the peer itself unless it is a trusted proxy; else the rightmost hop that
    is not a trusted proxy (hops left of it could be written by anyone)."""
    if not trusted or not _within(peer, trusted):
        return peer
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop.strip("[]"))
        except ValueError:
            return peer  # garbage where an address should be: do not guess
        if not _within(hop, trusted):
            return hop.strip("[]")
    return hops[0].strip("[]") if hops else peer


def _header(scope: dict, name: bytes) -> str:
    values = [v.decode("latin-1") for k, v in scope.get("headers", ()) if k.lower() == name]
    return ", ".join(values)


_FORWARDED = (b"x-forwarded-", b"forwarded", b"x-real-ip")


class ClientAddress:
    """ASGI middleware: sets ``scope["client"]`` to the real client (see module docstring).
    From a peer that is not a trusted proxy, forwarding headers (``X-Forwarded-*``,
    ``Forwarded``, ``X-Real-IP``) are removed, so nothing behind (gradio builds URLs from
    ``X-Forwarded-Host``) can be told a made-up address or host either."""

    def __init__(self, app, trusted: Networks = ()):
        self.app, self.trusted = app, tuple(trusted)

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            if client and self.trusted and _within(client[0], self.trusted):
                real = client_from_forwarded(client[0], _header(scope, b"x-forwarded-for"), self.trusted)
                if real != client[0]:
                    scope = {**scope, "client": (real, client[1])}
            else:
                headers = [(k, v) for k, v in scope.get("headers", ()) if not k.lower().startswith(_FORWARDED)]
                scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


def client_host(request) -> str:
    """The client address of a gradio/starlette request (after :class:`ClientAddress`)."""
    client = getattr(request, "client", None)
    host = getattr(client, "host", None) if client is not None else None
    return str(host)[:64] if host else "?"


# ---- uploads ----------------------------------------------------------------------------------
def _cookie(scope: dict, name: str) -> str:
    raw = _header(scope, b"cookie")
    if not raw:
        return ""
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return ""
    morsel = jar.get(name)
    return morsel.value if morsel is not None else ""


async def _refuse(send, status: int, message: str) -> None:
    body = message.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class UploadGate:
    """ASGI middleware: a POST to gradio's upload route needs the upload cookie of a live
    admin session (``allows(token)``) and a body within ``max_bytes``; any other multipart
    body (gradio's recording and component routes) is refused outright."""

    def __init__(self, app, allows: Callable[[str], bool], max_bytes: int):
        self.app, self.allows, self.max_bytes = app, allows, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("method") == "POST":
            path = scope.get("path", "").rstrip("/") or "/"
            multipart = _header(scope, b"content-type").lower().lstrip().startswith("multipart/")
            if path in UPLOAD_PATHS or multipart:
                if path not in UPLOAD_PATHS or not self.allows(_cookie(scope, UPLOAD_COOKIE)):
                    await _refuse(send, 403, "上传文件仅限已登录的管理员 (uploads need an admin login)")
                    return
                declared = _header(scope, b"content-length")
                if declared.isdigit() and int(declared) > self.max_bytes + MAX_UPLOAD_BODY_OVERHEAD:
                    await _refuse(send, 413, f"文件过大 (over {self.max_bytes // 1048576} MB)")
                    return
        await self.app(scope, receive, send)


# ---- response headers -------------------------------------------------------------------------
class SecurityHeaders:
    """ASGI middleware: :data:`SECURITY_HEADERS` on every HTTP response (replacing any the
    app set itself)."""

    def __init__(self, app, headers: Iterable[tuple[bytes, bytes]] = SECURITY_HEADERS):
        self.app, self.headers = app, tuple(headers)
        self._names = {k for k, _ in self.headers}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in self._names]
                message = {**message, "headers": kept + list(self.headers)}
            await send(message)

        await self.app(scope, receive, with_headers)


# ---- the web temp folder ----------------------------------------------------------------------
def web_temp_dir() -> Path:
    """gradio's file folder (``GRADIO_TEMP_DIR``): the operator's, else one of this user's
    own under the system temp folder (readable by nobody else). Set before gradio builds
    anything (:mod:`assistant.ui` calls it on import)."""
    uid = getattr(os, "getuid", lambda: 0)()
    folder = Path(os.environ.setdefault("GRADIO_TEMP_DIR", str(Path(tempfile.gettempdir()) / f"policy-assistant-web-{uid}")))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        folder.chmod(0o700)
    except OSError:  # not ours to change: leave it
        pass
    return folder


def sweep(max_age: float = WEB_FILE_MAX_AGE, folder: Path | None = None, now: float | None = None) -> int:
    """Remove what is older than ``max_age`` seconds from the web temp folder (uploads and
    downloads left by this or an earlier run: only folders named like gradio's or ours);
    returns how many entries were removed."""
    folder = folder or web_temp_dir()
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for entry in entries:
        if not _SWEEPABLE.match(entry.name):
            continue
        try:
            if now - entry.lstat().st_mtime < max_age:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
        except OSError as exc:
            log.warning("could not remove %s from the web temp folder: %s", entry, exc)
    return removed


def download_dir() -> Path:
    """A new folder with an unguessable name for one download (older ones are swept)."""
    folder = web_temp_dir()
    sweep(folder=folder)
    target = folder / f"dl-{secrets.token_hex(16)}"
    target.mkdir(mode=0o700)
    return target


def discard(path: str | os.PathLike | None) -> None:
    """Remove an uploaded file once it has been read (and its folder, if that is now
    empty), but only inside the web temp folder."""
    if not path:
        return
    path = Path(path)
    folder = web_temp_dir().resolve()
    try:
        resolved = path.resolve()
        if folder not in resolved.parents:
            return
        resolved.unlink(missing_ok=True)
        parent = resolved.parent
        if parent != folder and not any(parent.iterdir()):
            parent.rmdir()
    except OSError as exc:
        log.warning("could not remove the uploaded file %s: %s", path, exc)
