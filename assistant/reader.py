"""Reading the article retrieval found: which of its sentences answers the question
(issue 13). Retrieval ranks clauses of the whole corpus and keeps a few; the answer's
first sentence must be the one of the chosen article that holds what was asked (the
time for "when", the actor for "who", a figure of the asked kind, the item the question
names), so every sentence of that article is read, not only the retrieved ones.

A sentence scores the IDF-weighted share of the question's terms it holds (through
lexicon synonyms, as retrieval's coverage does, but on the sentence alone), plus named
bonuses (:class:`ReadingWeights`) for holding the answer slot, for a figure the
question names (or for the tier of a tiered rule its figure falls in: "我工作十二年了" →
"已满10年不满20年的"), and for having been retrieved."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Sequence

from .figures import asked_kind, asked_unit, bounded_values, find, in_band, names_value, states, states_in_unit
from .liability import SANCTION
from .models import Clause, Hit
from .query import Query, defines, parts
from .settings import ReadingWeights

WeightedTerms = Sequence[tuple[float, tuple[str, ...]]]

# Where the answer to each kind of question stands in a sentence: the sentence holding the
# slot leads, and the direct answer never cuts through it.
SLOTS = {
    "when": re.compile(r"自[^，。；]{1,40}(之日)?起|从[^，。；]{1,20}(开始|起)|[^，。；]{1,20}(之前|以前|以后|之后|期间|期内|期满|届满|以内|之内)"
                       r"|\d{4}年\d{1,2}月\d{1,2}日|[一二三四五六七八九十百\d]+(个)?[日天月年]内|(起|开始)施行|及时|随时"
                       r"|每(年|季度|月|半年)|次月|当月|[一二三四五六七八九十\d]+月"),
    "who": re.compile(r"由[^，。；]{1,40}(负责|承担|组织|支付|提供|审批|确认|处理|订立|认定|制定|实施|发放|申请|作出|决定|担任)"
                      r"|[^，。；]{1,20}(担任|兼任)"
                      r"|[^，。；]{1,20}(部门|机构|工会|人民法院|委员会|用人单位|劳动者|企业|单位|政府"
                      r"|[^全内外本]部|局|厅|办公室|中心|车间|公司)(应当|负责|可以|有权|要)"
                      r"|向[^，。；]{2,30}(申诉|申请|投诉|举报|报告|提出)"),
    "conditions": re.compile(r"对[^，。；]{2,80}的|符合[^，。；]{1,30}条件|有下列情形之一|具备[^，。；]{1,30}条件|满[^，。；]{1,12}(年|个月)"
                             r"|以上的|以下的|下列条件|之一的"),
    "list": re.compile(r"下列|包括|[^、，。；]{1,20}、[^、，。；]{1,20}、|：$"),
    "definition": re.compile(r"是指|所称|指的是|统称|以下简称"),  # "…的部门，统称负有…职责的部门"
    # the sanctions a text states (assistant/liability.py), and the measures beside them
    "consequence": re.compile(rf"{SANCTION.pattern}|责令|加付|处分|吊销|停业|承担[^，。；]{{0,8}}责任|赔偿|追回|撤销|取消[^，。；]{{0,12}}(资格|称号|荣誉)"
                              r"|给予[^，。；]{0,6}(行政)?处罚"),
    "how": re.compile(r"应当|可以|按照|通过|申请|依照|依法|办理|处理"),
    "yesno": re.compile(r"不得|可以|应当|有权|禁止|不能|无权|必须|不予|享受|享有|不再|视为|视同|计入|算作|不超过"),
}
# "找谁申诉", "向哪个部门投诉": who is to be addressed, not who acts ("接受申诉的部门应当…")
ASKS_ADDRESSEE = re.compile(r"(找谁|向谁|跟谁|去哪儿?|去哪里|向哪个|到哪个|找哪个)\S{0,6}?(申诉|投诉|举报|申请|反映|报告|提出|咨询)")
ADDRESSEE = re.compile(r"向[^，。；]{2,30}(申诉|投诉|举报|申请|反映|报告|提出|咨询)")
ANNOUNCES_ITEMS = re.compile(r"下列|[：:]$")


@dataclass(frozen=True)
class Reading:
    """One sentence of the article with its score and the question terms it holds."""

    clause: Clause
    score: float
    share: float  # IDF-weighted share of the question's terms it holds (0–1)
    holds: frozenset[int]  # indices into the weighted terms
    slot: bool


def holds_slot(query: Query, text: str) -> bool:
    """Whether ``text`` holds what the question's kind asks for: a figure of the asked
    kind (for a cap or a standard asked, a bound in words too: "违约金上限" ← "不得超过用人单位
    提供的培训费用"), or the kind's slot (a time, an actor, a condition, a list …)."""
    if query.asks:
        unit = None if query.yes_no else asked_unit(query.text)  # "能不能拆成几次休" asks no unit
        if unit:  # "有几天年假": a period in days, not "满12个月"
            return states_in_unit(unit, text)
        return states(query.asks, text)
    if query.asks_definition:
        # "…是指哪些人？" asks "which" by asking what the term means: only a defining sentence
        # holds that ("本规定所称专业技术人员是指…"), not a list in another sentence
        return bool(SLOTS["definition"].search(text))
    if query.kind == "who" and ASKS_ADDRESSEE.search(query.text):
        return bool(ADDRESSEE.search(text))
    if query.kind == "list" and len(query.listed) == 1:  # "哪些人": a list of 人员, not of 范围、地域、期限
        # (a longer noun is one of the question's terms: it weighs in the share read)
        return names_listed(query, text) and (bool(SLOTS["list"].search(text)) or "、" in text)
    pattern = SLOTS.get(query.kind or "")
    return bool(pattern and pattern.search(text))


def names_listed(query: Query, text: str) -> bool:
    """Whether ``text`` names what a "which ones" question asks to be listed: the word itself,
    or for one character a word beginning with it (人 → 人员, not 用人单位)."""
    noun = query.listed
    if len(noun) > 1 or query.words is None:
        return bool(noun) and noun in text
    return any(w.startswith(noun) for w in query.words(text))


def tier_text(query: Query) -> str:
    """What the tier of a tiered rule is read from: the question when it states a duration or
    an amount, else the conversation too ("我累计工作满十五年了。" / "那病假请多久就不能休年假？")."""
    if any(f.kind in ("duration", "amount") for f in find(query.text)):
        return query.text
    return f"{query.case} {query.text}"


def _question_values(query: Query) -> set:
    return bounded_values(query.text)


def read(query: Query, weights: WeightedTerms, clauses: Iterable[Clause], hits: Sequence[Hit] = (),
         bonus: ReadingWeights = ReadingWeights(), own: bool = False) -> list[Reading]:
    """The sentences of ``clauses`` (one article, in order), best answer first.

    ``weights``: (IDF weight, the term and its synonyms) per question term, as retrieval
    computed them; ``hits``: retrieval's hits (their scores break ties toward what
    retrieval found); ``own``: read the words in each clause alone, not in its whole sentence
    (the halves of "……应当在六十个工作日内完成调查；情况复杂的，……可以延长三十个工作日" answer
    different asks)."""
    clauses = list(clauses)
    total = sum(w for w, _ in weights) or 1.0
    best_hit = max((h.score for h in hits), default=0.0) or 1.0
    hit_score = {h.clause.clause_id: h.score for h in hits}
    wanted = _question_values(query)
    tiers = tier_text(query)
    readings = []
    for clause, sentence in _sentences(clauses):
        if is_heading(clause):
            continue
        text = clause.text
        # the words are read in the whole sentence ("已满20年的，年休假15天" continues "职工累计工作
        # 已满1年不满10年的…；"), the slot and figures in the clause itself
        holds = frozenset(i for i, (_, forms) in enumerate(weights) if any(f in (text if own else sentence) for f in forms))
        share = sum(weights[i][0] for i in holds) / total
        score = share
        # what the clause holds itself breaks ties between the clauses of one sentence split at "；"
        score += bonus.own_words * sum(w for w, forms in weights if any(f in text for f in forms)) / total
        slot = holds_slot(query, text)
        if slot:
            score += bonus.slot
        if query.quoted_term and defines(text, [query.quoted_term]):
            score += bonus.defined  # "“月工资”按什么算" → "本条所称月工资是指…"
        if (wanted and names_value(text, wanted)) or in_band(tiers, text):
            score += bonus.figure  # the figure the question names, or the tier its figure falls in
        if clause.clause_id in hit_score:
            score += bonus.retrieved * max(0.0, hit_score[clause.clause_id]) / best_hit
        readings.append(Reading(clause, score, share, holds, slot))
    readings.sort(key=lambda r: (-r.score, r.clause.order))
    return readings


def _sentences(clauses: Iterable[Clause]) -> list[tuple[Clause, str]]:
    """Each clause with the text of the sentence it belongs to: clauses split at "；" of
    one sentence (not separate enumerated items) share their sentence's words."""
    out: list[tuple[Clause, str]] = []
    group: list[Clause] = []

    def flush() -> None:
        joined = "".join(c.text for c in group)
        out.extend((c, joined) for c in group)
        group.clear()

    for clause in clauses:
        if group and not (group[-1].text.endswith(("；", ";")) and group[-1].item == clause.item
                          and not (clause.item and clause.text.startswith(clause.item))):
            flush()
        group.append(clause)
    flush()
    return out


def sentence_of(clause: Clause, article: Callable[[str, str], list[Clause]]) -> str:
    """The text of the whole sentence ``clause`` belongs to (a clause split at "；" continues
    its sentence: "已满20年的，年休假15天" is about what "职工累计工作…" began)."""
    return next((text for c, text in _sentences(article(clause.doc_id, clause.article))
                 if c.clause_id == clause.clause_id), clause.text)


def is_heading(clause: Clause) -> bool:
    """A clause that is only its article's heading (a lead phrase, not a rule)."""
    return bool(clause.heading) and clause.text.rstrip("。") == clause.heading


def announcer(item: Clause, article: Callable[[str, str], list[Clause]]) -> Clause | None:
    """The sentence that announces the enumerated ``item`` ("有下列情形之一的："), if any."""
    if not item.item:
        return None
    before = [c for c in article(item.doc_id, item.article) if c.order < item.order and not c.item]
    return before[-1] if before and ANNOUNCES_ITEMS.search(before[-1].text) else None


def as_read(clause: Clause, article: Callable[[str, str], list[Clause]]) -> tuple[str, ...]:
    """The texts ``clause`` is read as when asking what it states: the clause itself, and an
    enumerated item also with the sentence announcing it ("（一）初级工，八百元；" is about the
    "奖励" that "公司按照下列标准发放奖励：" names; "十级伤残为7个月的本人工资" answers for 十级
    in the item alone, where the announcer's "七级至十级伤残的" does not name it apart)."""
    head = announcer(clause, article)
    return (clause.text,) if head is None else (clause.text, head.text + clause.text)


# A sentence that goes on from the paragraph before it: "前款规定的折算方法为：…", "依照前款规定…"
CONTINUES = re.compile(r"^(前款|上款|前两款|依照前款|按照前款)(规定|所称|所述)?")


# A rule stated as what is done as a rule ("一般不跨年度安排", "原则上…"): the sentence after it
# that says when it may be otherwise ("确有必要跨年度安排职工年休假的，可以跨1个年度安排") is its
# other half
AS_A_RULE = re.compile(r"一般|原则上")
# A sentence opening with 但是 states the exception to the one before it
BUT = re.compile(r"但是|但(?!书)")
EXCEPTION = re.compile(r"(可以|不得|应当|确有必要|特殊情况)")


# A sanction's next step, in the clause after it ("责令限期改正；" / "逾期未改正的，处…罚款")
ESCALATES = re.compile(r"^(逾期(不|未|仍未|仍不)|拒不|情节严重|情节特别严重|屡次|再次)")


# Characters of a band or a bound, not of a thing counted ("已满", "不满", "以上")
_BAND_WORDS = re.compile(r"[\d满足超过达到以上下未，、；]")


def qualifies(lead: str, following: str) -> bool:
    """Whether ``following`` states a figure for a case of what a figure of ``lead`` is
    counted in: "……并处违法所得一倍以上五倍以下的罚款；" / "违法所得不足一万元的，按一万元
    计算。" (it begins with the words right before that figure)."""
    if not find(following):
        return False
    for figure in find(lead):
        before = lead[max(0, figure.start - 6):figure.start]
        # the words of a thing counted, not of a band ("已满", "不满": the next tier begins so too)
        if any(following.startswith(before[-k:]) and not _BAND_WORDS.search(before[-k:])
               for k in range(2, len(before) + 1)):
            return True
    return False


def continuation(lead: Clause, article: Callable[[str, str], list[Clause]]) -> Clause | None:
    """The sentence right after ``lead``'s sentence when it goes on from it ("前款规定的用人单位
    向劳动者每月支付两倍工资的起算时间为…" after the rule it dates), or states the exception to
    a rule ``lead`` gives as what is done as a rule ("一般不跨年度安排"); the clause after
    ``lead`` in its sentence when it says how ``lead``'s figure is counted in a case
    (:func:`qualifies`), or the sanction that follows when ``lead``'s is not complied with
    ("责令限期改正；" / "逾期未改正的，处一万元以上十万元以下罚款"); else None."""
    clauses = article(lead.doc_id, lead.article)
    own = sentence_of(lead, article)
    nxt = next((c for c in clauses if c.order == lead.order + 1), None)
    if (nxt is not None and not nxt.item and sentence_of(nxt, article) == own and lead.text.endswith(("；", ";"))
            and (qualifies(lead.text, nxt.text)
                 or (SANCTION.search(lead.text) and ESCALATES.match(nxt.text) and SANCTION.search(nxt.text)))):
        return nxt
    after = [c for c in clauses if c.order > lead.order and sentence_of(c, article) != own]
    if not after or after[0].item:
        return None
    following = after[0]
    if CONTINUES.search(following.text):
        return following
    if AS_A_RULE.search(own) and "的，" in following.text and EXCEPTION.search(following.text):
        return following
    if BUT.match(following.text):
        return following  # "申请人可以撤回仲裁申请…。但是，仲裁辩论终结后…的除外。": the rule's other half
    return None


def items_of(lead: Clause, article: Callable[[str, str], list[Clause]]) -> list[Clause]:
    """The enumerated items ((一)…, 1.…) that follow a sentence announcing them
    ("有下列情形之一的…："); empty when it announces none."""
    if not ANNOUNCES_ITEMS.search(lead.text):
        return []
    items = []
    for clause in article(lead.doc_id, lead.article):
        if clause.order <= lead.order:
            continue
        if not clause.item:
            break
        items.append(clause)
    return items


def adds(second: Reading, first: Reading, weights: WeightedTerms, min_share: float) -> bool:
    """Whether ``second`` holds the slot that ``first`` lacks, or question terms it lacks
    weighing at least ``min_share`` of the question."""
    total = sum(w for w, _ in weights) or 1.0
    # single characters (能, 走 …) say too little to call a sentence an addition
    added = sum(weights[i][0] for i in second.holds - first.holds if len(weights[i][1][0]) > 1) / total
    return added >= min_share or (second.slot and not first.slot)


def another_case(readings: Sequence[Reading], chosen: Reading, share: float = 1.0) -> list[Reading]:
    """The other sentences that hold the slot as ``chosen`` does and ``share`` as much of the
    question: the same rule for another case ("单位按照本单位工资总额的2%缴纳…" beside "职工按照
    本人工资的1%缴纳…"), in reading order."""
    if not chosen.slot:
        return []
    return [r for r in readings if r.clause.clause_id != chosen.clause.clause_id and r.slot
            and r.share >= share * chosen.share]


def part_answers(query: Query, weights: WeightedTerms, clauses: Sequence[Clause], shown: Sequence[Clause],
                 hits: Sequence[Hit] = (), bonus: ReadingWeights = ReadingWeights()) -> list[Clause]:
    """Sentences of the article ``clauses`` that answer what a question asking several things
    asks besides what the ``shown`` sentences answer ("要在什么时候提复核，多久能出结论？": the
    sentence with 公示期内 as well as the one with 十个工作日内), in the order of the asks.

    Each ask is read on its own, with the question's terms it holds (all of them when it holds
    none of two characters: "最多能请几个？"); its best sentence joins when it is not shown, holds
    the ask's slot or ``bonus.part_share`` of its terms, and beats every shown sentence by
    ``bonus.part_margin``."""
    asks = parts(query.text)
    if len(asks) < 2:
        return []
    shown_ids = {c.clause_id for c in shown}
    out: list[Clause] = []
    for ask in asks:
        mine = [(w, forms) for w, forms in weights if forms[0] in ask.lower()]
        if not any(len(forms[0]) >= 2 for _, forms in mine):
            mine = list(weights)
        sub = replace(query, text=ask, asks=asked_kind(ask))
        readings = read(sub, mine, clauses, hits, bonus, own=True)
        if not readings:
            continue
        best = readings[0]
        if best.clause.clause_id in shown_ids:
            if sub.asks:  # answered; the same figure for another case ("单位和个人各按什么比例") too
                out += [r.clause for r in another_case(readings, best)[:1] if r.clause.clause_id not in shown_ids]
                shown_ids.update(c.clause_id for c in out)
            continue
        answered = max((r.score for r in readings if r.clause.clause_id in shown_ids), default=0.0)
        if best.score - answered >= bonus.part_margin and (best.slot or best.share >= bonus.part_share):
            out.append(best.clause)
            shown_ids.add(best.clause.clause_id)
    return out
