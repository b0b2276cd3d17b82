"""Evaluation on gold sets: article top-1 and recall, key-fact coverage, refusal
accuracy, unspecified-figure flagging (and false "not specified"), verbatim-quote rate,
invented figures and latency, overall and per category. ``policy-assistant eval`` runs
every suite in :data:`SUITES`:

* ``seed`` — evals/gold.jsonl on the shipped corpus (written for the seed document);
* ``multidoc`` — evals/multidoc/gold.jsonl on the shipped corpus plus seven real public
  laws and regulations and a company 实施细则 (evals/multidoc/docs), three of them held
  out from any tuning; a case names its document, and top-1 means document and article;
* ``documents`` — evals/documents/gold.jsonl: which text applies (named, level/region, version);
* ``external`` — evals/external/gold.jsonl: lay questions from a public dataset (STARD) with
  its gold statute articles, held out from all tuning, asked against the multidoc documents
  plus the laws their gold articles cite; reported side by side with BM25-only and
  dense-only retrieval on the same index (:mod:`assistant.baselines`)."""
from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .direct import OTHER_RULE, unexplained
from .figures import asked_kind, figures, in_arabic, quote_has
from .query import kind_of
from .models import ANSWERED, NOT_FOUND, NOT_SPECIFIED, Answer

# Floors the CI gate enforces (issue 2 and 3 targets); see evals/README.md.
GATES = {
    "rule_examples_correct": 1.00,
    "article_top1": 0.95,
    "article_top1.everyday": 0.90,
    "key_facts": 0.95,
    "refusal_accuracy": 1.00,
    "unspecified_flagged": 0.95,
    "verbatim_quotes": 1.00,
    "direct_verbatim": 1.00,  # the direct answer: the text's words, labels and the closed connective set only
    "followup_top1": 0.90,
    "eligibility_correct": 1.00,
    "invented_figures": 0.0,  # a ceiling: answers with a figure in no cited quote
    "false_not_specified": 0.0,  # a ceiling: "文件没有规定…" said of a rule the text states
}
# Gates for the multi-document set. The hard invariants (verbatim quotes, no invented
# figure) and issue 12's targets (held-out documents ≥ 0.85, false "not specified" 0) are gated
# at their targets, top-1 one case under its 0.90 (a held-out follow-up case, md-083, was seen to
# flip once in twelve runs); the others are floors just under where the system stands today on
# documents nobody tuned for, so CI catches a regression.
MULTIDOC_GATES = {
    "rule_examples_correct": 1.00,
    "verbatim_quotes": 1.00,
    "direct_verbatim": 1.00,
    "invented_figures": 0.0,
    "article_top1": 0.90,  # issue 12's target (met: 0.904)
    "article_top1.held_out": 0.85,  # issue 12's target, met
    "key_facts_direct": 0.83,
    "refusal_accuracy": 0.70,
    "unspecified_flagged": 0.80,
    "false_not_specified": 0.0,  # issue 12's target, met: a ceiling like the seed's
}
# Gates for the documents set (issue 14: which text applies), at the targets: named
# documents ≥ 0.95, region/level ≥ 0.90, no superseded or wrong-scope text ever cited first, an
# old version always flagged when it is what was asked about, every basis line names its document.
DOCUMENTS_GATES = {
    "verbatim_quotes": 1.00,
    "direct_verbatim": 1.00,
    "invented_figures": 0.0,
    "basis_names_document": 1.00,
    "article_top1.named": 0.95,
    "article_top1.version": 0.90,
    "article_top1.level_region": 0.90,
    "cited_first_wrongly": 0.0,
    "old_version_flagged": 1.00,
    "conflicts_shown": 0.80,
    "conflicts_unfounded": 0.0,
    "false_not_specified": 0.0,
}
# Gates for the external set (issue 12: lay questions nobody tuned for). Floors that catch a
# regression, not targets: the assistant's answers never below BM25 alone on the same
# index, top-1 not below where it stands today, and the hard invariants at their targets.
EXTERNAL_GATES = {
    "verbatim_quotes": 1.00,
    "invented_figures": 0.0,
    "top1_over_bm25": 0.0,
    "article_top1": 0.19,  # 0.220 (18 of 82) at the first run: two cases of slack
}
CEILINGS = frozenset({"invented_figures", "false_not_specified", "false_refusals", "cited_first_wrongly",
                      "conflicts_unfounded"})  # gated from above


