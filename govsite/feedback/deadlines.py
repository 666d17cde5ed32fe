"""Deadlines of 找错 messages, counted in Chinese working days (调休 included).

Counting rule, chosen to match how Chinese administrative periods are usually reckoned (the
day an act happens is not counted) and to be the same for every hour of arrival:

- day 1 is the first working day *after* the calendar day of receipt, in Beijing time. A
  message received on a Saturday, a holiday or a Monday evening thus starts counting on the
  next working day; one received late on a working day does not lose that day's remainder
  as a full day of its period.
- a deadline of N working days ends at 23:59:59 Beijing time of day N (0 days: the end of
  the day of receipt).
- a period in months ends on the same calendar day N months later (the month's last day when
  it has none), moved to the next working day when that day is not one.

Which days are working days comes from `chinese_calendar`, which knows each year's holidays
and 调休 make-up days only once the State Council has published them. For a year it does not
know, days are counted as plain Monday–Friday and the result is marked `approximate`:
callers must say so rather than present a guessed date as exact.

The periods themselves (how many days for what) are data: `deadlines.yaml`, one profile per
centre, each number labelled quoted or assumed.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import chinese_calendar
import yaml

from govsite.clock import CST
from govsite.feedback.model import MESSAGE_TYPES, SUBMITTER_KINDS, FeedbackError, Message

DEFAULT_PROFILE = "default"
UNIT_WORKING_DAYS = "working_days"
UNIT_MONTHS = "months"
STATUS_QUOTED = "quoted"
STATUS_ASSUMED = "assumed"
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class Deadline:
    """A moment, and whether a year the holiday calendar does not know went into it."""

    at: datetime
    approximate: bool = False


def is_working_day(day: date) -> tuple[bool, bool]:
    """(working day?, known to the holiday calendar?) — weekdays only when not known."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def calendar_knows(first: date, last: date) -> bool:
    """True when the holiday calendar knows every year from `first` to `last`.

    A stored deadline spanning such a range was computed exactly; otherwise it was counted on
    plain weekdays and is approximate.
    """
    return all(is_working_day(date(year, 6, 1))[1] for year in range(first.year, last.year + 1))


def is_approximate(message: Message) -> bool:
    """True when a stored message's deadlines were counted on plain weekdays (see above)."""
    ends = [d for d in (message.reply_deadline, message.close_deadline) if d is not None]
    if not ends:
        return False
    return not calendar_knows(_local_day(message.received_at), _local_day(max(ends)))


def _end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, CST)


def _local_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: deadlines need an aware time")
    return moment.astimezone(CST).date()


def add_working_days(start: datetime, n: int) -> Deadline:
    """The end of the n-th working day after the day of `start` (see the module docstring)."""
    if n < 0:
        raise ValueError(f"working days must not be negative, got {n}")
    day = _local_day(start)
    exact = True
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        working, known = is_working_day(day)
        exact = exact and known
        if working:
            counted += 1
    return Deadline(_end_of(day), approximate=not exact)


def add_months(start: datetime, n: int) -> Deadline:
    """The end of the same calendar day n months later, or of the next working day after it."""
    if n < 0:
        raise ValueError(f"months must not be negative, got {n}")
    first = _local_day(start)
    year, month = divmod(first.month - 1 + n, 12)
    year += first.year
    day = date(year, month + 1, min(first.day, calendar.monthrange(year, month + 1)[1]))
    working, exact = is_working_day(day)
    while not working:
        day += timedelta(days=1)
        working, known = is_working_day(day)
        exact = exact and known
    return Deadline(_end_of(day), approximate=not exact)


def add_working_hours(start: datetime, hours: float) -> Deadline:
    """`start` plus `hours`, counting only the hours that fall on working days (all 24 of them).

    Deadlines end at the end of a day, so a reminder horizon in working hours only needs
    non-working days skipped, not office hours.
    """
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    _local_day(start)
    moment = start.astimezone(CST)
    remaining = timedelta(hours=hours)
    exact = True
    while True:
        working, known = is_working_day(moment.date())
        exact = exact and known
        midnight = datetime.combine(moment.date() + timedelta(days=1), time.min, CST)
        if working:
            if remaining <= midnight - moment:
                return Deadline(moment + remaining, approximate=not exact)
            remaining -= midnight - moment
        moment = midnight


# ---------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """A length of time from deadlines.yaml, with where its number comes from."""

    amount: int
    unit: str
    status: str
    source: str

    def after(self, start: datetime) -> Deadline:
        if self.unit == UNIT_MONTHS:
            return add_months(start, self.amount)
        return add_working_days(start, self.amount)

    @property
    def label(self) -> str:
        """How users read it: 3个工作日（假设） or 1个月（有出处）."""
        length = f"{self.amount}个月" if self.unit == UNIT_MONTHS else f"{self.amount}个工作日"
        return length + ("（有出处）" if self.status == STATUS_QUOTED else "（假设）")


@dataclass(frozen=True)
class MessageDeadlines:
    """The deadlines a message gets on receipt, and the periods they came from."""

    reply: Deadline
    close: Deadline
    reply_period: Period
    close_period: Period

    @property
    def approximate(self) -> bool:
        return self.reply.approximate or self.close.approximate


Periods = dict[str, dict[str, Period]]  # step ("reply"/"close") → submitter kind → period


