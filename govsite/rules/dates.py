"""Publication dates as Chinese government pages write them.

standards.md §6.2: `PubDate` meta, the date beside an item in a list, or a visible 发布时间 on
the article. Formats seen on real sites: 2026-11-20, 2026/11/20, 2026.11.20, 2026年11月20日,
and a short `[11-20]` whose year the reader infers. A date that cannot be read is None, never a
guess: "未注明信息发布时间的视为不更新" (standards.md §1.1, grade A) applies to what the page shows.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?!\d)")
# A short month-day only counts when it stands apart: in brackets, or as the whole text of
# its cell. Elsewhere "11-20" is as likely part of a phone number or a document number.
BRACKETED_SHORT = re.compile(r"[\[【(（]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[\]】)）]")
BARE_SHORT = re.compile(r"^\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
PUBLISHED_LABEL = re.compile(
    r"(?:发布|发文|成文|印发|公开|更新)(?:时间|日期)\s*[:：]?\s*"
    r"((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})")
# A page fetched today may carry tomorrow's date (time zones, scheduled posts); further ahead
# it is an event date, not a publication date.
FUTURE_TOLERANCE = timedelta(days=1)


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_full(text: str) -> date | None:
    """The first full date in `text` (year, month and day present), or None."""
    for match in FULL_DATE.finditer(text):
        found = _make(int(match[1]), int(match[2]), int(match[3]))
        if found is not None:
            return found
    return None


def infer_year(month: int, day: int, seen: date) -> date | None:
    """A month-day read on `seen`: the latest such date that is not after `seen`.

    Inferred from the fetch date, not the 监测时间点, so re-scoring a snapshot for another
    as_of reads the same dates.
    """
    for year in (seen.year, seen.year - 1):
        found = _make(year, month, day)
        if found is not None and found <= seen + FUTURE_TOLERANCE:
            return found
    return None


def parse_short(text: str, seen: date, *, whole_cell: bool) -> date | None:
    """A `[11-20]` date (or a bare `11-20` when it is the whole text of a cell)."""
    match = BRACKETED_SHORT.search(text) or (BARE_SHORT.match(text) if whole_cell else None)
    return infer_year(int(match[1]), int(match[2]), seen) if match else None


def plausible(found: date | None, seen: date) -> date | None:
    """Drop dates after the page was fetched (events, deadlines) and before 1995."""
    if found is None or found > seen + FUTURE_TOLERANCE or found.year < 1995:
        return None
    return found


def published_on_page(text: str) -> date | None:
    """A labelled publication date in an article's text (发布时间：2026-11-20)."""
    match = PUBLISHED_LABEL.search(text)
    return parse_full(match[1]) if match else None


def fetched_day(fetched_at: str) -> date:
    """The calendar day a page was fetched, from its ISO 8601 timestamp."""
    return date.fromisoformat(fetched_at[:10])
