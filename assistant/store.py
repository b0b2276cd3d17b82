"""Vector store: chromadb through langchain's ``Chroma`` vectorstore, with our own
registered embedding function on the collection (chroma's default would download a
model). Embedded ``PersistentClient`` under ``index/`` by default; a ``chroma_url``
setting switches to ``HttpClient`` against ``chroma run``."""
from __future__ import annotations

import logging
import re
import shutil
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

from .embeddings import Embedder, as_langchain, chroma_embedding_function
from .errors import IndexChangedError, IndexNotBuiltError, VectorStoreError
from .models import Clause

log = logging.getLogger("assistant.store")
ADD_BATCH = 256
# HNSW breadth when searching: well above the dense candidates asked for (retrieval asks 100),
# so the approximate search returns the same neighbours whether the graph was just built in
# this process or read back from disk
HNSW_EF_SEARCH = 400
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EMBED_CHARS = 500  # e5 reads 512 tokens; longer sentences are embedded by their head


def embedding_text(clause: Clause) -> str:
    """What the dense side embeds: the sentence with its article heading, or else the name
    of its chapter and section, for context."""
    context = clause.heading or chapter_names(clause.chapter)
    text = f"{context}：{clause.text}" if context else clause.text
    return text[:EMBED_CHARS]


def chapter_names(chapter: str) -> str:
    """"第五章 特别规定 第二节 劳务派遣" → "特别规定 劳务派遣" (the labels carry no topic)."""
    return re.sub(r"第\S+?[章节编]\s*", "", chapter).strip()


def connect(path: Path | None, url: str = ""):
    """A chromadb client: embedded PersistentClient under ``path``, or HttpClient for ``url``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url)
        return chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                   ssl=parsed.scheme == "https", settings=chroma_settings)
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class ChromaBackend:
    """Where an index keeps its vector collections: one chroma client (embedded under
    ``path``, or the ``chroma run`` server at ``url``) and what an index does with it —
    open, create, drop and list collections, tidy what chroma leaves on disk.

    An embedded database that chroma cannot open (bytes overwritten, a foreign file) is
    reported in one line, removed and started afresh: it holds only derived vectors,
    which the next build re-embeds from the corpus."""

    def __init__(self, embedder: Embedder, spec: str, path: Path | None = None, url: str = "", client=None):
        self.embedder, self.spec, self.path, self.url = embedder, spec, (Path(path) if path else None), url
        self._client = client

    @property
    def client(self):
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self):
        from chromadb.errors import ChromaError

        try:
            return connect(self.path, self.url)
        except ChromaError as exc:
            if self.url or self.path is None:  # a server's database is the server's to repair
                raise VectorStoreError(f"向量库无法连接 ({self.url}: {exc}): check the chroma server") from exc
            log.warning("向量库已损坏 (%s: %s): 已删除，将从语料重建", self.path, exc)
            _forget_chroma_system(self.path)
            shutil.rmtree(self.path, ignore_errors=True)
            return connect(self.path, self.url)

    def open(self, name: str, create: bool = False) -> "ChromaStore":
        """The collection ``name``; with ``create`` a new (or the existing) one, else
        :class:`~assistant.errors.IndexNotBuiltError` when it does not exist."""
        return ChromaStore(self.client, name, self.embedder, self.spec, create=create)

    def drop(self, name: str) -> None:
        from chromadb.errors import NotFoundError

        try:
            self.client.delete_collection(name)
        except NotFoundError:  # dropped already (by another process's build)
            pass

    def names(self) -> list[str]:
        return [c.name for c in self.client.list_collections()]

    def tidy(self) -> int:
        """Remove segment folders that no collection uses any more (chroma keeps the HNSW
        files of a dropped collection on disk). Returns how many were removed."""
        if self.url or self.path is None or not (self.path / "chroma.sqlite3").exists():
            return 0
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(f"file:{self.path / 'chroma.sqlite3'}?mode=ro", uri=True, timeout=10)) as db:
            live = {row[0] for row in db.execute("SELECT id FROM segments")}
        removed = 0
        for folder in self.path.iterdir():
            if folder.is_dir() and _UUID.fullmatch(folder.name) and folder.name not in live:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed


def _forget_chroma_system(path: Path) -> None:
    """Drop chroma's per-process cache of the client system for ``path`` (else a new
    client for the same folder reuses the broken one)."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(path), None)
    except (ImportError, AttributeError):  # another chroma version: nothing cached to drop
        pass


