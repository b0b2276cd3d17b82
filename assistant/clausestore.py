"""The clause store of one index generation: a SQLite file (``clauses.sqlite3``), one row
per clause in corpus order, one column per :class:`~assistant.models.Clause` field.

It replaced ``clauses.jsonl`` (issue 16): reading 100k clauses is one ``SELECT`` and a
constructor call per row instead of a JSON parse per line (see evals/clause_store.md), and
every process serving the folder reads the same file. A serving index does not even load
it: :class:`ClauseTable` reads a clause when a question needs it, so a process holds no
object per clause (issue 16: RSS at 100k clauses). A generation's files never change
once written, so readers open it read-only and ``immutable`` (no locks, no journal).
Anything SQLite cannot read (garbage, a torn file, missing table or columns, a missing
file) is a ValueError, which index.load reports as a damaged index and rebuilds.
"""
from __future__ import annotations

import operator
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import astuple, fields
from pathlib import Path
from urllib.parse import quote

import numpy as np

from .models import Clause

CLAUSES_FILE = "clauses.sqlite3"
_COLUMNS = tuple(f.name for f in fields(Clause))
_SQL_COLUMNS = ", ".join(f'"{c}"' for c in _COLUMNS)
CACHED_CLAUSES = 4096  # clauses a ClauseTable keeps after reading them (a question reads a few hundred)
_CHUNK = 5000  # rows per query when a ClauseTable is iterated


