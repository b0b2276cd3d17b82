"""Progress of an index build that people wait for (the first start of ``python app.py``
on a corpus without an index, or a rebuild after the corpus changed): printed to the
console at most every few seconds, with documents, clauses and an estimate of the time
left, and kept as one Chinese line the web page shows instead of a spinner."""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

PRINT_EVERY_SECONDS = 3.0


class BuildProgress:
    """A :data:`assistant.index.Progress` callback: ``progress(done, total, stage)``."""

    def __init__(self, documents: int, clock: Callable[[], float] = time.monotonic, out: TextIO | None = None,
                 every: float = PRINT_EVERY_SECONDS):
        self.documents, self.clock, self.every = documents, clock, every
        self.out = out if out is not None else sys.stdout
        self.started = clock()
        self.done = self.total = 0
        self._printed = -float("inf")

    def __call__(self, done: int, total: int, stage: str = "") -> None:
        self.done, self.total = done, total
        now = self.clock()
        if now - self._printed >= self.every or (total and done >= total):
            self._printed = now
            print(self.status, file=self.out, flush=True)

    def eta_seconds(self) -> int | None:
        """Seconds left at the pace so far (None before the first clause is done)."""
        if not self.done or not self.total:
            return None
        elapsed = self.clock() - self.started
        return max(0, round(elapsed / self.done * (self.total - self.done)))

    @property
    def status(self) -> str:
        """"正在建立知识库索引：3 个文档，已处理 120/450 个条款，预计还需约 40 秒。" """
        if not self.total:
            return f"正在建立知识库索引：{self.documents} 个文档，正在切分条款…"
        eta = self.eta_seconds()
        rest = "" if eta is None else (f"，预计还需约 {eta} 秒" if eta < 120 else f"，预计还需约 {round(eta / 60)} 分钟")
        if self.done >= self.total:
            rest = "，即将完成"
        return f"正在建立知识库索引：{self.documents} 个文档，已处理 {self.done}/{self.total} 个条款{rest}。"
