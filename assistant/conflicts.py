"""Conflicting texts (issue 14, point 5): when loaded documents of different scope (a
national law and a local regulation, or the rules of two levels) give different figures
for what a question asks, the answer shows both, each labelled with where it applies,
instead of silently picking one.

Two texts conflict for a question when both are in force, apply to different scopes
(level or region, from their :class:`~assistant.documents.DocumentRecord`), and:

- the question asks for a figure: the other text has a rule that holds most of the
  question's words the lead rule holds and states a figure of the kind asked under the
  same condition (the same condition figures, then the most shared wording) — a different
  figure;
- the question asks no figure (能不能…, 要满足什么…): the rule the answer leads with holds
  figures, and the other text has a rule worded nearly alike (the same words once the
  figures are set aside) that sets none of the same figures ("不满三个月的，不得约定试用期" against "不满六个
  月的，不得设试用期").

Only the other text's best BM25 matches for the question are read (a few per text, from
the scores retrieval kept), never the whole text. A text of another region than the one
the question (or the lead text) is about is not shown: "在北京…" never gets a Shanghai
rule, and a question naming one document gets that document's answer."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .direct import OTHER_RULE, WHERE_APPLIES
from .documents import base_title, mentioned_scope
from .figures import ANSWERS, FIGURE, RULE_KINDS, deadline_relation, figure_value, find, normal, states, states_deadline
from .models import Citation, Clause, Hit
from .phrases import marked
from .query import FIGURE_WORDS, quote_gives
from .reader import sentence_of

if TYPE_CHECKING:
    from .documents import DocumentRecord
    from .index import Snapshot
    from .retrieval import Retrieval

MIN_TOPIC_SHARE = 0.5  # IDF-weighted share of the lead rule's question words the other rule must hold
MIN_CONDITION_WORDING = 0.05  # shared wording (character pairs) of the two rules' conditions, at least
MIN_RULE_LIKENESS = 0.6  # share of the shorter rule's wording (character pairs, figures set aside) the other holds
MIN_RULE_PAIRS = 6  # a rule shorter than this many character pairs is too short to compare
CANDIDATES_PER_TEXT = 30  # best BM25 matches of each other text read for a conflicting rule
MAX_OTHERS = 2


@dataclass(frozen=True)
class Conflict:
    """Another text's clause that states a different figure for what was asked."""

    clause: Clause
    record: "DocumentRecord"


def _values(text: str, kinds: set[str]) -> set:
    """The figures of ``kinds`` that ``text`` states, by value where one is known (二个月 = 2 months)."""
    return {figure_value(f.text) or normal(f.text) for f in find(text) if f.kind in kinds}


def _stated(text: str, asks: str, kinds: set[str], relation: str | None) -> set:
    """The values a rule sets for what was asked: of the segment stating the figure, or, for
    a deadline asked ("提前几天"), of the periods with that relation ("提前三十日", "七日前"), so
    that "额外支付一个月工资" is not read as a notice period."""
    if relation:
        return {figure_value(f.text) or normal(f.text) for f in find(text)
                if f.kind == "duration" and states_deadline(relation, text[max(0, f.start - 2):f.end + 2])}
    return _values(_split(text, asks)[0], kinds)


def _split(text: str, asks: str) -> tuple[str, str]:
    """(the segment stating the figure asked for, the rest: the condition it applies under).
    A rule states its condition first and its figure last: "满一年不满三年的，试用期不得超过三个月"."""
    segments = marked(text)
    stating = [i for i, seg in enumerate(segments) if states(asks, seg, bound_counts=False)]
    if not stating:
        return "", text
    last = stating[-1]
    return segments[last], "".join(seg for i, seg in enumerate(segments) if i != last)


def _stating_segments(text: str, asks: str) -> str:
    """The segments of ``text`` that state a figure of the asked kind as the rule (not as its
    condition: "满一年不满十年的，" is when the rule applies), joined."""
    return "".join(seg for seg in marked(text)
                   if states(asks, seg, bound_counts=False) and not seg.rstrip("，,；;。：:").endswith("的"))


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\u4e00-\u9fff\w]", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def shared_wording(a: str, b: str) -> float:
    """How much wording two texts share: the Jaccard share of their character pairs."""
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x | y else 0.0