def write_clauses(path: Path, clauses: list[Clause]) -> None:
    """Write ``clauses`` (in order) to ``path``: a temporary file, fsynced, renamed over it."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    with closing(sqlite3.connect(tmp, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN")
        db.execute(f"CREATE TABLE clauses (position INTEGER PRIMARY KEY, {_SQL_COLUMNS})")
        db.executemany(f"INSERT INTO clauses VALUES (?, {', '.join('?' * len(_COLUMNS))})",
                       ((i, *astuple(c)) for i, c in enumerate(clauses)))
        db.execute("COMMIT")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_clauses(path: Path) -> list[Clause]:
    """The clauses :func:`write_clauses` wrote, in order, all in memory; ValueError when
    the file is missing or damaged. (A serving index reads them on demand instead:
    :class:`ClauseTable`.)"""
    table = ClauseTable(path)
    try:
        return list(table)
    finally:
        table.close()


def _connect(path: Path) -> sqlite3.Connection:
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path.name} missing")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise ValueError(f"{path.name}: {exc}") from exc


class ClauseTable(Sequence[Clause]):
    """The clauses of one generation as a read-only sequence backed by its SQLite file:
    ``table[i]`` reads clause ``i`` when asked (the last :data:`CACHED_CLAUSES` are kept),
    iterating streams the rows in chunks. A serving process so holds no Python object per
    clause (at 100k clauses that is about 100 MB), and the processes serving one folder
    share the file through the operating system's page cache.

    Opening checks the table and its columns and counts the rows (ValueError when the
    file is missing or damaged); a file torn after that point raises ValueError on read.
    The file may be deleted while the table is open (a newer generation replaced it):
    the open connection keeps reading it. Safe to use from several threads."""

    def __init__(self, path: Path, cached: int = CACHED_CLAUSES):
        self.path = Path(path)
        self._db = _connect(self.path)
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, Clause] = OrderedDict()
        self._cached = cached
        try:
            self._rows(f"SELECT {_SQL_COLUMNS} FROM clauses LIMIT 1")
            positions = self._db.execute("SELECT count(*), min(position), max(position) FROM clauses").fetchone()
        except (sqlite3.Error, ValueError) as exc:
            self._db.close()
            raise ValueError(f"{self.path.name}: {exc}") from exc
        count, first, last = positions
        if count and (first != 0 or last != count - 1):
            self._db.close()
            raise ValueError(f"{self.path.name}: clause positions are not 0…{count - 1}")
        self._len = count

    def _rows(self, sql: str, *params) -> list[Clause]:
        try:
            return _build(self._db.execute(sql, params).fetchall())
        except sqlite3.Error as exc:
            raise ValueError(f"{self.path.name}: {exc}") from exc

    def __len__(self) -> int:
        return self._len

    def _range(self, start: int, stop: int) -> list[Clause]:
        """Clauses ``start`` … ``stop - 1`` (in range), one query."""
        with self._lock:
            return self._rows(f"SELECT {_SQL_COLUMNS} FROM clauses WHERE position >= ? AND position < ? "
                              "ORDER BY position", start, stop)

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self._len)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return self._range(start, stop) if start < stop else []
        i = operator.index(key)
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError("clause position out of range")
        with self._lock:
            clause = self._cache.get(i)
            if clause is not None:
                self._cache.move_to_end(i)
                return clause
            found = self._rows(f"SELECT {_SQL_COLUMNS} FROM clauses WHERE position = ?", i)
            if not found:
                raise ValueError(f"{self.path.name}: clause {i} missing")
            self._cache[i] = clause = found[0]
            if len(self._cache) > self._cached:
                self._cache.popitem(last=False)
            return clause

    def __iter__(self) -> Iterator[Clause]:
        for start in range(0, self._len, _CHUNK):
            yield from self._range(start, start + _CHUNK)

    def columns(self, *names: str) -> Iterator[tuple]:
        """The named fields of every clause, in order, as tuples (no Clause objects: for a
        pass over all clauses). ValueError for a name that is not a clause field."""
        unknown = set(names) - set(_COLUMNS)
        if unknown or not names:
            raise ValueError(f"not clause fields: {sorted(unknown)}")
        quoted = ", ".join(f'"{n}"' for n in names)
        return self._chunks(f"SELECT {quoted} FROM clauses WHERE position >= ? AND position < ? ORDER BY position")

    def _chunks(self, sql: str) -> Iterator[tuple]:
        for start in range(0, self._len, _CHUNK):
            with self._lock:
                try:
                    rows = self._db.execute(sql, (start, start + _CHUNK)).fetchall()
                except sqlite3.Error as exc:
                    raise ValueError(f"{self.path.name}: {exc}") from exc
            yield from rows

    def close(self) -> None:
        self._db.close()


class ClauseIds(Mapping[str, int]):
    """Clause id → position in a :class:`ClauseTable`, without a string per clause: the
    ids' hashes (``hash``, this process's), sorted in a numpy array, each match confirmed
    by the clause the table holds at that position (so a hash collision never maps an id
    to another clause)."""

    def __init__(self, table: ClauseTable, hashes: np.ndarray):
        order = np.argsort(hashes, kind="stable")
        self._hashes, self._positions, self._table = hashes[order], order.astype(np.int64), table

    def __getitem__(self, clause_id: str) -> int:
        if not isinstance(clause_id, str):
            raise KeyError(clause_id)
        h = hash(clause_id)
        at = int(np.searchsorted(self._hashes, h))
        while at < len(self._hashes) and int(self._hashes[at]) == h:
            position = int(self._positions[at])
            if self._table[position].clause_id == clause_id:
                return position
            at += 1
        raise KeyError(clause_id)

    def __len__(self) -> int:
        return len(self._hashes)

    def __iter__(self) -> Iterator[str]:
        return (c.clause_id for c in self._table)


_SHARED = frozenset(("doc_id", "doc_title", "article", "heading", "item", "chapter"))  # repeated across clauses


def _build(rows: list[tuple]) -> list[Clause]:
    """Clauses from rows, one string object per distinct document id, title, article,
    heading, item and chapter (100k clauses of 1,000 documents repeat them a lot), and
    without running the frozen dataclass's ``__init__`` (one ``object.__setattr__`` per
    field) when the class allows it."""
    if any(len(row) != len(_COLUMNS) for row in rows[:1]):
        raise ValueError("clause rows do not match the Clause fields")
    shared = [i for i, name in enumerate(_COLUMNS) if name in _SHARED]
    seen: dict[str, str] = {}
    plain = not hasattr(Clause, "__post_init__") and "__slots__" not in Clause.__dict__
    new, columns, out = object.__new__, _COLUMNS, []
    for row in rows:
        values = list(row)
        for i in shared:
            value = values[i]
            values[i] = seen.setdefault(value, value) if isinstance(value, str) else value
        if plain:
            clause = new(Clause)
            clause.__dict__.update(zip(columns, values))
        else:
            clause = Clause(*values)
        out.append(clause)
    return out
