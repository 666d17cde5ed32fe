"""Messages in the store, on SQLite and PostgreSQL: round trip, filters, transitions, audit."""

from __future__ import annotations

from dataclasses import replace

import pytest

from feedback.conftest import CITY_UNIT, COUNTY_UNIT, cst
from govsite.feedback.model import (
    SOURCE_IMPORT,
    STATE_ANSWERED,
    STATE_ASSIGNED,
    STATE_IN_PROGRESS,
    STATE_NEW,
    SUBMITTER_SUPERVISOR,
    FeedbackError,
)
from govsite.feedback.states import (
    ACTION_ACCEPT,
    ACTION_ANSWER,
    ACTION_ASSIGN,
    ACTION_RETURN,
    ROLE_STAFF,
    ROLE_UNIT,
    TransitionError,
)
from govsite.store.message_store import AUDIT_IMPORT, AUDIT_RECEIVE

T0 = cst(2025, 9, 26, 10)


def test_a_message_round_trips_field_for_field(store, make_message) -> None:
    message = make_message(T0, submitter_kind=SUBMITTER_SUPERVISOR, external_id="ZC2025-0001",
                           source=SOURCE_IMPORT)
    stored = store.add_message(message, actor="导入员", now=cst(2025, 9, 27, 8))
    assert stored.id is not None
    assert store.get_message(stored.id) == replace(message, id=stored.id)
    assert store.get_message(stored.id + 1000) is None
    events = store.message_events([stored.id])[stored.id]
    assert [(e.from_state, e.to_state, e.at, e.actor) for e in events] == [
        ("", STATE_NEW, T0, "导入员")]
    [audit] = store.list_audit(object_type="message", object_id=str(stored.id))
    assert (audit.action, audit.actor, audit.at) == (AUDIT_RECEIVE, "导入员", cst(2025, 9, 27, 8))
    assert audit.detail["external_id"] == "ZC2025-0001" and audit.detail["unit"] == CITY_UNIT


def test_the_same_platform_id_is_refused_twice(store, make_message) -> None:
    store.add_message(make_message(T0, external_id="ZC-1"), actor="a")
    with pytest.raises(FeedbackError, match="留言编号 ZC-1 已存在"):
        store.add_message(make_message(T0, external_id="ZC-1"), actor="a")
    assert store.count_messages() == 1


def test_filters_and_paging(store, make_message) -> None:
    city = [store.add_message(make_message(cst(2025, 9, day, 10)), actor="a") for day in (1, 2, 3)]
    county = store.add_message(make_message(cst(2025, 9, 4, 10), site_code="3301270001"), actor="a")
    store.transition(city[0].id, ACTION_ASSIGN, actor="中心", role=ROLE_STAFF,
                     now=cst(2025, 9, 2, 9))
    assert [m.id for m in store.list_messages()] == [county.id, city[2].id, city[1].id, city[0].id]
    assert [m.id for m in store.list_messages(unit=COUNTY_UNIT)] == [county.id]
    assert [m.id for m in store.list_messages(site_code="3301000002", limit=1, offset=1)] == [
        city[1].id]
    assert [m.id for m in store.list_messages(state=STATE_ASSIGNED)] == [city[0].id]
    assert store.count_messages(unit=CITY_UNIT) == 3


def test_overdue_means_a_running_deadline_has_passed(store, make_message) -> None:
    message = store.add_message(make_message(T0), actor="a")  # reply due 9-30, close 10-27
    reply_due, close_due = message.reply_deadline, message.close_deadline
    assert store.list_messages(overdue_as_of=reply_due) == []
    late_reply = reply_due.replace(microsecond=1)
    assert [m.id for m in store.list_messages(overdue_as_of=late_reply)] == [message.id]
    for action, role, note in ((ACTION_ASSIGN, ROLE_STAFF, ""), (ACTION_ACCEPT, ROLE_UNIT, ""),
                               (ACTION_ANSWER, ROLE_UNIT, "已更新")):
        store.transition(message.id, action, actor="x", role=role, unit=CITY_UNIT, note=note,
                         now=cst(2025, 10, 9, 9))
    assert store.list_messages(overdue_as_of=late_reply) == []  # answered: reply no longer runs
    assert [m.missed_deadlines(close_due.replace(microsecond=1))
            for m in store.list_messages(overdue_as_of=close_due.replace(microsecond=1))] == [
        ["close"]]


