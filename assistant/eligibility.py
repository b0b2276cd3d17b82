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

RULES_FILE = "rules.yaml"  # the original rules file (names its document)
RULES_SUFFIX = ".rules.yaml"  # a rules file beside its document: <file stem>.rules.yaml
MET, UNMET, UNKNOWN = "met", "unmet", "unknown"
ELIGIBLE, NOT_ELIGIBLE, UNDECIDED = "eligible", "not_eligible", "unknown"
STATUS_CN = dict(CONDITION_WORDS)  # the UI's one vocabulary (assistant/wording.py)
OUTCOME_CN = dict(OUTCOME_WORDS)
YES = {"是", "有", "true", "yes", "y", "1", "已", "对"}
NO = {"否", "没有", "无", "false", "no", "n", "0", "不是", "未"}
# A chat message asks about eligibility when it uses one of these.
ASKS_ELIGIBILITY = re.compile(r"能不能|能否|可不可以|可以吗|能.{0,12}吗|能算|算是|符合|够不够|算不算|有没有资格|有资格|能拿|能领|能享受|能申请|够格|行不行|eligible|qualify")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]|百分之([一二三四五六七八九十百]+)")


KINDS = ("months", "number", "percent", "bool", "choice")  # duration, number (with a unit), percent, yes/no, choice
NUMERIC_KINDS = ("months", "number", "percent")
# comparison ops on a numeric fact (min_months / min_percent: the original names of at_least)
COMPARE = {"at_least": float.__ge__, "min_months": float.__ge__, "min_percent": float.__ge__,
           "at_most": float.__le__, "above": float.__gt__, "below": float.__lt__}
OPS = (*COMPARE, "true", "false", "in")
MAX_FORM_FACTS = 12  # facts the HR form asks for one benefit (a rule and the rules of other documents on it)


@dataclass(frozen=True)
class FactSpec:
    name: str
    label: str
    kind: str  # months | number | percent | bool | choice
    choices: tuple[str, ...] = ()
    ask: str = ""
    cues: Any = ()  # list of words, or {choice: [words]} for a choice
    negations: tuple[str, ...] = ()
    unit: str = ""  # a number's unit as the text writes it (元, 学时, 岁 …)


@dataclass(frozen=True)
class Condition:
    id: str
    text: str
    fact: str
    op: str  # at_least | at_most | above | below (min_months, min_percent) | true | false | in
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
    document: str = ""  # the document's id (every condition quotes it)
    topic: str = ""  # the benefit, named alike by every document that sets it (培训服务期 …)
    author: str = ""
    version: str = ""  # content hash of the rule as written (assistant.rulebook.rule_version)
    examples: tuple[dict, ...] = ()  # {"facts": {...}, "expected": eligible | not_eligible | unknown}

    @property
    def doc_id(self) -> str:
        """The document the rule's conditions quote."""
        return self.document or (self.conditions[0].citation.doc_id if self.conditions else "")


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
    document: str = ""  # the rule's document id, article, version and author: carried into every export
    article: str = ""
    rule_version: str = ""
    author: str = ""

    def to_markdown(self) -> str:
        lines = [f"# {self.title}：{OUTCOME_CN[self.outcome]}", "", self.message, "",
                 "| 条件 | 结果 | 事实 | 依据 |", "|---|---|---|---|"]
        for c in self.conditions:
            value = "" if c.value is None else str(c.value)
            lines.append(f"| {c.text} | {STATUS_CN[c.status]} | {value} | 第{c.citation.article}条：“{c.citation.quote}” |")
        if self.missing:
            lines += ["", "需要补充的信息：", *[f"- {f.ask or f.label}" for f in self.missing]]
        lines += ["", f"规则：{self.rule_id}（文件 {self.document}，第{self.article}条，版本 {self.rule_version or '—'}，"
                      f"作者 {self.author or '—'}）"]
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        """The verdict as spreadsheet-safe CSV (:func:`assistant.spreadsheet.to_csv`)."""
        header = ["rule", "outcome", "condition", "status", "value", "article", "clause_id", "quote",
                  "document", "rule_article", "rule_version", "rule_author"]
        return to_csv(header, ([self.title, self.outcome, c.text, c.status, "" if c.value is None else c.value,
                                c.citation.article, c.citation.clause_id, c.citation.quote,
                                self.document, self.article, self.rule_version, self.author] for c in self.conditions))


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


MAX_NUMBER = 1e9  # a larger typed number (yuan, hours, years of age) is a typing error


