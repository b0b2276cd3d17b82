"""Run ``python app.py`` as a separate process on 127.0.0.1, for tests, load scripts and
benchmarks (one helper instead of a copy in each): start it on a free port with its own
index and data folders, wait for the page, talk to ``POST /api/ask``, stop it.

Loopback only: :func:`post` refuses any host other than 127.0.0.1."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
START_TIMEOUT_S = 240.0
REQUEST_TIMEOUT_S = 60.0
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_process(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Terminate ``proc`` (if it still runs), killing it when it does not stop in time."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def app_environment(workdir: Path, port: int, **env: str) -> dict[str, str]:
    """The environment for an app (or CLI) process: this one's, less any ``POLICY_*``
    variable, with index and data under ``workdir``, the shipped corpus, then ``env``."""
    workdir = Path(workdir)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_")}
    clean.update(POLICY_HOST="127.0.0.1", POLICY_PORT=str(port), POLICY_INDEX_DIR=str(workdir / "index"),
                 POLICY_FEEDBACK_DB=str(workdir / "data" / "feedback.sqlite3"),
                 POLICY_CORPUS_DIR=str(ROOT / "corpus"), GRADIO_ANALYTICS_ENABLED="False",
                 ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1")
    clean.update(env)
    return clean


@dataclass
class Reply:
    status_code: int
    body: dict
    seconds: float
    headers: dict = field(default_factory=dict)  # response headers, lower-cased names


def post(base_url: str, payload: dict | bytes, timeout: float = REQUEST_TIMEOUT_S, path: str = "/api/ask") -> Reply:
    """POST JSON to ``path`` on 127.0.0.1; HTTP errors are replies too (with their JSON body)."""
    if urlparse(base_url).hostname != "127.0.0.1":
        raise ValueError(f"load goes to 127.0.0.1 only, not {base_url}")
    data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(base_url.rstrip("/") + path, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            code, raw, headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        code, raw, headers = exc.code, exc.read(), exc.headers
    seconds = time.perf_counter() - started
    try:
        body = json.loads(raw)
    except ValueError:
        body = {"error": f"not JSON: {raw[:200]!r}"}
    return Reply(code, body if isinstance(body, dict) else {"error": f"not an object: {body!r}"}, seconds,
                 {k.lower(): v for k, v in (headers or {}).items()})


class AppProcess:
    """``python app.py`` on a free 127.0.0.1 port with its own index and data folders
    under ``workdir`` (``env`` overrides, e.g. ``POLICY_CORPUS_DIR``). A context manager:
    the process is stopped on exit."""

    def __init__(self, workdir: Path, timeout: float = START_TIMEOUT_S, args: tuple[str, ...] = (),
                 port: int | None = None, **env: str):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log = self.workdir / f"app-{self.port}.log"
        self.env = app_environment(self.workdir, self.port, **env)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, str(APP), *args], cwd=self.workdir, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT)
        self._wait(timeout)

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app.py exited ({self.proc.returncode}):\n{self.output()}")
            try:
                with _OPENER.open(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"app.py did not serve {self.url} in {timeout:.0f}s:\n{self.output()}")

    def output(self) -> str:
        """What the process printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def get(self, path: str, timeout: float = 10) -> tuple[int, str]:
        """(status, body) of a GET on this app; HTTP errors are answers too."""
        try:
            with _OPENER.open(self.url + path, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", errors="replace")

    def ask(self, question: str, conversation_id: str | None = None, timeout: float = REQUEST_TIMEOUT_S) -> Reply:
        payload = {"question": question} | ({"conversation_id": conversation_id} if conversation_id else {})
        return post(self.url, payload, timeout)

    def stop(self) -> None:
        stop_process(self.proc)

    def __enter__(self) -> "AppProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
