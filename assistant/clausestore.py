"""The clause store of one index generation: a SQLite file (``clauses.sqlite3``), one row
per clause in corpus order, one column per :class:`~assistant.models.Clause` field.

It replaced ``clauses.jsonl`` (issue 16): reading 100k clauses is one ``SELECT`` and a
constructor call per row instead of a JSON parse per line (see evals/clause_store.md), and
every process serving the folder reads the same file. A generation's files never change
once written, so readers open it read-only and ``immutable`` (no locks, no journal).
Anything SQLite cannot read (garbage, a torn file, missing table or columns, a missing
file) is a ValueError, which index.load reports as a damaged index and rebuilds.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import astuple, fields
from pathlib import Path
from urllib.parse import quote

from .models import Clause

CLAUSES_FILE = "clauses.sqlite3"
_COLUMNS = tuple(f.name for f in fields(Clause))
_SQL_COLUMNS = ", ".join(f'"{c}"' for c in _COLUMNS)


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
    """The clauses :func:`write_clauses` wrote, in order; ValueError when the file is
    missing or damaged."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path.name} missing")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            rows = db.execute(f"SELECT {_SQL_COLUMNS} FROM clauses ORDER BY position").fetchall()
    except sqlite3.Error as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    return _build(rows)


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
