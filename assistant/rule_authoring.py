"""The admin's rule editor without gradio: what HR can start a rule from for one document
(its saved rules, the suggestions read from its text, any of its clauses) and saving the
edited table through :class:`~assistant.rulebook.Rulebook` (every quote checked verbatim,
audit-logged). The web tab (:mod:`assistant.rules_admin_ui`) only shows these."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import RuleBaseError
from .rulebook import Rulebook, default_examples, rule_from_rows, run_examples

RULE_ID = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,60}$")
CLAUSE_QUOTE_CHARS = 60  # a rule started from a clause quotes at most this much of its first sentence
_SENTENCE = re.compile(r"[^。；;！？\n]+")


@dataclass(frozen=True)
class Draft:
    """A rule HR may start from: ``key`` is ``rule:<id>``, ``suggestion:<n>`` or
    ``clause:<clause id>``; ``rule`` is in the rules-file form."""

    key: str
    label: str
    rule: dict


@dataclass(frozen=True)
class Saved:
    rule_id: str
    title: str
    document: str
    file: str
    version: str
    examples: int
    passed: int


def _all_ids(book: Rulebook) -> set[str]:
    from .eligibility import _read_rules

    return {str(r.get("id")) for path in book.files() for r in (_read_rules(path).get("rules") or [])}


def _free_id(book: Rulebook, doc_id: str, taken: set[str]) -> str:
    """``<doc>-<n>``, the first n no rules file uses (``taken`` grows with it)."""
    n = 1
    while f"{doc_id}-{n}" in taken:
        n += 1
    taken.add(f"{doc_id}-{n}")
    return f"{doc_id}-{n}"


def _clause_rule(clause, rule_id: str) -> dict | None:
    """A one-condition yes/no rule quoting the start of ``clause``'s first sentence (HR
    then edits it), or None when the clause has no sentence to quote."""
    m = _SENTENCE.search(clause.text)
    if m is None or not m.group(0).strip():
        return None
    quote = m.group(0).strip()[:CLAUSE_QUOTE_CHARS]
    title = clause.heading or clause.article
    rule = {"id": rule_id, "title": title, "article": clause.article, "topic": "", "triggers": [], "benefits": [],
            "summary": quote, "facts": [{"name": "f1", "label": quote, "kind": "bool", "ask": f"是否符合“{quote}”？"}],
            "conditions": [{"id": "c1", "text": quote, "fact": "f1", "op": "true", "quote": quote}],
            "outcome_met": f"符合{clause.article}所列条件。"}
    rule["examples"] = default_examples(rule)
    return rule


def drafts(book: Rulebook, doc_id: str, author: str = "") -> list[Draft]:
    """The document's saved rules, then the suggestions read from its text (never active
    until saved), then each of its articles. RuleBaseError when the document is not in the
    corpus folder."""
    from .suggest import suggest

    clauses = book.clauses(doc_id)
    saved = book.raw(doc_id)
    taken = _all_ids(book)
    out = [Draft(f"rule:{r.get('id')}", f"已有规则：{r.get('title', r.get('id'))}（{r.get('id')}）", r) for r in saved]
    for n, s in enumerate(suggest(clauses), 1):
        out.append(Draft(f"suggestion:{n}", f"候选 {n}：{s.article} {s.title}", s.to_rule(_free_id(book, doc_id, taken), author)))
    seen_articles = set()
    for clause in clauses:
        if clause.article in seen_articles:
            continue  # one entry per article: its first sentence
        seen_articles.add(clause.article)
        rule = _clause_rule(clause, "")
        if rule is not None:
            label = clause.text.strip()[:20]
            out.append(Draft(f"clause:{clause.clause_id}", f"条文：{clause.article} {label}", rule))
    return out


def draft_for(book: Rulebook, doc_id: str, key: str, author: str = "") -> Draft:
    draft = next((d for d in drafts(book, doc_id, author) if d.key == key), None)
    if draft is None:
        raise RuleBaseError("所选的候选规则或条文已不在该文件中：请重新点击“查找候选规则”")
    if not draft.rule.get("id"):  # a clause: a fresh id
        taken = _all_ids(book)
        draft = Draft(draft.key, draft.label, {**draft.rule, "id": _free_id(book, doc_id, taken)})
    return draft


def save(book: Rulebook, doc_id: str, base: dict, rule_id: str, title: str, topic: str, rows: list[list],
         actor: str) -> Saved:
    """``base`` with the editor's id, title, topic and table rows, saved into the
    document's rules file after every quote is checked verbatim (audit-logged by the
    rulebook). RuleBaseError / QuoteMissingError (Chinese, with the fix) otherwise."""
    from .eligibility import RuleBase, rule_version

    rule_id, title, topic = (str(x or "").strip() for x in (rule_id, title, topic))
    if not RULE_ID.match(rule_id):
        raise RuleBaseError("规则编号只能由字母、数字、汉字、“-”和“_”组成（不超过 60 个字符）：请修改后再保存")
    if not title:
        raise RuleBaseError("请填写待遇名称（如“技能培训补贴”）")
    author = actor.rsplit("@", 1)[0] or actor  # the audit log keeps "name@address"; the rule, the name
    rule = rule_from_rows({**base, "id": rule_id, "topic": topic, "author": author}, rows, title)
    for key in ("triggers", "benefits"):  # the chat finds the rule by the name HR gives the benefit too
        rule[key] = list(dict.fromkeys([title, *(rule.get(key) or [])]))
    path = book.save(doc_id, rule, actor)
    saved = next(r for r in book.raw(doc_id) if r.get("id") == rule_id)
    checked = run_examples(RuleBase([book.check(doc_id, saved)]))
    return Saved(rule_id, title, doc_id, path.name, rule_version(saved), len(checked), sum(e.ok for e in checked))
