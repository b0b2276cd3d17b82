"""Chinese numerals and durations."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.numerals import cn_to_int, int_to_cn, parse_months


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("半年", 6),
        ("10个月", 10),
        ("三年", 36),
        ("一年半", 18),  # 1.5 × 12
        ("1.5年", 18),
        ("两年", 24),
        ("签订半年以上实习协议", 6),
        ("签订1年以上劳动合同", 12),
        ("两个半月", 2.5),
        ("十二个月", 12),
        ("实习了8个月", 8),
    ],
)
def test_parse_months(text: str, months: float) -> None:
    assert parse_months(text) == pytest.approx(months)


@pytest.mark.parametrize("text", ["没有", "", "每年都有", "月底前报送", "年度计划"])
def test_parse_months_none_without_a_duration(text: str) -> None:
    assert parse_months(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零五", 105), ("两百", 200),
     ("一千零一", 1001), ("〇", 0), ("42", 42)],
)
def test_cn_to_int(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text", ["", "  ", "九a", "abc", "第九"])
def test_cn_to_int_rejects_non_numerals(text: str) -> None:
    with pytest.raises(ValueError):
        cn_to_int(text)


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九")])
def test_int_to_cn(n: int, text: str) -> None:
    assert int_to_cn(n) == text


def test_int_to_cn_outside_article_range_is_arabic() -> None:
    assert int_to_cn(0) == "0" and int_to_cn(1000) == "1000" and int_to_cn(100) == "一百"  # laws pass 100 articles


@given(st.integers(min_value=1, max_value=99))
def test_int_to_cn_round_trip(n: int) -> None:
    assert cn_to_int(int_to_cn(n)) == n
