"""按期办结率 and the other figures, replayed at several moments (the clock moves, data stays)."""

from __future__ import annotations

import pytest

from feedback.conftest import CITY_UNIT, COUNTY_UNIT, cst
from govsite.feedback.model import (
    STATE_ANSWERED,
    STATE_CLOSED,
    STATE_IN_PROGRESS,
    STATE_NEW,
    SUBMITTER_SUPERVISOR,
    MessageEvent,
)
from govsite.feedback.states import (
    ACTION_ACCEPT,
    ACTION_ANSWER,
    ACTION_ASSIGN,
    ACTION_CLOSE,
    ACTION_RETURN,
    ROLE_STAFF,
    ROLE_UNIT,
)
from govsite.feedback.stats import message_stats, standing

ROLES = {ACTION_ASSIGN: ROLE_STAFF, ACTION_ACCEPT: ROLE_UNIT, ACTION_ANSWER: ROLE_UNIT,
         ACTION_CLOSE: ROLE_STAFF, ACTION_RETURN: ROLE_STAFF}


def handle(store, message, unit: str, steps) -> None:
    for action, when in steps:
        store.transition(message.id, action, actor="x", role=ROLES[action], unit=unit,
                         note="已处理", now=when)


@pytest.fixture
def history(store, make_message):
    """Three messages of two units; see each comment for its deadline and fate."""
    # City, public, received Mon 09-01: close deadline 1 month → 10-01 (holiday) → 10-09.
    # Returned once, closed 09-08 10:00, on time, after exactly 7 days.
    m1 = store.add_message(make_message(cst(2025, 9, 1, 10)), actor="公众")
    handle(store, m1, CITY_UNIT, [
        (ACTION_ASSIGN, cst(2025, 9, 1, 11)), (ACTION_ACCEPT, cst(2025, 9, 2, 9)),
        (ACTION_ANSWER, cst(2025, 9, 3, 9)), (ACTION_RETURN, cst(2025, 9, 4, 9)),
        (ACTION_ANSWER, cst(2025, 9, 5, 9)), (ACTION_CLOSE, cst(2025, 9, 8, 10))])
    # City, 社会监督员, received Mon 09-22: 10 working days → 10-11 (a 调休 Saturday).
    # Answered, never closed.
    m2 = store.add_message(make_message(cst(2025, 9, 22, 10), submitter_kind=SUBMITTER_SUPERVISOR),
                           actor="监督员")
    handle(store, m2, CITY_UNIT, [
        (ACTION_ASSIGN, cst(2025, 9, 22, 11)), (ACTION_ACCEPT, cst(2025, 9, 23, 9)),
        (ACTION_ANSWER, cst(2025, 9, 24, 9))])
    # County, 社会监督员, received 09-01: due 09-15; closed 09-20 10:00, late, after 19 days.
    m3 = store.add_message(make_message(cst(2025, 9, 1, 10), site_code="3301270001",
                                        submitter_kind=SUBMITTER_SUPERVISOR), actor="监督员")
    handle(store, m3, COUNTY_UNIT, [
        (ACTION_ASSIGN, cst(2025, 9, 1, 11)), (ACTION_ACCEPT, cst(2025, 9, 2, 9)),
        (ACTION_ANSWER, cst(2025, 9, 12, 9)), (ACTION_CLOSE, cst(2025, 9, 20, 10))])
    assert (m2.close_deadline, m3.close_deadline) == (cst(2025, 10, 11, 23, 59, 59),
                                                     cst(2025, 9, 15, 23, 59, 59))
    return m1, m2, m3


def stats_at(store, moment):
    return message_stats(store.list_messages(), store.message_events(), moment)


def test_the_rate_drops_when_an_open_message_passes_its_deadline(store, history) -> None:
    m1, m2, m3 = history
    before = stats_at(store, cst(2025, 10, 10, 12))
    assert (before.overall.received, before.overall.closed, before.overall.closed_on_time,
            before.overall.overdue_open, before.overall.on_time_rate) == (3, 2, 1, 0, 0.5)
    after = stats_at(store, cst(2025, 10, 12, 9))  # m2's deadline (10-11) has passed
    assert (after.overall.overdue_open, after.overall.on_time_rate) == (1, pytest.approx(1 / 3))
    city = {u.unit: u for u in after.units}[CITY_UNIT]
    assert (city.received, city.closed_on_time, city.overdue_open, city.on_time_rate) == (
        2, 1, 1, 0.5)
    assert {u.unit: u.on_time_rate for u in before.units} == {CITY_UNIT: 1.0, COUNTY_UNIT: 0.0}
    assert [(s.message.id, s.state) for s in after.overdue] == [(m2.id, STATE_ANSWERED)]


def test_return_rate_and_median_days(store, history) -> None:
    overall = stats_at(store, cst(2025, 10, 12, 9)).overall
    assert (overall.answered, overall.returned, overall.return_rate) == (3, 1, pytest.approx(1 / 3))
    assert overall.median_handling_days == pytest.approx(13.0)  # median of 7 and 19 days


def test_earlier_moments_see_only_what_had_happened(store, history) -> None:
    m1, m2, m3 = history
    early = stats_at(store, cst(2025, 9, 6, 12))  # m2 not yet received; nothing closed
    assert (early.overall.received, early.overall.closed, early.overall.on_time_rate) == (2, 0, None)
    assert (early.overall.answered, early.overall.returned) == (1, 1)  # m3 answers on 09-12
    assert early.overall.median_handling_days is None
    mid = stats_at(store, cst(2025, 9, 16, 12))  # m1 closed on time; m3 overdue and open
    assert (mid.overall.closed_on_time, mid.overall.overdue_open, mid.overall.on_time_rate) == (
        1, 1, 0.5)
    assert [(s.message.id, s.state) for s in mid.overdue] == [(m3.id, STATE_ANSWERED)]
    assert mid.to_json()["overdue"][0]["state_as_of"] == STATE_ANSWERED
    assert stats_at(store, cst(2025, 8, 31, 12)).overall.received == 0


def test_a_reopened_message_is_open_again_until_closed_again(make_message) -> None:
    message = make_message(cst(2025, 9, 1, 10))

    def event(day: int, before: str, after: str) -> MessageEvent:
        return MessageEvent(None, 1, cst(2025, 9, day, 9), "x", before, after, "")

    events = [event(1, "", STATE_NEW), event(3, STATE_IN_PROGRESS, STATE_ANSWERED),
              event(4, STATE_ANSWERED, STATE_CLOSED), event(5, STATE_CLOSED, STATE_IN_PROGRESS),
              event(8, STATE_IN_PROGRESS, STATE_ANSWERED), event(9, STATE_ANSWERED, STATE_CLOSED)]
    closed = standing(message, events, cst(2025, 9, 4, 12))
    assert (closed.state, closed.closed_at, closed.returned) == (STATE_CLOSED, cst(2025, 9, 4, 9),
                                                                 False)
    reopened = standing(message, events, cst(2025, 9, 6, 12))
    assert (reopened.state, reopened.closed_at, reopened.returned) == (STATE_IN_PROGRESS, None, True)
    assert standing(message, events, cst(2025, 9, 10, 12)).closed_at == cst(2025, 9, 9, 9)
