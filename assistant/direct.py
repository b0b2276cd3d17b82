"""The direct answer: the part an employee reads before the basis list (issue 13).

It is made of verbatim spans of the cited sentences joined by words from one closed set
(:data:`CONNECTIVES`), with document labels, article names and [n] markers; nothing else.
:func:`unexplained` finds any other words, so tests and evals can hold every direct
answer to that."""
from __future__ import annotations

import re
from typing import Iterable

from .figures import asked_unit
from .phrases import split

# A yes/no verdict is said only when the cited sentence states it, in one of these words.
NEGATIVE_MODALS = ("不得", "禁止", "不能", "不可", "无权", "不予", "不应")
POSITIVE_MODALS = ("可以", "有权", "享受", "享有", "支持", "鼓励")
DUTY_MODALS = ("应当", "必须")
# "无需支付经济补偿": no duty, which is neither 不可以 nor 可以
NEEDLESS_MODALS = ("无需", "无须", "不需要", "不必")
# a positive modal after a negation is a negative rule ("但不享受…学费报销", "不再享有")
_NEGATED_POSITIVE = re.compile("(?:不再|不|未|无)(?:" + "|".join(POSITIVE_MODALS) + ")")
VERDICT_NO, VERDICT_YES, VERDICT_DUTY, VERDICT_NEEDLESS = "不可以", "可以", "应当", "无需"
# What a "文件没有规定…" answer names as missing, per asked figure kind (assistant.figures).
ASK_NAMES = {
    "amount": "具体金额或补贴标准",
    "ratio": "具体比例",
    "difference": "具体差额或倍数",
    "duration": "具体期限",
    "count": "具体数量",
    "age": "具体年龄",
    "measure": "具体数值",
    "standard": "具体标准或数值",
    "figure": "具体数字",
    "catalogue": "具体名单或目录内容",
}
# A period asked in hours is a length of time, not a term ("每天最多训练几个小时" → 具体时长)
HOURS_NAME = "具体时长"


def ask_name(asks: str, question: str) -> str:
    """What "文件没有规定…" calls the figure asked for (:data:`ASK_NAMES`)."""
    if asks == "duration" and asked_unit(question) == "小时":
        return HOURS_NAME
    return ASK_NAMES[asks]
# When another loaded text of another scope states a different figure (assistant/conflicts.py).
OTHER_RULE = "{label}{article}（{scope}）的规定不同：{span}[{n}]。"
WHERE_APPLIES = "{lead}适用于{lead_scope}，{other}适用于{other_scope}；两者不一致，具体适用请以当地人力资源社会保障部门的意见为准。"
# Answers about a document itself (assistant/record_answers.py): what each record field is called,
# and the sentences said when the text is silent on it or the text is no longer current.
RECORD_FIELD_NAMES = {"number": "文号", "effective": "施行日期", "adopted": "通过日期", "amended": "修订或修正情况",
                      "published": "公布日期", "issuers": "制定机关", "status": "是否仍然有效"}
TEXT_SILENT = "文件没有写明{what}。"
# A figure of a definite kind asked, and no cited sentence states one: said before the quotes,
# so a figure of another kind in them is not read as the answer ("1小时" for "多少平方米").
QUOTES_SILENT = "以下条文没有写明{what}。"
TEXT_SAYS = "文件写明的是："
STATUS_UNSTATED = "文件本身没有写明它目前是否仍然有效；知识库中没有替代或废止它的文本。"
REPLACED = "{label}不再是现行文本。"
NOT_YET_STATED = "{label}在所问日期尚未施行。"
_TEMPLATE_WORDS = tuple(w for t in (OTHER_RULE, WHERE_APPLIES, TEXT_SILENT, QUOTES_SILENT, TEXT_SAYS, STATUS_UNSTATED, REPLACED, NOT_YET_STATED)
                        for w in re.split(r"\{\w+\}|\[|\]", t) if w) + tuple(RECORD_FIELD_NAMES.values())
# Every word a direct answer may hold besides verbatim spans, labels, article names and markers.
CONNECTIVES = ("根据", "规定", "文件没有规定", "只写明", "的相关规定是", "文件中没有您提到的数字，请不要以此为准",
               VERDICT_NO, VERDICT_YES, VERDICT_DUTY, VERDICT_NEEDLESS, *ASK_NAMES.values(), HOURS_NAME, *_TEMPLATE_WORDS, "、", "“", "”", "……", "。", "：", "；", "（", "）")
_MARKER = re.compile(r"\[\d+\]")


_MAY = re.compile(r"(?<![认许宁])可(?![能靠行见观供持以])")  # 可 as "may" (可打破…), not 可能 / 认可 / 可持续


def verdict(span: str) -> str:
    """The verdict a yes/no question gets from the sentence ``span`` that answers it:
    不可以 / 可以 / 应当 / 无需, or "" when the sentence states none or states both ways. The
    sentence's conditions ("…的，") are not its rule: a modal inside them does not count."""
    span = _rule(span)
    needless = any(m in span for m in NEEDLESS_MODALS)
    for m in NEEDLESS_MODALS:
        span = span.replace(m, "")
    negative = any(m in span for m in NEGATIVE_MODALS) or bool(_NEGATED_POSITIVE.search(span))
    cleared = _NEGATED_POSITIVE.sub("", span)
    for m in NEGATIVE_MODALS:
        cleared = cleared.replace(m, "")
    positive = any(m in cleared for m in POSITIVE_MODALS) or bool(_MAY.search(cleared))
    duty = any(m in cleared for m in DUTY_MODALS)
    if needless:  # no duty: the answer to "要…吗", unless the sentence also rules another way
        return VERDICT_NEEDLESS if not (negative or positive or duty) else ""
    if negative and not (positive or duty):
        return VERDICT_NO
    if positive and not negative:
        return VERDICT_YES
    if duty and not negative:
        return VERDICT_DUTY
    return ""


# Words by which a sentence classes its case itself ("……的，视为正常出勤"): a rule of its own
_CLASSES = re.compile(r"视为|视同|计入|不计入|算作|属于")


def item_verdict(item: str, announcer: str = "") -> str:
    """The verdict (:func:`verdict`) of a list item read with the sentence announcing it
    ("职工代表享有下列权利：" + "（一）……"); of the item alone when it states a rule of its own,
    a modal or a classing word ("……占用工作时间的，视为正常出勤": not 享有's 可以)."""
    own = verdict(item)
    if own or _CLASSES.search(_rule(item)):
        return own
    return verdict(announcer + item)


def _rule(span: str) -> str:
    """``span`` without its conditions (the phrases ending "…的")."""
    return "，".join(s for s in split(span) if not s.endswith("的"))


def unexplained(direct: str, quotes: Iterable[str], labels: Iterable[str]) -> list[str]:
    """The pieces of a direct answer that are neither a verbatim span of a cited quote
    nor a label (document or article name), a marker or a connective word; [] when the
    direct answer is made only of the text's words."""
    text = _MARKER.sub("\n", re.sub(r"[ \t\u3000]+", "", direct))
    quotes = [re.sub(r"\s+", "", q) for q in quotes]
    for word in sorted({*labels, *CONNECTIVES}, key=len, reverse=True):
        if word:
            text = text.replace(word, "\n")
    joined = "\n".join(quotes)
    pieces = [p.strip("，,、 \n") for p in text.split("\n")]
    return [p for p in pieces if p and p not in joined]