def _likeness(lead: str, other: str, asks: str) -> tuple[float, float]:
    """How alike two rules' conditions are: (same condition figures, shared wording) — a
    conflict is the same condition with a different figure."""
    lead_rest, other_rest = _split(lead, asks)[1], _split(other, asks)[1]
    a, b = _values(lead_rest, RULE_KINDS), _values(other_rest, RULE_KINDS)
    same = len(a & b) / len(a | b) if a | b else 1.0
    return same, shared_wording(lead_rest, other_rest)


def _unfigured(text: str) -> str:
    """``text`` with its figures set aside: what a rule says, whatever numbers it sets."""
    return FIGURE.sub("", text)


def _other_texts(retrieval: "Retrieval", lead_record: "DocumentRecord", corpus: "Snapshot"):
    """The in-force texts of another scope that may apply where the lead text does, each with
    the positions of its best BM25 matches for the question."""
    records = corpus.records
    by_region = mentioned_scope(retrieval.query.text, records)[0]
    for doc_id, record in records.items():
        if (doc_id == lead_record.doc_id or not record.in_force or record.scope == lead_record.scope
                or base_title(record.title) == base_title(lead_record.title) or doc_id not in corpus.spans):
            continue
        if by_region and doc_id not in by_region and record.level != "国家":
            continue  # the question is about another region
        if record.level != "国家" and lead_record.level != "国家" and record.region != lead_record.region:
            continue  # local texts of two regions do not conflict: each applies in its own
        yield doc_id, record, retrieval.best_matches(corpus.spans[doc_id], CANDIDATES_PER_TEXT)


def find_conflicts(retrieval: "Retrieval", chosen: list[Hit], corpus: "Snapshot",
                   direct: list[Clause] | None = None) -> list[Conflict]:
    """The clauses of other in-force texts of another scope that state, for what the
    question asks and under the same condition, a different figure than the rule the answer
    leads with (``direct``, the reader's sentences, else the cited ``chosen``); when the
    question asks no figure, or no such figure is found, the rules worded alike that set
    other figures. At most :data:`MAX_OTHERS`, one per text."""
    query = retrieval.query
    if not chosen or retrieval.named:
        return []
    lead = chosen[0]
    lead_record = corpus.records.get(lead.clause.doc_id)
    if lead_record is None or not lead_record.in_force:
        return []
    leading = [c for c in [*(direct or []), *(h.clause for h in chosen)] if c.doc_id == lead.clause.doc_id]
    stating = next((c for c in leading if quote_gives(query.asks, c.text, query)), None) if query.asks else None
    if stating is None:
        return _rule_conflicts(retrieval, leading[0], lead_record, corpus)
    return _figure_conflicts(retrieval, stating, lead_record, corpus) or _rule_conflicts(
        retrieval, stating, lead_record, corpus)


def _figure_conflicts(retrieval: "Retrieval", stating: Clause, lead_record: "DocumentRecord",
                      corpus: "Snapshot") -> list[Conflict]:
    """The other texts' rules that set a different figure of the asked kind for the thing
    the lead's ``stating`` rule sets it for."""
    query = retrieval.query
    wanted = ANSWERS.get(query.asks, set())
    relation = deadline_relation(query.text) if query.asks == "duration" else None
    lead_values = _stated(stating.text, query.asks, wanted, relation)
    # the question's topic words the lead rule holds, read through the lexicon (年假 ↔ 年休假: a
    # rule on 年休假 shares more with the question than one that only shares 工作), weighed as
    # retrieval weighs them
    sentence = sentence_of(stating, corpus.article_clauses)
    topics = _topics(retrieval, sentence)
    if not topics or not lead_values:
        return []
    total = sum(w for w, _ in topics) or 1.0
    # what the figure is of: the topic words in the lead's segments that state it ("带薪年休假不得少于
    # 五天" → 年休假); another rule's figure must be of that too ("培训期不超过三十天" is not)
    subject = [forms for _, forms in topics if any(f in _stating_segments(sentence, query.asks) for f in forms)]
    found: list[Conflict] = []
    for _doc_id, record, positions in _other_texts(retrieval, lead_record, corpus):
        best, best_key = None, None
        for i in positions:
            clause = corpus.clauses[i]
            if not quote_gives(query.asks, clause.text, query):
                continue
            other = sentence_of(clause, corpus.article_clauses)
            if subject and not any(f in _stating_segments(other, query.asks) for forms in subject for f in forms):
                continue
            share = sum(w for w, forms in topics if any(f in other for f in forms)) / total
            if share < MIN_TOPIC_SHARE:
                continue
            rank = (*_likeness(stating.text, clause.text, query.asks), share)
            if rank[1] < MIN_CONDITION_WORDING:
                continue  # a rule on something else that happens to set the same kind of figure
            if best_key is None or rank > best_key:
                best, best_key = clause, rank
        if best is None:
            continue
        values = _stated(best.text, query.asks, wanted, relation)
        if values and not values <= lead_values:
            found.append(Conflict(best, record))
    return found[:MAX_OTHERS]


