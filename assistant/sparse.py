"""Sparse side: BM25 over jieba tokens (bm25s sparse matrices), saved beside the vector
index and memory-loaded at start, so a large corpus is not re-tokenised or re-indexed."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

_EMPTY = "\u0000"  # bm25s needs a token in every document; this one no query ever holds


class BM25Index:
    """BM25 scores for a tokenised query; also each term's document frequency (for IDF)."""

    def __init__(self, model, n_docs: int):
        self._model = model
        self.n_docs = n_docs
        vocab = model.vocab_dict
        indptr = np.asarray(model.scores["indptr"])
        self._df = {term: int(indptr[i + 1] - indptr[i]) for term, i in vocab.items()
                    if term not in (_EMPTY, "") and i + 1 < len(indptr)}

    @classmethod
    def build(cls, tokens: list[list[str]]) -> "BM25Index":
        import bm25s

        model = bm25s.BM25()
        model.index([doc or [_EMPTY] for doc in tokens] or [[_EMPTY]], show_progress=False)
        return cls(model, len(tokens))

    def save(self, path: Path) -> None:
        self._model.save(str(path))

    @classmethod
    def load(cls, path: Path, n_docs: int) -> "BM25Index":
        import bm25s

        return cls(bm25s.BM25.load(str(path)), n_docs)

    def idf(self, term: str) -> float:
        """Smoothed IDF; a term the corpus never uses gets the highest weight."""
        df = self._df.get(term, 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def knows(self, term: str) -> bool:
        return term in self._df

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        known = [t for t in query_tokens if t in self._df]
        if not known or not self.n_docs:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)[: self.n_docs]
