"""Validate evals/documents (data only; never runs the assistant).

    python evals/documents/check_gold.py      # prints OK and exits 0, or lists violations and exits 1

Checks
  * docs/ and sources.json agree (every file listed, chars + sha256 match, provenance fields set,
    exactly one in-force member per version group).
  * every document's articles are numbered 第一条, 第二条, … without gaps or repeats.
  * every case: known point / status, turns non-empty, doc and gold_article exist (article labels as
    written, e.g. "第二十二条"), every key fact is a verbatim substring of the doc AND of the gold
    article when one is given; also_gold / conflict_with / not_first / other_facts refer to real
    documents and articles.
  * point-specific rules: named questions name their document; level_region questions carry a level
    or region word; unnamed questions name no document; a case whose first-cited document is out of
    force must carry expect_flag unless an as_of date puts it in force.
  * counts: total >= 80; named >= 20 (>= 8 with 第N条); level_region >= 15; version >= 15
    (>= 5 asking about the old version); unnamed >= 10; metadata >= 10.
"""
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"

POINTS = {"named", "level_region", "version", "unnamed", "metadata"}
STATUSES = {"answered", "not_specified", "not_found"}
FLAG_RE = re.compile(r"^(已废止|旧版|已被.*替代)$")
MIN = {"named": 20, "level_region": 15, "version": 15, "unnamed": 10, "metadata": 10}
MIN_NAMED_ARTICLE = 8
MIN_OLD_VERSION = 5
MIN_TOTAL = 80
MAX_FACT_CHARS = 60

# Marker sets: a question "names" a document if it contains every marker of one set.
NAME_MARKERS = {
    "laodong-hetong-fa": [["劳动合同法"]],
    "shanghai-laodong-hetong-tiaoli": [["上海市劳动合同条例"]],
    "funv-quanyi-baozhang-fa-2018-10-26": [["妇女权益保障法"]],
    "funv-quanyi-baozhang-fa-2022-10-30": [["妇女权益保障法"]],
    "shanghai-funv-quanyi-shishi-banfa": [["上海", "妇女权益保障", "办法"]],
    "beijing-funv-quanyi-shishi-banfa": [["北京", "妇女权益保障", "办法"]],
}
# Any of these in an "unnamed" question would name a document.
DOC_WORDS = ["劳动合同法", "劳动合同条例", "妇女权益保障", "办法", "条例", "《"]
LEVEL_REGION_WORDS = ["国家", "全国", "上海", "北京", "本市", "沪", "京"]
ARTICLE_REF = re.compile(r"第[〇零一二三四五六七八九十百]+条")

