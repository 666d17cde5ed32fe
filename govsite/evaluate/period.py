"""Evaluation periods (考核周期): quarters written `2026Q3`.

A census run belongs to the period given with `govsite census --period`, else to the quarter
of its 监测时间点; evaluation, sampling and the 通报 all ask for "the period", never a run id,
because that is how a centre speaks of its work ("2026年第三季度").
"""

from __future__ import annotations

import re
from datetime import date

_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")
QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


class PeriodError(ValueError):
    """A period string that is not `YYYYQn`."""


def period_of(day: date) -> str:
    """The quarter a day falls in: 2026-11-23 → `2026Q4`."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_period(text: str) -> tuple[int, int]:
    """`2026Q3` → (2026, 3); anything else raises PeriodError naming the expected form."""
    m = _PERIOD.match(text.strip().upper())
    if not m:
        raise PeriodError(f"考核周期 {text!r} 格式错误，应为 YYYYQn，例如 2026Q3")
    return int(m.group(1)), int(m.group(2))


def period_bounds(text: str) -> tuple[date, date]:
    """First and last day of a quarter."""
    year, q = parse_period(text)
    first = date(year, 3 * q - 2, 1)
    last = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def period_zh(text: str) -> str:
    """`2026Q3` → `2026年第三季度`."""
    year, q = parse_period(text)
    return f"{year}年{QUARTER_ZH[q]}"


def previous_period(text: str) -> str:
    """`2026Q1` → `2025Q4`."""
    year, q = parse_period(text)
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def next_period(text: str) -> str:
    """`2026Q4` → `2027Q1`."""
    year, q = parse_period(text)
    return f"{year + 1}Q1" if q == 4 else f"{year}Q{q + 1}"