@dataclass
class CaseResult:
    case: dict
    answer: Answer
    top1: bool | None = None
    recall: bool | None = None
    facts: float | None = None
    verbatim: bool = True
    invented: list[str] = field(default_factory=list)
    direct: float | None = None  # key facts in the direct answer (the text before 依据)
    direct_verbatim: bool | None = None  # the direct answer is the text's words, labels and connectives only
    cut: bool | None = None  # the direct answer cuts a sentence ("……")
    kind: str = ""  # what the last turn asks for (assistant.query: when / who / a figure kind …)

    @property
    def category(self) -> str:
        return self.case.get("category") or self.case.get("kind") or self.case.get("point", "")


def load_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _fact_form(text: str) -> str:
    """How a key fact and an answer are compared: no whitespace, numbers in Arabic digits
    (the law's 提前三日 and its regulation's 提前3日 state one fact)."""
    return in_arabic(_squash(text))


def invented_figures(answer: Answer) -> list[str]:
    """Figures in the answer text (Arabic or Chinese numerals, outside the [n] markers and
    article names) that no cited quote holds, as written or by value."""
    quotes = " ".join(c.quote for c in answer.citations)
    text = re.sub(r"\[\d+\]", "", _squash(answer.answer))
    return [f for f in figures(text) if not quote_has(quotes, f)]


def direct_answer(text: str) -> str:
    """The direct answer: the reply up to its basis list (依据：)."""
    return text.split("依据：", 1)[0]


def gold_places(case: dict) -> set[tuple[str | None, str]]:
    """(document, article) pairs that answer a case; document None when the case names
    none (the single-document seed set)."""
    places = {(case.get("doc") or None, case["gold_article"])}
    places.update((g.get("doc") or None, g["article"]) for g in case.get("also_gold", ()))
    return places


def score_case(case: dict, answer: Answer, documents: dict) -> CaseResult:
    result = CaseResult(case, answer)
    gold = case.get("gold_article")
    if gold and case["expected_status"] != NOT_FOUND:
        places = gold_places(case)
        by_document = any(doc is not None for doc, _ in places)
        cited = [(c.doc_id if by_document else None, c.article) for c in answer.citations]
        result.top1 = bool(cited) and cited[0] in places
        result.recall = any(c in places for c in cited)
    if case.get("key_facts"):
        text = _fact_form(answer.answer)
        result.facts = sum(_fact_form(f) in text for f in case["key_facts"]) / len(case["key_facts"])
        direct = _fact_form(direct_answer(answer.answer))  # what an employee reads before the basis list
        result.direct = sum(_fact_form(f) in direct for f in case["key_facts"]) / len(case["key_facts"])
    if answer.status in (ANSWERED, NOT_SPECIFIED) and answer.citations and "逐项条件" not in answer.answer:
        direct = direct_answer(answer.answer)
        result.direct_verbatim = not unexplained(direct, [c.quote for c in answer.citations], _labels(direct, answer))
        result.cut = "……" in direct
    last = case["turns"][-1] if case.get("turns") else ""
    result.kind = asked_kind(last) or kind_of(last) or "other"
    result.verbatim = all(c.quote and c.quote in documents[c.doc_id].text for c in answer.citations)
    result.invented = invented_figures(answer)
    return result


_DOCUMENT_LABEL = re.compile(r"《[^《》]*(《[^《》]*》[^《》]*)?》(（[^（）]*(废止|替代|失效)[^（）]*）)?")


def _labels(direct: str, answer: Answer) -> list[str]:
    """What names a source in a direct answer: document labels (with their status), the
    cited articles' names and headings."""
    from .answering import article_name

    labels = [m.group(0) for m in _DOCUMENT_LABEL.finditer(direct)]
    for c in answer.citations:
        labels.append(article_name(c))
        labels += [x for x in (getattr(c, "doc_region", ""), getattr(c, "doc_level", "")) if x]  # "（北京市）"
        if c.heading:
            labels.append(f"（{c.heading}）")
    return labels


def _flagged(text: str) -> bool:
    return bool(re.search(r"已被.{0,40}替代|已废止|旧版", text))


