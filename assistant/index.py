"""Build, persist and load the index: clauses, BM25 and the chroma collection, described
by a manifest.

Every build writes a new *generation* (its own collection and files) and then replaces
the manifest atomically: until that rename the previous generation keeps serving, so a
crash or kill mid-build loses nothing, and the next build clears the leftovers. Only
documents whose content hash changed are embedded; the others' vectors are copied over
from the previous generation. An unchanged corpus with the same embedder is reused."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from array import array
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Collection, Iterator, Mapping, Sequence

import numpy as np

from .clausestore import CLAUSES_FILE, ClauseIds, ClauseTable, write_clauses
from .documents import DocumentRecord, alias_table, records
from .embeddings import Embedder
from .errors import IndexNotBuiltError
from .lexicon import Segmenter
from .models import Clause, SourceDocument
from .sparse import BM25Index
from .store import ChromaBackend, ChromaStore
from .structure import split_document

log = logging.getLogger("assistant.index")

FORMAT_VERSION = 4  # 4: clauses in clauses.sqlite3 (assistant/clausestore.py), was clauses.jsonl
MANIFEST = "manifest.json"
GENERATION_PREFIX = "gen-"
INDEX_ID = "index_id"  # this folder's id: its collections are named "<collection>-<id>-gen-NNNNNN"
BUILD_LOCK = "build.lock"

Progress = Callable[[int, int, str], None]  # (done, total, message)


def document_hash(doc: SourceDocument) -> str:
    payload = json.dumps([doc.doc_id, doc.title, doc.text, doc.metadata], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def splitter_fingerprint() -> str:
    """A hash of the splitting code and of what each clause is indexed as: clauses (text,
    ids, headings) and their vectors depend on it as much as on the documents, so a change
    re-splits and re-embeds everything."""
    import inspect

    from . import store, structure

    payload = Path(structure.__file__).read_bytes() + inspect.getsource(store.embedding_text).encode()
    payload += f"{store.EMBED_CHARS}".encode() + inspect.getsource(_sparse_text).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


def corpus_version(doc_hashes: dict[str, str], embedder_id: str) -> str:
    payload = json.dumps([sorted(doc_hashes.items()), embedder_id, FORMAT_VERSION])
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file, fsync, and rename over ``path``: readers see old or new, never half."""
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
    copied: int = 0  # vectors carried over from the previous generation