def _as_number(value: Any) -> float | None:
    """A plain number, or the first figure of a phrase by :func:`assistant.figures.figure_value`
    (1.5万元 → 15000, 四十学时 → 40)."""
    from .figures import find, parse_number

    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _in_range(float(value), MAX_NUMBER)
    text = str(value).strip()[:MAX_FACT_CHARS]
    if _PLAIN_NUMBER.match(text):
        return _in_range(float(text), MAX_NUMBER)
    found = find(text)
    if not found:
        return None
    value_of = found[0].value
    if value_of is not None:
        return _in_range(float(value_of[1]), MAX_NUMBER)
    digits = re.match(r"[\d.,]+|[零〇一二两三四五六七八九十百千万亿点]+", found[0].text)
    try:
        return _in_range(parse_number(digits.group(0)), MAX_NUMBER) if digits else None
    except (ValueError, KeyError):
        return None


_KIND_HINTS = {"months": "月数：0–600 之间的数字（如 6、12）或“半年”“一年半”这样的期限",
               "percent": "百分比：0–100 之间的数字，如 60 或 60%",
               "number": "数字，如 10000 或“1.5万元”"}
_PARSE = {"months": _as_months, "percent": _as_percent, "number": _as_number}


def parse_form_fact(spec: FactSpec, value: Any) -> Any:
    """A value typed into the HR form for ``spec``, checked strictly: InputError naming
    the field when it is not a usable number of months, percentage or number (NaN, inf,
    1e309, "60%%%", "150%", a negative number, anything over :data:`MAX_FACT_CHARS`), so
    a typo never becomes a firm verdict. Returns the parsed number."""
    text = value.strip() if isinstance(value, str) else value
    parse = _PARSE[spec.kind]
    if isinstance(text, str):
        strict = (_PLAIN_NUMBER.match(text) is not None if spec.kind != "percent" else _PLAIN_PERCENT.match(text) is not None)
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


def _shown(kind: str, number: float, unit: str = "") -> str:
    return {"months": f"{number:g}个月", "percent": f"{number:g}%"}.get(kind, f"{number:g}{unit}")


def _evaluate(condition: Condition, value: Any, spec: FactSpec | None = None) -> tuple[str, Any]:
    op = condition.op
    if op in COMPARE:
        kind = {"min_months": "months", "min_percent": "percent"}.get(op) or (spec.kind if spec else "number")
        number = _PARSE.get(kind, _as_number)(value)
        if number is None:
            return UNKNOWN, None
        return (MET if COMPARE[op](float(number), float(condition.value)) else UNMET), _shown(kind, number, spec.unit if spec else "")
    if op in ("true", "false"):
        flag = _as_bool(value)
        if flag is None:
            return UNKNOWN, None
        return (MET if flag == (op == "true") else UNMET), "是" if flag else "否"
    if op == "in":
        if value is None or value == "":
            return UNKNOWN, None
        return (MET if value in condition.value else UNMET), value
    raise RuleBaseError(f"未知的条件运算 {op!r} (condition {condition.id}): use one of {', '.join(OPS)}")


# ---- reading facts from a chat message -------------------------------------------------------
_PARTS = re.compile(r"[^，,。；;！!？?\n]+")


def extract_facts(rule: Rule, text: str) -> dict[str, Any]:
    """Facts a message states for ``rule``: durations next to their cue word, yes/no cues
    with their negations, and choice cues (longest cue first)."""
    facts: dict[str, Any] = {}
    parts = _PARTS.findall(text)
    for spec in rule.facts:
        if spec.kind in NUMERIC_KINDS:
            for part in parts:
                if any(cue in part for cue in spec.cues):
                    value = parse_months(part) if spec.kind == "months" else _PARSE[spec.kind](part)
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


def rules_files(corpus_dir: Path) -> list[Path]:
    """The corpus folder's rules files: ``rules.yaml`` (the original one) and a
    ``<document>.rules.yaml`` beside each document that has rules."""
    corpus_dir = Path(corpus_dir)
    legacy = corpus_dir / RULES_FILE
    return ([legacy] if legacy.is_file() else []) + sorted(
        p for p in corpus_dir.glob("*" + RULES_SUFFIX) if p.is_file())


