"""The clause store read on demand (assistant/clausestore.ClauseTable): the same clauses
as written, by position, slice and iteration, from several threads, and after a newer
generation deleted the file."""
from __future__ import annotations

import sqlite3
import threading
from contextlib import closing

import numpy as np
import pytest

from assistant.clausestore import ClauseTable, read_clauses, write_clauses
from assistant.models import Clause


def _clauses(n: int) -> list[Clause]:
    return [Clause(clause_id=f"d{i // 4}:a{i % 4}:s01", doc_id=f"d{i // 4}", doc_title=f"文件{i // 4}", article=str(i % 4),
                   heading="标题", text=f"第{i}句。", start=i * 5, end=i * 5 + 4, order=i) for i in range(n)]


def test_a_table_reads_what_was_written_by_position_slice_and_iteration(tmp_path) -> None:
    written = _clauses(23)
    write_clauses(tmp_path / "c.sqlite3", written)
    table = ClauseTable(tmp_path / "c.sqlite3")
    assert len(table) == 23
    assert table[0] == written[0] and table[-1] == written[22] and table[np.int64(7)] == written[7]
    assert table[5:9] == written[5:9] and table[::5] == written[::5] and table[30:] == [] and table[9:5] == []
    assert list(table) == written == read_clauses(tmp_path / "c.sqlite3")
    assert list(table.columns("clause_id", "end")) == [(c.clause_id, c.end) for c in written]
    with pytest.raises(ValueError):
        table.columns("clause_id; DROP TABLE clauses")
    with pytest.raises(IndexError):
        table[23]
    with pytest.raises(IndexError):
        table[-24]


def test_reads_from_several_threads_get_their_own_clauses(tmp_path) -> None:
    written = _clauses(400)
    write_clauses(tmp_path / "c.sqlite3", written)
    table = ClauseTable(tmp_path / "c.sqlite3", cached=16)  # most reads miss the cache
    wrong: list[int] = []

    def read(offset: int) -> None:
        for i in range(offset, 400, 4):
            if table[i] != written[i]:
                wrong.append(i)

    threads = [threading.Thread(target=read, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_an_open_table_keeps_reading_after_its_file_is_deleted(tmp_path) -> None:
    written = _clauses(10)
    write_clauses(tmp_path / "c.sqlite3", written)
    table = ClauseTable(tmp_path / "c.sqlite3")
    (tmp_path / "c.sqlite3").unlink()  # a newer generation replaced this one
    assert table[9] == written[9] and list(table) == written


def test_positions_with_a_gap_are_a_damaged_file(tmp_path) -> None:
    write_clauses(tmp_path / "c.sqlite3", _clauses(10))
    with closing(sqlite3.connect(tmp_path / "c.sqlite3", isolation_level=None)) as db:
        db.execute("UPDATE clauses SET position = 20 WHERE position = 9")
    with pytest.raises(ValueError, match="positions"):
        ClauseTable(tmp_path / "c.sqlite3")


def test_clause_ids_map_each_id_to_its_position_and_nothing_else(tmp_path) -> None:
    from array import array

    from assistant.clausestore import ClauseIds

    written = _clauses(50)
    write_clauses(tmp_path / "c.sqlite3", written)
    table = ClauseTable(tmp_path / "c.sqlite3")
    ids = ClauseIds(table, np.frombuffer(array("q", (hash(c.clause_id) for c in written)), dtype=np.int64))
    assert [ids[c.clause_id] for c in written] == list(range(50)) and len(ids) == 50
    assert ids.get("d0:a0:s99") is None and "d0:a0:s99" not in ids and list(ids) == [c.clause_id for c in written]
    collided = ClauseIds(table, np.zeros(50, dtype=np.int64))  # every id hashes alike: the table decides
    assert collided.get(written[7].clause_id) is None  # hash("…") is not 0
    same = ClauseIds(table, np.full(50, hash(written[7].clause_id), dtype=np.int64))  # 50 ids collide
    assert same[written[7].clause_id] == 7  # the collisions are told apart by the clause at each position
