"""Vector store: chromadb through langchain's ``Chroma`` vectorstore, with our own
registered embedding function on the collection (chroma's default would download a
model). Embedded ``PersistentClient`` under ``index/`` by default; a ``chroma_url``
setting switches to ``HttpClient`` against ``chroma run``."""
from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

from .embeddings import Embedder, as_langchain, chroma_embedding_function
from .errors import IndexChangedError
from .models import Clause

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ADD_BATCH = 256
EMBED_CHARS = 500  # e5 reads 512 tokens; longer sentences are embedded by their head


def embedding_text(clause: Clause) -> str:
    """What the dense side embeds: the sentence with its article heading for context."""
    text = f"{clause.heading}：{clause.text}" if clause.heading else clause.text
    return text[:EMBED_CHARS]


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


class ChromaStore:
    """One chroma collection (one index generation), used through langchain's ``Chroma``."""

    def __init__(self, client, collection: str, embedder: Embedder, spec: str):
        self.client = client
        self.name = collection
        self.embedder = embedder
        self.collection = client.get_or_create_collection(
            collection, embedding_function=chroma_embedding_function(spec, embedder)
        )

    @cached_property
    def vectorstore(self):
        """langchain's ``Chroma`` on this collection (for writing; imported only when a build needs it)."""
        from langchain_chroma import Chroma

        return Chroma(client=self.client, collection_name=self.name, embedding_function=as_langchain(self.embedder))

    def count(self) -> int:
        return self.collection.count()

    def exists(self) -> bool:
        """Whether the collection is still there (a reindex drops the generation it replaced)."""
        from chromadb.errors import NotFoundError

        try:
            self.client.get_collection(self.name)
        except NotFoundError:
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
        from chromadb.errors import InternalError, NotFoundError

        if k <= 0:
            return {}
        try:
            found = self.collection.query(query_embeddings=[vector], n_results=k, include=["distances"])
        except NotFoundError as exc:  # a reindex swapped generations and dropped this collection
            raise IndexChangedError(f"索引已更新 ({self.name} was replaced): ask again") from exc
        except InternalError as exc:  # dropped while being read ("Missing metadata segment"), or a real fault
            if self.exists():
                raise
            raise IndexChangedError(f"索引已更新 ({self.name} was replaced): ask again") from exc
        # the collection's space is cosine: distance = 1 - cosine
        return {cid: 1.0 - float(distance) for cid, distance in zip(found["ids"][0], found["distances"][0])}


def _flat(metadata: dict) -> dict:
    return {k: ("" if v is None else v) for k, v in metadata.items()}
