"""Documents as things people name: the names a question may use for a loaded document
(its title, the title without 中华人民共和国 or its region, the sidecar's short title and
aliases), and which documents a question names.

《中华人民共和国劳动合同法》 is asked about as 劳动合同法; 《宁波市企业工资集体协商条例》
as 宁波市企业工资集体协商条例 or 企业工资集体协商条例. A name shared by two documents
names neither (it cannot tell them apart); the longest name found in a question wins, so
劳动合同法实施条例 is not also read as 劳动合同法."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .models import SourceDocument

NATION = "中华人民共和国"
# A region at the start of a local title: 北京市, 浙江省, 宁波市, 广西壮族自治区, 深圳经济特区 …
_REGION = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|市|自治区|自治州|特别行政区|经济特区|县|区)(?=[\u4e00-\u9fff《〈“]{2}\S{2,})")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]$")
MIN_ALIAS_CHARS = 3  # 劳动法, 工会法: a name this short is read only as a whole word (not 劳动法律, 工会法人)


# "<issuer>关于<subject>的<kind>": asked about by its subject and kind (国务院关于职工工作时间的规定 →
# 职工工作时间规定, 职工工作时间的规定)
_ABOUT_TITLE = re.compile(r"关于(?P<subject>[\u4e00-\u9fff、]{2,40}?)的(?P<kind>(?:指导|实施)?意见|规定|办法|通知|决定|细则|实施细则|方案|条例)$")
# The kind a title ends with, after the subject: a name may keep only the subject's last words
_KIND_END = re.compile(r"(?:实施)?(?:条例|办法|规定|细则)$")
MIN_SUBJECT_CHARS = 3  # … at least this many (年休假条例, not 休假条例 or 实施条例)
# "这个规定", "这部条例": a demonstrative before the kind of a text named by its subject
_DEMONSTRATIVE = re.compile(r"[这那](?:个|部|项|份|一)(?=规定|办法|条例|意见|通知|决定|细则|方案)")


def name_form(text: str) -> str:
    """A name as compared: without 《》 and without 中华人民共和国 anywhere, so
    "北京市实施《中华人民共和国妇女权益保障法》办法" and "北京市实施妇女权益保障法办法" agree;
    "职工工作时间这个规定" reads as 职工工作时间规定."""
    return _DEMONSTRATIVE.sub("", re.sub(r"[《》〈〉<>“”\"]", "", text).replace(NATION, ""))


def aliases(doc: SourceDocument) -> list[str]:
    """The names a question may use for ``doc`` (in :func:`name_form`), longest first."""
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
        if (m := _ABOUT_TITLE.search(bare)) is not None:
            names.update((m["subject"] + m["kind"], f"{m['subject']}的{m['kind']}"))
    names = {name_form(n) for n in names}
    return sorted((n for n in names if len(n) >= MIN_ALIAS_CHARS), key=len, reverse=True)


def shortened(doc: SourceDocument) -> list[str]:
    """Names of ``doc`` with its title's leading qualifiers dropped (职工带薪年休假条例 → 带薪年休假
    条例, 年休假条例), keeping at least ``MIN_SUBJECT_CHARS`` of the subject before its kind."""
    core = name_form(_BRACKETS.sub("", doc.title.strip()).strip())
    if (m := _REGION.match(core)) is not None:
        core = core[m.end():]
    m = _KIND_END.search(core)
    return [core[i:] for i in range(1, m.start() - MIN_SUBJECT_CHARS + 1)] if m else []


def alias_table(documents: dict[str, SourceDocument], shortened_names: bool = True) -> dict[str, tuple[str, ...]]:
    """name → the documents it names: one document, or the versions of one text (same
    title, e.g. 妇女权益保障法 2018 and 2022). A name two different texts share names none;
    a shortened name (:func:`shortened`; left out with ``shortened_names=False``) never takes
    a name of a text's own."""
    def unique(pairs) -> tuple[dict[str, tuple[str, ...]], set[str]]:
        owners: dict[str, set[str]] = {}
        for name, doc_id in pairs:
            owners.setdefault(name, set()).add(doc_id)
        return ({name: tuple(sorted(ids)) for name, ids in owners.items()
                 if len({base_title(documents[i].title) for i in ids}) == 1}, set(owners))

    own, taken = unique((name, doc_id) for doc_id, doc in documents.items() for name in aliases(doc))
    if not shortened_names:
        return own
    short, _ = unique((name, doc_id) for doc_id, doc in documents.items() for name in shortened(doc))
    return {**{name: ids for name, ids in short.items() if name not in taken}, **own}