def _topics(retrieval: "Retrieval", sentence: str) -> list[tuple[float, tuple[str, ...]]]:
    """The question's weighted topic terms (with their lexicon forms) that ``sentence`` holds."""
    return [(w, forms) for w, forms in retrieval.weights
            if len(forms[0]) >= 2 and forms[0] not in FIGURE_WORDS and any(f in sentence for f in forms)]


def _rule_conflicts(retrieval: "Retrieval", lead: Clause, lead_record: "DocumentRecord",
                    corpus: "Snapshot") -> list[Conflict]:
    """For a question asking no figure: the other texts' rules worded nearly as the lead rule
    (:data:`MIN_RULE_LIKENESS` of the shorter one's words, figures set aside, and most of the
    question's words the lead holds) that set none of the lead rule's figures."""
    lead_values = _values(lead.text, RULE_KINDS)
    topics = _topics(retrieval, lead.text)
    if not lead_values or not topics:
        return []
    total = sum(w for w, _ in topics) or 1.0
    lead_words = _bigrams(_unfigured(lead.text))
    found: list[Conflict] = []
    for _doc_id, record, positions in _other_texts(retrieval, lead_record, corpus):
        best, best_key = None, None
        for i in positions:
            clause = corpus.clauses[i]
            values = _values(clause.text, RULE_KINDS)
            if not values:
                continue
            share = sum(w for w, forms in topics if any(f in clause.text for f in forms)) / total
            words = _bigrams(_unfigured(clause.text))
            shorter = min(len(lead_words), len(words))
            alike = len(lead_words & words) / shorter if shorter >= MIN_RULE_PAIRS else 0.0
            if share < MIN_TOPIC_SHARE or alike < MIN_RULE_LIKENESS:
                continue
            if best_key is None or (alike, share) > best_key:
                best, best_key = (clause, values), (alike, share)
        if best is not None and not best[1] & lead_values:  # the same rule, none of the same figures
            found.append(Conflict(best[0], record))
    return found[:MAX_OTHERS]


def widen(retrieval: "Retrieval", chosen: list[Hit], corpus: "Snapshot",
          first: str, basis: str, citations: list[Citation],
          direct: list[Clause] | None = None) -> tuple[str, str, list[Citation]]:
    """The direct answer, basis lines and citations with each conflicting text added: its
    rule quoted and labelled with where it applies, and a sentence saying which text
    applies where. Unchanged when no loaded text conflicts. ``direct``: the sentences the
    direct answer quotes, whose rule is compared first."""
    conflicts = find_conflicts(retrieval, chosen, corpus, direct)
    if not conflicts:
        return first, basis, citations
    from .answering import article_name, citation_of, document_label, key_span

    documents, records = corpus.documents, corpus.records
    lead_record = records[chosen[0].clause.doc_id]
    lead_label = document_label(lead_record.doc_id, documents, records)
    citations = list(citations)
    sentences, lines, others = [], [], []
    for conflict in conflicts:
        c = conflict.clause
        label = document_label(c.doc_id, documents, records)
        cited = [i for i, x in enumerate(citations, 1) if x.clause_id == c.clause_id]
        n = cited[0] if cited else len(citations) + 1
        if not cited:  # already cited (as a second article): referred to by its number
            citations.append(citation_of(c, conflict.record))
            lines.append(f"[{n}] {label}{article_name(c)}：“{c.text}”")
        span = key_span(c.text, retrieval.query).rstrip("；;。，,：:")
        sentences.append(OTHER_RULE.format(label=label, article=article_name(c), scope=conflict.record.scope,
                                           span=span, n=n))
        others.append((label, conflict.record.scope))
    applies = WHERE_APPLIES.format(lead=lead_label, lead_scope=lead_record.scope,
                                   other="、".join(label for label, _ in others),
                                   other_scope="、".join(dict.fromkeys(scope for _, scope in others)))
    first = f"{first}\n\n" + "".join(sentences) + applies
    return first, "\n".join([basis, *lines]), citations
