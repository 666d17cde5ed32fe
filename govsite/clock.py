"""Wall-clock time as written into results, snapshots and screenshots.

One definition, so every timestamp a reader compares (a report's 生成时间, a screenshot's
截图时间) has the same form: local time with its UTC offset, to the second.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone


def now_iso() -> str:
    """Now, e.g. `2026-11-23T15:04:05+08:00`."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


# China Standard Time (UTC+8, no daylight saving): the day a rule window, a deadline or a
# circular's period counts in.
CST = timezone(timedelta(hours=8))