def test_a_transition_is_stored_with_its_event_and_audit_entry(store, make_message, policy) -> None:
    message = store.add_message(make_message(T0), actor="公众", now=T0)
    store.transition(message.id, ACTION_ASSIGN, actor="王中心", role=ROLE_STAFF,
                     now=cst(2025, 9, 26, 11))
    store.transition(message.id, ACTION_ACCEPT, actor="李单位", role=ROLE_UNIT, unit=CITY_UNIT,
                     now=cst(2025, 9, 28, 9))
    answered = store.transition(message.id, ACTION_ANSWER, actor="李单位", role=ROLE_UNIT,
                                unit=CITY_UNIT, note="已更新", now=cst(2025, 9, 29, 9))
    assert answered.state == STATE_ANSWERED and answered.reply == "已更新"
    returned = store.transition(message.id, ACTION_RETURN, actor="王中心", role=ROLE_STAFF,
                                note="未说明整改", now=cst(2025, 9, 30, 15), policy=policy)
    assert store.get_message(message.id) == returned
    assert returned.returned_count == 1 and returned.state == STATE_IN_PROGRESS
    assert returned.reply_deadline == cst(2025, 10, 11, 23, 59, 59)
    events = store.message_events()[message.id]
    assert [(e.from_state, e.to_state, e.actor, e.note) for e in events] == [
        ("", STATE_NEW, "公众", ""), (STATE_NEW, STATE_ASSIGNED, "王中心", ""),
        (STATE_ASSIGNED, STATE_IN_PROGRESS, "李单位", ""),
        (STATE_IN_PROGRESS, STATE_ANSWERED, "李单位", "已更新"),
        (STATE_ANSWERED, STATE_IN_PROGRESS, "王中心", "未说明整改")]
    audit = store.list_audit(object_type="message", object_id=str(message.id))[::-1]
    assert [a.action for a in audit] == [AUDIT_RECEIVE, "message.assign", "message.accept",
                                         "message.answer", "message.return"]
    assert audit[-1].detail == {"action": "退回重办", "from": STATE_ANSWERED,
                                "to": STATE_IN_PROGRESS, "note": "未说明整改",
                                "reply_deadline": returned.reply_deadline.isoformat(),
                                "deadline_approximate": False}
    assert audit[-1].at == cst(2025, 9, 30, 15) and audit[-1].actor == "王中心"


def test_a_refused_transition_changes_nothing(store, make_message) -> None:
    message = store.add_message(make_message(T0), actor="公众")
    message = store.transition(message.id, ACTION_ASSIGN, actor="中心", role=ROLE_STAFF)
    with pytest.raises(TransitionError, match="不能由“某县人民政府办公室”办理"):
        store.transition(message.id, ACTION_ACCEPT, actor="县", role=ROLE_UNIT, unit=COUNTY_UNIT)
    assert store.get_message(message.id) == message
    assert len(store.message_events()[message.id]) == 2
    assert [a.action for a in store.list_audit(object_type="message", object_id=str(message.id))
            ] == ["message.assign", AUDIT_RECEIVE]
    with pytest.raises(KeyError, match="没有编号为 999 的留言"):
        store.transition(999, ACTION_ASSIGN, actor="x", role=ROLE_STAFF)
    with pytest.raises(FeedbackError, match="操作人须填写"):
        store.transition(message.id, ACTION_ASSIGN, actor=" ", role=ROLE_STAFF)


def test_import_skips_what_is_already_stored(store, make_message) -> None:
    batch = [make_message(T0, external_id=f"ZC-{i}", source=SOURCE_IMPORT) for i in range(3)]
    first = store.import_messages(batch[:2], actor="导入", file="a.csv", now=cst(2025, 10, 1, 8))
    second = store.import_messages(batch, actor="导入", file="a.csv", now=cst(2025, 10, 1, 9))
    assert (first.added, first.skipped, second.added, second.skipped) == (2, 0, 1, 2)
    assert sorted(m.external_id for m in store.list_messages()) == ["ZC-0", "ZC-1", "ZC-2"]
    imports = store.list_audit(object_type="message", action=AUDIT_IMPORT)
    assert len(imports) == 3 and {a.detail["file"] for a in imports} == {"a.csv"}
