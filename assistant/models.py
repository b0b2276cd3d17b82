"""Plain result types shared by every stage (no behaviour, no heavy imports)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Answer statuses (the JSON contract).
ANSWERED = "answered"
NOT_SPECIFIED = "not_specified"
NOT_FOUND = "not_found"
NEEDS_INFO = "needs_info"
STATUSES = (ANSWERED, NOT_SPECIFIED, NOT_FOUND, NEEDS_INFO)


@dataclass(frozen=True)
class SourceDocument:
    """A policy file after reading and cleaning."""

    doc_id: str
    title: str
    text: str  # cleaned text; every span and quote refers to it
    path: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Clause:
    """The smallest citable unit: one sentence in its place in the document."""

    clause_id: str  # stable: "<doc_id>:<article>[.<item>]:s<n>"
    doc_id: str
    doc_title: str
    article: str  # "九", "第三条", "前言", "结语"
    heading: str  # the article's heading, e.g. "强化技能强企资金保障"
    text: str  # verbatim slice of the cleaned document
    start: int  # character span in SourceDocument.text
    end: int
    item: str = ""  # sub-item label, e.g. "（一）" or "1."
    chapter: str = ""  # e.g. "第二章 职业培训"
    order: int = 0  # position in the document

    def metadata(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("text")
        return data


@dataclass(frozen=True)
class Hit:
    """A retrieved clause with its fused score and the evidence behind it."""

    clause: Clause
    score: float
    dense: float = 0.0
    sparse: float = 0.0
    coverage: float = 0.0


@dataclass(frozen=True)
class Citation:
    doc_id: str
    doc_title: str
    article: str
    heading: str
    clause_id: str
    quote: str
    # the cited document's record (documents.DocumentRecord): content hash, 有效 / 已废止 /
    # 已被《…》替代, level and where it applies — added fields of the JSON contract
    doc_version: str = ""
    doc_status: str = ""
    doc_level: str = ""
    doc_region: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class RuleOutcome:
    """The eligibility verdict an answer gives (:mod:`assistant.verdicts`)."""

    rule: str
    outcome: str  # eligible / not_eligible / needs_info
    conditions: dict[str, str] = field(default_factory=dict)  # condition id → met / unmet / unknown
    others: dict[str, str] = field(default_factory=dict)  # the question's other rules → their outcome


@dataclass
class Answer:
    """One reply. Beside the text and its citations, typed notes on how it was made (none is
    part of the JSON contract, :meth:`to_dict`)."""

    status: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    corpus_version: str = ""
    latency_ms: float = 0.0
    question: str = ""
    follow_up: bool = False  # the turn was read with the conversation's topic
    as_of: str = ""  # the day (ISO) the documents were read as of, when the question set one
    truncated: bool = False  # only the beginning of an over-long question was read
    asks: str = ""  # not specified: the kind of figure asked that no cited sentence states
    unsupported_figures: tuple[str, ...] = ()  # figures the asker gave as the rule that no cited sentence holds
    missing_article: str = ""  # the article the question names that its document lacks
    record_fields: tuple[str, ...] = ()  # answered from the document's record: the fields read …
    not_stated: tuple[str, ...] = ()  # … and those asked that the record does not state
    rule: RuleOutcome | None = None  # answered by an eligibility rule
    writer: str = "extractive"  # "llm" when the LLM's rewrite was verified and kept
    llm_rejected: tuple[str, ...] = ()  # why the LLM's rewrite was not kept
    llm_error: str = ""  # how the LLM endpoint failed
    # the index generation (index.Snapshot) the answer was read from: render citations from it,
    # never from whatever generation is served later (not part of the JSON contract)
    snapshot: Any = field(default=None, repr=False, compare=False)

    def to_dict(self, id: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {} if id is None else {"id": id}
        data.update(
            status=self.status,
            answer=self.answer,
            citations=[c.to_dict() for c in self.citations],
            corpus_version=self.corpus_version,
            latency_ms=round(self.latency_ms, 1),
        )
        return data
