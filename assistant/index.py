"""Build, persist and load the index: clauses, BM25 tokens and the chroma collection,
described by a manifest. Rebuilding is incremental: only documents whose content hash
changed are re-embedded; an unchanged corpus with the same embedder is reused as is."""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from .embeddings import Embedder
from .errors import IndexNotBuiltError
from .lexicon import Segmenter
from .models import Clause, SourceDocument
from .sparse import BM25Index
from .store import ChromaStore
from .structure import split_document

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DOCUMENTS = "documents.json"
CLAUSES = "clauses.jsonl"
TOKENS = "bm25_tokens.json"

Progress = Callable[[int, int, str], None]  # (done, total, message)


def document_hash(doc: SourceDocument) -> str:
    payload = json.dumps([doc.doc_id, doc.title, doc.text, doc.metadata], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def corpus_version(doc_hashes: dict[str, str], embedder_id: str) -> str:
    payload = json.dumps([sorted(doc_hashes.items()), embedder_id, FORMAT_VERSION])
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file and rename it over ``path``: readers see old or new, never half."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@dataclass
class BuildReport:
    corpus_version: str
    documents: int
    clauses: int
    embedded: list[str] = field(default_factory=list)  # doc ids (re-)embedded this run
    removed: list[str] = field(default_factory=list)
    reused: bool = False
    seconds: float = 0.0


class PolicyIndex:
    """The persisted index for one corpus and one embedder."""

    def __init__(self, index_dir: Path, embedder: Embedder, segmenter: Segmenter, store_factory: Callable[[], ChromaStore]):
        self.dir = Path(index_dir)
        self.embedder = embedder
        self.segmenter = segmenter
        self._store_factory = store_factory
        self._store: ChromaStore | None = None
        self.documents: dict[str, SourceDocument] = {}
        self.clauses: list[Clause] = []
        self.by_id: dict[str, int] = {}
        self.bm25: BM25Index | None = None
        self._article_text: dict[tuple[str, str], str] = {}
        self.absent_topics: tuple[str, ...] = ()
        self.manifest: dict = {}

    @property
    def store(self) -> ChromaStore:
        if self._store is None:
            self._store = self._store_factory()
        return self._store

    # ---- state ---------------------------------------------------------------------------
    def read_manifest(self) -> dict:
        path = self.dir / MANIFEST
        if not path.exists():
            return {}
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return {}  # a torn or corrupt manifest means: rebuild

    def is_current(self, documents: list[SourceDocument]) -> bool:
        manifest = self.read_manifest()
        hashes = {d.doc_id: document_hash(d) for d in documents}
        return (
            manifest.get("format") == FORMAT_VERSION
            and manifest.get("embedder") == self.embedder.id
            and manifest.get("doc_hashes") == hashes
        )

    # ---- build ---------------------------------------------------------------------------
    def build(self, documents: list[SourceDocument], progress: Progress | None = None) -> BuildReport:
        started = time.perf_counter()
        self.dir.mkdir(parents=True, exist_ok=True)
        old = self.read_manifest()
        hashes = {d.doc_id: document_hash(d) for d in documents}
        version = corpus_version(hashes, self.embedder.id)
        compatible = old.get("format") == FORMAT_VERSION and old.get("embedder") == self.embedder.id
        old_hashes = old.get("doc_hashes", {}) if compatible else {}
        if compatible and old_hashes == hashes and self.store.count() == old.get("clauses"):
            self.load()
            return BuildReport(version, len(documents), len(self.clauses), reused=True,
                               seconds=time.perf_counter() - started)
        if not compatible or self.store.count() != old.get("clauses", -1):
            self.store.clear()  # another embedder, format or a half-written collection: start over
            old_hashes = {}
        changed = [d for d in documents if old_hashes.get(d.doc_id) != hashes[d.doc_id]]
        removed = [doc_id for doc_id in old_hashes if doc_id not in hashes]
        self.store.delete_documents([d.doc_id for d in changed if d.doc_id in old_hashes] + removed)

        all_clauses = {d.doc_id: split_document(d) for d in documents}
        to_embed = [c for d in changed for c in all_clauses[d.doc_id]]
        done = 0
        if progress:
            progress(0, len(to_embed), "embedding")

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, len(to_embed), "embedding")

        self.store.add(to_embed, step)
        clauses = [c for d in documents for c in all_clauses[d.doc_id]]
        tokens = [self.segmenter.tokens(_sparse_text(c)) for c in clauses]
        write_atomic(self.dir / DOCUMENTS, json.dumps({d.doc_id: asdict(d) for d in documents}, ensure_ascii=False))
        write_atomic(self.dir / CLAUSES, "\n".join(json.dumps(asdict(c), ensure_ascii=False) for c in clauses))
        write_atomic(self.dir / TOKENS, json.dumps(tokens, ensure_ascii=False))
        manifest = {
            "format": FORMAT_VERSION,
            "embedder": self.embedder.id,
            "corpus_version": version,
            "doc_hashes": hashes,
            "documents": {d.doc_id: {"title": d.title, "clauses": len(all_clauses[d.doc_id])} for d in documents},
            "clauses": len(clauses),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        write_atomic(self.dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))  # last: commits the build
        self.load()
        return BuildReport(version, len(documents), len(clauses), embedded=[d.doc_id for d in changed],
                           removed=removed, seconds=time.perf_counter() - started)

    # ---- load ----------------------------------------------------------------------------
    def load(self) -> "PolicyIndex":
        manifest = self.read_manifest()
        if not manifest:
            raise IndexNotBuiltError(f"索引不存在 ({self.dir}): run `policy-assistant ingest` first")
        if manifest.get("embedder") != self.embedder.id:
            raise IndexNotBuiltError(
                f"索引由另一个向量模型构建 ({manifest.get('embedder')} ≠ {self.embedder.id}): run `policy-assistant ingest`"
            )
        docs = json.loads((self.dir / DOCUMENTS).read_text(encoding="utf-8"))
        self.documents = {k: SourceDocument(**v) for k, v in docs.items()}
        lines = (self.dir / CLAUSES).read_text(encoding="utf-8").splitlines()
        self.clauses = [Clause(**json.loads(line)) for line in lines if line.strip()]
        self.by_id = {c.clause_id: i for i, c in enumerate(self.clauses)}
        tokens = json.loads((self.dir / TOKENS).read_text(encoding="utf-8"))
        self.tokens = [set(t) for t in tokens]
        self.bm25 = BM25Index(tokens)
        self._article_text = {}
        for clause in self.clauses:
            key = (clause.doc_id, clause.article)
            self._article_text[key] = self._article_text.get(key, clause.heading.lower()) + clause.text.lower()
        corpus_text = "\n".join(d.text.lower() for d in self.documents.values())
        self.absent_topics = tuple(t for t in self.segmenter.lexicon.out_of_scope if t not in corpus_text)
        self.manifest = manifest
        return self

    @property
    def corpus_version(self) -> str:
        return self.manifest.get("corpus_version", "")

    def article_text(self, doc_id: str, article: str) -> str:
        """Lower-cased heading and text of one article (for term coverage)."""
        return self._article_text.get((doc_id, article), "")

    def off_topic(self, text: str) -> list[str]:
        """Out-of-scope topics (lexicon) named in ``text`` that no corpus document mentions."""
        lowered = text.lower()
        return [t for t in self.absent_topics if t in lowered]

    def article_clauses(self, doc_id: str, article: str) -> list[Clause]:
        return [c for c in self.clauses if c.doc_id == doc_id and c.article == article]


def _sparse_text(clause: Clause) -> str:
    return f"{clause.heading} {clause.text}"
