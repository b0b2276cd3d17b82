"""Build evals/external/gold.jsonl from the STARD records in stard_source.jsonl.

The questions and their gold articles are STARD's (oneal2000/STARD, data/queries.json,
MIT): nothing here writes or edits a question. The only decisions are the selection rule
and the mapping of STARD's statute names to the documents of this suite's corpus:

* a record is kept when at least one of its gold articles lies in a document of the
  corpus (LAWS below); its other gold articles (民法典, 公司法 …) are kept in
  ``gold_outside`` for the record, and never count;
* the first in-corpus gold article (STARD's order) is ``doc``/``gold_article``, the
  others are ``also_gold``; top-1 is right when the first citation is any of them.

Run ``python evals/external/build_gold.py`` (``--check`` only verifies that gold.jsonl is
what the source gives). Every gold article must be a 第X条 line of its document's text.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCE = HERE / "stard_source.jsonl"
GOLD = HERE / "gold.jsonl"

# STARD statute name → (doc id, folder holding the text). Longest names are matched first.
LAWS = {
    "劳动合同法实施条例": ("laodong-hetong-fa-shishi-tiaoli", "evals/multidoc/docs"),
    "劳动合同法": ("laodong-hetong-fa", "evals/multidoc/docs"),
    "劳动法": ("laodong-fa", "evals/external/docs"),
    "社会保险法": ("shehui-baoxian-fa", "evals/external/docs"),
    "职工带薪年休假条例": ("zhigong-nianxiujia-tiaoli", "evals/multidoc/docs"),
    "企业职工带薪年休假实施办法": ("qiye-zhigong-nianxiujia-shishi-banfa", "evals/multidoc/docs"),
    "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）": ("laodong-zhengyi-jieshi-yi", "evals/external/docs"),
}
_NAME = re.compile(r"^(?P<law>.+?)(?P<article>第[一二三四五六七八九十百千零〇]+条)$")


def split_name(name: str) -> tuple[str | None, str]:
    """("laodong-hetong-fa", "第七条") for "劳动合同法第七条"; doc None outside the corpus."""
    match = _NAME.match(name)
    if not match:
        raise ValueError(f"not a statute article name: {name}")
    law = match["law"]
    if law.startswith("中华人民共和国"):
        law = law[len("中华人民共和国"):]
    entry = LAWS.get(law)
    return (entry[0] if entry else None), match["article"]


def articles_of(doc_id: str) -> set[str]:
    folder = next(folder for d, folder in LAWS.values() if d == doc_id)
    text = (ROOT / folder / f"{doc_id}.md").read_text(encoding="utf-8")
    return set(re.findall(r"^(第[一二三四五六七八九十百千零〇]+条)", text, flags=re.M))


def build() -> tuple[list[dict], list[dict]]:
    kept, dropped = [], []
    known = {doc: articles_of(doc) for doc, _ in LAWS.values()}
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        inside, outside = [], []
        for name in record["match_name"]:
            doc, article = split_name(name)
            if doc is None:
                outside.append(name)
                continue
            if article not in known[doc]:
                raise ValueError(f"STARD {record['query_id']}: {name} is not an article of {doc}")
            inside.append({"doc": doc, "article": article})
        if not inside:
            dropped.append({"query_id": record["query_id"], "gold_outside": outside})
            continue
        kept.append({
            "id": f"stard-{record['query_id']}",
            "doc": inside[0]["doc"],
            "gold_article": inside[0]["article"],
            "also_gold": inside[1:],
            "turns": [record["问题"].strip()],
            "expected_status": "answered",
            "key_facts": [],
            "gold_outside": outside,
            "source": {"dataset": "STARD", "query_id": record["query_id"]},
        })
    return kept, dropped


def main() -> int:
    kept, dropped = build()
    text = "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in kept)
    if "--check" in sys.argv:
        if GOLD.read_text(encoding="utf-8") != text:
            print("gold.jsonl differs from what stard_source.jsonl gives: run build_gold.py")
            return 1
        print(f"OK: {len(kept)} cases")
        return 0
    GOLD.write_text(text, encoding="utf-8")
    print(f"{len(kept)} cases kept, {len(dropped)} dropped (no gold article in the corpus): "
          + ", ".join(str(d["query_id"]) for d in dropped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