@dataclass(frozen=True)
class DeadlinePolicy:
    """One profile of deadlines.yaml: periods by step and submitter kind, overrides by type."""

    name: str
    description: str
    periods: Periods
    reopen_window: Period
    by_type: dict[str, Periods] = field(default_factory=dict)

    def period(self, step: str, msg_type: str, submitter_kind: str) -> Period:
        """The period of `step` ("reply" or "close") for this type and submitter kind."""
        override = self.by_type.get(msg_type, {}).get(step, {}).get(submitter_kind)
        return override or self.periods[step][submitter_kind]

    def deadlines(self, received_at: datetime, msg_type: str,
                  submitter_kind: str) -> MessageDeadlines:
        reply = self.period("reply", msg_type, submitter_kind)
        close = self.period("close", msg_type, submitter_kind)
        return MessageDeadlines(reply.after(received_at), close.after(received_at), reply, close)

    def reopen_until(self, closed_at: datetime) -> Deadline:
        """The last moment a closed message may still be returned for redo (退回重办)."""
        return self.reopen_window.after(closed_at)


class DeadlineConfigError(FeedbackError):
    """A deadlines file that cannot be used; the message names the file and the key."""


def load_policy(path: Path | None = None, profile: str = DEFAULT_PROFILE) -> DeadlinePolicy:
    """A profile of `path` (default: the bundled deadlines.yaml), validated in full."""
    if path is None:
        where = "deadlines.yaml（内置）"
        text = resources.files("govsite.feedback").joinpath("deadlines.yaml").read_text("utf-8")
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DeadlineConfigError(f"{where}：无法读取（{exc}）") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DeadlineConfigError(f"{where}：YAML 格式错误（{exc}）") from exc
    profiles = _mapping(data, where, "").get("profiles")
    profiles = _mapping(profiles, where, "profiles")
    if profile not in profiles:
        known = "、".join(str(k) for k in profiles) or "无"
        raise DeadlineConfigError(f"{where}：没有名为 {profile} 的期限配置（已有：{known}）")
    return _policy(profile, _mapping(profiles[profile], where, f"profiles.{profile}"), where)


def _policy(name: str, data: dict[str, Any], where: str) -> DeadlinePolicy:
    key = f"profiles.{name}"
    periods = {step: _by_kind(data.get(step), where, f"{key}.{step}", complete=True)
               for step in ("reply", "close")}
    by_type: dict[str, Periods] = {}
    for msg_type, steps in _mapping(data.get("by_type", {}), where, f"{key}.by_type").items():
        if msg_type not in MESSAGE_TYPES:
            raise DeadlineConfigError(f"{where}：{key}.by_type 中的“{msg_type}”不是留言类型"
                                      f"（可选：{'、'.join(MESSAGE_TYPES)}）")
        steps = _mapping(steps, where, f"{key}.by_type.{msg_type}")
        _only(steps, ("reply", "close"), where, f"{key}.by_type.{msg_type}")
        by_type[msg_type] = {step: _by_kind(kinds, where, f"{key}.by_type.{msg_type}.{step}",
                                            complete=False) for step, kinds in steps.items()}
    reopen = _period(data.get("reopen_window"), where, f"{key}.reopen_window")
    return DeadlinePolicy(name=name, description=str(data.get("description", "")),
                          periods=periods, reopen_window=reopen, by_type=by_type)


def _by_kind(data: Any, where: str, key: str, *, complete: bool) -> dict[str, Period]:
    kinds = _mapping(data, where, key)
    _only(kinds, SUBMITTER_KINDS, where, key)
    missing = [k for k in SUBMITTER_KINDS if k not in kinds]
    if complete and missing:
        raise DeadlineConfigError(f"{where}：{key} 缺少 {'、'.join(missing)}")
    return {kind: _period(value, where, f"{key}.{kind}") for kind, value in kinds.items()}


def _period(data: Any, where: str, key: str) -> Period:
    entry = _mapping(data, where, key)
    _only(entry, (UNIT_WORKING_DAYS, UNIT_MONTHS, "status", "source"), where, key)
    units = [u for u in (UNIT_WORKING_DAYS, UNIT_MONTHS) if u in entry]
    if len(units) != 1:
        raise DeadlineConfigError(f"{where}：{key} 须且只须给出 working_days 或 months 之一")
    amount = entry[units[0]]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise DeadlineConfigError(f"{where}：{key}.{units[0]} 应为非负整数，而不是 {amount!r}")
    status = entry.get("status")
    if status not in (STATUS_QUOTED, STATUS_ASSUMED):
        raise DeadlineConfigError(f"{where}：{key}.status 应为 quoted（有出处）或 assumed（假设）")
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        raise DeadlineConfigError(f"{where}：{key}.source 须写明出处或假设的理由")
    return Period(amount, units[0], status, " ".join(source.split()))


def _mapping(data: Any, where: str, key: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise DeadlineConfigError(f"{where}：{key or '文件'} 应为映射（键: 值）")
    return data


def _only(data: dict[str, Any], allowed: tuple[str, ...], where: str, key: str) -> None:
    unknown = [str(k) for k in data if k not in allowed]
    if unknown:
        raise DeadlineConfigError(f"{where}：{key} 中有未知的键 {'、'.join(unknown)}"
                                  f"（可用：{'、'.join(allowed)}）")
