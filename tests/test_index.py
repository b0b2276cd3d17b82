"""The persisted index: reuse, incremental rebuilds, deletions, embedder switches, corrupt
state, and chroma's embedding function (always ours, never chroma's downloading default)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import IndexNotBuiltError
from assistant.index import FORMAT_VERSION, MANIFEST, PolicyIndex, corpus_version, document_hash
from assistant.ingest import load_corpus
from assistant.store import embedding_text
from conftest import SEED_ID, FakeEmbedder, OtherFakeEmbedder

SEED_CLAUSES = 45
NOTICE = "关于开展职工技能培训的通知\n一、培训对象。企业新招用职工。转岗职工。\n二、培训补贴。按规定给予补贴。\n"
NOTICE_CHANGED = "关于开展职工技能培训的通知\n一、培训对象。企业新招用职工。\n二、培训补贴。按规定给予补贴。\n"


@pytest.fixture
def two_docs(seed_corpus: Path) -> Path:
    (seed_corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")
    return seed_corpus


def chroma_ids(bot, doc_id: str) -> list[str]:
    return bot.index.store.collection.get(where={"doc_id": doc_id}, include=[])["ids"]


def test_build_then_reuse(make_bot, seed_corpus, tmp_path) -> None:
    first = FakeEmbedder()
    report = make_bot(seed_corpus, embedder=first).ingest()
    assert (report.embedded, report.removed, report.reused) == ([SEED_ID], [], False)
    assert (report.documents, report.clauses) == (1, SEED_CLAUSES)
    assert first.passages_embedded == SEED_CLAUSES

    second = FakeEmbedder()  # a new process: same corpus, same embedder, same index folder
    bot = make_bot(seed_corpus, embedder=second)
    again = bot.ingest()
    assert (again.embedded, again.reused, again.corpus_version) == ([], True, report.corpus_version)
    assert second.calls == []  # nothing embedded
    assert bot.index.store.count() == SEED_CLAUSES
    assert len(bot.index.clauses) == SEED_CLAUSES and bot.index.bm25.n_docs == SEED_CLAUSES


def test_ensure_index_loads_without_embedding_and_builds_when_missing(make_bot, seed_corpus) -> None:
    embedder = FakeEmbedder()
    bot = make_bot(seed_corpus, embedder=embedder)
    assert bot.ask("职工教育经费用在一线职工身上的比例有什么要求？").status == "answered"  # built on demand
    assert embedder.passages_embedded == SEED_CLAUSES
    reader = FakeEmbedder()
    bot2 = make_bot(seed_corpus, embedder=reader)
    bot2.ensure_index()
    assert reader.calls == [] and len(bot2.index.clauses) == SEED_CLAUSES


def test_manifest(make_bot, seed_corpus, tmp_path) -> None:
    bot = make_bot(seed_corpus)
    report = bot.ingest()
    manifest = json.loads((tmp_path / "index" / MANIFEST).read_text(encoding="utf-8"))
    docs = load_corpus(seed_corpus)
    hashes = {d.doc_id: document_hash(d) for d in docs}
    assert manifest["embedder"] == "fake-hash-64"
    assert manifest["format"] == FORMAT_VERSION
    assert manifest["doc_hashes"] == hashes
    assert manifest["corpus_version"] == report.corpus_version == bot.corpus_version == corpus_version(hashes, "fake-hash-64")
    assert len(manifest["corpus_version"]) == 12
    assert manifest["clauses"] == SEED_CLAUSES
    assert manifest["documents"] == {SEED_ID: {"title": "人力资源社会保障部等8部门关于推动技能强企工作的指导意见",
                                               "clauses": SEED_CLAUSES}}
    # the version names the embedder as well as the corpus
    assert corpus_version(hashes, "other") != manifest["corpus_version"]


def test_changing_one_document_reembeds_only_it(make_bot, two_docs) -> None:
    first = make_bot(two_docs).ingest()
    notice_clauses = first.clauses - SEED_CLAUSES
    assert notice_clauses == 6  # 前言 title + 一 (heading, 2 sentences) + 二 (heading, 1 sentence)
    assert sorted(first.embedded) == sorted(["notice", SEED_ID])

    (two_docs / "notice.txt").write_text(NOTICE_CHANGED, encoding="utf-8")
    embedder = FakeEmbedder()
    bot = make_bot(two_docs, embedder=embedder)
    report = bot.ingest()
    assert report.embedded == ["notice"] and not report.reused
    assert embedder.passages_embedded == 5  # the changed notice lost one sentence: 6 - 1
    assert report.corpus_version != first.corpus_version
    assert bot.index.store.count() == SEED_CLAUSES + 5
    assert len(chroma_ids(bot, SEED_ID)) == SEED_CLAUSES
    assert sorted(chroma_ids(bot, "notice")) == sorted(c.clause_id for c in bot.index.clauses if c.doc_id == "notice")


def test_deleting_a_document_removes_its_clauses(make_bot, two_docs) -> None:
    bot = make_bot(two_docs)
    bot.ingest()
    before = bot.index.store.count()
    assert before == SEED_CLAUSES + 6 and bot.index.bm25.n_docs == before
    assert len(chroma_ids(bot, "notice")) == 6
    assert bot.index.bm25.knows("通知")  # only the notice says 通知

    (two_docs / "notice.txt").unlink()
    embedder = FakeEmbedder()
    bot = make_bot(two_docs, embedder=embedder)
    report = bot.ingest()
    assert report.removed == ["notice"] and report.embedded == [] and embedder.calls == []
    assert bot.index.store.count() == before - 6
    assert chroma_ids(bot, "notice") == []
    assert bot.index.bm25.n_docs == SEED_CLAUSES
    assert all(c.doc_id == SEED_ID for c in bot.index.clauses)
    assert set(bot.index.documents) == {SEED_ID}
    # the notice's words are gone from BM25 too
    assert not bot.index.bm25.knows("通知")
    assert bot.index.bm25.scores(["补贴"]).shape == (SEED_CLAUSES,)


def test_switching_embedder_forces_full_rebuild(make_bot, seed_corpus) -> None:
    make_bot(seed_corpus).ingest()
    other = OtherFakeEmbedder()
    bot = make_bot(seed_corpus, embedder=other)
    report = bot.ingest()
    assert report.embedded == [SEED_ID] and not report.reused
    assert other.passages_embedded == SEED_CLAUSES
    assert bot.index.store.count() == SEED_CLAUSES  # replaced, not added next to the old vectors
    assert bot.index.manifest["embedder"] == "fake-hash-64-v2"


def test_loading_an_index_built_by_another_embedder_fails_clearly(make_bot, seed_corpus, tmp_path, segmenter) -> None:
    make_bot(seed_corpus).ingest()
    index = PolicyIndex(tmp_path / "index", OtherFakeEmbedder(), segmenter, backend=None)
    with pytest.raises(IndexNotBuiltError, match="policy-assistant ingest"):
        index.load()
    with pytest.raises(IndexNotBuiltError, match="policy-assistant ingest"):
        PolicyIndex(tmp_path / "nothing", FakeEmbedder(), segmenter, backend=None).load()


@pytest.mark.parametrize("garbage", ["{", "", "null-ish\x00", '{"format": 1, "embedder": "fake-hash-64"'])
def test_corrupt_manifest_triggers_rebuild(make_bot, seed_corpus, tmp_path, garbage: str) -> None:
    make_bot(seed_corpus).ingest()
    (tmp_path / "index" / MANIFEST).write_text(garbage, encoding="utf-8")
    embedder = FakeEmbedder()
    bot = make_bot(seed_corpus, embedder=embedder)
    report = bot.ingest()
    assert report.embedded == [SEED_ID] and not report.reused
    assert embedder.passages_embedded == SEED_CLAUSES
    assert bot.index.store.count() == SEED_CLAUSES
    assert bot.ask("支持企业依托什么建设工匠学院？").citations[0].article == "二"


def test_corrupt_manifest_rebuilds_on_first_question(make_bot, seed_corpus, tmp_path) -> None:
    make_bot(seed_corpus).ingest()
    (tmp_path / "index" / MANIFEST).write_text("not json", encoding="utf-8")
    bot = make_bot(seed_corpus)
    assert bot.ask("职工教育经费用在一线职工身上的比例有什么要求？").status == "answered"
    assert json.loads((tmp_path / "index" / MANIFEST).read_text(encoding="utf-8"))["clauses"] == SEED_CLAUSES


def test_half_written_collection_is_rebuilt(make_bot, seed_corpus) -> None:
    bot = make_bot(seed_corpus)
    bot.ingest()
    bot.index.store.collection.delete(ids=[f"{SEED_ID}:a09:s01", f"{SEED_ID}:a09:s02"])
    assert bot.index.store.count() == SEED_CLAUSES - 2
    report = bot.ingest()
    assert report.embedded == [SEED_ID] and not report.reused
    assert bot.index.store.count() == SEED_CLAUSES


def test_progress_reports_every_batch(make_bot, seed_corpus) -> None:
    calls = []
    make_bot(seed_corpus).ingest(progress=lambda done, total, msg: calls.append((done, total, msg)))
    assert calls == [(0, SEED_CLAUSES, "embedding"), (SEED_CLAUSES, SEED_CLAUSES, "embedding")]


def test_chroma_uses_our_registered_embedding_function(make_bot, seed_corpus, tmp_path) -> None:
    bot = make_bot(seed_corpus)
    bot.ingest()
    config = bot.index.store.collection.configuration_json
    assert config["embedding_function"] == {"type": "known", "name": "policy_assistant", "config": {"spec": "fake"}}
    assert config["hnsw"]["space"] == "cosine"

    # a client that knows nothing about us rebuilds our function from the persisted config
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(tmp_path / "index" / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    names = [c.name for c in client.list_collections()]
    assert names == [bot.index.store.collection.name]  # one served collection, no leftovers
    collection = client.get_collection(names[0])
    function = collection.configuration["embedding_function"]
    assert function.name() == "policy_assistant"
    assert type(function).__name__ == "PolicyEmbeddingFunction"
    assert isinstance(function.embedder, FakeEmbedder) and function.embedder.id == "fake-hash-64"
    found = collection.query(query_texts=["支持企业依托职业学校、企业培训中心等建设工匠学院。"], n_results=1)
    assert found["ids"] == [[f"{SEED_ID}:a02:s05"]]


def test_dense_side_is_cosine(make_bot, seed_corpus) -> None:
    embedder = FakeEmbedder()
    bot = make_bot(seed_corpus, embedder=embedder)
    bot.ingest()
    clause = next(c for c in bot.index.clauses if c.clause_id == f"{SEED_ID}:a09:s03")
    vector = embedder.embed_queries([embedding_text(clause)])[0]
    similar = bot.index.store.similar(vector.tolist(), 5)
    best = max(similar, key=similar.get)
    assert best == clause.clause_id and similar[best] == pytest.approx(1.0, abs=1e-5)
    assert len(similar) == 5 and all(-1.0 <= v <= 1.0 + 1e-6 for v in similar.values())
    assert embedding_text(clause).startswith("强化技能强企资金保障：按规定落实职工教育经费")


def test_index_files_on_disk(make_bot, seed_corpus, tmp_path) -> None:
    bot = make_bot(seed_corpus)
    bot.ingest()
    index_dir = tmp_path / "index"
    manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    generation = index_dir / manifest["generation"]
    assert (generation / "documents.json").is_file() and (index_dir / "chroma").is_dir()
    from assistant.clausestore import CLAUSES_FILE, read_clauses

    assert len(read_clauses(generation / CLAUSES_FILE)) == SEED_CLAUSES
    assert not list(index_dir.rglob("*.tmp"))  # atomic writes leave no temporaries
    # a rebuild replaces the generation and clears the old one
    (seed_corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")
    bot.ingest()
    newer = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))["generation"]
    assert newer != manifest["generation"]
    assert sorted(p.name for p in index_dir.iterdir() if p.is_dir()) == sorted(["chroma", newer])


def test_article_lookups_match_a_scan_of_all_clauses(make_bot, two_docs) -> None:
    bot = make_bot(two_docs)
    bot.ingest()
    snap = bot.index.snapshot
    for doc_id, article in {(c.doc_id, c.article) for c in snap.clauses}:
        assert snap.article_clauses(doc_id, article) == [c for c in snap.clauses if (c.doc_id, c.article) == (doc_id, article)]
    # "二": article 二 of both documents (the seed's 二、 and the notice's 二、), in index order
    expected = [i for i, c in enumerate(snap.clauses) if c.article == "二"]
    assert snap.article_positions("二") == expected and {snap.clauses[i].doc_id for i in expected} == {SEED_ID, "notice"}
    assert snap.article_positions("九十九") == []


def test_similar_asks_for_more_than_the_collection_holds(make_bot, tmp_path) -> None:
    corpus = tmp_path / "small"
    corpus.mkdir()
    (corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")
    bot = make_bot(corpus)
    bot.ingest()
    vector = FakeEmbedder().embed_queries(["培训补贴"])[0].tolist()
    assert len(bot.index.store.similar(vector, 100)) == bot.index.store.count() == len(bot.index.clauses)
    assert bot.index.store.similar(vector, 0) == {}


def test_similar_on_a_dropped_generation_says_the_index_changed(make_bot, seed_corpus) -> None:
    from assistant.errors import IndexChangedError

    bot = make_bot(seed_corpus)
    bot.ingest()
    store = bot.index.store
    assert store.exists()
    bot.client.delete_collection(store.name)  # what a reindex does to the generation it replaced
    assert not store.exists()
    with pytest.raises(IndexChangedError, match="ask again"):
        store.similar(FakeEmbedder().embed_queries(["培训"])[0].tolist(), 5)


def test_two_builds_and_a_reload_give_the_same_dense_neighbours(make_bot, tmp_path) -> None:
    # 600 clauses: past chroma's brute-force buffer, so the HNSW graph answers. One insert
    # thread and a wide search: a rebuild, or another process reading the index, never
    # reorders the dense candidates of a question
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("evals_synth", Path(__file__).resolve().parent.parent / "evals" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = synth
    spec.loader.exec_module(synth)
    corpus = tmp_path / "synth"
    synth.generate(corpus, chunks=600, docs=6, seed=3)
    vectors = FakeEmbedder().embed_queries(["职工培训补贴怎么申请", "劳动合同期限", "技能等级认定"])
    runs = []
    for name in ("a", "b"):
        bot = make_bot(corpus, tmp_path / f"index-{name}")
        bot.ingest()
        runs.append([bot.index.snapshot.store.similar(v.tolist(), 100) for v in vectors])
    reloaded = make_bot(corpus, tmp_path / "index-a")
    reloaded.ensure_index()
    runs.append([reloaded.index.snapshot.store.similar(v.tolist(), 100) for v in vectors])
    assert len(runs[0][0]) == 100

    def neighbours(run):  # the distances found; which of several identical clause texts is kept may vary
        return [sorted((round(x, 5) for x in found.values()), reverse=True) for found in run]

    assert neighbours(runs[0]) == neighbours(runs[1]) == neighbours(runs[2])