# A law named for the sense of a word, not as where to look: "劳动合同法意义上的用人单位" (its
# implementing regulation may answer as well as it does). "违反劳动合同法…" still names where to
# look: the sanction is in that law.
_ABOUT_AFTER = re.compile(r"^》?意义上")


def _name_matches(text: str, table: dict[str, tuple[str, ...]]) -> list[tuple[int, str]]:
    """(position, name) of each document name in ``text`` (in :func:`name_form`) that names
    where to look, longest names first; a span taken by a longer name is not read again as a
    shorter one, and a name giving only a word's sense ("劳动合同法意义上的") is skipped."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for name in sorted(table, key=len, reverse=True):
        # a short name is not the start of a longer word (劳动法律法规, 工会法人)
        pattern = re.escape(name) + (r"(?!律|规(?!定)|学|人|典)" if len(name) < 4 else "")
        for m in re.finditer(pattern, text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            if _ABOUT_AFTER.search(text[m.end():m.end() + 5]):
                continue
            found.append((m.start(), name))
    return sorted(found)


def named_documents(text: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    """The documents ``text`` names, in order of appearance (every version of a named
    text). Longest names first; a span taken by a longer name is not read again as a
    shorter one."""
    return list(dict.fromkeys(doc_id for _, name in _name_matches(name_form(text), table) for doc_id in table[name]))


def without_names(text: str, table: dict[str, tuple[str, ...]]) -> str:
    """``text`` with the document names it uses blanked out: what remains is what it asks
    about ("上海市劳动合同条例对违约金怎么规定" → "，对违约金怎么规定"). The name's own words
    (劳动合同, 条例) pick the document, not the article."""
    text = name_form(text)
    for start, name in reversed(_name_matches(text, table)):
        text = text[:start] + "，" + text[start + len(name):]
    return text


# Words that say which version a question is about, or that it compares versions: like a
# document's name, they pick the text, not the article ("2018年版和现行的…有什么变化").
_VERSION_WORDS = re.compile(r"(?:19|20)\d{2}\s*年?\s*(?:版本?|修正|修订|修改)(?:的)?|现行(?:的)?|(?:旧|新|老)版(?:本)?(?:的)?"
                            r"|(?:修订|修正|修改)(?:之|以)?前(?:的)?|原来的规定|以前的规定")
_COMPARISON_WORDS = re.compile(r"(?:有|发生了|做了|作了)?(?:什么|哪些|哪些方面的?)?(?:变化|区别|不同|差别|改动|修改)")


def without_versions(text: str) -> str:
    """``text`` with the words naming a version blanked out, and, when it names one, the
    words asking what changed: what remains is what it asks about."""
    if not _VERSION_WORDS.search(text):
        return text
    return _COMPARISON_WORDS.sub("，", _VERSION_WORDS.sub("，", text))


# ---- the document record ------------------------------------------------------------------------
IN_FORCE = "有效"
REPEALED = "已废止"
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_FILE_DATE = re.compile(r"(\d{4})[-_.年](\d{1,2})[-_.月](\d{1,2})")
_EVENTS = (("施行", "effective"), ("公布", "published"), ("发布", "published"), ("印发", "published"),
           ("修正", "amended"), ("修订", "amended"), ("批准", "approved"), ("通过", "adopted"))
_EFFECTIVE_IN_TEXT = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|公布之日|发布之日|印发之日)\s*起施行")
_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号|(?:国务院|[\u4e00-\u9fff]{2,6}?部|[\u4e00-\u9fff]{2,8}?政府)令\s*第\s*\d+\s*号")
_REPEALS = re.compile(r"《([^》]{4,60})》同时废止")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_COMPANY = re.compile(r"有限公司|有限责任公司|股份公司|集团|公司")
_ISSUER_BODY = re.compile(r"(全国人民代表大会常务委员会|全国人民代表大会|国务院|[\u4e00-\u9fff]{2,12}?(?:人民代表大会常务委员会|人民政府|部|委员会|厅|局))")


@dataclass(frozen=True)
class DocumentRecord:
    """What a document is, derived from what its text states (title, date lines, 文号,
    "本条例自…起施行", "…同时废止", a date in the file name) and overridable in the sidecar
    (``<file>.meta.json``: title, short_title, aliases, kind, issuers, level, region,
    number, adopted, published, effective, status). Nothing is invented: a field the text
    does not state stays empty."""

    doc_id: str
    title: str
    short_name: str
    kind: str = ""  # 法律 / 行政法规 / 地方性法规 / 地方政府规章 / 部门规章 / 规范性文件 / 企业制度
    issuers: str = ""
    level: str = ""  # 国家 / 省 / 市 / 区县 / 企业
    region: str = ""  # 全国, 北京市, 宁波市 …
    number: str = ""  # 文号
    adopted: str = ""  # ISO dates
    published: str = ""
    effective: str = ""
    amended: str = ""
    status: str = IN_FORCE  # 有效 / 已废止 / 已被《…》替代
    replaced_by: str = ""  # doc_id of the text that replaces it
    version: str = ""  # content hash of the cleaned text

    @property
    def in_force(self) -> bool:
        return self.status == IN_FORCE

    @property
    def date(self) -> str:
        """The date that orders versions of one text: the latest it states (adopted,
        amended, published or in force)."""
        return max(self.effective, self.amended, self.published, self.adopted)

    @property
    def scope(self) -> str:
        """"全国", "北京市", "企业" …: where the text applies, for labelling citations."""
        return "企业" if self.level == "企业" else self.region

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


_SHOWN = (("kind", "类型"), ("issuers", "发文机关"), ("number", "文号"), ("adopted", "通过"), ("published", "公布"),
          ("amended", "修订/修正"), ("effective", "施行"), ("status", "状态"), ("version", "版本"))


def record_line(record: DocumentRecord) -> str:
    """One line saying what was read for a document (``ingest`` prints one per document);
    a field the text does not state shows as "未写明"."""
    where = f"{record.level or '未写明'}/{record.region or '未写明'}"
    fields = "，".join(f"{label} {getattr(record, key) or '未写明'}" for key, label in _SHOWN)
    return f"《{record.short_name}》 {where}，{fields}"


def _iso(match: re.Match) -> str:
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"


def _front_lines(doc: SourceDocument) -> list[str]:
    """The paragraphs before the first article (title and front matter)."""
    from .structure import ARTICLE

    lines = []
    for line in doc.text.split("\n"):
        if ARTICLE.match(line):
            break
        lines.append(line)
    return lines[:12]


def derive_record(doc: SourceDocument) -> DocumentRecord:
    """The record of one document from its own text and sidecar (versions across
    documents are settled by :func:`records`)."""
    import hashlib

    meta = doc.metadata or {}
    title = doc.title.strip()
    bare = _BRACKETS.sub("", title)
    dates: dict[str, str] = {}
    front = _front_lines(doc)
    for line in front[1:]:
        for m in _DATE.finditer(line):
            rest = line[m.end():m.end() + 80]
            for word, field in _EVENTS:
                if word in rest.split("日", 1)[0] + rest[:40]:
                    dates.setdefault(field, _iso(m)) if field != "amended" else dates.__setitem__(field, _iso(m))
                    break
    if (m := _EFFECTIVE_IN_TEXT.search(doc.text)) is not None and "effective" not in dates:
        found = _DATE.search(m.group(1))
        if found:
            dates["effective"] = _iso(found)
        elif dates.get("published"):
            dates["effective"] = dates["published"]
    if not any(dates.values()) and (m := _FILE_DATE.search(Path(doc.path).stem if doc.path else "")):
        dates["published"] = _iso(m)
    undated = [_DATE.sub(" ", line) for line in front]
    number = next((m.group(0).replace(" ", "") for line in undated for m in _NUMBER.finditer(line)), "")
    number = number.removeprefix(NATION)
    region_match = _REGION.match(bare)
    region = region_match.group(0) if region_match else ""
    company = bool(_COMPANY.search(bare))
    if company:
        level, region_name = "企业", ""
    elif region:
        level = "省" if region.endswith(("省", "自治区", "特别行政区")) or region in _MUNICIPALITIES else (
            "区县" if region.endswith(("县", "区")) else "市")
        region_name = region
    else:
        level, region_name = "国家", "全国"
    front_text = "\n".join(undated[1:])
    kind = _kind(bare, front_text, region, company)
    issuers = str(meta.get("issuers") or "")
    if not issuers:
        lead = re.match(r"^(.{2,40}?)关于", bare)
        body = _ISSUER_BODY.search(front_text)
        issuers = lead.group(1) if lead else (_issuer(body.group(1), region) if body else "")
    record = DocumentRecord(
        doc_id=doc.doc_id, title=title, short_name=str(meta.get("short_title") or title.removeprefix(NATION)),
        kind=kind, issuers=issuers, level=level, region=region_name, number=number,
        adopted=dates.get("adopted", ""), published=dates.get("published", ""),
        effective=dates.get("effective", ""), amended=dates.get("amended", ""),
        version=hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:12],
    )
    overrides = {k: str(v) for k, v in meta.items() if k in _OVERRIDABLE and v}
    if "short_title" in meta and meta["short_title"]:
        overrides["short_name"] = str(meta["short_title"])
    from dataclasses import replace

    return replace(record, **overrides)


def _issuer(body: str, region: str) -> str:
    """"第十届全国人民代表大会常务委员会" → 全国人民代表大会常务委员会; "市十四届人民代表大会常务
    委员会" in a 宁波市 text → 宁波市人民代表大会常务委员会."""
    body = re.sub(r"^经|第?[一二三四五六七八九十百\d]+届", "", body)
    if region and body[:1] in ("省", "市", "区", "县"):
        body = region + body[1:]
    return body