CN = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn2int(s):
    total, cur = 0, 0
    for ch in s:
        if ch in CN:
            cur = CN[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
    return total + cur


ART_LINE = re.compile(r"^(第[〇零一二三四五六七八九十百]+条)[ 　]")


def parse_articles(text):
    """Return {label: text} for the articles after <!-- INFO END --> and the ordered label list."""
    body = text.split("<!-- INFO END -->", 1)[-1]
    arts, order, cur = {}, [], None
    for line in body.split("\n"):
        m = ART_LINE.match(line)
        if m:
            cur = m.group(1)
            order.append(cur)
            arts[cur] = line
        elif line.startswith("#"):
            cur = None
        elif cur is not None:
            arts[cur] += "\n" + line
    return arts, order


def main():
    errors = []
    err = errors.append

    # ---------------------------------------------------------- documents + sources
    sources = json.loads((HERE / "sources.json").read_text(encoding="utf-8"))
    docs, articles = {}, {}
    listed = set()
    for s in sources:
        f = s.get("file", "")
        did = Path(f).stem
        listed.add(did)
        path = HERE / f
        if not path.is_file():
            err(f"sources.json: {f} does not exist")
            continue
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        docs[did] = text
        if s.get("chars") != len(text):
            err(f"sources.json: {f} chars {s.get('chars')} != {len(text)}")
        if s.get("sha256") != hashlib.sha256(raw).hexdigest():
            err(f"sources.json: {f} sha256 mismatch")
        for k in ("title", "kind", "level", "region", "source_repo", "source_path", "source_commit", "dates"):
            if not s.get(k):
                err(f"sources.json: {f} missing {k}")
        if s.get("kind") not in {"法律", "行政法规", "地方性法规", "部门规章", "规范性文件", "企业制度"}:
            err(f"sources.json: {f} unknown kind {s.get('kind')}")
        if s.get("level") not in {"国家", "省", "市", "区县", "企业"}:
            err(f"sources.json: {f} unknown level {s.get('level')}")
        if not re.fullmatch(r"[0-9a-f]{40}", s.get("source_commit", "")):
            err(f"sources.json: {f} bad commit")
        if not re.fullmatch(r"[a-z0-9-]+", did):
            err(f"sources.json: {f} id is not ascii-safe")
        if not text.startswith("# " + s.get("title", "")):
            err(f"{f}: does not start with '# {s.get('title')}'")
        if "<!-- INFO END -->" not in text:
            err(f"{f}: no <!-- INFO END -->")
        arts, order = parse_articles(text)
        articles[did] = arts
        nums = [cn2int(a[1:-1]) for a in order]
        if nums != list(range(1, len(nums) + 1)):
            err(f"{f}: article numbering is not 1..{len(nums)} without gaps/repeats")
    on_disk = {p.stem for p in DOCS.glob("*.md")}
    for extra in sorted(on_disk - listed):
        err(f"docs/{extra}.md is not listed in sources.json")
    groups = {}
    for s in sources:
        if s.get("version_group"):
            groups.setdefault(s["version_group"], []).append(s)
    if not groups:
        err("sources.json: no version group (need one document in two versions)")
    for gname, members in groups.items():
        if len(members) < 2:
            err(f"version group {gname} has fewer than 2 members")
        if sum(1 for m in members if m.get("in_force") is True) != 1:
            err(f"version group {gname} must have exactly one in_force member")
        if len({m["title"] for m in members}) != 1:
            err(f"version group {gname}: titles differ")
        if any(not m.get("version_date") or m["version_date"] not in m["file"] for m in members):
            err(f"version group {gname}: version_date must appear in the file name")
    levels = {Path(s["file"]).stem: s.get("level") for s in sources}
    if not ({"国家"} & set(levels.values()) and {"省", "市"} & set(levels.values())):
        err("need at least one national and one local document")
    out_of_force = {Path(s["file"]).stem: s for s in sources if s.get("in_force") is False}
    in_force_of = {}
    for s in sources:
        if s.get("in_force") is False and s.get("superseded_by"):
            in_force_of[Path(s["file"]).stem] = s["superseded_by"]
    effective = {Path(s["file"]).stem: (s.get("dates") or {}).get("施行") for s in sources}

    def check_ref(where, doc, art):
        if doc not in docs:
            err(f"{where}: unknown doc {doc!r}")
            return None
        if art and art not in articles[doc]:
            err(f"{where}: {doc} has no {art}")
            return None
        return articles[doc][art] if art else docs[doc]

    # ---------------------------------------------------------- cases
    cases, ids = [], set()
    for n, line in enumerate((HERE / "gold.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            c = json.loads(line)
        except json.JSONDecodeError as e:
            err(f"gold.jsonl:{n}: bad JSON ({e})")
            continue
        cases.append(c)
        cid = c.get("id", f"line{n}")
        w = cid
        if not re.fullmatch(r"doc-\d{3}", cid):
            err(f"{w}: bad id")
        if cid in ids:
            err(f"{w}: duplicate id")
        ids.add(cid)
        point, status = c.get("point"), c.get("expected_status")
        if point not in POINTS:
            err(f"{w}: unknown point {point!r}")
        if status not in STATUSES:
            err(f"{w}: unknown expected_status {status!r}")
        turns = c.get("turns")
        if not (isinstance(turns, list) and turns and all(isinstance(t, str) and t.strip() for t in turns)):
            err(f"{w}: turns must be a non-empty list of strings")
            turns = [""]
        q = "".join(turns)
        doc, art = c.get("doc", ""), c.get("gold_article")
        facts = c.get("key_facts")
        if art is None or not isinstance(facts, list):
            err(f"{w}: gold_article and key_facts are required")
            continue
        if doc == "":
            if status != "not_found":
                err(f"{w}: empty doc is only allowed for not_found")
            if art or facts:
                err(f"{w}: empty doc cannot have an article or key facts")
        else:
            scope = check_ref(w, doc, art)
            if status != "not_found" and not facts:
                err(f"{w}: key_facts empty")
            for fct in facts:
                if not isinstance(fct, str) or not fct:
                    err(f"{w}: empty key fact")
                    continue
                if len(fct) > MAX_FACT_CHARS:
                    err(f"{w}: key fact longer than {MAX_FACT_CHARS} chars: {fct}")
                if doc in docs and fct not in docs[doc]:
                    err(f"{w}: key fact not in {doc}: {fct}")
                elif scope is not None and art and fct not in scope:
                    err(f"{w}: key fact not in {doc} {art}: {fct}")
        for key in ("also_gold", "conflict_with"):
            for ref in c.get(key, []):
                d, a = ref.get("doc"), ref.get("article", "")
                check_ref(f"{w} {key}", d, a)
                if d == doc and a == art:
                    err(f"{w}: {key} repeats the gold citation")
        for d in c.get("not_first", []):
            if d not in docs:
                err(f"{w}: not_first unknown doc {d}")
            if d == doc:
                err(f"{w}: not_first contains the gold doc")
        for of in c.get("other_facts", []):
            scope = check_ref(f"{w} other_facts", of.get("doc"), of.get("article", ""))
            if scope is not None and of.get("text") not in scope:
                err(f"{w}: other_facts text not in {of.get('doc')} {of.get('article')}")
        flag = c.get("expect_flag")
        if flag is not None and not FLAG_RE.match(flag):
            err(f"{w}: expect_flag must be 已废止 / 旧版 / 已被…替代, got {flag!r}")
        as_of = c.get("as_of")
        if as_of is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of):
            err(f"{w}: bad as_of {as_of!r}")
        if doc in out_of_force:
            successor_start = effective.get(in_force_of.get(doc, ""), None)
            in_force_then = bool(as_of and successor_start and as_of < successor_start)
            if not in_force_then and flag is None:
                err(f"{w}: first-cited doc {doc} is out of force: expect_flag required")
            if in_force_then and flag is not None:
                err(f"{w}: {doc} was in force at as_of {as_of}: no expect_flag expected")
        # point-specific wording rules
        if point == "named":
            if not any(all(m in q for m in ms) for ms in NAME_MARKERS.get(doc, [])):
                err(f"{w}: named question does not name {doc}")
        if point == "level_region":
            if not any(x in q for x in LEVEL_REGION_WORDS):
                err(f"{w}: level_region question has no level/region word")
            if any("本市" in t for t in turns):
                first = next(i for i, t in enumerate(turns) if "本市" in t)
                if not any(x in "".join(turns[:first]) for x in ("上海", "北京")):
                    err(f"{w}: 本市 used without naming the city in an earlier turn")
        if point == "unnamed":
            if any(x in q for x in DOC_WORDS):
                err(f"{w}: unnamed question names a document")
            if status != "not_found" and not c.get("also_gold"):
                err(f"{w}: unnamed case must list the other acceptable documents in also_gold")
        if point == "version":
            if doc in out_of_force and not as_of and not c.get("expect_flag"):
                err(f"{w}: old-version case without expect_flag")
            vdocs = {d for g in groups.values() for d in (Path(m["file"]).stem for m in g)}
            if doc not in vdocs:
                err(f"{w}: version case must cite a member of a version group first")

    # ---------------------------------------------------------- counts
    cnt = Counter(c.get("point") for c in cases)
    for p, m in MIN.items():
        if cnt[p] < m:
            err(f"count: {p} has {cnt[p]} cases, need >= {m}")
    named_art = sum(1 for c in cases if c.get("point") == "named" and c.get("gold_article")
                    and ARTICLE_REF.search("".join(c.get("turns", []))))
    if named_art < MIN_NAMED_ARTICLE:
        err(f"count: named with 第N条 = {named_art}, need >= {MIN_NAMED_ARTICLE}")
    old = sum(1 for c in cases if c.get("point") == "version" and c.get("doc") in out_of_force
              and c.get("expect_flag"))
    if old < MIN_OLD_VERSION:
        err(f"count: version cases asking about the old version = {old}, need >= {MIN_OLD_VERSION}")
    if len(cases) < MIN_TOTAL:
        err(f"count: {len(cases)} cases, need >= {MIN_TOTAL}")

    if errors:
        print(f"{len(errors)} violation(s):")
        for e in errors:
            print("  -", e)
        sys.exit(1)
    st = Counter(c["expected_status"] for c in cases)
    print(f"OK: {len(cases)} cases; " + ", ".join(f"{p}={cnt[p]}" for p in sorted(MIN))
          + f"; named with 第N条={named_art}; version asking old={old}; status={dict(st)};"
          + f" docs={len(docs)}")


if __name__ == "__main__":
    main()
