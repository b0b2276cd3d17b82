"""Answer feedback (👍/👎 and an optional comment), kept locally in SQLite.

Each row keeps what the employee saw: question, answer text, status, citations (JSON)
and the corpus version, so a reviewer can reproduce it later. Export as CSV::

    python -m assistant.feedback [feedback.sqlite3] > feedback.csv
"""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from .errors import InputError
from .models import Answer

RATINGS = ("up", "down")
COLUMNS = ("id", "created_at", "rating", "comment", "question", "answer", "status", "citations",
           "corpus_version", "session")
MAX_COMMENT_CHARS = 2000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    status TEXT NOT NULL,
    citations TEXT NOT NULL,
    corpus_version TEXT NOT NULL,
    session TEXT NOT NULL DEFAULT ''
)
"""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        return db

    def add(self, rating: str, answer: Answer, question: str = "", comment: str = "", session: str = "") -> int:
        """Store one rating of one answer; returns the row id (to attach a comment later)."""
        if rating not in RATINGS:
            raise InputError(f"未知的评价 {rating!r}: use one of {RATINGS}")
        row = (_now(), rating, comment[:MAX_COMMENT_CHARS], question or answer.question, answer.answer, answer.status,
               json.dumps([c.to_dict() for c in answer.citations], ensure_ascii=False), answer.corpus_version, session)
        with closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer, status, citations, "
                "corpus_version, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            return int(cursor.lastrowid)

    def set_comment(self, feedback_id: int, comment: str, session: str | None = None) -> bool:
        """Attach a comment to an earlier rating (only the session that rated it, when given)."""
        sql = "UPDATE feedback SET comment = ? WHERE id = ?"
        args: tuple = (comment[:MAX_COMMENT_CHARS], feedback_id)
        if session is not None:
            sql += " AND session = ?"
            args += (session,)
        with closing(self._connect()) as db, db:
            return db.execute(sql, args).rowcount == 1

    def rows(self, limit: int | None = None) -> list[dict]:
        """Stored feedback, newest first; ``citations`` decoded from JSON."""
        sql = "SELECT * FROM feedback ORDER BY id DESC" + (" LIMIT ?" if limit else "")
        with closing(self._connect()) as db:
            rows = db.execute(sql, (limit,) if limit else ()).fetchall()
        return [dict(row, citations=json.loads(row["citations"])) for row in rows]

    def counts(self) -> dict[str, int]:
        with closing(self._connect()) as db:
            found = dict(db.execute("SELECT rating, COUNT(*) FROM feedback GROUP BY rating").fetchall())
        return {r: found.get(r, 0) for r in RATINGS}

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in reversed(self.rows()):
            row["citations"] = json.dumps(row["citations"], ensure_ascii=False)
            writer.writerow([_cell(row[c]) for c in COLUMNS])
        return out.getvalue()


def _cell(value: object) -> object:
    """Neutralise spreadsheet formulas in user text (CSV injection) by a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_feedback(path: Path | str | None = None) -> str:
    """All feedback in the database at ``path`` (default: settings.feedback_db) as CSV."""
    if path is None:
        from .settings import Settings

        path = Settings.from_env().feedback_db
    return FeedbackStore(Path(path)).to_csv()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    sys.stdout.write(export_feedback(args[0] if args else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
