"""Validate evals/multidoc/gold.jsonl against the documents in evals/multidoc/docs/.

Exit status 1 on any violation, 0 otherwise. Checks:
  * documents match sources.json (sha256, length), held_out flags agree;
  * every gold_article / also_gold article exists in its document, with the exact label;
  * every key fact is 4-30 characters and a verbatim substring of the gold article text;
  * status/kind consistency (not_specified -> no key facts; out_of_scope -> doc "",
    article "", not_found, and none of its absent_terms occurs in any document or in the
    shipped corpus); follow-ups have 2 turns, other cases 1;
  * questions do not copy the text (no 13-character run of a question occurs in a document,
    document titles aside);
  * spread: >= 170 cases, every document >= 20, every kind >= 10, >= 15 naming the law,
    >= 15 with a Chinese-numeral figure, >= 12 not_specified, >= 12 out_of_scope,
    >= 10 follow_up, >= 2 held-out documents of different kinds.

    python evals/multidoc/check_gold.py
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SEED_ID = "jineng-qiangqi-zhidao-yijian"
SEED_PATH = ROOT / "corpus" / f"{SEED_ID}.txt"

KINDS = {"yesno", "who", "when", "figure", "list", "conditions", "how", "definition",
         "not_specified", "out_of_scope", "follow_up"}
STATUS = {"answered", "not_specified", "not_found"}
REGISTERS = {"everyday", "formal"}
TAGS = {"names_law", "cn_numeral", "typo"}
# what a question must contain to count as "naming the law" for each document
LAW_NAMES = {
    "laodong-hetong-fa": ["劳动合同法"],
    "laodong-hetong-fa-shishi-tiaoli": ["实施条例"],
    "zhiye-jiaoyu-fa": ["职业教育法"],
    "zhigong-nianxiujia-tiaoli": ["年休假条例"],
    "qiye-zhigong-nianxiujia-shishi-banfa": ["实施办法"],
    "ningbo-gongzi-jiti-xieshang-tiaoli": ["宁波"],
    "beijing-zhuanji-jixu-jiaoyu-guiding": ["北京"],
}
CN_DIGITS = set("一二三四五六七八九十百千万两半")
COPY_RUN = 13

ART_RE = re.compile(r"^(第[一二三四五六七八九十百零〇]+条)[ \u3000]")
SEED_ART_RE = re.compile(r"^([一二三四五六七八九十]+)、")


def split_articles(text: str, pattern: re.Pattern) -> dict[str, str]:
    """label -> article text (the label line and the paragraphs up to the next article or heading)."""
    arts: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = pattern.match(line)
        if m:
            current = m.group(1)
            if current in arts:
                raise ValueError(f"duplicate article label {current}")
            arts[current] = [line]
        elif line.startswith("#"):
            current = None
        elif current is not None:
            arts[current].append(line)
    return {k: "\n".join(v) for k, v in arts.items()}


def main() -> int:
    errors: list[str] = []
    sources = json.loads((HERE / "sources.json").read_text("utf-8"))
    docs: dict[str, str] = {}
    articles: dict[str, dict[str, str]] = {}
    meta: dict[str, dict] = {}
    titles: list[str] = []
    for s in sources:
        path = HERE / s["file"]
        doc_id = path.stem
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        if hashlib.sha256(raw).hexdigest() != s["sha256"] or len(text) != s["chars"]:
            errors.append(f"{s['file']}: sha256/length differ from sources.json")
        for field in ("title", "kind", "level", "region", "source_repo", "source_path", "source_commit", "held_out"):
            if field not in s:
                errors.append(f"{s['file']}: sources.json lacks {field}")
        docs[doc_id] = text
        articles[doc_id] = split_articles(text, ART_RE)
        meta[doc_id] = s
        titles.append(s["title"])
        titles.append(s["title"].replace("中华人民共和国", ""))
    seed_text = SEED_PATH.read_text("utf-8")
    flat_seed = re.sub(r"\s+", "", seed_text)
    articles[SEED_ID] = {k: re.sub(r"\s+", "", v) for k, v in split_articles(seed_text, SEED_ART_RE).items()}
    all_texts = [re.sub(r"\s+", "", t) for t in docs.values()] + [flat_seed]

    held = [m for m in meta.values() if m["held_out"]]
    if len(held) < 2 or len({m["kind"] for m in held}) < 2:
        errors.append("need >= 2 held-out documents of different kinds")

    rows = [json.loads(line) for line in (HERE / "gold.jsonl").read_text("utf-8").splitlines() if line.strip()]
    ids = Counter(r.get("id") for r in rows)
    errors += [f"duplicate id {i}" for i, n in ids.items() if n > 1]

    per_doc: Counter = Counter()
    per_kind: Counter = Counter()
    per_tag: Counter = Counter()
    per_register: Counter = Counter()
    held_cases = 0
    for r in rows:
        cid = r.get("id", "?")
        def bad(msg: str) -> None:
            errors.append(f"{cid}: {msg}")
        for field in ("id", "doc", "held_out", "kind", "register", "turns", "gold_article", "expected_status", "key_facts"):
            if field not in r:
                bad(f"missing {field}")
        if set(r) - {"id", "doc", "held_out", "kind", "register", "turns", "gold_article", "expected_status",
                     "key_facts", "also_gold", "tags", "absent_terms"}:
            bad(f"unexpected fields {set(r)}")
        kind, status, doc, art = r.get("kind"), r.get("expected_status"), r.get("doc"), r.get("gold_article")
        turns, facts = r.get("turns") or [], r.get("key_facts")
        if kind not in KINDS:
            bad(f"unknown kind {kind}")
        if status not in STATUS:
            bad(f"unknown status {status}")
        if r.get("register") not in REGISTERS:
            bad(f"unknown register {r.get('register')}")
        if not isinstance(facts, list):
            bad("key_facts is not a list")
            facts = []
        if not turns or not all(isinstance(t, str) and t.strip() for t in turns):
            bad("empty turns")
        if kind == "follow_up" and len(turns) != 2:
            bad("follow_up needs exactly 2 turns")
        if kind != "follow_up" and len(turns) != 1:
            bad("only follow_up cases have several turns")
        for tag in r.get("tags", []):
            if tag not in TAGS:
                bad(f"unknown tag {tag}")
        per_kind[kind] += 1
        per_register[r.get("register")] += 1

        if kind == "out_of_scope":
            if doc != "" or art != "" or status != "not_found" or facts or r.get("held_out"):
                bad("out_of_scope needs doc '', gold_article '', not_found, no key facts, held_out false")
            terms = r.get("absent_terms") or []
            if not terms:
                bad("out_of_scope case lists no absent_terms")
            if terms and not any(t in "".join(turns) for t in terms):
                bad("the question contains none of its absent_terms")
            for t in terms:
                for text in all_texts:
                    if t in text:
                        bad(f"absent term {t!r} occurs in a document or the shipped corpus")
                        break
        else:
            if doc not in docs:
                bad(f"unknown doc {doc!r}")
                continue
            per_doc[doc] += 1
            if r.get("held_out") != meta[doc]["held_out"]:
                bad("held_out differs from sources.json")
            held_cases += bool(r.get("held_out"))
            if art not in articles[doc]:
                bad(f"{art!r} is not an article label of {doc}")
                continue
            if kind == "not_specified":
                if status != "not_specified" or facts:
                    bad("not_specified needs status not_specified and no key facts")
            else:
                if status != "answered":
                    bad("expected_status should be answered")
                if not facts:
                    bad("answered case without key facts")
            body = articles[doc][art]
            for f in facts:
                if not (4 <= len(f) <= 30):
                    bad(f"key fact {f!r} is {len(f)} chars (want 4-30)")
                if f not in docs[doc]:
                    bad(f"key fact {f!r} not in {doc}")
                elif f not in body:
                    bad(f"key fact {f!r} not in {doc} {art}")
            for alt in r.get("also_gold", []):
                if alt.get("doc") not in articles or alt.get("article") not in articles[alt.get("doc")]:
                    bad(f"also_gold {alt} does not exist")
            tags = r.get("tags", [])
            if "names_law" in tags:
                if not any(n in "".join(turns) for n in LAW_NAMES.get(doc, [])):
                    bad("tagged names_law but the question does not name the document")
                per_tag["names_law"] += 1
            if "cn_numeral" in tags:
                if not any(CN_DIGITS & set(f) for f in facts):
                    bad("tagged cn_numeral but no key fact holds a Chinese numeral")
                per_tag["cn_numeral"] += 1
            if "typo" in tags:
                per_tag["typo"] += 1

        # the question must be our own words: no long run copied from any document
        for turn in turns:
            q = turn
            for t in sorted(titles, key=len, reverse=True):
                q = q.replace(t, "§")
            q = re.sub(r"[《》“”\"'？?，,。！!、\s]", "§", q)
            for i in range(len(q) - COPY_RUN + 1):
                window = q[i:i + COPY_RUN]
                if "§" in window:
                    continue
                if any(window in text for text in all_texts):
                    bad(f"question copies document text: {window!r}")
                    break

    # spread requirements
    if len(rows) < 170:
        errors.append(f"only {len(rows)} cases (want >= 170)")
    for d in docs:
        if per_doc[d] < 20:
            errors.append(f"{d}: only {per_doc[d]} cases (want >= 20)")
    for k in KINDS:
        if per_kind[k] < 10:
            errors.append(f"kind {k}: only {per_kind[k]} cases (want >= 10)")
    for tag, want in (("names_law", 15), ("cn_numeral", 15)):
        if per_tag[tag] < want:
            errors.append(f"{tag}: only {per_tag[tag]} cases (want >= {want})")
    for k, want in (("not_specified", 12), ("out_of_scope", 12), ("follow_up", 10)):
        if per_kind[k] < want:
            errors.append(f"{k}: only {per_kind[k]} cases (want >= {want})")

    print(f"{len(rows)} cases; {held_cases} on held-out documents")
    print("per document:")
    for d in docs:
        flag = " (held out)" if meta[d]["held_out"] else ""
        print(f"  {per_doc[d]:3d}  {d}  [{meta[d]['kind']}]{flag}")
    print(f"  {per_kind['out_of_scope']:3d}  (out of scope, no document)")
    print("per kind:     " + ", ".join(f"{k} {per_kind[k]}" for k in sorted(KINDS)))
    print("per register: " + ", ".join(f"{k} {v}" for k, v in sorted(per_register.items())))
    print("tags:         " + ", ".join(f"{k} {per_tag[k]}" for k in sorted(TAGS)))
    if errors:
        print(f"\n{len(errors)} violation(s):")
        for e in errors:
            print("  " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
