"""Rules as HR edits them: the rules files of a corpus folder (``rules.yaml`` and a
``<document>.rules.yaml`` beside each document), saving a rule (every quote checked
verbatim against the document first, then audit-logged), the default example cases
of a rule (one met and one unmet per condition) and running every rule's examples."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .eligibility import (COMPARE, ELIGIBLE, MAX_FORM_FACTS, NOT_ELIGIBLE, RULES_FILE, RULES_SUFFIX, RuleBase, _parse_rule, _read_rules,
                          rules_files)
from .errors import QuoteMissingError, RuleBaseError

OUTCOMES = ("eligible", "not_eligible", "unknown")


class Audit(Protocol):
    def append(self, actor: str, action: str, target: str = "", **detail) -> dict: ...


# ---- example cases -------------------------------------------------------------------------------
def _met_value(condition: dict, fact: dict) -> Any:
    op, value = condition["op"], condition.get("value")
    if op in ("true", "false"):
        return "是" if op == "true" else "否"
    if op == "in":
        return list(value)[0]
    number = float(value)
    if op == "above":
        number += 1
    elif op == "below":
        number = max(0.0, number - 1)
    return f"{number:g}"


def _unmet_value(condition: dict, fact: dict) -> Any:
    op, value = condition["op"], condition.get("value")
    if op in ("true", "false"):
        return "否" if op == "true" else "是"
    if op == "in":
        others = [c for c in fact.get("choices", []) if c not in list(value)]
        return others[0] if others else None
    number = float(value)
    if op in ("at_least", "min_months", "min_percent", "above"):
        bad = number - 1 if op != "above" else number
        return None if bad < 0 else f"{bad:g}"
    return f"{number + 1:g}" if op == "at_most" else f"{number:g}"  # below: the threshold itself fails


def default_examples(rule: dict) -> list[dict]:
    """One case with every condition met (→ eligible), then one per condition with just
    that condition unmet (→ not_eligible). Two conditions on one fact (满1年不满10年) take
    the value that meets both."""
    facts = {f["name"]: f for f in rule.get("facts", [])}
    met: dict[str, Any] = {}
    for c in rule.get("conditions", []):
        met.setdefault(c["fact"], _met_value(c, facts.get(c["fact"], {})))
    for name in list(met):  # a value that meets every condition on the fact, if the first does not
        on_fact = [c for c in rule.get("conditions", []) if c["fact"] == name and c["op"] in COMPARE]
        if len(on_fact) > 1:
            for candidate in (_met_value(c, facts[name]) for c in on_fact):
                if all(COMPARE[c["op"]](float(candidate), float(c["value"])) for c in on_fact):
                    met[name] = candidate
                    break
    cases = [{"facts": dict(met), "expected": ELIGIBLE}]
    for c in rule.get("conditions", []):
        bad = _unmet_value(c, facts.get(c["fact"], {}))
        if bad is not None:
            cases.append({"facts": {**met, c["fact"]: bad}, "expected": NOT_ELIGIBLE})
    return cases


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    number: int
    expected: str
    got: str
    ok: bool


def run_examples(rulebase: RuleBase) -> list[ExampleResult]:
    """Every active rule's example cases checked against the rule as loaded."""
    out = []
    for rule in rulebase.rules.values():
        for n, case in enumerate(rule.examples, 1):
            try:
                got = rulebase.check(rule.id, dict(case.get("facts") or {})).outcome
            except RuleBaseError as exc:
                got = f"error: {exc}"
            out.append(ExampleResult(rule.id, n, str(case.get("expected")), got, got == case.get("expected")))
    return out


# ---- the admin editor: a rule as table rows (no YAML) -----------------------------------------------
EDITOR_COLUMNS = ("条件", "类型", "运算", "门槛", "单位", "缺少时提问", "原文引文")
KIND_NAMES = {"months": "期限", "number": "数值", "percent": "百分比", "bool": "是/否", "choice": "选项"}
OP_NAMES = {"at_least": "≥", "at_most": "≤", "above": ">", "below": "<", "true": "是", "false": "否", "in": "属于"}


