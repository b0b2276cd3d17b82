"""Candidate entitlement rules read from any document's text: sentences that grant
something (补贴、享受、予以报销、可以…) under conditions (“…的，”, 对…的, 符合…条件,
满…年, 取得…证书, 年龄…以下 …). Each condition is split from the sentence, given a fact
kind (duration, number, percent, yes/no, choice) and, when it states a figure, an
operator and threshold read by :mod:`assistant.figures`. A suggestion is never a rule
until HR accepts it (:mod:`assistant.rulebook`)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import figures
from .models import Clause

# What a sentence grants: a benefit noun, or a verb that gives a right (not "不享受", "不予").
BENEFIT_NOUNS = r"补贴|补助|津贴|奖励|奖金|报销|资助|年休假|服务期|待遇|表彰|优惠|扶持"
GRANT = re.compile(rf"(?<![不未])(?:享受|予以|给予|发放|领取|有权|免予|纳入|直接认定)|可以|(?<![认许不])可(?![能靠是见])"
                   rf"|(?<![不未])(?:{BENEFIT_NOUNS})")
# A condition written into the sentence: "…的" before the grant, or one of these markers.
CONDITION = re.compile(r"的$|^对|^凡|符合.{0,20}条件|签订|满|取得.{0,12}证书|年龄|户籍|参保|缴纳|经.{0,12}(?:批准|同意|认定)"
                       r"|以上|以下|不满|未满|连续工作|累计工作|期间")
NOT_A_CONDITION = re.compile(r"^(?:但|并|其中|同时|另|按照|依照|根据)")
# Not a benefit: a penalty, or a grant denied ("不享受", "不属于", "不得").
NOT_GRANTED = re.compile(r"处分|处罚|警告|罚款|批评|追偿|责令|违约金|赔偿金|不享受|不予|不属于|不得|不再|不适用")
MIN_CONDITION_CHARS = 4  # "收入", "提供": a fragment, not a condition
_SENTENCE = re.compile(r"[^。；;！？\n]+[。；;！？]?")
_SEGMENT = re.compile(r"[^，,：:]+")
_LIST = re.compile(r"^(?:对|凡)(.+?、.+?)的(.{0,8})$")  # 对A、B、C的技能人才: a choice among A, B, C
MAX_LABEL_CHARS = 40
# who and where, not what is measured: never a cue for a figure in a chat message
GENERIC_WORDS = frozenset({"员工", "职工", "劳动者", "人员", "个人", "公司", "本公司", "单位", "用人单位", "企业", "本单位"})

# bounds next to a figure → operator
_AFTER = (("及以上", "at_least"), ("以上", "at_least"), ("以下", "at_most"), ("以内", "at_most"))
_BEFORE = (("不得超过", "at_most"), ("不超过", "at_most"), ("不高于", "at_most"), ("最多", "at_most"),
           ("不少于", "at_least"), ("不低于", "at_least"), ("至少", "at_least"), ("达到", "at_least"),
           ("不满", "below"), ("未满", "below"), ("不足", "below"), ("低于", "below"), ("少于", "below"),
           ("超过", "above"), ("已满", "at_least"), ("满", "at_least"))
_MONTH_UNITS = ("个月", "月", "年", "半年")


@dataclass(frozen=True)
class SuggestedCondition:
    text: str  # what HR sees: the condition in the text's words
    quote: str  # verbatim from the clause
    kind: str  # months | number | percent | bool | choice
    op: str = "true"
    value: object = None  # threshold (months, yuan, % …) or the acceptable choices
    unit: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    doc_id: str
    article: str
    clause_id: str
    sentence: str
    benefit: str  # the part of the sentence that grants
    conditions: tuple[SuggestedCondition, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return _short(self.benefit, 16)

    def to_rule(self, rule_id: str, author: str = "") -> dict:
        """The suggestion as a rule (the rules-file form HR edits and saves), with one met
        and one unmet example per condition (:func:`assistant.rulebook.default_examples`)."""
        from .rulebook import default_examples

        facts, conditions = [], []
        shared: dict[tuple[str, str], str] = {}  # 已满1年不满10年: two conditions, one fact
        for n, c in enumerate(self.conditions, 1):
            label = _short(c.text, MAX_LABEL_CHARS)
            name = shared.get((c.quote, c.kind)) if c.kind in ("months", "number", "percent") else None
            if name is None:
                name = f"f{len(facts) + 1}"
                shared[(c.quote, c.kind)] = name
                fact = {"name": name, "label": label, "kind": c.kind, "ask": _ask(c, label)}
                if c.unit:
                    fact["unit"] = c.unit
                if c.kind == "choice":
                    fact["choices"] = [*c.choices, "以上都不是"]
                    fact["cues"] = {choice: [choice] for choice in c.choices}
                facts.append(fact)
            conditions.append({"id": f"c{n}", "text": label, "fact": name, "op": c.op,
                               **({"value": list(c.value) if isinstance(c.value, tuple) else c.value}
                                  if c.value is not None else {}), "quote": c.quote})
        benefit = _object(self.benefit)
        rule = {"id": rule_id, "title": self.title, "article": self.article, "topic": benefit,
                "author": author, "triggers": [benefit] if benefit else [], "benefits": [benefit] if benefit else [],
                "summary": self.sentence.rstrip("。；;"), "facts": facts, "conditions": conditions,
                "outcome_met": f"符合文件所列条件：{self.benefit.rstrip('。；;')}。"}
        with_cues(rule)
        rule["examples"] = default_examples(rule)
        return rule


def with_cues(rule: dict) -> dict:
    """``rule`` with cue words for each numeric fact that has none (from its label, by
    :func:`number_cues`), so the chat reads "我签了18个月劳动合同" as that fact. Yes/no facts
    get none: the chat asks for them instead of guessing from a word."""
    facts = rule.get("facts", [])
    numeric = [f for f in facts if f.get("kind") in ("months", "number", "percent")]
    for fact, cues in zip(numeric, number_cues([str(f.get("label", "")) for f in numeric])):
        if not fact.get("cues"):
            fact["cues"] = cues
    return rule


def number_cues(labels: list[str]) -> list[list[str]]:
    """For each condition label, the words that name its figure in a chat message
    ("签订2年以上劳动合同" → 签订, 劳动合同): the label's words without its figures, bound
    words and generic words (员工, 公司 …), keeping those no other label uses when there
    are any. :func:`assistant.eligibility.extract_facts` reads a figure next to one."""
    import jieba

    bounds = {w for w, _ in (*_AFTER, *_BEFORE)}
    words = []
    for label in labels:
        text = label
        for fig in sorted(figures.find(label), key=lambda f: f.start, reverse=True):
            text = text[:fig.start] + "，" + text[fig.end:]
        words.append([w for w in dict.fromkeys(jieba.lcut(text)) if len(re.findall(r"[\u4e00-\u9fff]", w)) >= 2
                      and w not in GENERIC_WORDS and w not in bounds])
    out = []
    for n, own in enumerate(words):
        others = {w for k, ws in enumerate(words) if k != n for w in ws}
        out.append([w for w in own if w not in others] or own)
    return out


def _short(text: str, limit: int) -> str:
    text = text.strip("，,。；; ")
    return text if len(text) <= limit else text[:limit] + "…"


_VERB = re.compile(r"享受|予以|给予|发放|领取|有权|免予|纳入|可以|可")


def _object(benefit: str) -> str:
    """What is granted, without the granting verb: "从入职开始按规定予以补贴" → "补贴"."""
    first = _segments(benefit)[0] if benefit.strip() else ""
    verbs = list(_VERB.finditer(first))
    phrase = first[verbs[-1].end():] if verbs and verbs[-1].end() < len(first) else first
    noun = re.search(BENEFIT_NOUNS, phrase)
    if noun is not None:
        phrase = phrase[:noun.end()]
    phrase = re.sub(r"^(?:按照规定|按规定|依法|按照|按)", "", phrase)
    return _short(phrase, 12)


def _ask(c: SuggestedCondition, label: str) -> str:
    if c.kind == "months":
        return f"{label}：实际期限是多长？"
    if c.kind == "percent":
        return f"{label}：实际比例是多少（%）？"
    if c.kind == "number":
        return f"{label}：实际是多少{c.unit}？"
    if c.kind == "choice":
        return f"属于以下哪一项：{'、'.join(c.choices)}？"
    return f"是否符合“{label}”？"


def _operator(text: str, fig: figures.Figure) -> str:
    after = text[fig.end:fig.end + 3]
    for word, op in _AFTER:
        if after.startswith(word):
            return op
    before = text[max(0, fig.start - 4):fig.start]
    for word, op in _BEFORE:
        if before.endswith(word):
            return op
    return "at_least"  # "签订1年劳动合同的", "年满16周岁": reaching the figure


def _threshold(fig: figures.Figure) -> tuple[str, float, str] | None:
    """(kind, threshold, unit) of a figure: durations in months; amounts in yuan;
    percentages; other figures as numbers with their unit."""
    written = figures.normal(fig.text)
    value = figures.figure_value(written)
    if fig.kind == "duration" and value is not None and value[0] == "月" and written.endswith(_MONTH_UNITS):
        return "months", value[1], ""
    if value is not None and value[0] == "%":
        return "percent", value[1], ""
    if value is not None and value[0] == "元":
        return "number", value[1], "元"
    m = re.match(rf"({figures.NUMBER})\s*(.*)$", written)
    if m is None:
        return None
    try:
        return "number", figures.parse_number(m.group(1)), m.group(2).rstrip("半")
    except (ValueError, KeyError):
        return None


def _conditions_of(segment: str) -> list[SuggestedCondition]:
    """One condition per figure a segment states (已满1年不满10年 → two), else one yes/no
    condition, or a choice for "对A、B、C的…"."""
    text = re.sub(r"^(?:对|凡)", "", segment).strip()
    label = re.sub(r"的$", "", text)
    out = []
    for fig in figures.find(segment):
        if fig.kind not in ("duration", "amount", "ratio", "age", "count") or re.search(r"\d{4}年", fig.text):
            continue
        read = _threshold(fig)
        if read is None:
            continue
        kind, value, unit = read
        out.append(SuggestedCondition(label, segment, kind, _operator(segment, fig), value, unit))
    if out:
        return out
    listed = _LIST.match(segment)
    if listed and "，" not in segment:
        items = tuple(x for x in re.split(r"、|或者|或", listed.group(1)) if x)
        if len(items) >= 2:
            return [SuggestedCondition(label, segment, "choice", "in", items, choices=items)]
    return [SuggestedCondition(label, segment, "bool", "true")]


def _segments(sentence: str) -> list[str]:
    return [m.group(0).strip() for m in _SEGMENT.finditer(sentence.rstrip("。；;！？")) if m.group(0).strip()]


def suggest_sentence(sentence: str) -> tuple[str, list[str]] | None:
    """(benefit, condition segments) when ``sentence`` grants something under conditions."""
    parts = _segments(sentence)
    for g, part in enumerate(parts):
        grant = GRANT.search(part)
        if grant is None:
            continue
        if NOT_GRANTED.search(part):
            return None
        # "A，B的，grant": A and B both belong to the condition that "的" closes
        closing = max((k for k in range(g) if parts[k].endswith("的")), default=-1)
        conditions = [p for k, p in enumerate(parts[:g]) if (k <= closing or CONDITION.search(p))
                      and not NOT_A_CONDITION.search(p) and len(re.findall(r"[\u4e00-\u9fff]", p)) >= MIN_CONDITION_CHARS]
        benefit = part
        cut = part.rfind("的", 0, grant.start())
        if cut > 0 and CONDITION.search(part[:cut + 1]):  # "符合职业培训补贴条件的给予差异化补贴"
            conditions.append(part[:cut + 1])
            benefit = part[cut + 1:]
        elif not conditions and g == 0 and "的" not in part[:grant.start()]:
            continue
        if conditions:
            tail = "，".join(parts[g + 1:])
            return (benefit + ("，" + tail if tail else "")), conditions
    return None


def suggest(clauses: list[Clause], doc_id: str | None = None) -> list[Suggestion]:
    """The candidate entitlements of ``clauses`` (of ``doc_id`` when given), in text order."""
    out = []
    for clause in clauses:
        if doc_id is not None and clause.doc_id != doc_id:
            continue
        for m in _SENTENCE.finditer(clause.text):
            sentence = m.group(0).strip()
            found = suggest_sentence(sentence)
            if found is None:
                continue
            benefit, segments = found
            conditions = tuple(c for seg in segments for c in _conditions_of(seg) if c.quote in clause.text)
            if conditions:
                out.append(Suggestion(clause.doc_id, clause.article, clause.clause_id, sentence, benefit, conditions))
    return out
