"""A small JSON HTTP API beside the web chat, with the CLI's contract:

``POST /api/ask`` with ``{"question": "...", "conversation_id": "optional"}`` returns the
answer JSON (status, answer, citations, corpus_version, latency_ms) plus
``conversation_id``. Conversations live on the server in a bounded store (LRU, at most
10,000, idle ones expire after 2 h); ids are generated here with
:func:`secrets.token_urlsafe`: an unknown or expired id starts a new conversation under
a new id, so a client can never pick (or guess its way into) someone else's.

Errors are ``{"error": message}``: 400 for a bad request or question, 413 for a body
over 200 KB, 503 when the index cannot be used, 500 (details in the server log) for
anything unexpected. Nothing here changes the knowledge base.
"""
from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from .conversation import Conversation
from .errors import InputError, PolicyAssistantError

log = logging.getLogger("assistant.api")

MAX_BODY_BYTES = 200 * 1024
MAX_CONVERSATIONS = 10_000
TTL_SECONDS = 2 * 3600.0
MAX_TURNS = 20  # earlier questions kept per conversation (follow-ups need only the last few)
MAX_ID_CHARS = 100


class BodyTooLarge(Exception):
    """The request body exceeds the API's limit (answered with 413)."""


@dataclass
class _Entry:
    conversation: Conversation
    lock: threading.Lock  # one question at a time per conversation
    used: float


class ConversationStore:
    """Server-side conversations by id: least recently used first out, idle ones expire."""

    def __init__(self, max_items: int = MAX_CONVERSATIONS, ttl: float = TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.max_items, self.ttl, self.clock = max_items, ttl, clock
        self._items: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __contains__(self, conversation_id: object) -> bool:
        with self._lock:
            return conversation_id in self._items

    def checkout(self, conversation_id: str | None) -> tuple[str, _Entry, bool]:
        """(id, entry, created): the live conversation ``conversation_id``, or a new one
        under a fresh id when it is absent, unknown or expired."""
        now = self.clock()
        with self._lock:
            while self._items:  # ordered by last use: expired entries are at the front
                oldest = next(iter(self._items.values()))
                if now - oldest.used < self.ttl:
                    break
                self._items.popitem(last=False)
            entry = self._items.get(conversation_id) if conversation_id else None
            created = entry is None
            if entry is None:
                conversation_id = secrets.token_urlsafe(18)
                while conversation_id in self._items:
                    conversation_id = secrets.token_urlsafe(18)
                entry = _Entry(Conversation(), threading.Lock(), now)
                self._items[conversation_id] = entry
                while len(self._items) > self.max_items:
                    self._items.popitem(last=False)
            else:
                self._items.move_to_end(conversation_id)
            entry.used = now
            return conversation_id, entry, created

    def discard(self, conversation_id: str) -> None:
        with self._lock:
            self._items.pop(conversation_id, None)


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refused (BodyTooLarge) as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def parse_request(body: bytes) -> tuple[str, str | None]:
    """(question, conversation_id) from a JSON body; InputError when malformed."""
    try:
        payload: Any = json.loads(body)
    except (ValueError, RecursionError) as exc:  # bad JSON, bad UTF-8, absurd nesting
        raise InputError(f"请求不是合法的 JSON (invalid JSON body: {type(exc).__name__})") from exc
    if not isinstance(payload, dict):
        raise InputError('请求应为 JSON 对象 (expected {"question": "...", "conversation_id": "..."})')
    question, conversation_id = payload.get("question"), payload.get("conversation_id")
    if not isinstance(question, str):
        raise InputError('缺少问题 (missing "question": a string)')
    if conversation_id is not None and (not isinstance(conversation_id, str) or len(conversation_id) > MAX_ID_CHARS):
        raise InputError(f'"conversation_id" 应为不超过 {MAX_ID_CHARS} 个字符的字符串 (or omit it)')
    return question, conversation_id or None


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_router(assistant, store: ConversationStore | None = None, max_body: int = MAX_BODY_BYTES) -> APIRouter:
    """The ``/api`` routes for a ready :class:`~assistant.core.PolicyAssistant`."""
    conversations = store if store is not None else ConversationStore()
    router = APIRouter(prefix="/api")

    def answer(question: str, entry: _Entry):
        with entry.lock:
            result = assistant.ask(question, entry.conversation)
            del entry.conversation.turns[:-MAX_TURNS]
            return result

    @router.post("/ask")
    async def ask(request: Request) -> JSONResponse:
        try:
            question, wanted = parse_request(await read_body(request, max_body))
        except BodyTooLarge:
            return _error(413, f"请求过大 (body over {max_body // 1024} KB)")
        except InputError as exc:
            return _error(400, str(exc))
        conversation_id, entry, created = conversations.checkout(wanted)
        try:
            result = await run_in_threadpool(answer, question, entry)
        except InputError as exc:
            if created:
                conversations.discard(conversation_id)
            return _error(400, str(exc))
        except PolicyAssistantError as exc:
            return _error(503, str(exc))
        except Exception:  # noqa: BLE001 - the edge: a client always gets JSON, the log gets the traceback
            log.exception("POST /api/ask failed")
            return _error(500, "内部错误，请稍后再试 (internal error; see the server log)")
        return JSONResponse({**result.to_dict(), "conversation_id": conversation_id})

    return router


def create_server(assistant, store: ConversationStore | None = None) -> FastAPI:
    """One FastAPI app serving the JSON API under ``/api`` and the gradio chat at ``/``,
    behind :mod:`assistant.webguard`: the real client address (X-Forwarded-For only from
    ``settings.trusted_proxies``), file uploads only with a live admin session's cookie, a
    Content-Security-Policy that loads nothing from elsewhere. gradio's monitoring and run
    history routes are off; the web temp folder is swept of earlier runs' files."""
    import gradio as gr

    from . import webguard
    from .admin import AdminSessions
    from .ui import create_app, launch_options

    settings = assistant.settings
    trusted = webguard.parse_networks(settings.trusted_proxies)  # a bad entry fails here, before serving
    webguard.sweep()  # uploads and downloads left by an earlier run
    sessions = AdminSessions(settings.admin_idle_seconds)
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    server.include_router(create_router(assistant, store))
    options = launch_options(settings)
    gr.mount_gradio_app(server, create_app(assistant, sessions), path="/", server_name=options["server_name"],
                        server_port=options["server_port"], footer_links=options["footer_links"],
                        max_file_size=options["max_file_size"], theme=options["theme"], css=options["css"],
                        enable_monitoring=options["enable_monitoring"], run_history=options["run_history"])
    # innermost first: the gate sees the real client, every response gets the headers
    server.add_middleware(webguard.UploadGate, allows=sessions.allows_upload, max_bytes=options["max_file_size"])
    server.add_middleware(webguard.SecurityHeaders)
    server.add_middleware(webguard.ClientAddress, trusted=trusted)
    server.state.admin_sessions = sessions
    return server
