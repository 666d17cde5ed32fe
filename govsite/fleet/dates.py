"""Calendar arithmetic for planted ages: "7 months old" must mean the same thing to the fleet and
to a reader of standards.md §6.1, whatever day of the month `as_of` falls on.

A month step keeps the day of the month and clamps it to the month's last day
(2027-08-31 minus 6 months is 2027-02-28), which is what `dateutil.relativedelta` does and what a
person counting "6 months back" on a calendar means.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (negative = back), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_before(day: date, months: int) -> date:
    return add_months(day, -months)


@dataclass(frozen=True)
class Age:
    """How old a planted date is: whole calendar months, then days, back from a reference day.

    `Age(months=6)` on as_of is "exactly six months old to the day", the boundary case the update
    rules must not flag; `Age(days=15)` is just past the 14-day window.
    """

    days: int = 0
    months: int = 0

    def before(self, day: date) -> date:
        """The day this age before `day`."""
        return months_before(day, self.months) - timedelta(days=self.days)

    def after(self, day: date) -> date:
        """The day this age after `day` (a reply "4 months after" its question)."""
        return add_months(day, self.months) + timedelta(days=self.days)

    def __str__(self) -> str:
        parts = [f"{self.months}个月"] if self.months else []
        if self.days or not parts:
            parts.append(f"{self.days}天")
        return "".join(parts)
