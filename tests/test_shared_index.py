"""One index folder, many processes (issue 11, items 2, 9, 10, 11, 14, 17 and the orphaned
HNSW folders).

* A serving process notices a build made by another process (its manifest) and serves
  the new generation; a question whose generation was dropped mid-read reloads and asks
  again, instead of failing until a restart.
* Two index folders on one ``chroma run`` server never drop each other's collections.
* A damaged chroma database (header overwritten, or truncated to nothing) is reported in
  one line and rebuilt from the corpus; an index whose vectors do not match its manifest
  is never served.
* After a crash mid-reindex, start-up serves the last good generation at once and
  rebuilds in the background.
* The HR rule base follows the served generation: a rule whose quote is gone is disabled.
* Real processes: ``python app.py`` serving while ``policy-assistant ingest`` rebuilds the
  same index; ``python app.py --port`` / ``--help``.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.appprocess import AppProcess, app_environment, free_port
from assistant.errors import IndexNotBuiltError, RuleBaseError
from assistant.index import MANIFEST
from conftest import CORPUS, SEED_ID, FakeEmbedder, seed_clean_text

SEED_CLAUSES = 45  # clauses of the shipped seed (as in test_index.py)

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "职工教育经费用在一线职工身上的比例有什么要求？"
NOTICE = "关于职工夜校的通知\n一、开办职工夜校。企业每周开办两次职工夜校，每次不少于两小时。\n"
NOTICE_QUESTION = "职工夜校每周开办几次？"


def _manifest(index_dir: Path) -> dict:
    return json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))


# ---- readers follow builds made elsewhere -------------------------------------------------
def test_a_serving_assistant_follows_a_build_made_by_another(make_bot, seed_corpus, tmp_path) -> None:
    serving = make_bot(seed_corpus)
    serving.ingest()
    before = serving.ask(QUESTION)
    assert before.status == "answered"

    (seed_corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")
    report = make_bot(seed_corpus).ingest()  # another assistant (the CLI, another app) rebuilds
    assert report.embedded == ["notice"]

    after = serving.ask(NOTICE_QUESTION)  # no restart, no error: the new generation is served
    assert after.corpus_version == report.corpus_version != before.corpus_version
    assert after.citations[0].doc_id == "notice"
    assert serving.ask(QUESTION).citations[0].article == "九"


def test_a_question_whose_generation_was_dropped_mid_read_reloads(make_bot, seed_corpus, monkeypatch) -> None:
    serving = make_bot(seed_corpus)
    serving.ingest()
    (seed_corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")
    builder = make_bot(seed_corpus)
    # the build lands between the reader's manifest check and its vector search
    original = serving.index.refresh
    calls = []

    def refresh_then_rebuild() -> bool:
        if not calls:
            calls.append(original())
            builder.ingest()
            return calls[0]
        return original()

    monkeypatch.setattr(serving.index, "refresh", refresh_then_rebuild)
    answer = serving.ask(NOTICE_QUESTION)
    assert answer.corpus_version == _manifest(serving.settings.index_dir)["corpus_version"]
    assert answer.citations[0].doc_id == "notice"


def test_builds_from_two_threads_or_processes_take_turns(make_bot, seed_corpus) -> None:
    make_bot(seed_corpus).ingest()
    (seed_corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")
    reports, errors = [], []

    def build() -> None:
        try:
            reports.append(make_bot(seed_corpus).ingest())
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.reused for r in reports) == [False, True]  # the second found the first's work


# ---- two indexes on one chroma server -----------------------------------------------------
@pytest.mark.e2e
def test_two_index_folders_on_one_chroma_server_keep_their_collections(chroma_server, tmp_path, fake_registered,
                                                                       segmenter) -> None:
    from assistant.core import PolicyAssistant
    from conftest import settings_for

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    first = PolicyAssistant(settings_for(corpus, tmp_path / "one", chroma_url=chroma_server),
                            embedder=FakeEmbedder(), segmenter=segmenter)
    second = PolicyAssistant(settings_for(corpus, tmp_path / "two", chroma_url=chroma_server),
                             embedder=FakeEmbedder(), segmenter=segmenter)
    second.ingest()
    kept = _manifest(tmp_path / "two")["collection"]
    first.ingest()
    (corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")
    first.ingest()  # replaces (and drops) first's own generation only

    names = set(first.backend.names())
    assert kept in names and _manifest(tmp_path / "one")["collection"] in names
    assert _manifest(tmp_path / "one")["index_id"] != _manifest(tmp_path / "two")["index_id"]
    assert second.ask(QUESTION).citations[0].article == "九"


# ---- damaged vector database ----------------------------------------------------------------
@pytest.mark.parametrize("damage", ["header_overwritten", "truncated"])
def test_a_damaged_chroma_database_is_rebuilt_not_served(make_bot, seed_corpus, tmp_path, damage, caplog) -> None:
    make_bot(seed_corpus).ingest()
    first = make_bot(seed_corpus).ask(QUESTION)
    database = tmp_path / "index" / "chroma" / "chroma.sqlite3"
    if damage == "header_overwritten":
        with open(database, "r+b") as fh:
            fh.write(os.urandom(100))
    else:
        database.write_bytes(b"")
    _forget_cached_chroma(tmp_path / "index" / "chroma")  # as a new process would open it

    bot = make_bot(seed_corpus)
    with caplog.at_level(logging.WARNING):
        answer = bot.ask(QUESTION)
    assert (answer.status, answer.citations) == (first.status, first.citations)
    assert bot.index.store.count() == SEED_CLAUSES
    assert any(word in caplog.text for word in ("向量库已损坏", "向量集合不存在", "向量集合与清单不符"))


def test_an_index_whose_vectors_do_not_match_its_manifest_is_not_loaded(make_bot, seed_corpus) -> None:
    bot = make_bot(seed_corpus)
    bot.ingest()
    bot.index.store.collection.delete(ids=[f"{SEED_ID}:a09:s01"])
    with pytest.raises(IndexNotBuiltError, match="向量集合与清单不符"):
        make_bot(seed_corpus).index.load()


def _forget_cached_chroma(path: Path) -> None:
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(path), None)


# ---- what chroma leaves on disk ----------------------------------------------------------------
def test_replaced_generations_leave_no_segment_folders(make_bot, seed_corpus, tmp_path) -> None:
    import sqlite3

    for n in range(3):
        (seed_corpus / "notice.txt").write_text(NOTICE + f"二、第{n}次修订。\n", encoding="utf-8")
        make_bot(seed_corpus).ingest()
    chroma = tmp_path / "index" / "chroma"
    with sqlite3.connect(chroma / "chroma.sqlite3") as db:
        live = {row[0] for row in db.execute("SELECT id FROM segments")}
    folders = {p.name for p in chroma.iterdir() if p.is_dir()}
    assert folders and folders <= live


# ---- start-up after a crash mid-reindex --------------------------------------------------------
class SlowEmbedder(FakeEmbedder):
    """Embeds passages slowly, so a build is still running when the test looks."""

    def embed_passages(self, texts):
        time.sleep(0.5)
        return super().embed_passages(texts)


def test_start_up_serves_the_last_good_generation_while_rebuilding(make_bot, seed_corpus) -> None:
    make_bot(seed_corpus).ingest()
    old_version = _manifest(seed_corpus.parent / "index")["corpus_version"]
    (seed_corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")  # the upload whose reindex crashed

    bot = make_bot(seed_corpus, embedder=SlowEmbedder())
    started = time.perf_counter()
    bot.warm_up()
    assert time.perf_counter() - started < 0.5 and bot.building
    answer = bot.ask(QUESTION)
    assert answer.corpus_version == old_version and answer.citations[0].article == "九"

    bot._background.join(timeout=60)
    assert not bot.building
    fresh = bot.ask(NOTICE_QUESTION)
    assert fresh.corpus_version != old_version and fresh.citations[0].doc_id == "notice"


# ---- rules follow the served generation --------------------------------------------------------
def test_rules_whose_quotes_are_gone_are_disabled_after_a_rebuild(make_bot, seed_corpus) -> None:
    bot = make_bot(seed_corpus)
    bot.ingest()
    rules = bot.rules
    rule = next(iter(rules.rules.values()))
    quote = rule.conditions[0].quote
    seed = seed_corpus / f"{SEED_ID}.txt"
    cleaned = seed_clean_text()
    assert quote in cleaned
    seed.write_text(cleaned.replace(quote, "（本句已删除）"), encoding="utf-8")
    make_bot(seed_corpus).ingest()  # replaced by another process

    bot.ask(QUESTION)  # any question brings the new generation in
    assert rule.id in bot.rules.disabled and rule.id not in bot.rules.rules
    with pytest.raises(RuleBaseError, match="已停用"):
        bot.rules.check(rule.id, {})
    assert all(quote not in c.quote for r in bot.rules.rules.values() for c in (x.citation for x in r.conditions))


# ---- real processes ------------------------------------------------------------------------
@pytest.mark.e2e
def test_cli_ingest_while_the_app_serves_the_same_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    with AppProcess(tmp_path, POLICY_CORPUS_DIR=str(corpus)) as app:
        first = app.ask(QUESTION, timeout=240)
        assert first.status_code == 200, first.body
        (corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")

        replies, stop = [], threading.Event()

        def keep_asking() -> None:
            while not stop.is_set():
                replies.append(app.ask(QUESTION))

        asker = threading.Thread(target=keep_asking)
        asker.start()
        try:
            cli = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest"], env=app.env, cwd=tmp_path,
                                 capture_output=True, text=True, timeout=300)
        finally:
            stop.set()
            asker.join(timeout=120)
        assert cli.returncode == 0, cli.stderr
        assert replies and all(r.status_code == 200 for r in replies), [r.body for r in replies if r.status_code != 200]

        after = app.ask(NOTICE_QUESTION)
        assert after.status_code == 200, after.body
        assert after.body["corpus_version"] == _manifest(tmp_path / "index")["corpus_version"]
        assert after.body["corpus_version"] != first.body["corpus_version"]
        assert after.body["citations"][0]["doc_id"] == "notice"


def test_app_takes_host_and_port_flags(tmp_path: Path) -> None:
    help_text = subprocess.run([sys.executable, str(ROOT / "app.py"), "--help"], capture_output=True, text=True,
                               timeout=60, env=app_environment(tmp_path, free_port()))
    assert help_text.returncode == 0 and "--port" in help_text.stdout
    assert not (tmp_path / "index").exists()  # --help starts nothing

    port, other = free_port(), free_port()
    # the flag wins over POLICY_PORT: the app serves on `port` (AppProcess waits for it there)
    with AppProcess(tmp_path, port=port, args=("--port", str(port)), POLICY_PORT=str(other)) as app:
        status, _ = app.get("/")
        assert status == 200
        assert re.search(rf"127\.0\.0\.1:{port}", app.output())


def test_a_server_error_for_a_collection_dropped_mid_read_means_ask_again() -> None:
    """A ``chroma run`` server answers a query on a collection being dropped with a plain
    ChromaError ("Missing metadata segment"): that is a replaced generation, not a 500."""
    from types import SimpleNamespace

    from chromadb.errors import ChromaError

    from assistant.errors import IndexChangedError, VectorStoreError
    from assistant.store import ChromaStore

    def fail(*args, **kwargs):
        raise ChromaError("Error getting collection: Missing field: [Missing metadata segment]")

    store = ChromaStore.__new__(ChromaStore)
    store.name = "policy_clauses-x-gen-000001"
    store.collection = SimpleNamespace(query=fail)
    store.client = SimpleNamespace(get_collection=fail)  # gone on the server
    with pytest.raises(IndexChangedError):
        store.similar([0.0] * 4, 3)
    store.client = SimpleNamespace(get_collection=lambda name: object())  # still there: a real fault
    with pytest.raises(VectorStoreError):
        store.similar([0.0] * 4, 3)
