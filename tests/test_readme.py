"""The README's fault table names the tests behind each row: every one of them exists."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_test_the_readme_names_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?:`|、)(?:[\w/]+\.py::)?(test_\w+)(?![\w.])", readme)) - {"test_corruption"}
    defined = set(re.findall(r"^def (test_\w+)", "".join(p.read_text(encoding="utf-8")
                                                           for p in (ROOT / "tests").glob("test_*.py")), re.M))
    assert named and not (named - defined), sorted(named - defined)