_DIFFERS = OTHER_RULE.split("{span}")[0].split("）")[-1]  # "的规定不同："


def _claims_conflict(answer: str) -> bool:
    """Whether an answer says another text's rule differs (assistant/conflicts.py)."""
    return _DIFFERS in answer


def _basis_names_documents(text: str) -> bool:
    lines = [line for line in text.split("\n") if re.match(r"^\[\d+\]", line)]
    return bool(lines) and all("《" in line for line in lines)


def _rate(values: list[bool | float | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def summarise(results: list[CaseResult]) -> dict:
    oos = [r for r in results if r.case["expected_status"] == NOT_FOUND]
    in_scope = [r for r in results if r.case["expected_status"] != NOT_FOUND]
    unspecified = [r for r in results if r.case["expected_status"] == NOT_SPECIFIED]
    latencies = sorted(r.answer.latency_ms for r in results)
    summary = {
        "cases": len(results),
        "article_top1": _rate([r.top1 for r in results]),
        "article_recall": _rate([r.recall for r in results]),
        "key_facts": _rate([r.facts for r in results]),
        "key_facts_direct": _rate([r.direct for r in results]),
        "direct_verbatim": _rate([r.direct_verbatim for r in results]),
        "direct_cut": _rate([r.cut for r in results]),
        "refusal_accuracy": _rate([r.answer.status == NOT_FOUND and not r.answer.citations for r in oos]),
        "false_refusals": _rate([r.answer.status == NOT_FOUND for r in in_scope]),
        "unspecified_flagged": _rate([r.answer.status == NOT_SPECIFIED for r in unspecified]),
        # "文件没有规定…" said of a rule the text does state: as serious as an invented figure
        "false_not_specified": _rate([r.answer.status == NOT_SPECIFIED for r in results
                                      if r.case["expected_status"] == ANSWERED]),
        "status_accuracy": _rate([r.answer.status == r.case["expected_status"] for r in results]),
        "verbatim_quotes": _rate([r.verbatim for r in results]),
        "invented_figures": _rate([bool(r.invented) for r in results]),
        "latency_p50_ms": statistics.median(latencies) if latencies else None,
        "latency_p95_ms": latencies[int(0.95 * (len(latencies) - 1))] if latencies else None,
        "by_category": {},
    }
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        groups[r.category].append(r)
    for name, group in sorted(groups.items()):
        summary["by_category"][name] = {
            "cases": len(group),
            "article_top1": _rate([r.top1 for r in group]),
            "key_facts": _rate([r.facts for r in group]),
            "key_facts_direct": _rate([r.direct for r in group]),
            "status_accuracy": _rate([r.answer.status == r.case["expected_status"] for r in group]),
        }
    kinds: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        if r.direct is not None:
            kinds[r.kind].append(r)
    summary["by_kind"] = {name: {"cases": len(group), "key_facts_direct": _rate([r.direct for r in group])}
                          for name, group in sorted(kinds.items())}
    summary["followup_top1"] = (summary["by_category"].get("followup") or summary["by_category"].get("follow_up")
                                or {}).get("article_top1")
    summary["article_top1.everyday"] = summary["by_category"].get("everyday", {}).get("article_top1")
    # which text applies (evals/documents): superseded or wrong-scope texts never cited first,
    # an old version flagged when it is what was asked about, every basis line names its document
    if any("not_first" in r.case or "expect_flag" in r.case for r in results):
        summary["cited_first_wrongly"] = _rate([bool(r.answer.citations) and r.answer.citations[0].doc_id
                                                in r.case.get("not_first", ()) for r in results if "not_first" in r.case])
        summary["old_version_flagged"] = _rate([_flagged(r.answer.answer) for r in results if r.case.get("expect_flag")])
        # a national and a local text both answer with different rules: both shown (issue 14, point 5)
        summary["conflicts_shown"] = _rate([all(any(c.doc_id == other["doc"] for c in r.answer.citations)
                                                for other in r.case["conflict_with"])
                                            for r in results if r.case.get("conflict_with")])
        # and a difference is never claimed where the gold set knows of none
        summary["conflicts_unfounded"] = _rate([_claims_conflict(r.answer.answer) for r in results
                                                if not r.case.get("conflict_with")])
        summary["basis_names_document"] = _rate([_basis_names_documents(r.answer.answer)
                                                 for r in results if r.answer.citations])
        for point in ("named", "level_region", "version", "unnamed", "metadata"):
            group = [r for r in results if r.case.get("point") == point]
            if group:
                summary[f"article_top1.{point}"] = _rate([r.top1 for r in group])
    held_out = [r for r in results if r.case.get("held_out")]
    if held_out:
        fitted = [r for r in results if r.case.get("doc") and not r.case.get("held_out")]
        for name, group in (("held_out", held_out), ("fitted", fitted)):
            summary[f"article_top1.{name}"] = _rate([r.top1 for r in group])
            summary[f"key_facts.{name}"] = _rate([r.facts for r in group])
            summary[f"cases.{name}"] = len(group)
    return summary


def gate_failures(summary: dict, gates: dict | None = None) -> list[str]:
    failures = []
    for key, floor in (GATES if gates is None else gates).items():
        value = summary.get(key)
        if value is None:
            continue
        if key in CEILINGS:
            if value > floor:
                failures.append(f"{key} = {value:.3f} > {floor}")
        elif value < floor:
            failures.append(f"{key} = {value:.3f} < {floor}")
    return failures


def check_verdict(bot, case: dict) -> tuple[bool, str]:
    """One eligibility case: by form (``facts``) or by chat (``turns``)."""
    if "facts" in case:
        verdict = bot.rules.check(case["rule"], case["facts"])
        outcome, conditions, status = verdict.outcome, {c.id: c.status for c in verdict.conditions}, None
    else:
        answer = bot.chat(case["turns"])
        outcome = answer.rule.outcome if answer.rule else None
        conditions, status = answer.rule.conditions if answer.rule else {}, answer.status
    ok = outcome == case["expected_outcome"]
    ok &= all(conditions.get(k) == v for k, v in case.get("expected_conditions", {}).items())
    if "expected_status" in case:
        ok &= status == case["expected_status"]
    return ok, f"{outcome}/{status} {conditions}"


def run(bot, gold_path: Path, eligibility_path: Path | None = None,
        entitlements_path: Path | None = None) -> tuple[list[CaseResult], dict]:
    """The gold cases, then the eligibility cases, every loaded rule's own example cases
    and (with ``entitlements_path``) the quality of the rule suggestions."""
    bot.ensure_index()
    results = [score_case(case, bot.chat(case["turns"], as_of=case.get("as_of")), bot.index.documents)
               for case in load_gold(gold_path)]
    summary = summarise(results)
    if eligibility_path and Path(eligibility_path).exists():
        cases = load_gold(eligibility_path)
        checked = [(case, *check_verdict(bot, case)) for case in cases]
        summary["eligibility_correct"] = sum(ok for _, ok, _ in checked) / len(checked)
        summary["eligibility_misses"] = [f"{c['id']}: got {got}" for c, ok, got in checked if not ok]
        summary["eligibility_cases"] = len(checked)
    from .rulebook import run_examples

    examples = run_examples(bot.rules) if hasattr(bot, "rules") else []
    if examples:
        summary["rule_examples_correct"] = sum(e.ok for e in examples) / len(examples)
        summary["rule_examples"] = len(examples)
        summary["rule_examples_rules"] = len({e.rule_id for e in examples})
        summary["rule_example_misses"] = [f"{e.rule_id}#{e.number}: expected {e.expected}, got {e.got}"
                                          for e in examples if not e.ok]
    if entitlements_path and Path(entitlements_path).exists():
        from .suggestion_eval import measure

        summary.update(measure(entitlements_path, bot.index.snapshot.clauses))
    return results, summary


@dataclass(frozen=True)
class Suite:
    """A gold set and the corpus it is asked against: the assistant's own corpus plus
    ``extra_docs`` (folders of more documents), indexed in its own folder. ``baselines``:
    also score BM25-only and dense-only retrieval on that index (assistant.baselines).
    ``held_out``: a set nobody may tune on; its report gives the metrics, not the misses."""

    name: str
    gold: Path
    report: Path
    gates: dict
    extra_docs: tuple[Path, ...] = ()
    eligibility: Path | None = None
    baselines: bool = False
    held_out: bool = False
    entitlements: Path | None = None  # labelled entitlement sentences: measures the rule suggestions


def suites(root: Path) -> dict[str, Suite]:
    return {
        "seed": Suite("seed", root / "evals/gold.jsonl", root / "evals/report.md", GATES,
                      eligibility=root / "evals/eligibility.jsonl"),
        "multidoc": Suite("multidoc", root / "evals/multidoc/gold.jsonl", root / "evals/multidoc/report.md",
                          MULTIDOC_GATES, extra_docs=(root / "evals/multidoc/docs",),
                          entitlements=root / "evals/multidoc/entitlements.jsonl"),
        "documents": Suite("documents", root / "evals/documents/gold.jsonl", root / "evals/documents/report.md",
                           DOCUMENTS_GATES, extra_docs=(root / "evals/documents/docs",)),
        "external": Suite("external", root / "evals/external/gold.jsonl", root / "evals/external/report.md",
                          EXTERNAL_GATES, extra_docs=(root / "evals/multidoc/docs", root / "evals/external/docs"),
                          baselines=True, held_out=True),
    }


def sync_folder(sources: list[Path], folder: Path) -> None:
    """Make ``folder`` hold exactly copies of ``sources`` (by name), touching only what
    differs: a file with the same bytes is left alone, a changed one is replaced atomically,
    one no source names is removed. Another process asking the same suite at the same time
    (a test run beside an eval) never sees the folder empty or a file half written."""
    import os
    import shutil
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    wanted = {path.name: path for path in sources}
    for name, path in wanted.items():
        target = folder / name
        if target.is_file() and target.read_bytes() == path.read_bytes():
            continue
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".sync-")
        os.close(handle)
        shutil.copy2(path, temporary)
        os.replace(temporary, target)
    for stale in folder.iterdir():
        if stale.name not in wanted and stale.is_file() and not stale.name.startswith(".sync-"):
            stale.unlink(missing_ok=True)


def suite_assistant(bot, suite: Suite):
    """The assistant to ask ``suite`` with: ``bot`` itself, or, for a suite with extra
    documents, an assistant on the corpus plus those documents (same embedder and
    settings otherwise), its index in ``<index_dir>/eval-<suite>`` (kept between runs)."""
    if not suite.extra_docs:
        return bot
    from dataclasses import replace

    from .core import PolicyAssistant
    from .ingest import SUPPORTED

    corpus = Path(bot.settings.index_dir) / f"eval-{suite.name}-corpus"
    sources = [path for source in (Path(bot.settings.corpus_dir), *map(Path, suite.extra_docs))
               for path in sorted(source.iterdir())
               if path.is_file() and (path.suffix.lower() in SUPPORTED or path.name.endswith((".meta.json", ".yaml")))]
    sync_folder(sources, corpus)
    settings = replace(bot.settings, corpus_dir=corpus, index_dir=Path(bot.settings.index_dir) / f"eval-{suite.name}")
    return PolicyAssistant(settings, embedder=bot.embedder)


def _fmt(value) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


SYSTEM_NAMES = {
    "answer": "政策助手 — the answer (first citation; recall among its citations)",
    "hybrid": "政策助手 — its retriever (lexicon, BM25 + dense, boosts)",
    "bm25": "BM25 only (plain jieba, no lexicon)",
    "dense": "dense only (same embedder and vectors)",
}


def _systems_table(systems: list[dict]) -> list[str]:
    """The side-by-side table of a suite with baselines (assistant.baselines)."""
    lines = ["", "## Side by side (same documents, clauses and vectors)", "",
             "| system | article top-1 | recall@5 |", "|---|---|---|"]
    for s in systems:
        lines.append(f"| {SYSTEM_NAMES.get(s['name'], s['name'])} | {_fmt(s['top1'])} | {_fmt(s['recall'])} |")
    return lines


def report_markdown(summary: dict, results: list[CaseResult], embedder_id: str, gold: str = "evals/gold.jsonl",
                    gates: dict | None = None, title: str = "评测报告 (eval report)",
                    list_misses: bool = True) -> str:
    gates = GATES if gates is None else gates
    lines = [
        f"# {title}",
        "",
        f"Gold set: `{gold}`, {summary['cases']} cases · embedder `{embedder_id}` · "
        "command: `policy-assistant eval`",
        "",
        "| metric | value | gate |",
        "|---|---|---|",
    ]
    for key in ("article_top1", "article_top1.fitted", "article_top1.held_out", "article_top1.everyday",
                "article_recall", "key_facts", "key_facts_direct", "direct_verbatim", "direct_cut", "key_facts.fitted", "key_facts.held_out", "refusal_accuracy",
                "false_refusals", "unspecified_flagged", "false_not_specified", "followup_top1", "status_accuracy",
                "verbatim_quotes", "invented_figures", "eligibility_correct", "article_top1.named",
                "article_top1.level_region", "article_top1.version", "article_top1.unnamed", "article_top1.metadata",
                "cited_first_wrongly", "old_version_flagged", "conflicts_shown", "conflicts_unfounded", "basis_names_document", "top1_over_bm25",
                "latency_p50_ms", "latency_p95_ms", "suite_seconds"):
        if key not in summary:
            continue
        gate = gates.get(key)
        gate_text = "" if gate is None else (f"≤ {gate}" if key in CEILINGS else f"≥ {gate}")
        lines.append(f"| {key} | {_fmt(summary.get(key))} | {gate_text} |")
    if summary.get("systems"):
        lines += _systems_table(summary["systems"])
    lines += ["", "## By category", "", "| category | cases | top-1 | key facts | in the direct answer | status accuracy |",
              "|---|---|---|---|---|---|"]
    for name, row in summary["by_category"].items():
        lines.append(f"| {name} | {row['cases']} | {_fmt(row['article_top1'])} | {_fmt(row['key_facts'])} | "
                     f"{_fmt(row.get('key_facts_direct'))} | {_fmt(row['status_accuracy'])} |")
    if summary.get("by_kind"):
        lines += ["", "## Key facts in the direct answer, by what the question asks", "", "| asks for | cases | in the direct answer |",
                  "|---|---|---|"]
        lines += [f"| {name} | {row['cases']} | {_fmt(row['key_facts_direct'])} |" for name, row in summary["by_kind"].items()]
    if summary.get("eligibility_cases"):
        lines += ["", f"Eligibility verdicts (`evals/eligibility.jsonl`, {summary['eligibility_cases']} cases, each rule's "
                  "met/unmet/unknown by form and by chat): "
                  f"{_fmt(summary['eligibility_correct'])} correct"]
        lines += [f"- miss {m}" for m in summary.get("eligibility_misses", [])]
    if summary.get("rule_examples"):
        lines += ["", f"Rule examples (each rule's own cases, facts → verdict; {summary['rule_examples']} cases of "
                  f"{summary['rule_examples_rules']} rules): {_fmt(summary['rule_examples_correct'])} correct"]
        lines += [f"- miss {m}" for m in summary.get("rule_example_misses", [])]
    if summary.get("suggest_labelled"):
        lines += ["", f"Rule suggestions (`rules suggest` on {summary['suggest_labelled']} hand-labelled entitlement "
                  "sentences): sentences found " + _fmt(summary["suggest_sentence_recall"])
                  + ", suggested conditions HR would keep " + _fmt(summary["suggest_condition_keep"])
                  + ", labelled conditions covered " + _fmt(summary["suggest_condition_recall"])
                  + ", suggestions that are labelled entitlements " + _fmt(summary["suggest_sentence_precision"])]
        lines += [f"- not found: {m}" for m in summary.get("suggest_missed", [])]
    misses = [r for r in results if r.top1 is False or r.answer.status != r.case["expected_status"] or (r.facts or 1) < 1]
    lines += ["", f"## Misses ({len(misses)})", ""]
    if not list_misses:  # a held-out set: its misses are not shown, so nobody tunes on them
        return "\n".join(lines + ["Not listed: this set is held out (never tune on its questions)."]) + "\n"
    for r in misses:
        first = r.answer.citations[0] if r.answer.citations else None
        named = bool(r.case.get("doc"))
        got = "-" if first is None else (f"{first.doc_id}:{first.article}" if named else first.article)
        want = f"{r.case['doc']}:{r.case.get('gold_article')}" if named else r.case.get("gold_article")
        held = " (held out)" if r.case.get("held_out") else ""
        lines.append(f"- `{r.case['id']}`{held} {' / '.join(r.case['turns'])} — expected {want}/"
                     f"{r.case['expected_status']}, got {got}/{r.answer.status}")
    return "\n".join(lines) + "\n"
