"""The message state machine: who may move a message from which state to which.

    待分办 →分办→ 已分办 →接收→ 办理中 →答复→ 已答复 →办结→ 已办结
    已答复, or 已办结 within the reopen window →退回重办→ 办理中

The centre (roles admin and staff) routes, closes and returns; the unit (role unit) accepts
and answers, and only messages of its own unit. The centre does not answer in a unit's name
and a unit does not close its own case: the 按期办结率 the centre reports is only worth
something if the two sides check each other. Viewers change nothing.

Functions here are pure: they check a step and return the message as it is after it; the
store (`MessageStoreMixin.transition`) writes it with its event and audit entry in one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from govsite.clock import CST
from govsite.feedback.deadlines import DeadlinePolicy
from govsite.feedback.model import (
    MESSAGE_TYPES,
    SOURCES,
    STATE_ANSWERED,
    STATE_ASSIGNED,
    STATE_CLOSED,
    STATE_IN_PROGRESS,
    STATE_NEW,
    SUBMITTER_KINDS,
    FeedbackError,
    Message,
)
from govsite.feedback.routing import Route

ACTION_ASSIGN = "分办"
ACTION_ACCEPT = "接收"
ACTION_ANSWER = "答复"
ACTION_CLOSE = "办结"
ACTION_RETURN = "退回重办"
# The audit log's action codes: stable identifiers for filtering, whatever the labels become.
ACTION_CODES = {ACTION_ASSIGN: "assign", ACTION_ACCEPT: "accept", ACTION_ANSWER: "answer",
                ACTION_CLOSE: "close", ACTION_RETURN: "return"}
ACTIONS = tuple(ACTION_CODES)

# The account roles of `UserRow` (govsite.store.user_store, labels as govsite.web.roles shows
# them). Not imported from there: the store imports this module.
ROLE_ADMIN = "admin"
ROLE_STAFF = "staff"
ROLE_UNIT = "unit"
ROLE_VIEWER = "viewer"
CENTRE_ROLES = (ROLE_ADMIN, ROLE_STAFF)
ROLE_LABELS = {ROLE_ADMIN: "管理员", ROLE_STAFF: "中心工作人员", ROLE_UNIT: "单位运维人员",
               ROLE_VIEWER: "只读用户"}


class TransitionError(FeedbackError):
    """A step the machine refuses: wrong state, wrong role, another unit's message …"""


@dataclass(frozen=True)
class Rule:
    """One action: the states it leaves, the state it reaches, who may take it.

    `note_required` names what the note must hold for this action (shown in the error), or
    is empty when a note is optional.
    """

    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    note_required: str = ""


RULES: dict[str, Rule] = {
    ACTION_ASSIGN: Rule((STATE_NEW,), STATE_ASSIGNED, CENTRE_ROLES),
    ACTION_ACCEPT: Rule((STATE_ASSIGNED,), STATE_IN_PROGRESS, (ROLE_UNIT,)),
    ACTION_ANSWER: Rule((STATE_IN_PROGRESS,), STATE_ANSWERED, (ROLE_UNIT,), "答复内容"),
    ACTION_CLOSE: Rule((STATE_ANSWERED,), STATE_CLOSED, CENTRE_ROLES),
    ACTION_RETURN: Rule((STATE_ANSWERED, STATE_CLOSED), STATE_IN_PROGRESS, CENTRE_ROLES, "退回理由"),
}


@dataclass(frozen=True)
class Step:
    """A checked transition: the message before and after, and what the audit log records."""

    action: str
    before: Message
    after: Message
    note: str
    # True when a deadline set by this step counted a year the holiday calendar does not know.
    approximate: bool = False

    @property
    def audit_action(self) -> str:
        return f"message.{ACTION_CODES[self.action]}"

    def audit_detail(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"action": self.action, "from": self.before.state,
                                  "to": self.after.state, "note": self.note}
        if self.after.reply_deadline != self.before.reply_deadline:
            detail["reply_deadline"] = _iso(self.after.reply_deadline)
            detail["deadline_approximate"] = self.approximate
        return detail


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def receive(*, route: Route, source: str, msg_type: str, title: str, content: str,
            page_url: str, contact: str, submitter_kind: str, received_at: datetime,
            policy: DeadlinePolicy, external_id: str | None = None,
            now: datetime | None = None) -> Message:
    """A new message in state 待分办, routed and with its deadlines (the machine's entry).

    `now` (default: `received_at`) is when it entered the system; an imported message is
    entered after it was received on the national platform.
    """
    if received_at.tzinfo is None:
        raise FeedbackError("留言时间缺少时区")
    for value, allowed, what in ((source, SOURCES, "来源"), (msg_type, MESSAGE_TYPES, "留言类型"),
                                 (submitter_kind, SUBMITTER_KINDS, "留言人类型")):
        if value not in allowed:
            raise FeedbackError(f"“{value}”不是有效的{what}（可选：{'、'.join(allowed)}）")
    if not content.strip():
        raise FeedbackError("留言内容不能为空")
    due = policy.deadlines(received_at, msg_type, submitter_kind)
    return Message(
        id=None, source=source, external_id=external_id, site_code=route.site.site_code,
        site_name=route.site.name, unit=route.unit, msg_type=msg_type, title=title.strip(),
        content=content.strip(), page_url=page_url.strip(), contact=contact.strip(),
        submitter_kind=submitter_kind, state=STATE_NEW, received_at=received_at,
        assigned_at=None, answered_at=None, closed_at=None, reply_deadline=due.reply.at,
        close_deadline=due.close.at, returned_count=0, reply="", updated_at=now or received_at)


