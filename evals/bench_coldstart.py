"""Cold start of ``app.py`` for evals/benchmark.py: seconds to the page and to the
first answer, and the serving process's RSS once it has warmed up."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench_common import COLD_START_RUNS, COLD_START_TIMEOUT_S, READY_LINE, WARM_WAIT_S, ColdStart, QUERIES, ROOT, clean_env

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_ok(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def first_answer(url: str, timeout: float) -> bool:
    """POST one question to the app's JSON API; True once it is answered."""
    body = json.dumps({"question": QUERIES[0]}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=max(timeout, 1.0)) as response:
            return response.status == 200 and "status" in json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, ValueError):
        return False


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cold_start(corpus: Path, index_dir: Path, workdir: Path, runs: int = COLD_START_RUNS) -> ColdStart:
    """Seconds from ``python app.py`` to the first HTTP 200 on its page and to its first
    answer: the median of ``runs`` starts, each after ``os.sync()`` so that the build's
    pending disk writes are not charged to the start."""
    measured = []
    for _ in range(runs):
        os.sync()
        one = cold_start_once(corpus, index_dir, workdir)
        if one.seconds is None:
            return one
        measured.append(one)
    median = sorted(measured, key=lambda m: m.seconds)[len(measured) // 2]
    firsts = sorted(m.first_answer_s for m in measured if m.first_answer_s is not None)
    rss = sorted(m.rss_mb for m in measured if m.rss_mb is not None)
    return ColdStart(median.seconds, median.note, firsts[len(firsts) // 2] if firsts else None,
                     [(m.seconds, m.first_answer_s) for m in measured], rss[len(rss) // 2] if rss else None,
                     [m.rss_mb for m in measured if m.rss_mb is not None])


def warm_rss_mb(proc: subprocess.Popen, log_path: Path) -> float | None:
    """RSS of the app.py process once its warm-up has finished (its "index ready" line,
    waiting at most WARM_WAIT_S), or None when it cannot be read."""
    import psutil

    deadline = time.perf_counter() + WARM_WAIT_S
    while time.perf_counter() < deadline and proc.poll() is None:
        if READY_LINE in log_path.read_text(encoding="utf-8", errors="replace"):
            break
        time.sleep(0.1)
    try:
        return psutil.Process(proc.pid).memory_info().rss / 2**20
    except psutil.Error:
        return None


def cold_start_once(corpus: Path, index_dir: Path, workdir: Path) -> ColdStart:
    """One start of ``python app.py``: seconds to the page's HTTP 200, then to the first answer."""
    app = ROOT / "app.py"
    if not app.exists():
        return ColdStart(None, "n/a: app.py does not exist")
    port = free_port()
    env = clean_env(POLICY_INDEX_DIR=str(index_dir), POLICY_CORPUS_DIR=str(corpus), POLICY_PORT=str(port),
                    POLICY_FEEDBACK_DB=str(workdir / "app-feedback.sqlite3"))
    log_path = workdir / "app.log"
    url = f"http://127.0.0.1:{port}/"
    with open(log_path, "w", encoding="utf-8") as fh:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(app)], cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
        try:
            while time.perf_counter() - started < COLD_START_TIMEOUT_S:
                if proc.poll() is not None:
                    tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
                    return ColdStart(None, f"n/a: app.py exited {proc.returncode}: " + " | ".join(tail))
                if http_ok(url):
                    page = time.perf_counter() - started
                    answered = first_answer(url + "api/ask", COLD_START_TIMEOUT_S - page)
                    first = time.perf_counter() - started if answered else None
                    return ColdStart(page, "" if answered else "no answer from /api/ask", first,
                                     rss_mb=warm_rss_mb(proc, log_path) if answered else None)
                time.sleep(0.05)
            return ColdStart(None, f"n/a: no HTTP 200 within {COLD_START_TIMEOUT_S:.0f}s")
        finally:
            stop(proc)