def editor_rows(rule: dict) -> list[list[str]]:
    """One row per condition, in the editor's columns (:data:`EDITOR_COLUMNS`)."""
    facts = {f["name"]: f for f in rule.get("facts", [])}
    rows = []
    for c in rule.get("conditions", []):
        f = facts.get(c["fact"], {})
        value = c.get("value")
        shown = "、".join(value) if isinstance(value, list) else ("" if value is None else f"{float(value):g}")
        rows.append([c.get("text", ""), KIND_NAMES.get(f.get("kind", ""), f.get("kind", "")),
                     OP_NAMES.get(c["op"], c["op"]), shown, f.get("unit", ""), f.get("ask", ""), c.get("quote", "")])
    return rows


def rule_from_rows(rule: dict, rows: list[list], title: str | None = None) -> dict:
    """``rule`` with its conditions as edited in the table: labels, kinds, operators,
    thresholds, units, questions and quotes. Rows sharing a fact keep sharing it; the
    examples are made again (one met and one unmet per condition). RuleBaseError names
    the row and the fix when a value is not usable."""
    kinds = {v: k for k, v in KIND_NAMES.items()}
    ops = {v: k for k, v in OP_NAMES.items()}
    old = rule.get("conditions", [])
    facts_by_name = {f["name"]: dict(f) for f in rule.get("facts", [])}
    conditions, facts = [], {}
    for n, row in enumerate(rows, 1):
        label, kind, op, threshold, unit, ask, quote = [str(x or "").strip() for x in (list(row) + [""] * 7)[:7]]
        if not label and not quote:
            continue  # an emptied row removes the condition
        kind, op = kinds.get(kind, kind), ops.get(op, op)
        if not quote:
            raise RuleBaseError(f"第 {n} 行没有原文引文：从原文中逐字复制条件所依据的文字")
        name = old[n - 1]["fact"] if n <= len(old) else f"f{len(facts_by_name) + n}"
        before = facts_by_name.get(name, {})
        if before.get("label") != label or before.get("kind") != kind:  # renamed: its cue words go with the old label
            before = {k: v for k, v in before.items() if k not in ("cues", "negations", "choices")}
        fact = {**before, "name": name, "label": label, "kind": kind, "ask": ask or f"是否符合“{label}”？"}
        if unit:
            fact["unit"] = unit
        condition = {"id": old[n - 1]["id"] if n <= len(old) else f"c{n}", "text": label, "fact": name, "op": op, "quote": quote}
        if op in COMPARE:
            try:
                from .figures import parse_number

                condition["value"] = float(parse_number(threshold))
            except (ValueError, KeyError) as exc:
                raise RuleBaseError(f"第 {n} 行的门槛 {threshold!r} 不是数字：填写如 12、10000、60") from exc
        elif op == "in":
            condition["value"] = [x for x in threshold.replace(",", "、").split("、") if x]
            fact.setdefault("choices", [*condition["value"], "以上都不是"])
        facts[name] = fact
        conditions.append(condition)
    if not conditions:
        raise RuleBaseError("规则至少需要一个条件")
    if len(facts) > MAX_FORM_FACTS:
        raise RuleBaseError(f"条件涉及 {len(facts)} 项情况，超过核对表单的上限 {MAX_FORM_FACTS} 项：请合并或拆成两条规则")
    from .suggest import with_cues

    edited = with_cues({**rule, "title": title or rule.get("title", ""), "facts": list(facts.values()),
                        "conditions": conditions})
    edited["examples"] = default_examples(edited)
    return edited


