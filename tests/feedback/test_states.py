"""The state machine: every allowed step, every refused one, and 退回重办's re-dating."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from feedback.conftest import CITY_UNIT, COUNTY_UNIT, cst
from govsite.feedback.model import (
    STATE_ANSWERED,
    STATE_ASSIGNED,
    STATE_CLOSED,
    STATE_IN_PROGRESS,
    STATE_NEW,
    STATES,
    FeedbackError,
    Message,
)
from govsite.feedback.states import (
    ACTION_ACCEPT,
    ACTION_ANSWER,
    ACTION_ASSIGN,
    ACTION_CLOSE,
    ACTION_RETURN,
    ACTIONS,
    ROLE_ADMIN,
    ROLE_STAFF,
    ROLE_UNIT,
    ROLE_VIEWER,
    RULES,
    TransitionError,
    action_of,
    allowed_actions,
    apply,
)
from govsite.store import user_store

T0 = cst(2025, 9, 26, 10)  # Friday before National Day 2025
ACTOR_OF = {ACTION_ASSIGN: ROLE_STAFF, ACTION_ACCEPT: ROLE_UNIT, ACTION_ANSWER: ROLE_UNIT,
            ACTION_CLOSE: ROLE_STAFF, ACTION_RETURN: ROLE_ADMIN}
PATH = {STATE_ASSIGNED: [ACTION_ASSIGN], STATE_IN_PROGRESS: [ACTION_ASSIGN, ACTION_ACCEPT],
        STATE_ANSWERED: [ACTION_ASSIGN, ACTION_ACCEPT, ACTION_ANSWER],
        STATE_CLOSED: [ACTION_ASSIGN, ACTION_ACCEPT, ACTION_ANSWER, ACTION_CLOSE]}


def step(message: Message, action: str, policy, *, role: str | None = None,
         unit: str = CITY_UNIT, note: str = "已核实并更新", now=None) -> Message:
    now = now or message.updated_at + timedelta(hours=1)
    role = ACTOR_OF[action] if role is None else role
    return apply(message, action, role=role, unit=unit, note=note, now=now,
                 policy=policy).after


def at_state(make_message, policy, state: str) -> Message:
    message = replace(make_message(T0), id=7)
    for action in PATH.get(state, []):
        message = step(message, action, policy)
    return message


def test_a_received_message_waits_for_routing_with_its_deadlines(make_message) -> None:
    message = make_message(T0)
    assert message.state == STATE_NEW and message.unit == CITY_UNIT
    assert message.reply_deadline == cst(2025, 9, 30, 23, 59, 59)  # 9-28 (调休), 9-29, 9-30
    assert message.close_deadline == cst(2025, 10, 27, 23, 59, 59)  # 1 month: 10-26 is a Sunday
    assert message.returned_count == 0 and message.reply == ""


def test_the_whole_path_records_who_did_what_when(make_message, policy) -> None:
    message = at_state(make_message, policy, STATE_NEW)
    assigned = step(message, ACTION_ASSIGN, policy, now=cst(2025, 9, 26, 11))
    accepted = step(assigned, ACTION_ACCEPT, policy, now=cst(2025, 9, 28, 9))
    answered = step(accepted, ACTION_ANSWER, policy, note="已更新栏目", now=cst(2025, 9, 29, 9))
    closed = step(answered, ACTION_CLOSE, policy, now=cst(2025, 9, 30, 9))
    assert [m.state for m in (assigned, accepted, answered, closed)] == [
        STATE_ASSIGNED, STATE_IN_PROGRESS, STATE_ANSWERED, STATE_CLOSED]
    assert assigned.assigned_at == cst(2025, 9, 26, 11)
    assert answered.answered_at == cst(2025, 9, 29, 9) and answered.reply == "已更新栏目"
    assert closed.closed_at == cst(2025, 9, 30, 9) and closed.updated_at == cst(2025, 9, 30, 9)


ALLOWED = [(state, action) for action, rule in RULES.items() for state in rule.sources]


@pytest.mark.parametrize(("state", "action"), ALLOWED)
@pytest.mark.parametrize("role_kind", ["first", "second"])
def test_every_allowed_step_by_every_role_allowed_to_take_it(make_message, policy, state: str,
                                                            action: str, role_kind: str) -> None:
    roles = RULES[action].roles
    role = roles[0] if role_kind == "first" else roles[-1]
    after = step(at_state(make_message, policy, state), action, policy, role=role)
    assert after.state == RULES[action].target
    assert action_of(state, after.state) == action


@pytest.mark.parametrize(("state", "action"),
                         [(s, a) for s in STATES for a in ACTIONS if (s, a) not in ALLOWED])
def test_every_other_state_and_action_is_refused(make_message, policy, state: str,
                                                 action: str) -> None:
    message = at_state(make_message, policy, state)
    with pytest.raises(TransitionError, match=f"当前为“{state}”，不能{action}"):
        step(message, action, policy)


@pytest.mark.parametrize(("state", "action", "role", "words"), [
    (STATE_NEW, ACTION_ASSIGN, ROLE_UNIT, "单位运维人员无权执行“分办”"),
    (STATE_ASSIGNED, ACTION_ACCEPT, ROLE_STAFF, "中心工作人员无权执行“接收”"),
    (STATE_IN_PROGRESS, ACTION_ANSWER, ROLE_ADMIN, "管理员无权执行“答复”"),
    (STATE_ANSWERED, ACTION_CLOSE, ROLE_UNIT, "单位运维人员无权执行“办结”"),
    (STATE_ANSWERED, ACTION_RETURN, ROLE_UNIT, "单位运维人员无权执行“退回重办”"),
    (STATE_NEW, ACTION_ASSIGN, ROLE_VIEWER, "只读用户无权执行“分办”"),
    (STATE_NEW, ACTION_ASSIGN, "", "未登录用户无权执行"),
])
def test_a_role_without_the_right_is_refused(make_message, policy, state, action, role,
                                             words) -> None:
    with pytest.raises(TransitionError, match=words):
        step(at_state(make_message, policy, state), action, policy, role=role)


def test_a_unit_handles_only_its_own_messages(make_message, policy) -> None:
    message = at_state(make_message, policy, STATE_ASSIGNED)
    with pytest.raises(TransitionError, match=f"属于“{CITY_UNIT}”，不能由“{COUNTY_UNIT}”办理"):
        step(message, ACTION_ACCEPT, policy, unit=COUNTY_UNIT)
    with pytest.raises(TransitionError, match="不能由“未指定单位”办理"):
        step(message, ACTION_ACCEPT, policy, unit="")


@pytest.mark.parametrize(("state", "action", "what"), [
    (STATE_IN_PROGRESS, ACTION_ANSWER, "答复内容"), (STATE_ANSWERED, ACTION_RETURN, "退回理由")])
def test_an_answer_and_a_return_need_their_text(make_message, policy, state, action,
                                                what) -> None:
    with pytest.raises(TransitionError, match=f"{action}须填写{what}"):
        step(at_state(make_message, policy, state), action, policy, note="  ")


def test_an_unknown_action_is_refused(make_message, policy) -> None:
    with pytest.raises(TransitionError, match="未知的操作“删除”"):
        step(at_state(make_message, policy, STATE_NEW), "删除", policy, role=ROLE_ADMIN)


def test_return_for_redo_counts_and_re_dates_the_reply_deadline(make_message, policy) -> None:
    answered = at_state(make_message, policy, STATE_ANSWERED)
    close_deadline = answered.close_deadline
    # Returned on Tuesday 2025-09-30: the new 3 working days run over National Day.
    returned = step(answered, ACTION_RETURN, policy, note="答复未说明整改结果",
                    now=cst(2025, 9, 30, 15))
    assert returned.state == STATE_IN_PROGRESS and returned.returned_count == 1
    assert returned.reply_deadline == cst(2025, 10, 11, 23, 59, 59)
    assert returned.close_deadline == close_deadline  # the public's deadline does not move
    assert returned.answered_at is None and returned.reply == answered.reply
    again = step(step(returned, ACTION_ANSWER, policy, now=cst(2025, 10, 9, 9)), ACTION_RETURN,
                 policy, now=cst(2025, 10, 10, 9))
    assert again.returned_count == 2
    assert again.reply_deadline == cst(2025, 10, 14, 23, 59, 59)  # 10-11 (调休), 10-13, 10-14


def test_a_closed_message_can_be_returned_only_within_the_window(make_message, policy) -> None:
    answered = at_state(make_message, policy, STATE_ANSWERED)
    closed = step(answered, ACTION_CLOSE, policy, now=cst(2025, 9, 30, 9))
    # 5 working days after Tuesday 9-30: 10-09, 10-10, 10-11 (调休), 10-13, 10-14.
    reopened = step(closed, ACTION_RETURN, policy, note="回访发现未整改", now=cst(2025, 10, 14, 20))
    assert reopened.state == STATE_IN_PROGRESS and reopened.closed_at is None
    assert reopened.returned_count == 1
    with pytest.raises(TransitionError, match=r"超过可退回期限（5个工作日（假设），至 2025-10-14 23:59）"):
        step(closed, ACTION_RETURN, policy, note="回访发现未整改", now=cst(2025, 10, 15, 8))


def test_the_buttons_a_page_shows(make_message, policy) -> None:
    now = T0 + timedelta(days=1)
    new = at_state(make_message, policy, STATE_NEW)
    answered = at_state(make_message, policy, STATE_ANSWERED)
    assert allowed_actions(new, role=ROLE_STAFF, unit="", now=now, policy=policy) == [ACTION_ASSIGN]
    assert allowed_actions(new, role=ROLE_UNIT, unit=CITY_UNIT, now=now, policy=policy) == []
    assert allowed_actions(answered, role=ROLE_ADMIN, unit="", now=now, policy=policy) == [
        ACTION_CLOSE, ACTION_RETURN]
    assert allowed_actions(answered, role=ROLE_VIEWER, unit="", now=now, policy=policy) == []


def test_receive_refuses_what_is_not_a_message(make_message) -> None:
    with pytest.raises(FeedbackError, match="“投诉”不是有效的留言类型"):
        make_message(T0, msg_type="投诉")
    with pytest.raises(FeedbackError, match="“anonymous”不是有效的留言人类型"):
        make_message(T0, submitter_kind="anonymous")


def test_the_roles_are_the_accounts_roles() -> None:
    assert (ROLE_ADMIN, ROLE_STAFF, ROLE_UNIT, ROLE_VIEWER) == (
        user_store.ROLE_ADMIN, user_store.ROLE_STAFF, user_store.ROLE_UNIT, user_store.ROLE_VIEWER)
