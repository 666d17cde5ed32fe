"""Working-day deadlines on the real holiday calendar: National Day, 调休 weekends, unknown years."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from feedback.conftest import cst
from govsite.feedback.deadlines import (
    STATUS_ASSUMED,
    STATUS_QUOTED,
    UNIT_MONTHS,
    UNIT_WORKING_DAYS,
    DeadlineConfigError,
    add_months,
    add_working_days,
    add_working_hours,
    is_approximate,
    is_working_day,
    load_policy,
)
from govsite.feedback.model import (
    SUBMITTER_PUBLIC,
    SUBMITTER_SUPERVISOR,
    TYPE_BROKEN_LINK,
    TYPE_OUTDATED,
)


def test_the_calendar_knows_the_2025_national_day_and_its_make_up_weekends() -> None:
    assert is_working_day(date(2025, 9, 28)) == (True, True)  # Sunday, 调休
    assert is_working_day(date(2025, 10, 11)) == (True, True)  # Saturday, 调休
    assert is_working_day(date(2025, 10, 8)) == (False, True)  # Wednesday, holiday
    assert is_working_day(date(2027, 1, 4)) == (True, False)  # a Monday of an unknown year


def test_a_make_up_sunday_counts_as_a_working_day() -> None:
    # Friday 2025-09-26: Saturday is off, Sunday the 28th is worked (调休), so day 3 is Tuesday
    # the 30th — plain weekdays would have given Wednesday, a holiday.
    deadline = add_working_days(cst(2025, 9, 26, 10), 3)
    assert deadline.at == cst(2025, 9, 30, 23, 59, 59)
    assert not deadline.approximate


def test_national_day_2025_is_skipped_and_the_make_up_saturday_counted() -> None:
    # Tuesday 2025-09-30: 10-01..10-08 are holidays; 10-09 (Thu) is day 1, 10-10 day 2, and
    # Saturday 10-11 (调休) day 3.
    assert add_working_days(cst(2025, 9, 30, 9), 3).at == cst(2025, 10, 11, 23, 59, 59)


@pytest.mark.parametrize("received", [cst(2025, 10, 3, 15), cst(2025, 10, 8, 23, 50),
                                      cst(2025, 9, 30, 0, 1), cst(2025, 9, 30, 23, 59)])
def test_counting_starts_on_the_next_working_day_whenever_received(received) -> None:
    assert add_working_days(received, 3).at == cst(2025, 10, 11, 23, 59, 59)


def test_the_day_of_receipt_is_judged_in_beijing_time() -> None:
    # 2025-09-29 17:00 UTC is already Tuesday the 30th in Beijing.
    assert add_working_days(datetime(2025, 9, 29, 17, tzinfo=UTC), 3).at == \
        cst(2025, 10, 11, 23, 59, 59)


def test_two_weeks_across_national_day_2026() -> None:
    # Wednesday 2026-09-30; 10-01..10-07 off; 10-08, 10-09, Saturday 10-10 (调休), 10-12..16,
    # 10-19, 10-20: the tenth working day is Tuesday 10-20.
    deadline = add_working_days(cst(2026, 9, 30, 16), 10)
    assert deadline.at == cst(2026, 10, 20, 23, 59, 59)
    assert not deadline.approximate


def test_zero_working_days_is_the_end_of_the_day_of_receipt() -> None:
    assert add_working_days(cst(2025, 10, 4, 9), 0).at == cst(2025, 10, 4, 23, 59, 59)


def test_months_end_on_the_same_day_or_the_next_working_day() -> None:
    assert add_months(cst(2025, 9, 1, 10), 1).at == cst(2025, 10, 9, 23, 59, 59)  # 10-01 → 10-09
    assert add_months(cst(2025, 1, 31, 10), 1).at == cst(2025, 2, 28, 23, 59, 59)  # no Feb 31
    assert add_months(cst(2025, 11, 12, 10), 1).at == cst(2025, 12, 12, 23, 59, 59)


def test_a_year_the_calendar_does_not_know_is_counted_on_weekdays_and_marked() -> None:
    # 2026-12-30 (Wed): 12-31 is day 1 (known); 2027-01-01 is a Friday the calendar does not
    # know, counted as a working day (really a holiday) — so the result must say "approximate".
    deadline = add_working_days(cst(2026, 12, 30, 10), 3)
    assert deadline.at == cst(2027, 1, 4, 23, 59, 59)
    assert deadline.approximate
    assert add_months(cst(2026, 12, 30, 10), 1).approximate
    assert add_working_days(cst(2027, 3, 1, 10), 3).approximate
    assert not add_working_days(cst(2026, 12, 28, 10), 3).approximate  # ends 12-31


def test_stored_messages_report_approximate_deadlines(make_message) -> None:
    assert not is_approximate(make_message(cst(2026, 9, 30, 10)))
    assert is_approximate(make_message(cst(2026, 12, 30, 10)))


def test_working_hours_skip_days_off() -> None:
    # Friday 2025-09-26 20:00 + 8 h: 4 h left on Friday, Saturday off, 4 h into Sunday (调休).
    horizon = add_working_hours(cst(2025, 9, 26, 20), 8)
    assert horizon.at == cst(2025, 9, 28, 4)
    assert add_working_hours(cst(2025, 10, 1, 12), 1).at == cst(2025, 10, 9, 1)


def test_the_default_profile_labels_every_number(policy) -> None:
    reply = policy.period("reply", TYPE_OUTDATED, SUBMITTER_SUPERVISOR)
    close = policy.period("close", TYPE_OUTDATED, SUBMITTER_SUPERVISOR)
    assert (reply.amount, reply.unit, reply.status) == (3, UNIT_WORKING_DAYS, STATUS_ASSUMED)
    assert (close.amount, close.unit, close.status) == (10, UNIT_WORKING_DAYS, STATUS_ASSUMED)
    public_close = policy.period("close", TYPE_OUTDATED, SUBMITTER_PUBLIC)
    assert (public_close.amount, public_close.unit, public_close.status) == (1, UNIT_MONTHS,
                                                                             STATUS_QUOTED)
    assert "standards.md §2.5" in public_close.source
    assert public_close.label == "1个月（有出处）" and reply.label == "3个工作日（假设）"


def test_deadlines_of_a_supervisor_message_across_national_day(policy) -> None:
    due = policy.deadlines(cst(2025, 9, 30, 9), TYPE_OUTDATED, SUBMITTER_SUPERVISOR)
    assert due.reply.at == cst(2025, 10, 11, 23, 59, 59)
    # 10-09, 10-10, 10-11 (调休), 10-13..17, 10-20, 10-21.
    assert due.close.at == cst(2025, 10, 21, 23, 59, 59)
    assert not due.approximate


CUSTOM = """
profiles:
  strict:
    description: 某中心
    reply:
      public: {working_days: 2, status: assumed, source: 中心规定}
      supervisor: {working_days: 1, status: assumed, source: 中心规定}
    close:
      public: {working_days: 15, status: assumed, source: 中心规定}
      supervisor: {working_days: 5, status: assumed, source: 中心规定}
    by_type:
      链接无法访问:
        reply: {public: {working_days: 1, status: assumed, source: 链接问题当日可查}}
    reopen_window: {working_days: 0, status: assumed, source: 办结后不得退回}
