"""What a figure is, in one place: numbers in Arabic or Chinese numerals with their units
(60%, 百分之六十, 四十小时, 二点五, 三个月, 十五日, 两倍, 三十日内, 二百万元, 五分之一),
their kinds, bounds (不超过, 以上, 最高, 至少), what figure a question asks for, and
whether a sentence states one of that kind.

Used by question analysis (:mod:`assistant.query`), the extractive writer
(:mod:`assistant.answering`), the LLM-answer verifier (:mod:`assistant.verify`) and the
evals, so that they agree on what counts as a figure."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .phrases import first

CN_DIGIT = "零〇一二两三四五六七八九十"
CN_NUMERAL = CN_DIGIT + "百千万亿"
_CN_NUMBER = rf"[{CN_DIGIT}][{CN_NUMERAL}]*(?:点[{CN_DIGIT}]+)?"
_AR_NUMBER = r"\d+(?:[.,]\d+)*"
NUMBER = rf"(?:{_AR_NUMBER}|{_CN_NUMBER})"

# unit → kind. Longer units first so that 万元 wins over 元 and 个月 over 月.
UNITS = {
    "万元": "amount", "千元": "amount", "元": "amount", "块钱": "amount", "块": "amount",
    "个工作日": "duration", "工作日": "duration", "个月": "duration", "个小时": "duration", "小时": "duration",
    "学时": "duration", "年": "duration", "月": "duration", "周": "duration", "星期": "duration", "日": "duration",
    "天": "duration",
    "%": "ratio", "％": "ratio", "成": "ratio",
    "倍": "multiple",
    "人": "count", "名": "count", "个": "count", "家": "count", "次": "count", "项": "count", "周岁": "age", "岁": "age",
    "级": "count",
    # physical measures of a workplace standard (面积, 负重, 高度, 噪声, 温度)
    "平方米": "measure", "立方米": "measure", "公斤": "measure", "千克": "measure", "公里": "measure",
    "千米": "measure", "厘米": "measure", "毫米": "measure", "米": "measure", "分贝": "measure", "摄氏度": "measure",
    "℃": "measure",
}
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
# A half in words: "全体会员过半数通过", "半数以上", "工资的一半" (a ratio of 50%)
HALF = ("过半数", "半数", "一半")
FIGURE = re.compile(
    "|".join(HALF) + "|"
    rf"(?:百|千|万)分之{NUMBER}"
    rf"|{NUMBER}分之{NUMBER}"
    rf"|半(?:个)?(?:年|月)"
    rf"|{NUMBER}\s*(?:个半|半)?(?:{_UNIT})半?"
    rf"|{_AR_NUMBER}"
)
# A calendar date ("2018年", "2008年1月1日", "二〇一八年"): a figure of kind "date", which
# answers no question for an amount or a period and is never a claim about what a rule sets.
DATE = re.compile(r"(?:(?:1[89]|20)\d{2}|[一二][〇零九][〇零一二三四五六七八九]{2})\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?")
# A limit stated as a rule, with or without a number ("违约金的数额不得超过用人单位提供的培训费用"):
# it answers "最多多少" / "上限是多少" although no figure is written.
_UPPER = "不得超过|不超过|不得高于|不高于"
_LOWER = "不得少于|不少于|不得低于|不低于"
BOUND = re.compile(f"{_UPPER}|{_LOWER}")
# The words a question asks a bound by, and the bounds a text states for each ("最低" ←
# "不得低于", "最多" ← "不超过"): a text stating the bound holds what the question's word asks.
_ASKED_BOUNDS = (
    (re.compile(r"最低|最少|至少|起码|下限"), re.compile(f"{_LOWER}|以上")),
    (re.compile(r"最高|最多|最长|上限|封顶|顶多"), re.compile(f"{_UPPER}|以下|以内")),
)


def holds_bound(word: str, text: str) -> bool:
    """Whether ``text`` states the bound the question's ``word`` asks for (最低 ← 不得低于)."""
    return any(asked.fullmatch(word) and stated.search(text) for asked, stated in _ASKED_BOUNDS)


# A Chinese numeral that is part of a word, not a number: 一线, 一律, 一致, 一并, 统一 …
_NOT_A_NUMBER_AFTER = tuple("线律致并些切般起同定直体道共旦方系项级边面带路样时些")


