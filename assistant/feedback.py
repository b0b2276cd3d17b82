"""Answer feedback (👍/👎 and an optional comment), kept locally in SQLite.

Each row keeps what the employee saw: question, answer text, status, citations (JSON)
and the corpus version, so a reviewer can reproduce it later. Export as CSV::

    python -m assistant.feedback [feedback.sqlite3] > feedback.csv
"""
from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from .errors import InputError
from .models import Answer
from .spreadsheet import to_csv

RATINGS = ("up", "down")
COLUMNS = ("id", "created_at", "rating", "comment", "question", "answer", "status", "citations",
           "corpus_version", "session")
MAX_COMMENT_CHARS = 2000
# Stored fields are bounded whatever a client sends (the chat's question bound is
# settings.max_question_chars; these cap what a forged request could still store).
MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 20_000
MAX_SESSION_CHARS = 100
MAX_CITATIONS = 20
TRUNCATED = "…（已截断）"
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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def bounded(text: object, limit: int) -> str:
    """``text`` as a string of at most ``limit`` characters (cut ones end with a notice)."""
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(TRUNCATED))] + TRUNCATED


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
        """Store one rating of one answer; returns the row id (to attach a comment later).
        Every text field is bounded (a rating can never store a 15 MB question)."""
        if rating not in RATINGS:
            raise InputError(f"未知的评价 {rating!r}: use one of {RATINGS}")
        citations = [c.to_dict() for c in answer.citations[:MAX_CITATIONS]]
        row = (_now(), rating, bounded(comment, MAX_COMMENT_CHARS), bounded(question or answer.question, MAX_QUESTION_CHARS),
               bounded(answer.answer, MAX_ANSWER_CHARS), bounded(answer.status, 40),
               json.dumps(citations, ensure_ascii=False), bounded(answer.corpus_version, 64),
               bounded(session, MAX_SESSION_CHARS))
        with closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer, status, citations, "
                "corpus_version, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            return int(cursor.lastrowid)

    def set_comment(self, feedback_id: int, comment: str, session: str | None = None) -> bool:
        """Attach a comment to an earlier rating (only the session that rated it, when given)."""
        sql = "UPDATE feedback SET comment = ? WHERE id = ?"
        args: tuple = (bounded(comment, MAX_COMMENT_CHARS), feedback_id)
        if session is not None:
            sql += " AND session = ?"
            args += (bounded(session, MAX_SESSION_CHARS),)
        with closing(self._connect()) as db, db:
            return db.execute(sql, args).rowcount == 1

    def rows(self, limit: int | None = None) -> list[dict]:
        """Stored feedback, newest first; ``citations`` decoded from JSON."""
        sql = "SELECT * FROM feedback ORDER BY id DESC" + (" LIMIT ?" if limit else "")
        with closing(self._connect()) as db:
            rows = db.execute(sql, (limit,) if limit else ()).fetchall()
        return [dict(row, citations=json.loads(row["citations"])) for row in rows]

    def summaries(self, limit: int = 200, chars: int = 300) -> list[dict]:
        """The newest ``limit`` rows for a table on screen, every text field cut to ``chars``
        characters by SQLite itself (rows stored before fields were bounded may be huge:
        they are never loaded whole). No citations."""
        cut = ", ".join(f"substr({c}, 1, {int(chars)}) AS {c}" for c in ("question", "answer", "comment"))
        sql = (f"SELECT id, created_at, rating, status, corpus_version, {cut}, length(question) AS question_chars "
               "FROM feedback ORDER BY id DESC LIMIT ?")
        with closing(self._connect()) as db:
            rows = [dict(r) for r in db.execute(sql, (int(limit),)).fetchall()]
        for row in rows:
            if row.pop("question_chars") > chars:
                row["question"] += TRUNCATED
        return rows

    def counts(self) -> dict[str, int]:
        with closing(self._connect()) as db:
            found = dict(db.execute("SELECT rating, COUNT(*) FROM feedback GROUP BY rating").fetchall())
        return {r: found.get(r, 0) for r in RATINGS}

    def to_csv(self) -> str:
        """All feedback, oldest first, as spreadsheet-safe CSV (:func:`assistant.spreadsheet.to_csv`)."""
        sql = f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id"
        with closing(self._connect()) as db:
            return to_csv(COLUMNS, (tuple(row) for row in db.execute(sql)))


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
