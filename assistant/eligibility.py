"""Entitlement checks from a rule base (corpus/rules.yaml). Every condition quotes the
policy verbatim — checked when the rules load — and a verdict marks each condition
met / unmet / unknown with its cited clause. Facts come from an HR form or are read
from a chat message ("实习协议签了10个月，毕业后合同签了三年")."""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from .errors import InputError, QuoteMissingError, RuleBaseError
from .models import Citation, Clause, SourceDocument
from .numerals import parse_months
from .spreadsheet import to_csv
from .wording import CONDITION_WORDS, OUTCOME_WORDS

log = logging.getLogger("assistant.eligibility")

RULES_FILE = "rules.yaml"
MET, UNMET, UNKNOWN = "met", "unmet", "unknown"
ELIGIBLE, NOT_ELIGIBLE, UNDECIDED = "eligible", "not_eligible", "unknown"
STATUS_CN = dict(CONDITION_WORDS)  # the UI's one vocabulary (assistant/wording.py)
OUTCOME_CN = dict(OUTCOME_WORDS)
YES = {"是", "有", "true", "yes", "y", "1", "已", "对"}
NO = {"否", "没有", "无", "false", "no", "n", "0", "不是", "未"}
# A chat message asks about eligibility when it uses one of these.
ASKS_ELIGIBILITY = re.compile(r"能不能|能否|可不可以|可以吗|能.{0,12}吗|能算|算是|符合|够不够|算不算|有没有资格|有资格|能拿|能领|能享受|能申请|够格|行不行|eligible|qualify")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]|百分之([一二三四五六七八九十百]+)")


@dataclass(frozen=True)
class FactSpec:
    name: str
    label: str
    kind: str  # months | bool | choice | percent
    choices: tuple[str, ...] = ()
    ask: str = ""
    cues: Any = ()  # list of words, or {choice: [words]} for a choice
    negations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    id: str
    text: str
    fact: str
    op: str  # min_months | min_percent | true | in
    value: Any
    quote: str
    citation: Citation


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    article: str
    summary: str
    facts: tuple[FactSpec, ...]
    conditions: tuple[Condition, ...]
    triggers: tuple[str, ...] = ()
    benefits: tuple[str, ...] = ()  # what a person asks to get; a fact-free question must name one
    outcome_met: str = ""

    @property
    def doc_id(self) -> str:
        """The document the rule's conditions quote."""
        return self.conditions[0].citation.doc_id if self.conditions else ""


@dataclass(frozen=True)
class ConditionResult:
    id: str
    text: str
    status: str
    citation: Citation
    value: Any = None


@dataclass
class Verdict:
    rule_id: str
    title: str
    outcome: str
    conditions: list[ConditionResult]
    missing: list[FactSpec] = field(default_factory=list)
    message: str = ""

    def to_markdown(self) -> str:
        lines = [f"# {self.title}：{OUTCOME_CN[self.outcome]}", "", self.message, "",
                 "| 条件 | 结果 | 事实 | 依据 |", "|---|---|---|---|"]
        for c in self.conditions:
            value = "" if c.value is None else str(c.value)
            lines.append(f"| {c.text} | {STATUS_CN[c.status]} | {value} | 第{c.citation.article}条：“{c.citation.quote}” |")
        if self.missing:
            lines += ["", "需要补充的信息：", *[f"- {f.ask or f.label}" for f in self.missing]]
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        """The verdict as spreadsheet-safe CSV (:func:`assistant.spreadsheet.to_csv`)."""
        header = ["rule", "outcome", "condition", "status", "value", "article", "clause_id", "quote"]
        return to_csv(header, ([self.title, self.outcome, c.text, c.status, "" if c.value is None else c.value,
                                c.citation.article, c.citation.clause_id, c.citation.quote] for c in self.conditions))


# ---- reading fact values -------------------------------------------------------------------
def _as_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


MAX_MONTHS = 600.0  # 50 years: a longer contract or internship is a typing error
MAX_FACT_CHARS = 40  # a typed fact value longer than this is not a number of months or a percentage
_PLAIN_NUMBER = re.compile(r"^\d{1,7}(?:\.\d{1,4})?$")  # no signs, exponents, nan or inf
_PLAIN_PERCENT = re.compile(r"^(\d{1,7}(?:\.\d{1,4})?)\s*[%％]?$")


def _in_range(value: float | None, high: float) -> float | None:
    """``value`` when it is a finite number within [0, high], else None (not a usable fact)."""
    if value is None or not math.isfinite(value) or not 0 <= value <= high:
        return None
    return value