@dataclass(frozen=True)
class Figure:
    text: str  # as written
    kind: str  # amount, duration, ratio, multiple, count, age, number, date
    start: int
    end: int

    @property
    def value(self) -> tuple[str, float] | None:
        return figure_value(self.text)


def normal(text: str) -> str:
    """NFKC (％ → %, full-width digits → ASCII), no whitespace, no thousands separators."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def find(text: str) -> list[Figure]:
    """The figures in ``text``, in order. A Chinese numeral counts only with a unit (so
    一线, 统一 and 第九条 are not figures); Arabic numbers count bare too."""
    out = []
    dates = [d.span() for d in DATE.finditer(text)]
    for m in FIGURE.finditer(text):
        raw = m.group(0)
        if not raw.strip():
            continue
        kind = "date" if any(a <= m.start() and m.end() <= b for a, b in dates) else _kind(raw)
        if kind == "number" and not raw[0].isdigit():
            continue
        if kind == "count" and raw[-1] in "个" and text[m.end():m.end() + 1] in ("月", "小", "工"):
            continue  # "三个" of 三个月 is matched as a duration elsewhere
        before = text[m.start() - 1] if m.start() else ""
        if raw[0] in CN_DIGIT and raw.endswith(("项", "级", "次")) and before == "第":
            continue  # 第一项, 第三级: ordinals
        if raw[0] == "一" and before in ("同", "某", "每", "任", "唯", "另", "统", "逐", "哪", "上", "下"):
            continue  # 同一家, 每一年, 另一方, 上一年度, 下一个月: not an amount of anything
        if kind == "count" and raw[-1] == "级" and not raw[0].isdigit():
            continue  # 八级工, 一级: names of grades
        out.append(Figure(raw, kind, m.start(), m.end()))
    return out


def in_arabic(text: str) -> str:
    """``text`` with each figure's number in Arabic digits (提前三日 → 提前3日, 百分之三百 → 300%,
    十二个月 → 12个月): one fact, however a text writes its numbers. Fractions (五分之一) and
    numbers that do not parse stay as written."""
    out, last = [], 0
    for f in find(text):
        m = re.fullmatch(rf"(百分之|千分之|万分之)?({NUMBER})(.*)", f.text)
        if m is None or "分之" in m.group(3) or f.text in HALF:
            continue
        try:
            number = parse_number(m.group(2))
        except ValueError:
            continue
        digits = str(int(number)) if number == int(number) else str(number)
        written = f"{digits}%" if m.group(1) == "百分之" else (m.group(1) or "") + digits + m.group(3)
        out += [text[last:f.start], written]
        last = f.end
    return "".join(out) + text[last:]


def figures(text: str) -> list[str]:
    """The figures in ``text`` as normalised strings."""
    return [f for f in (normal(x.text) for x in find(text)) if f]


def _kind(raw: str) -> str:
    if raw.startswith("百分之") or "分之" in raw or raw in HALF:
        return "ratio"
    if raw.startswith("半"):
        return "duration"
    for unit in sorted(UNITS, key=len, reverse=True):
        if raw.rstrip("半").endswith(unit):
            return UNITS[unit]
    return "number"


def parse_number(text: str) -> float:
    """12, 2.5, 十二, 二点五, 二百万, 一万二千 → float. ValueError when it is none."""
    from .numerals import cn_to_int

    text = normal(text)
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if "点" in text:
        whole, _, frac = text.partition("点")
        digits = "".join(str(cn_to_int(ch)) for ch in frac)
        return parse_number(whole) + float("0." + digits)
    total = 0.0
    for big, factor in (("亿", 1e8), ("万", 1e4)):
        if big in text:
            head, _, text = text.partition(big)
            total += (cn_to_int(head) if head else 1) * factor
    return total + (cn_to_int(text) if text else 0)


def figure_value(figure: str) -> tuple[str, float] | None:
    """A comparable value for percentages, yuan amounts, multiples and durations
    (百分之六十 = 60%, 二万元 = 20000元, 半年 = 6 个月); ``None`` for the rest (bare
    numbers, dates such as 3月 or 2024年), which must match as written."""
    from .numerals import parse_months

    figure = normal(figure)
    if figure in HALF:
        return ("%", 50.0)
    try:
        if figure.endswith("%"):
            return ("%", parse_number(figure[:-1]))
        if figure.startswith("百分之"):
            return ("%", parse_number(figure[3:]))
        if figure.startswith(("千分之", "万分之")):  # a rate per day: 滞纳金按日加收万分之五
            return ("%", round(parse_number(figure[3:]) / (10 if figure[0] == "千" else 100), 6))
        if m := re.fullmatch(rf"({NUMBER})分之({NUMBER})", figure):
            return ("%", round(100 * parse_number(m.group(2)) / parse_number(m.group(1)), 4))
        if m := re.fullmatch(rf"({NUMBER})(万元|千元|元|万块钱?|千块钱?|块钱?)", figure):
            scale = 10000 if m.group(2).startswith("万") else 1000 if m.group(2).startswith("千") else 1
            return ("元", parse_number(m.group(1)) * scale)
        if m := re.fullmatch(rf"({NUMBER})倍", figure):
            return ("倍", parse_number(m.group(1)))
    except (ValueError, ZeroDivisionError):
        return None
    if re.search(r"\d{4}", figure) or not figure.endswith(("个月", "年", "天", "周", "日", "半")):
        return None
    try:
        months = parse_months(figure)
    except ValueError:
        return None
    return None if months is None else ("月", round(months, 4))


# Tiered rules state a band per tier: "已满1年不满10年的", "一年以上不满三年的", "三年以上…的", "不满一年的".
_LOW = r"(?:已满|(?<![不未已])满|达到)"  # not 不满 (an upper end) nor 不得超过 (a cap)
_BAND_FIGURE = rf"{NUMBER}\s*(?:(?:个)?(?:年|月|日|天|周|小时)|万元|千元|元)"
_BAND = re.compile(
    rf"(?P<lo_pre>{_LOW})?(?P<lo>{{fig}})(?P<lo_post>以上)?(?:(?:不满|未满|不足|以下)(?P<hi>{{fig}})|(?P<hi_post>以下|以内|内)"
    rf"|(?<=以上)(?P<hi_in>{{fig}})(?:以下|以内))?"
    .replace("{fig}", _BAND_FIGURE)
)
_BELOW = re.compile(rf"(?:不满|未满|不足)(?P<hi>{_BAND_FIGURE})")
# A figure the asker states as a bound of their own case ("入职不到一个月", "工作超过三年")
_UNDER = ("不到", "不满", "未满", "不足", "少于", "没到", "没满")
_OVER = ("超过", "多于", "过了")


def _band_value(figure: str) -> tuple[str, float] | None:
    """(the unit a band is compared in, the value): a duration in months under its written
    unit (年 with 年: "工作满十二年" is not read against a band in days), an amount in yuan."""
    from .numerals import parse_months

    value = figure_value(figure)
    if value is not None and value[0] == "元":
        return value
    months = parse_months(figure)
    return None if months is None else (_unit_of(figure), months)


def _unit_of(figure: str) -> str:
    return re.sub(rf"^{NUMBER}\s*", "", normal(figure)).lstrip("个")


def bands(text: str) -> list[tuple[str, float, float]]:
    """The bands a tiered rule states for a duration or an amount, as (unit, low, high), low
    inclusive, high exclusive; durations in months under their written unit, amounts in
    yuan: "已满10年不满20年的" → ("年", 120, 240), "三年以上" → ("年", 36, inf), "不满一年" →
    ("年", 0, 12), "三万元以上不满八万元" → ("元", 30000, 80000). Only bands written as such
    (满 / 以上 / 不满 …): a bare "5天" is a figure, not a band."""
    out = []
    for m in _BAND.finditer(text):
        lo, hi = m.group("lo"), m.group("hi")
        if not (m.group("lo_pre") or m.group("lo_post") or hi or m.group("hi_post")):
            continue
        low = _band_value(lo)
        if low is None:
            continue
        unit, low_value = low
        if m.group("hi_post"):  # "五年以下": at most
            out.append((unit, 0.0, low_value + 1e-9))
            continue
        if m.group("hi_in"):  # "1000元以上5000元以下": both ends in
            high = _band_value(m.group("hi_in"))
            if high is not None:
                out.append((unit, low_value, high[1] + 1e-9))
                continue
        high = _band_value(hi) if hi else None
        out.append((unit, low_value, high[1] if high is not None else float("inf")))
    for m in _BELOW.finditer(text):
        if text[max(0, m.start() - 12):m.start()].rstrip().endswith(("以上", "年", "月", "日", "天", "元")):
            continue  # the upper end of a band read above
        high = _band_value(m.group("hi"))
        if high is not None:
            out.append((high[0], 0.0, high[1]))
    return out


_EXCLUSIVE = re.compile(r"(?:不满|未满|不足|少于|低于|不到)\s*$")


def bounded_values(text: str) -> set[tuple]:
    """The values of the figures ``text`` states, each with whether it closes a band from
    above ("不满一年" → ((月, 12.0), True); "一年以上", "一年期" → ((月, 12.0), False))."""
    return {(f.value, bool(_EXCLUSIVE.search(text[:f.start]))) for f in find(text) if f.value is not None}


def names_value(text: str, values: set[tuple]) -> bool:
    """Whether ``text`` states one of ``values`` (:func:`bounded_values` of a question) the
    way the question does: "不满一年" excludes exactly the one year "一年期" names, and
    answers "不满一年的…"."""
    return bool(bounded_values(text) & values)


def in_band(question: str, text: str) -> bool:
    """Whether a duration or an amount the question states ("我工作十二年了", "花了五万块")
    falls in a band ``text`` states in the same unit ("已满10年不满20年的", "三万元以上不满八万元")."""
    stated = []
    for f in find(question):
        value = _band_value(f.text) if f.kind in ("duration", "amount") else None
        if value is not None:  # "不到一个月" is just below a month, "超过三年" just above three years
            before = question[max(0, f.start - 2):f.start]
            nudge = -1e-6 if before.endswith(_UNDER) else 1e-6 if before.endswith(_OVER) else 0.0
            stated.append((value[0], value[1] + nudge))
    return any(v[0] == unit and low <= v[1] < high for v in stated for unit, low, high in bands(text))


def quote_has(quote: str, figure: str) -> bool:
    """Is ``figure`` in ``quote``: as written (not as part of a longer number) or by value?"""
    quote, figure = normal(quote), normal(figure)
    if not figure:
        return False
    before = r"(?<![\d.])" if figure[0].isdigit() else rf"(?<![{CN_NUMERAL}])"
    after = r"(?!\d|\.\d)" if figure[-1].isdigit() else (rf"(?![{CN_NUMERAL}])" if figure[-1] in CN_NUMERAL else "")
    if re.search(before + re.escape(figure) + after, quote):
        return True
    value = figure_value(figure)
    return value is not None and any(f.value == value for f in find(quote))


# ---- what a question asks for ------------------------------------------------------------------
# Each kind: the words by which a question asks for it. Interrogatives only: a 期限 or 期
# inside a name (固定期限劳动合同, 服务期条款, 试用期) does not ask for a period. Checked in
# this order: an interrogative with its unit (多少天, 几成, 多少岁) before "工资……多少".
ASKS = {
    # 比例 as a noun ("女代表的比例有什么要求") does not ask for a number; asked about, it does
    "ratio": (r"百分之几|百分之多少|百分比|占多少|占比|几成|多大比重|(什么|多大|多高|多少|哪个|怎样的?)比例"
              r"|比例\S{0,4}?(是|为|有|定为|在|达到|不低于|不超过)?(多少|几|多大|多高|百分之)|比例(呢|吗)?[？?]*$"
              r"|\b(percent|percentage|ratio|proportion|share)\b"),
    "difference": r"高多少|多多少|差多少|高出多少|多拿多少|相差多少|高几|多几|几倍|多少倍",
    "duration": (r"多久|多长时间|多长|最(长|短)(的)?(期限|时间|年限)|几年|几个月|几天|几日|多少年|多少天|多少日|多少个月|几周|几个小时|多少个?小时|几小时|多少个?学时|多少个?工作日"
                 r"|几个学时|长短|\bhow long\b"),
    "count": r"多少个(?!月|小时|学时|工作日)|(?<![好哪])几个(?!月|小时|学时|工作日)|多少家|多少人|几人|几名|多少名|名额|几次|多少次|\bhow many\b",
    "age": r"多少岁|几岁|多大年纪|年龄(是)?多少",
    "measure": r"(?:几|多少)(?:个)?(?:平方米|平米|平方|立方米|公斤|千克|斤|公里|千米|厘米|毫米|米|分贝|摄氏度|度)",
    "amount": (r"多少钱|多少元|什么金额|金额(是)?多少|几万|几千|几百|多少万(?!人|名|个|家|次)|(补|发|奖|报|赔|付|罚)(到)?多少"
               r"|多少(\S{0,4})(钱|资金|补贴|补助|经费|奖金|奖补|津贴|元|块|费)"
               r"|(补贴|补助|钱|津贴|奖励|奖金|资助|资金|工资|费用|费|违约金|赔偿金|罚款)\S{0,6}(有|是|能拿|能领|给|发)?多少"
               r"|\bhow much\b|\bamount\b"),
    "standard": r"多大(规模)?|多高|上限|下限|最低(是)?多少|最高(是)?多少|门槛|什么标准|标准是什么|按什么标准|(达到|满足)多少|多少(级|分)|几级|(怎么|如何|怎样)分档",
    # 第几条 asks for an article, 哪几类 for a list
    "figure": r"多少|(?<![好第哪])几(?!乎|个月|年|天|日|周|成|倍|岁|级|次|人|名)",
    # not a figure: the contents of a list the text may only name ("目录里有哪些职业")
    "catalogue": r"(目录|名单|清单)(里|中|上)?(有|包括|都有|具体)(哪些|什么)|哪些(职业|岗位|工种)(在|列入|属于|进)",
}
_ASK_RE = {name: re.compile(pattern, re.I) for name, pattern in ASKS.items()}
# The figure kinds that answer each asked kind (a "standard" or "figure" question is
# answered by any figure, or by a bound stated in words).
ANSWERS = {
    "ratio": {"ratio", "multiple"},
    "difference": {"ratio", "multiple", "amount"},
    "amount": {"amount", "ratio", "multiple"},
    "duration": {"duration"},
    "count": {"count", "number", "ratio"},  # "多少人能完成" ← "百分之九十以上的职工"
    "age": {"age"},  # "距法定退休年龄不足五年" is a period, not an age
    "measure": {"measure"},
    "standard": {"amount", "ratio", "multiple", "duration", "count", "age", "measure", "number"},
    "figure": {"amount", "ratio", "multiple", "duration", "count", "age", "measure", "number"},
    "catalogue": set(),
}
# The unit a figure is asked in ("有几天年假" asks for days, "开几次庭" for times): a figure in
# that unit holds the answer ("年休假5天"), one in another unit ("连续工作满12个月以上", "三名
# 仲裁员") holds something else.
_UNIT_FAMILIES = {"天": ("天", "日", "工作日"), "月": ("个月", "月"), "年": ("年",), "小时": ("小时", "学时"),
                  "次": ("次",), "平方米": ("平方米",), "公斤": ("公斤", "千克"), "分贝": ("分贝",)}
_ASKED_UNIT = re.compile(r"(?:几|多少)(?:个)?(天|日|工作日|月|年|小时|学时|次|平方米|公斤|千克|分贝)")


def asked_unit(question: str) -> str | None:
    """The unit family a question asks a figure in ("几天" → 天, "几个月" → 月, "几次" → 次), or None."""
    m = _ASKED_UNIT.search(_APPROXIMATE.sub("", question))
    return None if m is None else next(f for f, units in _UNIT_FAMILIES.items() if m.group(1) in units)


# "可以配几个专职工作人员": what a count asks the number of (a word of two characters or more)
_COUNTED = re.compile(r"(?:几|多少)(?:个|名|位)([\u4e00-\u9fff]{2,8}?)(?=[？?，,。；;吗呢]|$)")


def counted_noun(question: str) -> str:
    """What a question asking a count counts ("几个专职工作人员" → 专职工作人员); "" when it names
    nothing after its counter ("最少得来几个人", "多少人同意")."""
    m = _COUNTED.search(question)
    return m.group(1) if m else ""


def counts(noun: str, phrase: str) -> bool:
    """Whether ``phrase`` (a phrase between commas) states a count of ``noun`` (or of its last
    word, 人员 of 专职工作人员): it names the noun beside a figure that answers a count ("应当配备
    二名以上专职工作人员", "外部专家不得超过本方代表的三分之一"; not "职工二百人以上的企业的工会")."""
    return any(t in phrase for t in {noun, noun[-2:]}) and any(f.kind in ANSWERS["count"] for f in find(phrase))


def states_in_unit(family: str, text: str) -> bool:
    """Does ``text`` state a figure in the unit ``family`` (:func:`asked_unit`)?"""
    return any(f.kind != "date" and f.text.rstrip("半").endswith(_UNIT_FAMILIES[family]) for f in find(text))


# The words a text names each asked measure by ("比例" for a ratio, "报酬" for an amount): a
# text that names it without a value leaves it open (:func:`leaves_open`).
_MEASURE_WORDS = {
    "ratio": "比例|比率|百分|幅度",
    "amount": "数额|金额|标准|报酬|补偿|补助|补贴|费用|工资|待遇",
    "standard": "标准|数额|幅度",
    "difference": "差额|倍数|标准",
    "duration": "期限|时间|期间|天数|时限",
    "count": "人数|数量|名额|次数|比例",
    "age": "年龄",
    "measure": "标准|数值",
    "figure": "比例|数额|金额|标准|数量|期限|时间",
}


def names_measure(kind: str, term: str) -> bool:
    """Whether ``term`` is a word for the measure a question of ``kind`` asks (比例 for a ratio)."""
    words = _MEASURE_WORDS.get(kind)
    return bool(words and re.search(words, term))


def heads_measure(kind: str, phrase: str) -> bool:
    """Whether ``phrase`` ends naming the measure a question of ``kind`` asks ("……参加培训的时间",
    "……的期限为"): the subject of a sentence whose next phrases give its values, one per case."""
    words = _MEASURE_WORDS.get(kind)
    return bool(words and re.search(rf"(?:{words})(?:为|是|如下)?$", phrase))


def leaves_open(kind: str, text: str) -> bool:
    """Whether ``text`` names the measure a question of ``kind`` asks for and leaves its value
    to others: "不得超过其用工总量的一定比例，具体比例由国务院劳动行政部门规定", "给予适当的劳动
    报酬", "…标准另行规定". Such a sentence is the text's own word that it sets no figure."""
    words = _MEASURE_WORDS.get(kind)
    if not words:
        return False
    return bool(re.search(rf"(一定|适当|合理)的?[^，。；]{{0,4}}(?:{words})"
                          rf"|具体(?:{words})[^，。；]{{0,6}}由[^，。；]{{1,40}}(规定|确定|制定|决定|公布)"
                          rf"|(?:{words})[^，。；]{{0,10}}另行(规定|制定|确定)", text))


# The figure kinds a rule sets (not bare numbers, not dates): what conditions and conflicts compare.
RULE_KINDS = frozenset({"duration", "amount", "ratio", "count", "age", "multiple", "measure"})
# Asked kinds that name what the figure measures (not "figure"/"standard", which any number answers).
SPECIFIC_KINDS = frozenset({"ratio", "difference", "duration", "count", "age", "amount", "measure"})
# Asked kinds that a bound in words answers: "违约金最多多少" ← "不得超过用人单位提供的培训费用".
BOUND_ANSWERS = frozenset({"amount", "standard", "figure"})


_DEICTIC = re.compile(r"(?<![提之以])[那这前后好头]几")  # 那几天, 前几年: pointing, not asking (提前几天 asks)
# An approximate number in the asker's own account: 十几个人, 二十几天, 几十名 (not asking)
_APPROXIMATE = re.compile(rf"[{CN_NUMERAL}\d]+几|几[十百千万]+")


# "失业金发多少是谁说了算？", "标准由哪个部门定？": asks who sets the figure, not the figure
_WHO_SETS = re.compile(r"(谁|哪个部门|哪些部门|哪个机构|哪一级|哪级)(来)?(说了算|定|决定|确定|规定|制定|公布|调整|核定)")


def asked_kind(question: str) -> str | None:
    """The kind of figure ``question`` asks for (the first that matches in :data:`ASKS`);
    None when it asks who sets the figure."""
    if _WHO_SETS.search(question):
        return None
    question = _APPROXIMATE.sub("", _DEICTIC.sub("", question))
    for name, pattern in _ASK_RE.items():
        if pattern.search(question):
            return name
    return None


def states(kind: str, text: str, bound_counts: bool = True) -> bool:
    """Does ``text`` state a figure that answers a question asking for ``kind`` (or, for the
    kinds in :data:`BOUND_ANSWERS`, a bound in words)?"""
    wanted = ANSWERS.get(kind, set())
    if any(f.kind in wanted for f in find(text)):
        return True
    return bound_counts and kind in BOUND_ANSWERS and any(_bound_in_words(m, text) for m in BOUND.finditer(text))


def _bound_in_words(bound: re.Match, text: str) -> bool:
    """Whether the bound ``bound`` of ``text`` is stated in words ("不得超过用人单位提供的培训费用",
    "不低于劳动者本人六个月工资收入": months of wages are an amount), not by a figure of another
    measure ("每日不得超过八小时" bounds hours, not the amount asked)."""
    phrase = first(text[bound.end():])
    return all(f.kind == "date" or _WAGES.match(phrase, f.end) for f in find(phrase))


# "六个月工资收入", "一个月工资", "三个月的本人工资": a number of months of pay is an amount
_WAGES = re.compile(r"[^，。；]{0,4}?(工资|薪|报酬|收入)")


# A deadline asked and stated: "提前几天" ← "七日前", "几天内" ← "三十日内". A figure carrying
# the relation the question asks about answers it, whatever words the rest of its phrase uses.
_RELATIONS = (("前", r"提前|之前|以前|前(?=[？?]|$)"), ("内", r"内|以内|之内"), ("后", r"后|以后|之后"))


def deadline_relation(question: str) -> str | None:
    """The relation of the period a question asks for ("提前几天交" → 前, "几天内" → 内), or None."""
    for name, pattern in _RELATIONS:
        if re.search(rf"(?:{pattern})\S{{0,2}}?(?:几|多少|多久|多长)", question) or re.search(
                rf"(?:几|多少)\S{{0,3}}?(?:天|日|个?月|年|周|小时|工作日)(?:{pattern})", question):
            return name
    return None


def states_deadline(relation: str, text: str) -> bool:
    """Does ``text`` hold a period followed by ``relation`` (七日前, 三十日内, 十五日以内), or
    for 前 led by 提前 (提前三十日)?"""
    return any(f.kind == "duration" and (re.match(rf"\s*[之以]?{relation}", text[f.end:])
                                         or (relation == "前" and text[:f.start].rstrip().endswith("提前")))
               for f in find(text))


BARE_PREDICATE_CHARS = 4
_ASIDE = re.compile(r"[（(][^（）()]*[）)]")
_PREDICATE_WORDS = re.compile(r"最长|最短|最高|最低|最多|至少|一般|累计|每月|每年|每人|每次|为|是|按|的|给予|发放|支付|计算|人民币")


def is_bare_predicate(segment: str) -> bool:
    """A phrase that is a figure (or a bound) with next to no words of its own: "不得超过二年",
    "年休假5天", "技师八百元", "放假3天(农历正月初一、初二、初三)" (an aside in brackets is not
    words of its own). Its subject is in the rest of the sentence."""
    rest = FIGURE.sub("", _ASIDE.sub("", segment))
    rest = _PREDICATE_WORDS.sub("", BOUND.sub("", rest))
    return len(re.findall(r"[\u4e00-\u9fff]", rest)) <= BARE_PREDICATE_CHARS


# ---- figures a user states: a claim about the policy, or a fact of their own case ------------
_CASE_FACT = re.compile(
    r"我|我们|本人|咱|公司(让|给|要|跟|和|只|才|说|发|扣|安排)|单位(让|给|要|跟|和|只|才|说|发|扣|安排)"
    r"|已经|签了|干了|做了|工作了|入职|花了|上了|请了|休了|拿了|交了|满了|今年|去年")
_POLICY_CLAIM = re.compile(r"规定|政策|文件|法律|法规|条例|办法|意见|标准"
                           r"|(补贴|补助|津贴|奖励|比例|上限|下限|最高|最多|最低|至少|金额|期限)\S{0,4}(是|为|有|达|到)")
# A question that asks to confirm a statement: every figure in it is claimed.
_CONFIRM = re.compile(r"是不是|对吗|对不对|没错吧|属实|真的吗|听说|据说|是吗|是这样吗|对吧|是[^，,。？?]{0,12}吗")


def claimed(question: str) -> list[str]:
    """Figures the question asserts *as the policy* ("补贴是5000元吗", "文件规定最多3年对吧",
    "直接告诉我补贴是5000元"), normalised. A figure about the asker's own situation
    ("公司让我签5年服务期", "干了8个月", "累计工作超过二十年") is a fact of the case, not a
    claim to check: a figure is claimed only when the question asks to confirm it or states
    it as what a rule sets."""
    confirm = bool(_CONFIRM.search(question))
    out = []
    for part in re.split(r"[，,。；;！!？?：:\n]", question):
        found = [f for f in (normal(x.text) for x in find(part) if x.kind != "date") if f]
        if not found:
            continue
        cleaned = re.sub(r"(告诉|回答|问|帮)我|请问|问一下|想问", "", part)
        if confirm or (_POLICY_CLAIM.search(cleaned) and not _CASE_FACT.search(cleaned)):
            out.extend(found)
    return out
