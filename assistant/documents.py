"""Documents as things people name: the names a question may use for a loaded document
(its title, the title without 中华人民共和国 or its region, the sidecar's short title and
aliases), and which documents a question names.

《中华人民共和国劳动合同法》 is asked about as 劳动合同法; 《宁波市企业工资集体协商条例》
as 宁波市企业工资集体协商条例 or 企业工资集体协商条例. A name shared by two documents
names neither (it cannot tell them apart); the longest name found in a question wins, so
劳动合同法实施条例 is not also read as 劳动合同法."""
from __future__ import annotations

import re

from .models import SourceDocument

NATION = "中华人民共和国"
# A region at the start of a local title: 北京市, 浙江省, 宁波市, 广西壮族自治区, 深圳经济特区 …
_REGION = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|市|自治区|自治州|特别行政区|经济特区|县|区)(?=[\u4e00-\u9fff]{4,})")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]$")
MIN_ALIAS_CHARS = 4


def aliases(doc: SourceDocument) -> list[str]:
    """The names a question may use for ``doc``, longest first."""
    names = {doc.title.strip()}
    meta = doc.metadata or {}
    names.update(str(x).strip() for x in [meta.get("short_title", ""), *(meta.get("aliases") or ())] if x)
    for name in list(names):
        bare = _BRACKETS.sub("", name).strip()
        names.add(bare)
        if bare.startswith(NATION):
            names.add(bare[len(NATION):])
        if (m := _REGION.match(bare)) is not None:
            names.add(bare[m.end():])
    return sorted((n for n in names if len(n) >= MIN_ALIAS_CHARS), key=len, reverse=True)


def alias_table(documents: dict[str, SourceDocument]) -> dict[str, str]:
    """name → doc_id for every name that belongs to exactly one document."""
    owners: dict[str, set[str]] = {}
    for doc_id, doc in documents.items():
        for name in aliases(doc):
            owners.setdefault(name, set()).add(doc_id)
    return {name: next(iter(ids)) for name, ids in owners.items() if len(ids) == 1}


def named_documents(text: str, table: dict[str, str]) -> list[str]:
    """The documents ``text`` names, in order of appearance. Longest names first; a span
    taken by a longer name is not read again as a shorter one."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for name in sorted(table, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), table[name]))
    return list(dict.fromkeys(doc_id for _, doc_id in sorted(found)))
