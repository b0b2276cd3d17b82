"""How a sentence splits into phrases — the pieces between its commas, semicolons and
colons — in one place. Whether a sentence states the figure asked, which part of a rule is
its condition ("…的，") and where a verdict is read from are all decided phrase by phrase."""
from __future__ import annotations

import re

_PHRASE = re.compile(r"[^，,；;。：:]+")
_MARKED = re.compile(r"[^，,；;。：:]+[，,；;。：:]?")
# A phrase opening with 或者 gives another case of the phrase before it ("连续旷工超过15个工作日，
# 或者1年内累计旷工超过30个工作日的")
_ALTERNATIVE = re.compile(r"或者|或")


def split(text: str) -> list[str]:
    """The phrases of ``text``, without the marks between them."""
    return _PHRASE.findall(text)


def marked(text: str) -> list[str]:
    """The phrases of ``text``, each with the mark that ends it (joined, they give ``text``
    back without its line breaks)."""
    return _MARKED.findall(text)


def first(text: str) -> str:
    """The phrase ``text`` opens with ("" when it opens with a mark)."""
    m = _PHRASE.match(text)
    return m.group(0) if m else ""


def with_alternatives(text: str) -> list[str]:
    """The phrases of ``text``, a phrase opening with 或者 read with the one before it (both
    figures of "连续旷工超过15个工作日，或者1年内累计旷工超过30个工作日的" are about 旷工)."""
    out: list[str] = []
    for phrase in split(text):
        if out and _ALTERNATIVE.match(phrase):
            out[-1] += "，" + phrase
        else:
            out.append(phrase)
    return out