class ChromaStore:
    """One chroma collection (one index generation), used through langchain's ``Chroma``."""

    def __init__(self, client, collection: str, embedder: Embedder, spec: str, create: bool = True):
        from chromadb.errors import NotFoundError

        self.client = client
        self.name = collection
        self.embedder = embedder
        function = chroma_embedding_function(spec, embedder)
        if create:
            # one HNSW insert thread (the same clauses make the same graph; several interleave
            # inserts at random) and a wide search: the same question gets the same dense ranks
            # after every rebuild; inserting is a small share of a build next to embedding
            self.collection = client.get_or_create_collection(collection, embedding_function=function,
                                                              configuration={"hnsw": {"num_threads": 1, "ef_search": HNSW_EF_SEARCH}})
            return
        try:
            self.collection = client.get_collection(collection, embedding_function=function)
        except NotFoundError as exc:
            raise IndexNotBuiltError(f"向量集合不存在 ({collection}): run `policy-assistant ingest` to rebuild") from exc

    @cached_property
    def vectorstore(self):
        """langchain's ``Chroma`` on this collection (for writing; imported only when a build needs it)."""
        from langchain_chroma import Chroma

        return Chroma(client=self.client, collection_name=self.name, embedding_function=as_langchain(self.embedder))

    def count(self) -> int:
        from chromadb.errors import ChromaError, NotFoundError

        try:
            return self.collection.count()
        except NotFoundError as exc:
            raise IndexChangedError(f"索引已更新 ({self.name} was replaced): ask again") from exc
        except ChromaError as exc:
            raise VectorStoreError(f"向量库读取失败 ({self.name}: {exc}): run `policy-assistant ingest` to rebuild") from exc

    def exists(self) -> bool:
        """Whether the collection is still there (a reindex drops the generation it replaced)."""
        from chromadb.errors import ChromaError, NotFoundError

        try:
            self.client.get_collection(self.name)
        except NotFoundError:
            return False
        except ChromaError:  # a server answering mid-drop ("Missing metadata segment"): not there any more
            return False
        return True

    def add(self, clauses: list[Clause], progress=None) -> None:
        for i in range(0, len(clauses), ADD_BATCH):
            batch = clauses[i : i + ADD_BATCH]
            self.vectorstore.add_texts(
                texts=[embedding_text(c) for c in batch],
                metadatas=[_flat(c.metadata()) for c in batch],
                ids=[c.clause_id for c in batch],
            )
            if progress:
                progress(len(batch))

    def copy_documents(self, source: "ChromaStore", doc_ids: list[str], page: int = 2000) -> int:
        """Copy the stored vectors of ``doc_ids`` from another collection (no re-embedding)."""
        copied = 0
        for i in range(0, len(doc_ids), 50):
            where = {"doc_id": {"$in": doc_ids[i : i + 50]}}
            offset = 0
            while True:
                got = source.collection.get(where=where, include=["embeddings", "documents", "metadatas"],
                                            limit=page, offset=offset)
                if not got["ids"]:
                    break
                self.collection.add(ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"],
                                    metadatas=got["metadatas"])
                copied += len(got["ids"])
                offset += page
        return copied

    def delete_documents(self, doc_ids: list[str]) -> None:
        for doc_id in doc_ids:
            self.collection.delete(where={"doc_id": doc_id})

    def similar(self, vector: list[float], k: int) -> dict[str, float]:
        """clause_id → cosine similarity for the k nearest clauses.

        Reads the collection directly for ids and distances only: langchain's
        ``similarity_search_by_vector*`` also fetches every hit's text and metadata (which
        retrieval takes from the index snapshot), about 10× slower at 100k clauses."""
        from chromadb.errors import ChromaError, NotFoundError

        if k <= 0:
            return {}
        try:
            found = self.collection.query(query_embeddings=[vector], n_results=k, include=["distances"])
        except NotFoundError as exc:  # a reindex swapped generations and dropped this collection
            raise IndexChangedError(f"索引已更新 ({self.name} was replaced): ask again") from exc
        except ChromaError as exc:  # dropped while being read ("Missing metadata segment": InternalError
            # embedded, a plain ChromaError from a server), or a real fault
            if self.exists():
                raise VectorStoreError(f"向量库读取失败 ({self.name}: {exc}): run `policy-assistant ingest` to rebuild") from exc
            raise IndexChangedError(f"索引已更新 ({self.name} was replaced): ask again") from exc
        # the collection's space is cosine: distance = 1 - cosine
        return {cid: 1.0 - float(distance) for cid, distance in zip(found["ids"][0], found["distances"][0])}


def _flat(metadata: dict) -> dict:
    return {k: ("" if v is None else v) for k, v in metadata.items()}
