"""CSV for spreadsheets, safe to open in Excel / LibreOffice / WPS (CSV injection).

Every exported table (feedback, HR verdicts) goes through :func:`to_csv`: every cell is
quoted, so no separator inside a cell (``,`` ``;`` tab, newline) can split it into a new
cell, and any formula trigger (``= + - @``) at the start of a cell or right after such a
separator gets a leading apostrophe, so a spreadsheet shows it as text instead of
evaluating it (``备注;=1+1;`` → ``备注;'=1+1;``)."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_TRIGGERS = "=+-@＝＋－＠"  # full-width forms too: some spreadsheets fold them
SEPARATORS = ",;\t\r\n|，；"  # what a spreadsheet may split a line or a cell on
# a trigger at the start of the cell or after a separator, with optional blanks between
_RISKY = re.compile(rf"(^|[{re.escape(SEPARATORS)}])([ \u3000]*)([{re.escape(FORMULA_TRIGGERS)}])")


def safe_cell(value: object) -> object:
    """``value`` with every formula trigger that could start a cell neutralised by a
    leading apostrophe; non-text values are returned unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(("\t", "\r")):
        value = "'" + value
    return _RISKY.sub(lambda m: f"{m.group(1)}{m.group(2)}'{m.group(3)}", value)


def to_csv(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A CSV text with every cell quoted and made safe (see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()