def rules_stamp(corpus_dir: Path) -> tuple:
    """(name, mtime, size) of every rules file: changes whenever a rule is saved."""
    out = []
    for path in rules_files(corpus_dir):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((path.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


def rule_version(raw: dict) -> str:
    """A rule's version: the content hash of the rule as written (id, facts, conditions …)."""
    import hashlib
    import json

    body = {k: v for k, v in raw.items() if k not in ("version",)}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class DisabledRule:
    """A rule that is off, and why (shown to HR, never silently dropped)."""

    id: str
    title: str
    document: str
    reason: str
    document_missing: bool = False  # its document is not loaded (deleted, or not uploaded yet)


class RuleBase:
    def __init__(self, rules: list[Rule], disabled: dict[str, str] | None = None,
                 off: list[DisabledRule] | None = None, sources: dict[str, Path] | None = None):
        self.rules: dict[str, Rule] = {r.id: r for r in rules}
        # rule id → why it is off: its quotes no longer stand in the served text
        self.disabled: dict[str, str] = dict(disabled or {})
        self.off: dict[str, DisabledRule] = {d.id: d for d in (off or [])}
        for rid, reason in self.disabled.items():
            self.off.setdefault(rid, DisabledRule(rid, rid, "", reason))
        self.sources: dict[str, Path] = dict(sources or {})  # rule id → the rules file it came from

    @classmethod
    def load(cls, path: Path, documents: dict[str, SourceDocument],
             clauses_of: Callable[[str], Sequence[Clause]]) -> "RuleBase":
        """The rules in ``path``, their quotes checked against ``documents`` and the clauses
        of their document (``clauses_of(doc_id)``, e.g. :meth:`Snapshot.document_clauses`)."""
        return cls.load_files([Path(path)], documents, clauses_of)

    @classmethod
    def load_files(cls, paths: list[Path], documents: dict[str, SourceDocument],
                   clauses_of: Callable[[str], Sequence[Clause]]) -> "RuleBase":
        """The rules of every file in ``paths`` side by side. A rule whose document is not
        loaded, whose quote is not in the served text, or that is malformed is disabled
        with the reason; a rules file that is not YAML disables nothing else."""
        rules: list[Rule] = []
        off: list[DisabledRule] = []
        sources: dict[str, Path] = {}
        for path in paths:
            data = _read_rules(path)
            doc_id = str(data.get("document", ""))
            doc_clauses = [c for c in clauses_of(doc_id) if c.doc_id == doc_id] if doc_id in documents else []
            for raw in data.get("rules", []) or []:
                rid, title = str(raw.get("id", "")), str(raw.get("title", raw.get("id", "")))
                if rid in sources:
                    off.append(DisabledRule(rid, title, doc_id, f"规则编号 {rid} 重复（{path.name} 与 {sources[rid].name}）：请改用另一个编号"))
                    continue
                if doc_id not in documents:
                    off.append(DisabledRule(rid, title, doc_id, f"依据文件 {doc_id} 不在当前语料中（已删除或尚未上传）", True))
                    continue
                try:
                    rules.append(_parse_rule(raw, doc_clauses, doc_id))
                    sources[rid] = path
                except QuoteMissingError as exc:  # the document was replaced: never quote what is gone
                    log.warning("规则已停用: %s", exc)
                    off.append(DisabledRule(rid, title, doc_id, str(exc)))
                except (RuleBaseError, KeyError, TypeError, ValueError) as exc:
                    off.append(DisabledRule(rid, title, doc_id, f"规则格式有误（{path.name}）：{exc}"))
        # check() refuses a rule whose quotes are gone; one whose document is gone is simply not in the base
        return cls(rules, {d.id: d.reason for d in off if d.id not in sources and not d.document_missing}, off, sources)

    @classmethod
    def from_corpus(cls, corpus_dir: Path) -> "RuleBase":
        """The corpus folder's rules, checked against the source files they quote, read
        and split here: no index needed (the web page is built from this while the index
        is still loading)."""
        from .ingest import corpus_files, doc_id_for, load_document
        from .structure import split_document

        paths = rules_files(corpus_dir)
        wanted = {str(_read_rules(p).get("document", "")) for p in paths}
        documents = {doc_id_for(p): p for p in corpus_files(corpus_dir) if doc_id_for(p) in wanted}
        loaded = {doc_id: load_document(p) for doc_id, p in documents.items()}
        clauses = [c for d in loaded.values() for c in split_document(d)]
        return cls.load_files(paths, loaded, lambda doc_id: [c for c in clauses if c.doc_id == doc_id])

    def grouped(self) -> dict[str, list[Rule]]:
        """document id → its rules (the checker lists them by document)."""
        out: dict[str, list[Rule]] = {}
        for rule in self.rules.values():
            out.setdefault(rule.doc_id, []).append(rule)
        return out

    def same_benefit(self, rule: Rule) -> list[Rule]:
        """The other rules on ``rule``'s benefit (same topic) in other documents."""
        if not rule.topic:
            return []
        return [r for r in self.rules.values() if r.topic == rule.topic and r.id != rule.id and r.doc_id != rule.doc_id]

    def form_facts(self, rule_id: str) -> tuple[FactSpec, ...]:
        """The facts the checker asks for ``rule_id``: its own, then those of the rules on
        the same benefit in other documents (a fact name shared by them is asked once)."""
        rule = self.rules[rule_id]
        out: dict[str, FactSpec] = {}
        for r in (rule, *self.same_benefit(rule)):
            for spec in r.facts:
                out.setdefault(spec.name, spec)
        return tuple(out.values())[:MAX_FORM_FACTS]

    def check_all(self, rule_id: str, facts: dict[str, Any]) -> list[Verdict]:
        """The verdict of ``rule_id``, then the verdicts of the rules on the same benefit in
        other documents (a national law and a local or company text), on the same facts."""
        return [self.check(rule_id, facts), *(self.check(r.id, facts) for r in self.same_benefit(self.rules[rule_id]))]

    def check(self, rule_id: str, facts: dict[str, Any]) -> Verdict:
        if rule_id in self.disabled:
            raise RuleBaseError(f"该规则已停用：{self.disabled[rule_id]}")
        if rule_id not in self.rules:
            raise RuleBaseError(f"没有这条规则 {rule_id!r}: choose one of {', '.join(self.rules)}")
        rule = self.rules[rule_id]
        results = []
        specs = {f.name: f for f in rule.facts}
        for condition in rule.conditions:
            status, shown = _evaluate(condition, facts.get(condition.fact), specs.get(condition.fact))
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
        return Verdict(rule.id, rule.title, outcome, results, missing, message, document=rule.doc_id,
                       article=rule.article, rule_version=rule.version, author=rule.author)

    def match(self, text: str, current: str | None = None, relevant: set[str] | None = None) -> Rule | None:
        """The rule a chat message is about (by trigger words; with ``relevant``, a rule of
        one of those documents first), else the one under discussion."""
        lowered = text.lower()
        hits = [r for r in self.rules.values() if any(t.lower() in lowered for t in r.triggers)]
        if relevant is not None:
            hits.sort(key=lambda r: r.doc_id not in relevant)
        if hits:
            return hits[0]
        return self.rules.get(current) if current else None


def _parse_rule(raw: dict, clauses: list[Clause], doc_id: str = "") -> Rule:
    facts = tuple(
        FactSpec(name=f["name"], label=f["label"], kind=f["kind"], choices=tuple(f.get("choices", ()) or ()),
                 ask=f.get("ask", ""), cues=f.get("cues", ()) or (), negations=tuple(f.get("negations", ()) or ()),
                 unit=str(f.get("unit", "") or ""))
        for f in raw.get("facts", [])
    )
    for f in facts:
        if f.kind not in KINDS:
            raise RuleBaseError(f"规则 {raw['id']} 的事实 {f.name} 类型 {f.kind!r} 未知: use one of {', '.join(KINDS)}")
    names = {f.name for f in facts}
    conditions = []
    for c in raw.get("conditions", []):
        if c["fact"] not in names:
            raise RuleBaseError(f"规则 {raw['id']} 的条件 {c['id']} 引用了未定义的事实 {c['fact']!r}: declare it under facts")
        if c["op"] not in OPS:
            raise RuleBaseError(f"规则 {raw['id']} 的条件 {c['id']} 运算 {c['op']!r} 未知: use one of {', '.join(OPS)}")
        clause = next((cl for cl in clauses if c["quote"] in cl.text), None)
        if clause is None:
            raise QuoteMissingError(
                f"规则 {raw['id']} 的条件 {c['id']} 引文不在原文中: {c['quote']!r} — quote the cleaned text verbatim"
            )
        citation = Citation(clause.doc_id, clause.doc_title, clause.article, clause.heading, clause.clause_id, c["quote"])
        conditions.append(Condition(c["id"], c["text"], c["fact"], c["op"], c.get("value"), c["quote"], citation))
    if not conditions:
        raise RuleBaseError(f"规则 {raw['id']} 没有条件: add at least one condition quoting the text")
    return Rule(id=raw["id"], title=raw["title"], article=str(raw["article"]), summary=raw.get("summary", ""),
                facts=facts, conditions=tuple(conditions), triggers=tuple(raw.get("triggers", ()) or ()),
                benefits=tuple(raw.get("benefits", raw.get("triggers", ())) or ()),
                outcome_met=raw.get("outcome_met", ""), document=doc_id or conditions[0].citation.doc_id,
                topic=str(raw.get("topic", "") or ""), author=str(raw.get("author", "") or ""),
                version=rule_version(raw), examples=tuple(raw.get("examples", ()) or ()))