@dataclass(frozen=True)
class Snapshot:
    """One generation as served: everything a question reads, replaced in one assignment so
    a question answered during a reindex sees the old generation or the new, never a mix."""

    manifest: dict = field(default_factory=dict)
    documents: dict[str, SourceDocument] = field(default_factory=dict)
    clauses: Sequence[Clause] = ()  # a ClauseTable: read from the generation's file on demand
    by_id: Mapping[str, int] = field(default_factory=dict)  # clause id → position (a ClauseIds)
    bm25: BM25Index | None = None
    article_texts: dict[tuple[str, str], str] = field(default_factory=dict)
    articles: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (doc_id, article) → clause positions
    absent_topics: tuple[str, ...] = ()
    outline: dict[str, tuple[str, ...]] = field(default_factory=dict)  # doc_id → its chapter names or headings
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a name questions use → its doc ids (documents.alias_table)
    records: dict[str, DocumentRecord] = field(default_factory=dict)  # doc_id → what the document is (documents.records)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # doc_id → its clause positions [start, end)
    store: ChromaStore | None = None
    stamp: tuple = ()  # the manifest file's identity when it was read (see PolicyIndex.stale)

    @property
    def corpus_version(self) -> str:
        return self.manifest.get("corpus_version", "")

    def article_text(self, doc_id: str, article: str) -> str:
        """Lower-cased heading and text of one article (for term coverage)."""
        return self.article_texts.get((doc_id, article), "")

    def off_topic(self, text: str) -> list[str]:
        """Out-of-scope topics (lexicon) named in ``text`` that no corpus document mentions."""
        lowered = text.lower()
        return [t for t in self.absent_topics if t in lowered]

    def article_clauses(self, doc_id: str, article: str) -> list[Clause]:
        return [self.clauses[i] for i in self.articles.get((doc_id, article), ())]

    def document_clauses(self, doc_id: str) -> list[Clause]:
        """A document's clauses in order (read in one query)."""
        start, end = self.spans.get(doc_id, (0, 0))
        return list(self.clauses[start:end])

    @cached_property
    def corpus_text(self) -> str:
        """Every document's text, lower-cased (what :func:`treated` looks a topic up in)."""
        return "\n".join(d.text.lower() for d in self.documents.values())

    @cached_property
    def liability_ids(self) -> frozenset[str]:
        """Ids of the clauses of liability chapters or stating a sanction
        (:func:`assistant.liability.is_liability`), read once per generation on first use."""
        from .liability import is_liability

        return frozenset(clause.clause_id for clause in self.clauses if is_liability(clause))

    @cached_property
    def framing_ids(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Ids of each document's clauses that say what it is for ("为了…，制定本法。") and
        when it takes effect ("本法自…起施行。"), as (doc_id, clause_id) by kind ("purpose",
        "effective"): read once
        per generation, they join the candidates of a question asking for them whatever its
        words ("什么时候生效" ← "自…起施行")."""
        from .query import EFFECTIVE_CLAUSE, PURPOSE_CLAUSE

        found: dict[str, list[tuple[str, str]]] = {"purpose": [], "effective": []}
        for clause in self.clauses:
            if PURPOSE_CLAUSE.match(clause.text):
                found["purpose"].append((clause.doc_id, clause.clause_id))
            if EFFECTIVE_CLAUSE.search(clause.text):
                found["effective"].append((clause.doc_id, clause.clause_id))
        return {kind: tuple(ids) for kind, ids in found.items()}

    def article_positions(self, ref: str, documents: Collection[str] = ()) -> list[int]:
        """Positions of the clauses of article ``ref`` ("九" or "第九条") in ``documents``
        (every document when empty)."""
        return [i for (doc, article), positions in self.articles.items() if article in (ref, f"第{ref}条")
                and (not documents or doc in documents) for i in positions]


class PolicyIndex:
    """The persisted index for one corpus and one embedder, its vectors kept in
    ``backend`` (a :class:`~assistant.store.ChromaBackend`).

    Several processes may serve and build the same index folder: builds take a lock file
    (one at a time), readers notice a newer manifest and reload (:meth:`refresh`), and a
    reader whose generation was dropped mid-question reloads and asks again. Collection
    names carry this folder's index id, so indexes sharing one chroma server never drop
    each other's collections."""

    def __init__(self, index_dir: Path, embedder: Embedder, segmenter: Segmenter,
                 backend: ChromaBackend, collection: str = "policy_clauses"):
        self.dir = Path(index_dir)
        self.embedder = embedder
        self.segmenter = segmenter
        self.collection = collection
        self.backend = backend
        self.snapshot = Snapshot()  # what questions read; replaced whole by load()
        self._reload_lock = threading.Lock()

    # ---- state (the served snapshot) -----------------------------------------------------
    @property
    def store(self) -> ChromaStore:
        """The collection of the generation being served."""
        if self.snapshot.store is None:
            raise IndexNotBuiltError(f"索引不存在 ({self.dir}): run `policy-assistant ingest` first")
        return self.snapshot.store

    documents = property(lambda self: self.snapshot.documents)
    clauses = property(lambda self: self.snapshot.clauses)
    by_id = property(lambda self: self.snapshot.by_id)
    bm25 = property(lambda self: self.snapshot.bm25)
    manifest = property(lambda self: self.snapshot.manifest)
    absent_topics = property(lambda self: self.snapshot.absent_topics)
    articles = property(lambda self: self.snapshot.articles)

    def _stamp(self) -> tuple:
        """The manifest file's identity: a build replaces it by rename (new inode)."""
        try:
            st = os.stat(self.dir / MANIFEST)
        except OSError:
            return ()
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def stale(self) -> bool:
        """Whether another build (any process) has replaced the manifest since the served
        generation was loaded. One ``stat``: cheap enough to ask before every question."""
        return self._stamp() != self.snapshot.stamp

    def refresh(self) -> bool:
        """Serve the newest generation on disk if it is not served yet (one thread reloads,
        the others keep reading the current snapshot meanwhile). True if it reloaded."""
        if not self.stale() or not self._reload_lock.acquire(blocking=False):
            return False
        try:
            if not self.stale():
                return False
            self.load()
            return True
        finally:
            self._reload_lock.release()

    def reload_after_loss(self, lost: "Snapshot") -> None:
        """Load the newest generation because ``lost`` (the snapshot a question was
        reading) was dropped — unless another thread has already replaced it."""
        with self._reload_lock:
            if self.snapshot is lost:
                self.load()

    def index_id(self) -> str:
        """This index folder's id (made once, kept in the folder)."""
        path = self.dir / INDEX_ID
        try:
            found = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            found = ""
        if re.fullmatch(r"[0-9a-f]{8}", found):
            return found
        self.dir.mkdir(parents=True, exist_ok=True)
        found = secrets.token_hex(4)
        write_atomic(path, found)
        return found

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        """One build at a time on this folder, across processes (an flock on a lock file;
        released by the kernel if the holder dies)."""
        import fcntl

        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / BUILD_LOCK, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def read_manifest(self) -> dict:
        path = self.dir / MANIFEST
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            log.warning("索引清单已损坏 (%s): the index will be rebuilt", path)
            return {}
        return data

    def inputs(self) -> dict[str, str]:
        """What the index depends on besides the documents and the embedder: the splitting
        code and the lexicon (recorded in the manifest; a change rebuilds)."""
        return {"splitter": splitter_fingerprint(), "lexicon": self.segmenter.lexicon.fingerprint}

    def is_current(self, documents: list[SourceDocument]) -> bool:
        manifest = self.read_manifest()
        hashes = {d.doc_id: document_hash(d) for d in documents}
        return (
            manifest.get("format") == FORMAT_VERSION
            and manifest.get("embedder") == self.embedder.id
            and manifest.get("doc_hashes") == hashes
            and manifest.get("inputs") == self.inputs()
            and (self.dir / manifest.get("generation", "")).is_dir()
        )

    # ---- build ---------------------------------------------------------------------------
    def build(self, documents: list[SourceDocument], progress: Progress | None = None) -> BuildReport:
        """Bring the index in line with ``documents``: reuse it when nothing changed, else
        write a new generation (embedding only changed documents), swap the manifest, serve
        it and drop the generation it replaced. Waits while another process builds."""
        with self.build_lock():
            return self._build(documents, progress)

    def _build(self, documents: list[SourceDocument], progress: Progress | None) -> BuildReport:
        started = time.perf_counter()
        old = self.read_manifest()
        hashes = {d.doc_id: document_hash(d) for d in documents}
        version = corpus_version(hashes, self.embedder.id)
        inputs = self.inputs()
        old_store = self._open_previous(old)
        if old_store is not None and old.get("doc_hashes") == hashes and old.get("inputs") == inputs:
            try:
                self.load()
                return BuildReport(version, len(documents), len(self.clauses), reused=True,
                                   seconds=time.perf_counter() - started)
            except IndexNotBuiltError as exc:  # damaged files: build a new generation from scratch
                log.warning("%s — rebuilding in full", exc)
                old_store = None
        same_clauses = old_store is not None and old.get("inputs", {}).get("splitter") == inputs["splitter"]
        old_hashes = old.get("doc_hashes", {}) if same_clauses else {}  # whose vectors can be copied
        changed = [d for d in documents if old_hashes.get(d.doc_id) != hashes[d.doc_id]]
        changed_ids = {d.doc_id for d in changed}
        kept = [d.doc_id for d in documents if d.doc_id in old_hashes and d.doc_id not in changed_ids]
        removed = [doc_id for doc_id in (old.get("doc_hashes", {}) if old_store is not None else {}) if doc_id not in hashes]

        serial = int(old.get("serial", 0)) + 1
        generation = f"{GENERATION_PREFIX}{serial:06d}"
        index_id = self.index_id()
        self._clear_leftovers(index_id, keep={old.get("generation", "")}, keep_collections={old.get("collection", "")})
        gen_dir = self.dir / generation
        gen_dir.mkdir()
        collection = f"{self.collection}-{index_id}-{generation}"
        new_store = self.backend.open(collection, create=True)
        copied = new_store.copy_documents(old_store, kept) if old_store is not None and kept else 0

        all_clauses = {d.doc_id: split_document(d) for d in documents}
        to_embed = [c for d in changed for c in all_clauses[d.doc_id]]
        _embed_with_progress(new_store, to_embed, progress)
        clauses = [c for d in documents for c in all_clauses[d.doc_id]]
        BM25Index.build([self.segmenter.tokens(_sparse_text(c)) for c in clauses]).save(gen_dir / "bm25")
        write_atomic(gen_dir / "documents.json", json.dumps({d.doc_id: asdict(d) for d in documents}, ensure_ascii=False))
        write_clauses(gen_dir / CLAUSES_FILE, clauses)
        manifest = {
            "format": FORMAT_VERSION,
            "embedder": self.embedder.id,
            "corpus_version": version,
            "doc_hashes": hashes,
            "inputs": inputs,
            "documents": {d.doc_id: {"title": d.title, "clauses": len(all_clauses[d.doc_id])} for d in documents},
            "clauses": len(clauses),
            "generation": generation,
            "serial": serial,
            "index_id": index_id,
            "collection": collection,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        write_atomic(self.dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))  # the swap
        self.load(store=new_store)  # serve the new generation, then drop the old one
        self._clear_leftovers(index_id, keep={generation}, keep_collections={collection})
        return BuildReport(version, len(documents), len(clauses), embedded=[d.doc_id for d in changed],
                           removed=removed, seconds=time.perf_counter() - started, copied=copied)

    def _open_previous(self, old: dict) -> ChromaStore | None:
        """The previous generation's collection when it is complete and compatible, else None."""
        if old.get("format") != FORMAT_VERSION or old.get("embedder") != self.embedder.id:
            if old:
                log.warning("索引格式或向量模型已变化 (format %s → %s, embedder %s → %s): rebuilding in full",
                            old.get("format"), FORMAT_VERSION, old.get("embedder"), self.embedder.id)
            return None
        if not old.get("collection") or not old.get("generation"):
            return None
        if not (self.dir / old["generation"]).is_dir():
            log.warning("索引文件损坏 (%s missing): rebuilding in full", self.dir / old["generation"])
            return None
        try:
            store = self.backend.open(old["collection"])
            count = store.count()
        except IndexNotBuiltError as exc:  # the collection is gone, or chroma cannot read it
            log.warning("%s — rebuilding in full", exc)
            return None
        if count != old.get("clauses"):
            log.warning("向量集合不完整 (%d ≠ %s): rebuilding in full", count, old.get("clauses"))
            return None
        return store

    def _clear_leftovers(self, index_id: str, keep: set[str], keep_collections: set[str]) -> None:
        """Remove this index's generations (folders and collections) other than ``keep``:
        what a killed build left behind, or the generation just replaced. Collections of
        other indexes on the same chroma server are never touched: only names with this
        folder's index id, or the one an older manifest of this folder named, are ours."""
        for path in self.dir.glob(GENERATION_PREFIX + "*"):
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
        ours = f"{self.collection}-{index_id}-{GENERATION_PREFIX}"
        for name in self.backend.names():
            if name.startswith(ours) and name not in keep_collections:
                self.backend.drop(name)
        self.backend.tidy()

    # ---- load ----------------------------------------------------------------------------
    def load(self, store: ChromaStore | None = None) -> "PolicyIndex":
        """Serve the generation the manifest names. Raises IndexNotBuiltError when it is
        missing, built by another embedder, or damaged (files, or vectors that do not match
        the manifest: never serve a silently degraded index)."""
        stamp = self._stamp()
        manifest = self.read_manifest()
        if not manifest:
            raise IndexNotBuiltError(f"索引不存在 ({self.dir}): run `policy-assistant ingest` first")
        if manifest.get("format") != FORMAT_VERSION or manifest.get("embedder") != self.embedder.id:
            raise IndexNotBuiltError(
                f"索引由另一个版本或向量模型构建 ({manifest.get('embedder')} ≠ {self.embedder.id}): "
                "run `policy-assistant ingest`"
            )
        gen_dir = self.dir / manifest.get("generation", "")
        try:
            docs = json.loads((gen_dir / "documents.json").read_text(encoding="utf-8"))
            documents = {k: SourceDocument(**v) for k, v in docs.items()}
            clauses = ClauseTable(gen_dir / CLAUSES_FILE)
            bm25 = BM25Index.load(gen_dir / "bm25", len(clauses))
            if len(clauses) != manifest.get("clauses") or set(documents) != set(manifest.get("documents", {})):
                raise IndexNotBuiltError(f"索引文件损坏 ({gen_dir}: {len(clauses)} clauses, {len(documents)} documents ≠ "
                                         "the manifest): run `policy-assistant ingest` to rebuild")
            tables = _Tables.of(clauses)  # one pass over the file
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise IndexNotBuiltError(f"索引文件损坏 ({gen_dir}: {exc}): run `policy-assistant ingest` to rebuild") from exc
        corpus_text = "\n".join(d.text.lower() for d in documents.values())
        current = self.snapshot.store
        if store is None or store.name != manifest["collection"]:
            store = current if current is not None and current.name == manifest["collection"] else None
        store = store or self.backend.open(manifest["collection"])
        vectors = store.count()
        if vectors != len(clauses):
            raise IndexNotBuiltError(f"向量集合与清单不符 ({store.name}: {vectors} vectors ≠ {len(clauses)} clauses): "
                                     "run `policy-assistant ingest` to rebuild")
        self.snapshot = Snapshot(  # one assignment: readers see the old generation or the new
            manifest=manifest, documents=documents, clauses=clauses, by_id=ClauseIds(clauses, np.frombuffer(tables.id_hashes, dtype=np.int64)), bm25=bm25,
            article_texts=tables.article_texts, articles=tables.articles,
            absent_topics=absent_topics(self.segmenter.lexicon, corpus_text, bm25, self.segmenter),
            outline=tables.outline(),
            aliases=alias_table(documents), spans=tables.spans, records=records(documents),
            store=store, stamp=stamp,
        )
        return self

    @property
    def corpus_version(self) -> str:
        return self.snapshot.corpus_version

    def article_text(self, doc_id: str, article: str) -> str:
        return self.snapshot.article_text(doc_id, article)

    def off_topic(self, text: str) -> list[str]:
        return self.snapshot.off_topic(text)

    def article_clauses(self, doc_id: str, article: str) -> list[Clause]:
        return self.snapshot.article_clauses(doc_id, article)


@dataclass
class _Tables:
    """What a snapshot looks clauses up by, gathered in one pass over the clauses (which
    are read from the generation's file, not kept)."""

    id_hashes: array = field(default_factory=lambda: array("q"))  # hash(clause id) by position (see ClauseIds)
    article_texts: dict[tuple[str, str], str] = field(default_factory=dict)
    articles: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # a document's clauses are stored together
    chapters: dict[str, dict[str, None]] = field(default_factory=dict)
    headings: dict[str, dict[str, None]] = field(default_factory=dict)

    @classmethod
    def of(cls, clauses: ClauseTable) -> "_Tables":
        t = cls()
        parts: dict[tuple[str, str], list[str]] = {}  # an article's heading and texts, joined once at the end
        names: dict[str, str] = {}  # a chapter line → its name (many clauses share one)
        rows = clauses.columns("clause_id", "doc_id", "article", "heading", "text", "chapter")
        for position, (clause_id, doc, article, heading, text, chapter) in enumerate(rows):
            t.id_hashes.append(hash(clause_id))
            key = (doc, article)
            found = parts.get(key)
            if found is None:
                parts[key] = [heading, text]
                t.articles[key] = [position]
            else:
                found.append(text)
                t.articles[key].append(position)
            t.spans[doc] = (t.spans.get(doc, (position, 0))[0], position + 1)
            if chapter:
                name = names.get(chapter)
                if name is None:
                    name = names[chapter] = re.sub(r"^第\S+?[章编]\s*", "", chapter.split(" 第")[0]).strip()
                if name and name not in ("总则", "附则", "法律责任"):
                    t.chapters.setdefault(doc, {})[name] = None
            if heading:
                t.headings.setdefault(doc, {})[heading] = None
        t.article_texts = {key: "".join(texts).lower() for key, texts in parts.items()}
        return t

    def outline(self) -> dict[str, tuple[str, ...]]:
        """What each document treats, in its own words: its chapter names (第X章 dropped),
        or where it has none its article headings."""
        return {doc: tuple(self.chapters.get(doc) or self.headings.get(doc) or ()) for doc in self.spans}


def absent_topics(lexicon, corpus_text: str, bm25: "BM25Index | None" = None, segmenter=None) -> tuple[str, ...]:
    """The out-of-scope topics of ``lexicon`` that no document treats (:func:`treated`)."""
    return tuple(t for t in lexicon.out_of_scope if not treated(t, lexicon, corpus_text, bm25, segmenter, related=False))


def treated(topic: str, lexicon, corpus_text: str, bm25: "BM25Index | None" = None, segmenter=None,
            related: bool = True) -> bool:
    """Whether the corpus treats ``topic``: the word or a word the lexicon makes it stand for
    occurs in it (年假 is covered by a text on 年休假), or one clause holds all the words of one
    of them (or words the lexicon makes them stand for), its head word whole (解除劳动合同 is
    covered by "解除劳动或者聘用合同", 劳动仲裁 by "劳动人事争议调解仲裁", 社保缴费 by "社会保险缴费
    记录", 失业保险金 not by "失业保险基金"); the last needs the corpus's ``bm25`` and the
    ``segmenter`` that built it. ``related``: the words of a synonym list holding ``topic``
    count too (经济性裁员 is treated by a text saying 裁减人员, beside it in the list of 裁员)."""
    forms = lexicon.related(topic) if related else lexicon.forms(topic)
    if any(form in corpus_text for form in forms):
        return True
    if bm25 is None or segmenter is None:
        return False
    for form in forms:
        words = [t for t in segmenter.terms(form) if len(t) >= 2]
        # its head, the shortest word it ends with (合同 of 解除劳动合同, 保险金 of 失业保险金: not
        # covered by 失业保险基金), and its other smallest words (解除, 劳动)
        heads = [t for t in words if form.endswith(t)]
        if not heads:
            continue
        head = min(heads, key=len)
        rest = [t for t in words if t not in head and not any(o != t and o in t for o in words)]
        # each word, or a word the lexicon makes it stand for (社保缴费: 社会保险费 and 缴费)
        if rest and bm25.together([lexicon.forms(t) for t in (*rest, head)]):
            return True
    return False


def _embed_with_progress(store: ChromaStore, clauses: list[Clause], progress: Progress | None) -> None:
    done = 0
    if progress:
        progress(0, len(clauses), "embedding")

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, len(clauses), "embedding")

    store.add(clauses, step)


def _sparse_text(clause: Clause) -> str:
    return f"{clause.heading} {clause.text}"