# ---- the rules files ----------------------------------------------------------------------------
class Rulebook:
    """Reads and writes the rules files of ``corpus_dir``. ``documents`` reads a document's
    clauses from the corpus (``doc_id → list[Clause]``), against which quotes are checked."""

    def __init__(self, corpus_dir: Path, audit: Audit | None = None):
        self.dir = Path(corpus_dir)
        self.audit = audit

    def files(self) -> list[Path]:
        return rules_files(self.dir)

    def file_for(self, doc_id: str) -> Path:
        """The rules file of ``doc_id``: the one that names it, else ``<file stem>.rules.yaml``
        beside the document."""
        for path in self.files():
            if str(_read_rules(path).get("document", "")) == doc_id:
                return path
        from .ingest import corpus_files, doc_id_for

        source = next((p for p in corpus_files(self.dir) if doc_id_for(p) == doc_id), None)
        stem = source.stem if source is not None else doc_id
        return self.dir / f"{stem}{RULES_SUFFIX}"

    def raw(self, doc_id: str) -> list[dict]:
        path = self.file_for(doc_id)
        return list(_read_rules(path).get("rules", []) or []) if path.exists() else []

    def find(self, rule_id: str) -> tuple[str, dict] | None:
        """(document, rule as written) of ``rule_id``."""
        for path in self.files():
            data = _read_rules(path)
            for raw in data.get("rules", []) or []:
                if raw.get("id") == rule_id:
                    return str(data.get("document", "")), raw
        return None

    def clauses(self, doc_id: str):
        from .ingest import corpus_files, doc_id_for, load_document
        from .structure import split_document

        source = next((p for p in corpus_files(self.dir) if doc_id_for(p) == doc_id), None)
        if source is None:
            raise RuleBaseError(f"语料中没有文档 {doc_id!r}：先上传该文件，再为它编写规则")
        return split_document(load_document(source))

    def check(self, doc_id: str, rule: dict):
        """The rule parsed against the document's text: QuoteMissingError (with the fix)
        when a quote is not verbatim in it, RuleBaseError when the rule is malformed."""
        try:
            return _parse_rule(rule, self.clauses(doc_id), doc_id)
        except QuoteMissingError as exc:
            raise QuoteMissingError(f"{exc}。请从原文中逐字复制引文（标点、空格都要一致）后再保存。") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleBaseError(f"规则格式有误：缺少或错误的字段 {exc}：请补全后再保存") from exc

    def save(self, doc_id: str, rule: dict, actor: str) -> Path:
        """Write ``rule`` into ``doc_id``'s rules file (replacing the rule of the same id),
        after checking every quote against the document; audit-logged. A rule id used by
        another document is refused."""
        self.check(doc_id, rule)
        owner = self.find(rule["id"])
        if owner is not None and owner[0] != doc_id:
            raise RuleBaseError(f"规则编号 {rule['id']} 已被文档 {owner[0]} 使用：请换一个编号")
        path = self.file_for(doc_id)
        rules = [r for r in self.raw(doc_id) if r.get("id") != rule["id"]]
        action = "rule_update" if len(rules) < len(self.raw(doc_id)) else "rule_add"
        rules.append({**rule, "author": rule.get("author") or actor})
        self._write(path, doc_id, rules)
        if self.audit is not None:
            from .eligibility import rule_version

            self.audit.append(actor, action, rule["id"], document=doc_id, file=path.name,
                              version=rule_version(rules[-1]))
        return path

    def delete(self, rule_id: str, actor: str) -> None:
        owner = self.find(rule_id)
        if owner is None:
            raise RuleBaseError(f"没有规则 {rule_id!r}")
        doc_id = owner[0]
        self._write(self.file_for(doc_id), doc_id, [r for r in self.raw(doc_id) if r.get("id") != rule_id])
        if self.audit is not None:
            self.audit.append(actor, "rule_delete", rule_id, document=doc_id)

    def _write(self, path: Path, doc_id: str, rules: list[dict]) -> None:
        import yaml

        head = ""
        if path.exists() and path.name == RULES_FILE:  # keep the original file's comment block
            head = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                           if line.startswith("#"))
        text = head + yaml.safe_dump({"document": doc_id, "rules": rules}, allow_unicode=True, sort_keys=False, width=200)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
