"""Chinese numerals and durations: 十二 → 12, 半年 → 6 months, 一年半 → 18 months."""
from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"


def cn_to_int(text: str) -> int:
    """Parse a Chinese (or Arabic) integer: "九" → 9, "十二" → 12, "二十" → 20, "一百零五" → 105."""
    text = text.strip()
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch in UNITS:
            total += (current or 1) * UNITS[ch]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


def int_to_cn(n: int) -> str:
    """9 → "九", 12 → "十二", 20 → "二十", 105 → "一百零五", 110 → "一百一十" (0 < n < 1000,
    the range of article numbers; others are returned in Arabic digits)."""
    names = "零一二三四五六七八九"
    if not 0 < n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    if hundreds == 0:
        if tens == 0:
            return names[ones]
        return ("" if tens == 1 else names[tens]) + "十" + (names[ones] if ones else "")
    out = names[hundreds] + "百"
    if tens:
        out += names[tens] + "十" + (names[ones] if ones else "")
    elif ones:
        out += "零" + names[ones]
    return out


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float(cn_to_int(text))


_DURATION = re.compile(
    rf"(?P<n>{NUMBER})?(?P<half>个半|半)?(?:个)?(?P<unit>年|个月|月|周|星期|天|日)(?P<half2>半)?"
)


def parse_months(text: str) -> float | None:
    """The first duration in ``text`` in months: 半年 → 6, 10个月 → 10, 三年 → 36,
    一年半 → 18, 1.5年 → 18, 两个半月 → 2.5. ``None`` when there is none."""
    for m in _DURATION.finditer(text):
        n, unit = m.group("n"), m.group("unit")
        half = bool(m.group("half") or m.group("half2"))
        if n is None and not half:
            continue  # a bare 年/月 is not a duration
        value = (_number(n) if n else 0.0) + (0.5 if half else 0.0)
        if n is None and m.group("half") == "半":
            value = 0.5
        per_month = {"年": 12.0, "个月": 1.0, "月": 1.0, "周": 12 / 52, "星期": 12 / 52, "天": 12 / 365, "日": 12 / 365}
        return value * per_month[unit]
    return None
