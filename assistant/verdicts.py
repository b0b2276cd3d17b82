"""Eligibility questions in chat: recognise them, read the facts stated so far in the
conversation, and turn the rule base's verdict into an answer (``needs_info`` when a
fact is missing, with the question to ask)."""
from __future__ import annotations

import re

from .conversation import Conversation
from .eligibility import ASKS_ELIGIBILITY, OUTCOME_CN, STATUS_CN, UNDECIDED, RuleBase, Verdict, extract_facts
from .query import about_someone_else
from .wording import THIRD_PERSON
from .models import ANSWERED, NEEDS_INFO, Answer, Citation, RuleOutcome

PERSONAL = re.compile(r"我|本人|咱|俺|员工|职工|他|她|\bI\b|\bmy\b", re.I)


def eligibility_answer(rules: RuleBase, text: str, conversation: Conversation,
                       relevant_documents: set[str] | None = None, records: dict | None = None) -> Answer | None:
    """A verdict answer when the message asks whether someone qualifies (or answers our
    earlier request for facts); ``None`` for ordinary questions. With
    ``relevant_documents`` (the documents retrieval found best for the message), a new
    question is taken over by a rule only when the rule's document is among them. When
    other documents set the same benefit (a national law and a local or company text),
    their verdicts follow, each under its document and its standing from ``records``."""
    rule = rules.match(text, conversation.rule, relevant_documents)
    if rule is None:
        return None
    new_facts = extract_facts(rule, text)
    continuing = conversation.rule == rule.id and bool(new_facts)
    if not continuing and relevant_documents is not None and rule.doc_id not in relevant_documents:
        return None  # another document answers this: the text, not the seed's rule
    # A question asks for a verdict when it asks "can I / does it qualify", speaks of a
    # person (or states several facts), and either states a fact or names the benefit.
    personal = bool(PERSONAL.search(text)) or len(new_facts) >= 2
    names_benefit = any(b.lower() in text.lower() for b in rule.benefits)
    asking = bool(ASKS_ELIGIBILITY.search(text)) and personal and (bool(new_facts) or names_benefit)
    if not (continuing or asking):
        return None
    others = rules.same_benefit(rule)
    stated = {k: v for other in others for k, v in extract_facts(other, text).items()}
    facts = {**(conversation.facts if conversation.rule == rule.id else {}), **stated, **new_facts}
    verdict, *other_verdicts = rules.check_all(rule.id, facts)
    conversation.rule, conversation.facts = rule.id, facts
    conversation.remember(text, (verdict.conditions[0].citation.doc_id, rule.article) if verdict.conditions else None,
                          standalone=True)
    return render(verdict, rule.title, rule.article, other_verdicts, records, someone_else=about_someone_else(text))


def _unique_citations(*verdicts: Verdict) -> list[Citation]:
    seen: dict[str, Citation] = {}
    for result in (r for v in verdicts for r in v.conditions):
        seen.setdefault(result.citation.quote, result.citation)
    return list(seen.values())


def _article(article: str) -> str:
    """"第九条" for "九" and for "第九条" (rules name articles either way)."""
    from .answering import article_name
    from .models import Clause

    return article_name(Clause("", "", "", article, "", "", 0, 0))


def _named(doc_id: str, records: dict | None) -> str:
    from .rules_view import short_name

    return f"《{short_name(doc_id, records)}》"


def _source(verdict: Verdict, records: dict | None) -> str:
    from .rules_view import short_name, standing

    line = standing((records or {}).get(verdict.document), dated=False)  # no date no cited sentence holds
    return f"《{short_name(verdict.document, records)}》" + (f"（{line}）" if line else "")


def render(verdict: Verdict, title: str, article: str, others: list[Verdict] = (), records: dict | None = None,
           someone_else: bool = False) -> Answer:
    """The verdict as an answer: the outcome (or the facts still needed), each condition
    with its state and the number of its cited clause; then the verdict of each other
    document on the same benefit, under its document, level and validity. ``someone_else``:
    HR or an employer asks about another person's case, so the facts asked for are that
    person's ("该员工是哪类毕业生？")."""
    citations = _unique_citations(verdict, *others)
    number = {c.quote: n for n, c in enumerate(citations, 1)}
    # several documents loaded (or setting this benefit): every article is named with its document
    named = bool(others) or len(records or {}) > 1
    where = (_named(verdict.document, records) if named and verdict.document else "") + _article(article)
    rows = [f"- {r.text}：{STATUS_CN[r.status]}[{number[r.citation.quote]}]" for r in verdict.conditions]
    if verdict.outcome == UNDECIDED:
        asks = "\n".join(f"- {_addressed(f.ask or f.label, someone_else)}" for f in verdict.missing)
        head = f"要判断是否符合“{title}”（{where}），还需要您补充以下信息：\n{asks}"
        status = NEEDS_INFO
    else:
        head = f"判断：{OUTCOME_CN[verdict.outcome]}（{title}，{where}）。{verdict.message}"
        status = ANSWERED
    if others:
        head += f"\n依据文件：{_source(verdict, records)}"
    for other in others:
        rows += ["", f"{_source(other, records)}{_article(other.article)}（{other.title}）："
                     f"{OUTCOME_CN[other.outcome]}"]
        rows += [f"- {r.text}：{STATUS_CN[r.status]}[{number[r.citation.quote]}]" for r in other.conditions]
    basis = "\n".join(f"[{n}] {_named(c.doc_id, records) if named else ''}{_article(c.article)}：“{c.quote}”"
                      for n, c in enumerate(citations, 1))
    text = f"{head}\n\n逐项条件：\n" + "\n".join(rows) + f"\n\n依据：\n{basis}"
    return Answer(status, text, citations, rule=RuleOutcome(verdict.rule_id, verdict.outcome,
                                                            {r.id: r.status for r in verdict.conditions},
                                                            {v.rule_id: v.outcome for v in others}))


def _addressed(question: str, someone_else: bool) -> str:
    """A request for a fact, put to the person the case is about."""
    return question.replace("您", THIRD_PERSON) if someone_else else question
