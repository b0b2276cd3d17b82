"""Checks a model-written answer against the citations our retrieval chose.

:func:`verify_answer` returns the reasons to reject the text (an empty list means it
passes). It is deliberately strict: a rejected answer only costs fluency, because the
caller falls back to the extractive answer.

Checks, in the order their reasons are listed:

1. the text is not empty;
2. every marker ``[n]`` names an existing citation (1 … len(citations));
3. every sentence (split on 。！？ and newlines) carries at least one marker; a marker
   written just after the full stop (``……培训。[1]``) still counts for that sentence;
4. every figure — Arabic numbers (with %, 元, 年, 月 …) and Chinese numerals attached to
   a unit (半年, 三年, 一年半, 百分之六十) — appears in a quote that its sentence cites
   (or, for an uncited sentence, in any quote the answer cites), either verbatim or as
   the same value (1年 = 12个月, 百分之六十 = 60%, 两千元 = 2000元);
5. no instruction-injection tell-tale ("忽略之前的规则", "作为AI", …) and no URL
   unless the cited quotes contain it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .figures import figures as find_figures
from .figures import normal, quote_has
from .models import Citation

MARKER = re.compile(r"[\[［]\s*(\d+)\s*[\]］]")
_TERMINATORS = "。！？!?"
_SPLIT = re.compile(r"([。！？!?\n])")
_LEADING_MARKERS = re.compile(r"^\s*(?:[\[［]\s*\d+\s*[\]］]\s*)+")
URL = re.compile(r"(?:https?://|www\.)[^\s，。；、！？）)\]】”\"']+", re.I)
TELLTALES = re.compile(
    r"(?:忽略|无视|忘记|忘掉|不要管|不再遵守|绕过|跳过)[^。！？\n]{0,12}?(?:规则|指令|提示词?|设定|限制)"
    r"|(?:忽略|无视|忘记|忘掉|不要管|不再遵守)(?:以上|之前|前面|上述)"
    r"|作为(?:一个|一名)?(?:AI|人工智能|语言模型|大模型|大语言模型|智能助手)"
    r"|as an? (?:AI|language model)"
    r"|ignore (?:all|any|previous|prior|the above|your)"
    r"|system prompt|系统提示词?|jailbreak|developer mode|开发者模式|越狱"
    r"|你现在是|我现在是",
    re.I,
)


def verify_answer(text: str, citations: Sequence[Citation]) -> list[str]:
    """Reasons why ``text`` may not be shown as an answer citing ``citations``."""
    if not text or not text.strip():
        return ["empty answer"]
    reasons: list[str] = []
    valid = range(1, len(citations) + 1)
    dangling: list[int] = []
    for m in MARKER.finditer(text):
        n = int(m.group(1))
        if n not in valid and n not in dangling:
            dangling.append(n)
    reasons += [f"dangling citation [{n}]" for n in dangling]

    sentences = split_sentences(text)
    cited_anywhere = {n for s in sentences for n in markers(s) if n in valid}
    reasons += [f"uncited sentence: {s}" for s in sentences if not markers(s)]

    quotes = [normal(c.quote) for c in citations]
    seen: set[str] = set()
    for sentence in sentences:
        own = {n for n in markers(sentence) if n in valid} or cited_anywhere
        cited = [quotes[n - 1] for n in sorted(own)]
        for figure in figures(sentence):
            if figure not in seen and not any(quote_has(q, figure) for q in cited):
                seen.add(figure)
                reasons.append(f"figure not in cited quotes: {figure}")

    cited_text = " ".join(quotes[n - 1] for n in sorted(cited_anywhere))
    reasons += [f"injection tell-tale: {m.group(0)}" for m in TELLTALES.finditer(text)
                if normal(m.group(0)) not in cited_text]
    reasons += [f"url not in cited quotes: {u}" for u in URL.findall(text) if normal(u) not in cited_text]
    return reasons


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (terminators and surrounding blanks dropped). Markers written
    right after a full stop belong to the sentence before it."""
    pieces = _SPLIT.split(text)
    sentences: list[str] = []
    after_stop = False
    for i in range(0, len(pieces), 2):
        body = pieces[i]
        if after_stop and sentences and (lead := _LEADING_MARKERS.match(body)):
            sentences[-1] += lead.group(0).strip()
            body = body[lead.end():]
        delimiter = pieces[i + 1] if i + 1 < len(pieces) else ""
        after_stop = delimiter in _TERMINATORS and delimiter != ""
        if re.search(r"[^\W_]", MARKER.sub("", body)):
            sentences.append(body.strip())
        elif MARKER.search(body) and sentences:
            sentences[-1] += body.strip()  # a stray marker line: attach it to what precedes
    return sentences


def markers(text: str) -> list[int]:
    """The citation numbers in ``text``, in order of appearance."""
    return [int(n) for n in MARKER.findall(text)]


def figures(text: str) -> list[str]:
    """Figures stated in ``text`` (markers and URLs removed), normalised."""
    return find_figures(URL.sub(" ", MARKER.sub(" ", text)))