_OVERRIDABLE = {"kind", "level", "region", "number", "adopted", "published", "effective", "status", "issuers"}


def _kind(title: str, front: str, region: str, company: bool) -> str:
    if company:
        return "企业制度"
    if title.endswith("法") and not title.endswith(("办法", "方法")) and not region:
        return "法律"
    if title.endswith(("意见", "通知", "方案", "决定", "纲要", "规划", "通告", "公告")):
        return "规范性文件"
    if region:
        return "地方性法规" if "人民代表大会" in front or title.endswith("条例") else "地方政府规章"
    if re.search(r"部务会议|部令|委务会议|署务会议|局务会议", front):
        return "部门规章"
    if "国务院" in front and title.endswith(("条例", "规定", "办法")):
        return "行政法规"
    if title.endswith(("办法", "规定", "细则")):
        return "部门规章"
    return ""


def base_title(title: str) -> str:
    """A title without its version marks: "…法（2018年修正）" and "…法" are one text."""
    return re.sub(r"[（(][^）)]*[）)]|\d{4}年?版?$", "", title).strip()


def records(documents: dict[str, SourceDocument]) -> dict[str, DocumentRecord]:
    """Every document's record, versions settled: of two texts with one title the later
    (by effective, amended, published or adopted date) is in force and the earlier is
    marked replaced by it; a text another document declares repealed ("《…》同时废止")
    is marked repealed. A status set in the sidecar wins."""
    from dataclasses import replace

    out = {doc_id: derive_record(doc) for doc_id, doc in documents.items()}
    by_title: dict[str, list[str]] = {}
    for doc_id, record in out.items():
        by_title.setdefault(base_title(record.title), []).append(doc_id)
    for ids in by_title.values():
        if len(ids) < 2:
            continue
        dated = sorted(ids, key=lambda i: (out[i].date, i))
        newest = dated[-1]
        for old in dated[:-1]:
            if out[old].date and out[old].date < out[newest].date and "status" not in (documents[old].metadata or {}):
                # no year in the label: every figure in an answer is one a cited sentence holds
                out[old] = replace(out[old], status=f"已被新版《{out[newest].short_name}》替代", replaced_by=newest)
    table = alias_table(documents, shortened_names=False)  # a repeal names the text in full
    for doc_id, doc in documents.items():
        for m in _REPEALS.finditer(doc.text):
            for target in table.get(name_form(m.group(1)), ()):
                if target != doc_id and "status" not in (documents[target].metadata or {}):
                    out[target] = replace(out[target], status=REPEALED, replaced_by=doc_id)
    return out


