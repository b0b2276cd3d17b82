"""Sparse side: BM25 over jieba tokens, saved beside the vector index so a large corpus is
not re-tokenised or re-indexed at start.

A build indexes with bm25s, which stores every term's precomputed BM25 score per clause
as a compressed sparse column matrix (``data``, ``indices``, ``indptr`` .npy files and the
vocabulary). A serving process does not import bm25s (nor scipy, which it imports): it maps
those arrays read-only (``np.load(mmap_mode="r")``) and adds up the columns of a
question's terms, as bm25s's own ``get_scores`` does, so the arrays stay in the page cache
that every process serving the folder shares, and only the columns a question reads are
touched (issue 16: RSS and first answer at 100k clauses)."""
from __future__ import annotations

import json
import math
import threading
from pathlib import Path

import numpy as np

_EMPTY = "\u0000"  # bm25s needs a token in every document; this one no query ever holds
_METHODS = ("lucene", "robertson", "atire")  # bm25s variants without a non-occurrence term (the default: lucene)
# np.load parses each file's header with ast.literal_eval; on CPython 3.11 (seen on 3.11.7), two
# threads building ASTs at once can fail with "SystemError: AST constructor recursion depth
# mismatch" (python/cpython#106905). A reindex loads a generation while a question's refresh
# may load it too: the loads take turns.
_LOAD_LOCK = threading.Lock()


class BM25Index:
    """BM25 scores for a tokenised query; also each term's document frequency (for IDF)."""

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, vocab: dict[str, int],
                 n_docs: int, model=None):
        self._data, self._indices, self._indptr = data, indices, indptr
        self._vocab = vocab
        self._model = model  # the bm25s model of a fresh build (to save it); None when loaded
        self.n_docs = n_docs
        self._df = {term: int(indptr[i + 1] - indptr[i]) for term, i in vocab.items()
                    if term not in (_EMPTY, "") and i + 1 < len(indptr)}

    @classmethod
    def build(cls, tokens: list[list[str]]) -> "BM25Index":
        import bm25s

        model = bm25s.BM25()
        model.index([doc or [_EMPTY] for doc in tokens] or [[_EMPTY]], show_progress=False)
        scores = model.scores
        return cls(np.asarray(scores["data"]), np.asarray(scores["indices"]), np.asarray(scores["indptr"]),
                   dict(model.vocab_dict), len(tokens), model)

    def save(self, path: Path) -> None:
        if self._model is None:
            raise ValueError("only a freshly built BM25 index is saved")
        self._model.save(str(path))

    @classmethod
    def load(cls, path: Path, n_docs: int) -> "BM25Index":
        """The index :meth:`save` wrote, its arrays memory-mapped; ValueError or OSError when
        files are missing or damaged."""
        path = Path(path)
        params = json.loads((path / "params.index.json").read_text(encoding="utf-8"))
        if params.get("method", "lucene") not in _METHODS:
            raise ValueError(f"BM25 method {params.get('method')!r} is not one this index reads")
        vocab = json.loads((path / "vocab.index.json").read_text(encoding="utf-8"))
        with _LOAD_LOCK:
            arrays = [np.load(path / f"{name}.csc.index.npy", mmap_mode="r", allow_pickle=False)
                      for name in ("data", "indices", "indptr")]
        data, indices, indptr = arrays
        if not isinstance(vocab, dict) or len(data) != len(indices) or len(indptr) < 1 \
                or int(indptr[-1]) != len(data) or params.get("num_docs", n_docs) < n_docs:
            raise ValueError("BM25 arrays do not fit together")
        return cls(data, indices, indptr, vocab, n_docs)

    def idf(self, term: str) -> float:
        """Smoothed IDF; a term the corpus never uses gets the highest weight."""
        df = self._df.get(term, 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def knows(self, term: str) -> bool:
        return term in self._df

    def _postings(self, token: str) -> np.ndarray:
        """The clause positions holding ``token`` (a word of the vocabulary)."""
        i = self._vocab[token]
        return np.asarray(self._indices[int(self._indptr[i]):int(self._indptr[i + 1])])

    def together(self, tokens: list[str | tuple[str, ...]]) -> bool:
        """Whether some clause holds every one of ``tokens`` (a tuple: any one of its words)."""
        common = None
        for token in tokens:
            known = [t for t in ((token,) if isinstance(token, str) else token) if t in self._df]
            if not known:
                return False
            docs = np.unique(np.concatenate([self._postings(t) for t in known]))
            common = docs if common is None else np.intersect1d(common, docs, assume_unique=True)
            if not len(common):
                return False
        return common is not None

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """Each clause's BM25 score for the tokens (a token given twice counts twice)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for token in query_tokens:
            if token not in self._df:
                continue
            i = self._vocab[token]
            start, end = int(self._indptr[i]), int(self._indptr[i + 1])
            indices = np.asarray(self._indices[start:end])
            keep = indices < self.n_docs
            np.add.at(out, indices[keep], np.asarray(self._data[start:end], dtype=np.float32)[keep])
        return out
