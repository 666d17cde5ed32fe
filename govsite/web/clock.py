"""The application's "now": when a message is received, which deadline has passed, the rates.

Deadlines count working days and 调休 weekends, and 按期办结率 depends on the moment it is
computed at, so a test must be able to stand the whole application on a given day and move
it on. `create_app(clock=…)` takes any callable returning an aware time; every message page
and API asks `now(request)`, never `datetime.now()`. Session lifetimes and account locks keep
real time: they protect accounts, not the workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import Request

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def now(request: Request) -> datetime:
    """The application clock's time; a naive one is a wiring error, not a guess to make."""
    moment = request.app.state.clock()
    if moment.tzinfo is None:
        raise ValueError(f"the application clock returned a naive time {moment!r}")
    return moment