def mentioned_scope(text: str, recs: dict[str, DocumentRecord]) -> tuple[set[str], set[str]]:
    """(documents whose region the text names, documents of the level it names): "在北京"
    → the 北京市 texts; "国家规定" / "全国" → the national ones."""
    regions = {r.region for r in recs.values() if r.region and r.region != "全国"}
    named_regions = {r for r in regions if r in text or (len(r) > 2 and r[:-1] in text)}
    by_region = {d for d, r in recs.items() if r.region in named_regions}
    national = bool(re.search(r"国家(的|层面)?(规定|法律|法规|政策|标准)|全国|国家级", text))
    by_level = {d for d, r in recs.items() if r.level == "国家"} if national else set()
    return by_region, by_level


def asks_old_version(text: str, record: DocumentRecord) -> bool:
    """Whether ``text`` asks about this (older) version: its year ("2018年版", "2018年的") or
    "旧版/修订前/原来的规定"."""
    year = record.date[:4]
    return bool(year and re.search(rf"{year}\s*年?(版|修正|修订|的)", text)) or bool(
        re.search(r"旧版|老版|(修订|修正|修改)(之|以)?前|原来的规定|以前的规定", text))


_CURRENT = re.compile(r"现行|现在的|目前的|新版|修订后|修正后|修改后|最新")


