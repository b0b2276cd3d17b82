"""How good the rule suggestions are, on a hand-labelled list of the entitlement
sentences of a document set (``evals/multidoc/entitlements.jsonl``): each line names a
document, an article, a phrase of the granting sentence (``grant``) and the phrases of
the conditions HR would keep (``conditions``).

- sentence recall: labelled entitlements for which a suggestion quotes the same sentence;
- condition keep rate: of the conditions suggested for those sentences, the share that
  is one HR would keep (the suggested quote and a labelled condition overlap);
- condition recall: labelled conditions that a suggested condition covers;
- sentence precision: suggestions that are labelled entitlements."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .suggest import Suggestion, suggest


@dataclass(frozen=True)
class SuggestionScore:
    labelled: int
    found: int
    suggestions: int
    suggestions_labelled: int
    conditions_suggested: int
    conditions_kept: int
    conditions_labelled: int
    conditions_covered: int
    missed: tuple[str, ...]

    def summary(self) -> dict:
        def share(a: int, b: int) -> float | None:
            return a / b if b else None

        return {"suggest_sentence_recall": share(self.found, self.labelled),
                "suggest_sentence_precision": share(self.suggestions_labelled, self.suggestions),
                "suggest_condition_keep": share(self.conditions_kept, self.conditions_suggested),
                "suggest_condition_recall": share(self.conditions_covered, self.conditions_labelled),
                "suggest_labelled": self.labelled, "suggest_missed": list(self.missed)}


def _overlap(a: str, b: str) -> bool:
    return a in b or b in a


def _matches(s: Suggestion, label: dict) -> bool:
    return s.doc_id == label["doc"] and s.article == label["article"] and label["grant"] in s.sentence


def score(suggestions: list[Suggestion], labels: list[dict]) -> SuggestionScore:
    found = kept = suggested = labelled_conditions = covered = 0
    missed = []
    for label in labels:
        hits = [s for s in suggestions if _matches(s, label)]
        labelled_conditions += len(label["conditions"])
        if not hits:
            missed.append(f"{label['doc']} {label['article']} {label['grant']}")
            continue
        found += 1
        conditions = [c for s in hits for c in s.conditions]
        suggested += len(conditions)
        kept += sum(any(_overlap(want, c.quote) for want in label["conditions"]) for c in conditions)
        covered += sum(any(_overlap(want, c.quote) for c in conditions) for want in label["conditions"])
    on_label = sum(any(_matches(s, label) for label in labels) for s in suggestions)
    return SuggestionScore(len(labels), found, len(suggestions), on_label, suggested, kept, labelled_conditions, covered,
                           tuple(missed))


def measure(labels_path: Path, clauses) -> dict:
    """The suggestion metrics of ``clauses`` (every document the labels name) against the labels."""
    labels = [json.loads(line) for line in Path(labels_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = {label["doc"] for label in labels}
    return score(suggest([c for c in clauses if c.doc_id in docs]), labels).summary()