def _as_months(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _in_range(float(value), MAX_MONTHS)
    text = str(value).strip()
    if _PLAIN_NUMBER.match(text):  # a bare number in a form means months
        return _in_range(float(text), MAX_MONTHS)
    return _in_range(parse_months(text[:MAX_FACT_CHARS]), MAX_MONTHS)


def _as_percent(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _in_range(float(value), 100.0)
    text = str(value).strip()
    plain = _PLAIN_PERCENT.match(text)
    if plain:
        return _in_range(float(plain.group(1)), 100.0)
    m = _PERCENT.search(text[:MAX_FACT_CHARS])
    if m is None:
        return None
    from .numerals import cn_to_int

    return _in_range(float(m.group(1)) if m.group(1) else float(cn_to_int(m.group(2))), 100.0)


_KIND_HINTS = {"months": "月数：0–600 之间的数字（如 6、12）或“半年”“一年半”这样的期限",
               "percent": "百分比：0–100 之间的数字，如 60 或 60%"}


def parse_form_fact(spec: FactSpec, value: Any) -> Any:
    """A value typed into the HR form for ``spec``, checked strictly: InputError naming
    the field when it is not a usable number of months or percentage (NaN, inf, 1e309,
    "60%%%", "150%", a negative number, anything over :data:`MAX_FACT_CHARS`), so a typo
    never becomes a firm verdict. Returns the parsed number (months or percent)."""
    text = value.strip() if isinstance(value, str) else value
    parse = {"months": _as_months, "percent": _as_percent}[spec.kind]
    if isinstance(text, str):
        strict = (_PLAIN_NUMBER.match(text) is not None if spec.kind == "months" else _PLAIN_PERCENT.match(text) is not None)
        parsed = parse(text) if len(text) <= MAX_FACT_CHARS else None
        if parsed is not None and not strict and spec.kind == "percent" and _PERCENT.fullmatch(text) is None:
            parsed = None  # "60%%%", "约60%吧": not one plain percentage
    else:
        parsed = parse(text)
    if parsed is None:
        shown = str(value)
        shown = shown if len(shown) <= 20 else shown[:20] + "…"
        raise InputError(f"“{spec.label}”填写有误：{shown!r} 不是有效的{_KIND_HINTS[spec.kind]}。请修改后再核对。")
    return parsed


def _evaluate(condition: Condition, value: Any) -> tuple[str, Any]:
    op = condition.op
    if op == "min_months":
        months = _as_months(value)
        return (UNKNOWN, None) if months is None else (MET if months >= float(condition.value) else UNMET, f"{months:g}个月")
    if op == "min_percent":
        pct = _as_percent(value)
        return (UNKNOWN, None) if pct is None else (MET if pct >= float(condition.value) else UNMET, f"{pct:g}%")
    if op == "true":
        flag = _as_bool(value)
        return (UNKNOWN, None) if flag is None else (MET if flag else UNMET, "是" if flag else "否")
    if op == "in":
        if value is None or value == "":
            return UNKNOWN, None
        return (MET if value in condition.value else UNMET), value
    raise RuleBaseError(f"未知的条件运算 {op!r} (condition {condition.id}): use min_months, min_percent, true or in")


# ---- reading facts from a chat message -------------------------------------------------------
_PARTS = re.compile(r"[^，,。；;！!？?\n]+")


def extract_facts(rule: Rule, text: str) -> dict[str, Any]:
    """Facts a message states for ``rule``: durations next to their cue word, yes/no cues
    with their negations, and choice cues (longest cue first)."""
    facts: dict[str, Any] = {}
    parts = _PARTS.findall(text)
    for spec in rule.facts:
        if spec.kind in ("months", "percent"):
            for part in parts:
                if any(cue in part for cue in spec.cues):
                    value = parse_months(part) if spec.kind == "months" else _as_percent(part)
                    if value is not None:
                        facts[spec.name] = value
                        break
        elif spec.kind == "bool":
            if any(n in text for n in spec.negations):
                facts[spec.name] = False
            elif any(c in text for c in spec.cues):
                facts[spec.name] = True
        elif spec.kind == "choice":
            pairs = sorted(((cue, choice) for choice, cues in dict(spec.cues).items() for cue in cues),
                           key=lambda p: len(p[0]), reverse=True)
            for cue, choice in pairs:
                if cue in text:
                    facts[spec.name] = choice
                    break
    return facts


def _read_rules(path: Path) -> dict:
    import yaml

    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RuleBaseError(f"规则库不是合法 YAML ({path}: {exc}): fix the file") from exc
    if not isinstance(data, dict):
        raise RuleBaseError(f"规则库格式不对 ({path}: expected a mapping with 'document' and 'rules'): fix the file")
    return data


class RuleBase:
    def __init__(self, rules: list[Rule], disabled: dict[str, str] | None = None):
        self.rules: dict[str, Rule] = {r.id: r for r in rules}
        # rule id → why it is off: its quotes no longer stand in the served text
        self.disabled: dict[str, str] = dict(disabled or {})

    @classmethod
    def load(cls, path: Path, documents: dict[str, SourceDocument],
             clauses_of: Callable[[str], Sequence[Clause]]) -> "RuleBase":
        """The rules in ``path``, their quotes checked against ``documents`` and the clauses
        of their document (``clauses_of(doc_id)``, e.g. :meth:`Snapshot.document_clauses`)."""
        data = _read_rules(path)
        doc_id = data.get("document", "")
        if doc_id not in documents:
            return cls([])  # the rules' document is not in this corpus: no rules apply
        doc_clauses = [c for c in clauses_of(doc_id) if c.doc_id == doc_id]
        rules, disabled = [], {}
        for raw in data.get("rules", []):
            try:
                rules.append(_parse_rule(raw, doc_clauses))
            except QuoteMissingError as exc:  # the document was replaced: never quote what is gone
                log.warning("规则已停用: %s", exc)
                disabled[str(raw.get("id"))] = str(exc)
        return cls(rules, disabled)

    @classmethod
    def from_corpus(cls, corpus_dir: Path) -> "RuleBase":
        """The corpus folder's rules, checked against the one source file they quote, read
        and split here: no index needed (the web page is built from this while the index
        is still loading)."""
        from .ingest import corpus_files, doc_id_for, load_document
        from .structure import split_document

        path = Path(corpus_dir) / RULES_FILE
        doc_id = _read_rules(path).get("document", "")
        source = next((p for p in corpus_files(corpus_dir) if doc_id_for(p) == doc_id), None)
        if source is None:
            return cls([])
        document = load_document(source)
        clauses = split_document(document)
        return cls.load(path, {doc_id: document}, lambda _: clauses)

    def check(self, rule_id: str, facts: dict[str, Any]) -> Verdict:
        if rule_id in self.disabled:
            raise RuleBaseError(f"该规则已停用：{self.disabled[rule_id]}")
        if rule_id not in self.rules:
            raise RuleBaseError(f"没有这条规则 {rule_id!r}: choose one of {', '.join(self.rules)}")
        rule = self.rules[rule_id]
        results = []
        for condition in rule.conditions:
            status, shown = _evaluate(condition, facts.get(condition.fact))
            results.append(ConditionResult(condition.id, condition.text, status, condition.citation, shown))
        if any(r.status == UNMET for r in results):
            outcome = NOT_ELIGIBLE
        elif all(r.status == MET for r in results):
            outcome = ELIGIBLE
        else:
            outcome = UNDECIDED
        unknown_facts = {c.fact for c, r in zip(rule.conditions, results) if r.status == UNKNOWN}
        missing = [f for f in rule.facts if f.name in unknown_facts] if outcome == UNDECIDED else []
        if outcome == ELIGIBLE:
            message = rule.outcome_met
        elif outcome == NOT_ELIGIBLE:
            failed = "、".join(r.text for r in results if r.status == UNMET)
            message = f"不满足文件所列条件：{failed}。"
        else:
            message = "还缺少判断所需的信息：" + "；".join(f.ask or f.label for f in missing)
        return Verdict(rule.id, rule.title, outcome, results, missing, message)

    def match(self, text: str, current: str | None = None) -> Rule | None:
        """The rule a chat message is about (by trigger words), else the one under discussion."""
        lowered = text.lower()
        for rule in self.rules.values():
            if any(t.lower() in lowered for t in rule.triggers):
                return rule
        return self.rules.get(current) if current else None


def _parse_rule(raw: dict, clauses: list[Clause]) -> Rule:
    facts = tuple(
        FactSpec(name=f["name"], label=f["label"], kind=f["kind"], choices=tuple(f.get("choices", ())),
                 ask=f.get("ask", ""), cues=f.get("cues", ()), negations=tuple(f.get("negations", ())))
        for f in raw.get("facts", [])
    )
    names = {f.name for f in facts}
    conditions = []
    for c in raw.get("conditions", []):
        if c["fact"] not in names:
            raise RuleBaseError(f"规则 {raw['id']} 的条件 {c['id']} 引用了未定义的事实 {c['fact']!r}: declare it under facts")
        clause = next((cl for cl in clauses if c["quote"] in cl.text), None)
        if clause is None:
            raise QuoteMissingError(
                f"规则 {raw['id']} 的条件 {c['id']} 引文不在原文中: {c['quote']!r} — quote the cleaned text verbatim"
            )
        citation = Citation(clause.doc_id, clause.doc_title, clause.article, clause.heading, clause.clause_id, c["quote"])
        conditions.append(Condition(c["id"], c["text"], c["fact"], c["op"], c.get("value"), c["quote"], citation))
    return Rule(id=raw["id"], title=raw["title"], article=str(raw["article"]), summary=raw.get("summary", ""),
                facts=facts, conditions=tuple(conditions), triggers=tuple(raw.get("triggers", ())),
                benefits=tuple(raw.get("benefits", raw.get("triggers", ()))),
                outcome_met=raw.get("outcome_met", ""))