"""


def test_a_centre_file_overrides_by_type_and_submitter(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(CUSTOM, encoding="utf-8")
    policy = load_policy(path, "strict")
    assert policy.period("reply", TYPE_BROKEN_LINK, SUBMITTER_PUBLIC).amount == 1
    assert policy.period("reply", TYPE_OUTDATED, SUBMITTER_PUBLIC).amount == 2
    assert policy.period("reply", TYPE_BROKEN_LINK, SUBMITTER_SUPERVISOR).amount == 1
    assert policy.period("close", TYPE_BROKEN_LINK, SUBMITTER_PUBLIC).amount == 15
    assert policy.reopen_until(cst(2025, 10, 10, 9)).at == cst(2025, 10, 10, 23, 59, 59)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("链接无法访问:", "网站打不开:", "“网站打不开”不是留言类型"),
    ("source: 链接问题当日可查", "source: ''", "须写明出处"),
    ("status: assumed, source: 办结后不得退回", "status: guessed, source: 办结后不得退回",
     "status 应为 quoted"),
    ("{working_days: 5, status", "{working_days: 5, months: 1, status", "working_days 或 months 之一"),
    ("      supervisor: {working_days: 5, status: assumed, source: 中心规定}\n", "", "缺少 supervisor"),
])
def test_a_bad_centre_file_is_refused_naming_file_and_key(tmp_path: Path, old: str, new: str,
                                                          message: str) -> None:
    assert CUSTOM.count(old) == 1
    path = tmp_path / "centre.yaml"
    path.write_text(CUSTOM.replace(old, new), encoding="utf-8")
    with pytest.raises(DeadlineConfigError) as caught:
        load_policy(path, "strict")
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_an_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(DeadlineConfigError, match="没有名为 nosuch 的期限配置（已有：default）"):
        load_policy(profile="nosuch")