def check(message: Message, action: str, *, role: str, unit: str, note: str, now: datetime,
          policy: DeadlinePolicy) -> Rule:
    """The rule of `action` if this actor may take it on this message now; else TransitionError."""
    rule = RULES.get(action)
    if rule is None:
        raise TransitionError(f"未知的操作“{action}”（可选：{'、'.join(ACTIONS)}）")
    if role not in rule.roles:
        who = ROLE_LABELS.get(role, role or "未登录用户")
        allowed = "、".join(ROLE_LABELS[r] for r in rule.roles)
        raise TransitionError(f"{who}无权执行“{action}”（仅限{allowed}）")
    if role == ROLE_UNIT and (not unit or unit != message.unit):
        raise TransitionError(f"留言 #{message.id} 属于“{message.unit}”，不能由“{unit or '未指定单位'}”办理")
    if message.state not in rule.sources:
        raise TransitionError(f"留言 #{message.id} 当前为“{message.state}”，不能{action}"
                              f"（仅限“{'”“'.join(rule.sources)}”状态）")
    if rule.note_required and not note.strip():
        raise TransitionError(f"{action}须填写{rule.note_required}")
    if action == ACTION_RETURN and message.state == STATE_CLOSED and message.closed_at:
        until = policy.reopen_until(message.closed_at).at
        if now > until:
            raise TransitionError(f"留言 #{message.id} 已于 {_local(message.closed_at)} 办结，"
                                  f"超过可退回期限（{policy.reopen_window.label}，至 {_local(until)}），"
                                  "不能退回重办")
    return rule


def apply(message: Message, action: str, *, role: str, unit: str, note: str, now: datetime,
          policy: DeadlinePolicy) -> Step:
    """Check `action` and return the step it makes (nothing is stored here)."""
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: transitions need an aware time")
    rule = check(message, action, role=role, unit=unit, note=note, now=now, policy=policy)
    note = note.strip()
    changes: dict[str, Any] = {"state": rule.target, "updated_at": now}
    approximate = False
    if action == ACTION_ASSIGN:
        changes["assigned_at"] = now
    elif action == ACTION_ANSWER:
        changes.update(answered_at=now, reply=note)
    elif action == ACTION_CLOSE:
        changes["closed_at"] = now
    elif action == ACTION_RETURN:
        # The answer (and the closing) were rejected: the unit owes a new answer, within a
        # fresh reply period from now. The close deadline stays: the redo is the unit's to
        # catch up, not a new case. The rejected reply text stays visible until replaced.
        deadline = policy.period("reply", message.msg_type, message.submitter_kind).after(now)
        approximate = deadline.approximate
        changes.update(answered_at=None, closed_at=None, reply_deadline=deadline.at,
                       returned_count=message.returned_count + 1)
    return Step(action, message, replace(message, **changes), note, approximate)


def allowed_actions(message: Message, *, role: str, unit: str, now: datetime,
                    policy: DeadlinePolicy) -> list[str]:
    """The actions this actor may take on this message now (for the buttons of a page).

    Notes are assumed given: an action that needs one is offered, and the page asks for it.
    """
    allowed = []
    for action in ACTIONS:
        try:
            check(message, action, role=role, unit=unit, note="-", now=now, policy=policy)
        except TransitionError:
            continue
        allowed.append(action)
    return allowed


def action_of(from_state: str, to_state: str) -> str:
    """The action an event records (events store states only; each pair has one action)."""
    if not from_state:
        return "收到"
    for action, rule in RULES.items():
        if from_state in rule.sources and to_state == rule.target:
            return action
    return f"{from_state}→{to_state}"


def _local(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")
