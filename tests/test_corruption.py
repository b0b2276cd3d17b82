"""A damaged index on disk (torn or edited files, a lost folder or collection) is detected
when the assistant starts (``ensure_index``) or re-ingests, logged with a clear message,
and rebuilt from the corpus: the assistant answers as before, never with a traceback,
a stale rule-base error or a KeyError from a half-loaded generation."""
from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from assistant.clausestore import CLAUSES_FILE
from assistant.index import GENERATION_PREFIX, MANIFEST

QUESTION = "职工教育经费用在一线职工身上的比例有什么要求？"


def generation(index_dir: Path) -> Path:
    return index_dir / json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))["generation"]


def _clause_file(index_dir: Path) -> Path:
    return generation(index_dir) / CLAUSES_FILE


def _edit_clauses(index_dir: Path, *statements: str) -> None:
    with closing(sqlite3.connect(_clause_file(index_dir), isolation_level=None)) as db:
        for statement in statements:
            db.execute(statement)


def _tear(path: Path, keep: float = 0.5) -> None:
    """Cut the file to ``keep`` of its length (a write that stopped half-way)."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


DAMAGE = {
    "clauses_binary_garbage": lambda d: _clause_file(d).write_bytes(b"\x00\xff\xfe garbage"),
    "clauses_torn_mid_file": lambda d: _tear(_clause_file(d)),
    "clauses_rows_missing": lambda d: _edit_clauses(d, "DELETE FROM clauses WHERE position >= 10"),  # valid, too few
    "clauses_empty": lambda d: _clause_file(d).write_bytes(b""),
    "clauses_wrong_fields": lambda d: _edit_clauses(d, "DROP TABLE clauses", "CREATE TABLE clauses (unexpected)",
                                                    "INSERT INTO clauses VALUES (1)"),
    "clauses_deleted": lambda d: _clause_file(d).unlink(),
    "documents_garbage": lambda d: (generation(d) / "documents.json").write_text("{", encoding="utf-8"),
    "bm25_deleted": lambda d: shutil.rmtree(generation(d) / "bm25"),
    "manifest_garbage": lambda d: (d / MANIFEST).write_text("{{{", encoding="utf-8"),
    "manifest_not_an_object": lambda d: (d / MANIFEST).write_text("[1, 2]", encoding="utf-8"),
    "generation_folder_deleted": lambda d: shutil.rmtree(generation(d)),
}
MESSAGES = ("索引文件损坏", "索引清单已损坏", "向量集合不完整")


@pytest.fixture
def built(make_bot, seed_corpus, tmp_path):
    """(factory for a new assistant on the same index, the index folder, the first answer)."""
    bot = make_bot(seed_corpus)
    bot.ingest()
    first = bot.ask(QUESTION)
    assert first.status == "answered" and first.citations[0].article == "九"
    return (lambda: make_bot(seed_corpus)), tmp_path / "index", first


def _assert_serves_like_before(bot, index_dir: Path, first) -> None:
    answer = bot.ask(QUESTION)
    assert (answer.status, [c.clause_id for c in answer.citations]) == (first.status, [c.clause_id for c in first.citations])
    assert answer.corpus_version == first.corpus_version  # same corpus, same version
    manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    assert [p.name for p in index_dir.glob(GENERATION_PREFIX + "*")] == [manifest["generation"]]
    assert len(bot.index.clauses) == manifest["clauses"] == 45


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_index_is_detected_and_rebuilt_on_start(built, damage, caplog):
    new_bot, index_dir, first = built
    DAMAGE[damage](index_dir)
    bot = new_bot()
    with caplog.at_level(logging.WARNING):
        bot.ensure_index()
    assert any(m in record.getMessage() for record in caplog.records for m in MESSAGES), caplog.text
    _assert_serves_like_before(bot, index_dir, first)


def test_a_dropped_vector_collection_is_rebuilt(built, caplog):
    new_bot, index_dir, first = built
    bot = new_bot()
    bot.client.delete_collection(json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))["collection"])
    with caplog.at_level(logging.WARNING):
        report = bot.ingest()
    assert not report.reused and "向量集合不存在" in caplog.text
    _assert_serves_like_before(bot, index_dir, first)


@pytest.mark.parametrize("damage", ["clauses_torn_mid_file", "clauses_rows_missing", "bm25_deleted"])
def test_ingest_heals_a_damaged_generation_instead_of_reusing_it(built, damage, caplog):
    """`policy-assistant ingest` on an unchanged corpus would reuse the generation: not when
    its files are damaged (it used to fail with the same error forever)."""
    new_bot, index_dir, first = built
    DAMAGE[damage](index_dir)
    with caplog.at_level(logging.WARNING):
        report = new_bot().ingest()
    assert not report.reused and report.clauses == 45 and "rebuilding in full" in caplog.text
    _assert_serves_like_before(new_bot(), index_dir, first)
