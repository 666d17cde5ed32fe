"""Handling figures of 找错 messages, per unit and overall, as they stood at a moment.

Every figure is computed `as_of` a given time from the messages and their events, replaying
each message's events up to that time: a report for last quarter gives the figures of last
quarter even after later steps, and a test can move the clock. Only messages received by
`as_of` count.

Definitions (docs/messages.md repeats them):

- received: messages received by `as_of`.
- closed: messages whose latest event by `as_of` is 办结 (a message reopened by 退回重办 is
  open again until closed again; its closing time is its latest 办结).
- closed on time: closed, with the closing time not after the close deadline.
- overdue open: not closed at `as_of`, and the close deadline before `as_of`.
- 按期办结率 = closed on time / (closed + overdue open). Open messages still within their
  deadline are left out: they can still be closed on time, and counting them either way
  would move the rate with the date of the report. None when the denominator is 0.
- returned-for-redo rate = messages returned (退回重办) at least once / messages answered
  (答复) at least once, both by `as_of`. None when none was answered.
- median handling days: the median of (closing time − receipt time) in calendar days
  (fractional), over the closed messages. Calendar days, not working days: it measures what
  the public waited.

The close deadline is fixed on receipt (退回重办 re-dates only the reply deadline), so the
stored one is the one that applied at any `as_of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from statistics import median
from typing import Any

from govsite.feedback.model import (
    STATE_ANSWERED,
    STATE_CLOSED,
    STATE_IN_PROGRESS,
    STATE_NEW,
    Message,
    MessageEvent,
)

DAY_S = 86400.0


@dataclass(frozen=True)
class Standing:
    """One message as it stood at `as_of` (replayed from its events)."""

    message: Message
    state: str
    closed_at: datetime | None
    answered: bool
    returned: bool

    def overdue(self, as_of: datetime) -> bool:
        deadline = self.message.close_deadline
        return self.state != STATE_CLOSED and deadline is not None and deadline < as_of

    def on_time(self) -> bool:
        deadline = self.message.close_deadline
        return self.closed_at is not None and (deadline is None or self.closed_at <= deadline)

    def to_json(self) -> dict[str, Any]:
        """The message as stored now, and its state at `as_of` (`state_as_of`)."""
        return {**self.message.to_json(), "state_as_of": self.state}


def standing(message: Message, events: Iterable[MessageEvent], as_of: datetime) -> Standing:
    """Replay `events` (of this message) up to `as_of`."""
    state, closed_at, answered, returned = STATE_NEW, None, False, False
    for event in sorted(events, key=lambda e: e.at):
        if event.at > as_of:
            break
        state = event.to_state
        closed_at = event.at if state == STATE_CLOSED else None
        answered = answered or state == STATE_ANSWERED
        returned = returned or (state == STATE_IN_PROGRESS
                                and event.from_state in (STATE_ANSWERED, STATE_CLOSED))
    return Standing(message, state, closed_at, answered, returned)


@dataclass(frozen=True)
class UnitStats:
    """The figures of one unit (or of all, with `unit` empty); see the module docstring."""

    unit: str
    received: int
    closed: int
    closed_on_time: int
    overdue_open: int
    on_time_rate: float | None
    answered: int
    returned: int
    return_rate: float | None
    median_handling_days: float | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MessageStats:
    """Overall and per-unit figures at `as_of`, and the overdue open messages, oldest first."""

    as_of: datetime
    overall: UnitStats
    units: list[UnitStats] = field(default_factory=list)
    overdue: list[Standing] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "overall": self.overall.to_json(),
                "units": [u.to_json() for u in self.units],
                "overdue": [s.to_json() for s in self.overdue]}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _unit_stats(unit: str, standings: Sequence[Standing], as_of: datetime) -> UnitStats:
    closed = [s for s in standings if s.state == STATE_CLOSED]
    on_time = sum(s.on_time() for s in closed)
    overdue = sum(s.overdue(as_of) for s in standings)
    answered = sum(s.answered for s in standings)
    returned = sum(s.returned for s in standings)
    days = [(s.closed_at - s.message.received_at).total_seconds() / DAY_S
            for s in closed if s.closed_at is not None]
    return UnitStats(unit=unit, received=len(standings), closed=len(closed),
                     closed_on_time=on_time, overdue_open=overdue,
                     on_time_rate=_ratio(on_time, len(closed) + overdue), answered=answered,
                     returned=returned, return_rate=_ratio(returned, answered),
                     median_handling_days=median(days) if days else None)


def message_stats(messages: Iterable[Message], events: Mapping[int, Sequence[MessageEvent]],
                  as_of: datetime) -> MessageStats:
    """The figures at `as_of`; `events` maps message id → its events (`Store.message_events`)."""
    if as_of.tzinfo is None:
        raise ValueError(f"naive datetime {as_of!r}: as_of needs an aware time")
    standings = [standing(m, events.get(m.id or 0, ()), as_of)
                 for m in messages if m.received_at <= as_of]
    by_unit: dict[str, list[Standing]] = {}
    for s in standings:
        by_unit.setdefault(s.message.unit, []).append(s)
    overdue = sorted((s for s in standings if s.overdue(as_of)),
                     key=lambda s: (s.message.close_deadline or as_of, s.message.id or 0))
    return MessageStats(as_of=as_of, overall=_unit_stats("", standings, as_of),
                        units=[_unit_stats(u, by_unit[u], as_of) for u in sorted(by_unit)],
                        overdue=overdue)