def compares_versions(text: str, record: DocumentRecord) -> bool:
    """Whether ``text`` asks about this older version and the current one together
    ("2018年版和现行的…有什么变化"): neither is preferred then."""
    return asks_old_version(text, record) and bool(_CURRENT.search(text))


# ---- validity on a given day (the API's as_of) ------------------------------------------------
NOT_YET = "尚未施行"
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$|^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def parse_day(value: object) -> str:
    """``value`` ("2023-03-01" or "2023年3月1日") as an ISO date; InputError naming the
    fix otherwise."""
    from datetime import date

    from .errors import InputError

    m = _ISO_DAY.match(str(value).strip()) if isinstance(value, str) else None
    try:
        if m is None:
            raise ValueError
        y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
        return date(y, mo, d).isoformat()
    except ValueError:
        raise InputError(f'"as_of" 应为日期，如 "2023-03-01" (got {str(value)[:40]!r})') from None


def as_of(recs: dict[str, DocumentRecord], day: str) -> dict[str, DocumentRecord]:
    """The records as they stood on ``day`` (ISO): a text that takes effect later is
    尚未施行; a text replaced or repealed by one that did not yet take effect on that day
    is in force then ("发布时间不等于生效时间"). Texts whose record states no date, and
    statuses the sidecar set without naming a successor, are left as they are. Returns
    ``recs`` itself when nothing differs on that day."""
    from dataclasses import replace

    out = dict(recs)
    for doc_id, record in recs.items():
        successor = recs.get(record.replaced_by) if record.replaced_by else None
        start = (successor.effective or successor.date) if successor is not None else ""
        if record.effective and record.effective > day:
            out[doc_id] = replace(record, status=NOT_YET, replaced_by="")
        elif successor is not None and start and start > day:
            out[doc_id] = replace(record, status=IN_FORCE, replaced_by="")
    return recs if out == recs else out
