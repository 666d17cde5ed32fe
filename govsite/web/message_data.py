"""What the message pages, exports and API show of 找错 messages, cut to what the user may see.

A unit operator sees its own unit's messages only, and another unit's message answers 404 as
if it did not exist, like another unit's site. Deadlines are shown with the period they were
counted from (工作日 or 个月, quoted or assumed) and marked ≈ when the holiday calendar did
not know a year they span. "Overdue" means a running deadline (答复 before the answer, 办结
before closing) has passed at the application's now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import HTTPException

from govsite.feedback import DeadlinePolicy, Message, MessageEvent, is_approximate
from govsite.feedback.model import SUBMITTER_LABELS
from govsite.feedback.states import (
    ACTION_ACCEPT,
    ACTION_ANSWER,
    ACTION_ASSIGN,
    ACTION_CLOSE,
    ACTION_RETURN,
    action_of,
)
from govsite.store.store import Store
from govsite.store.user_store import User
from govsite.web.roles import MESSAGE_CONTACT, can, not_found, unit_scope

# What each action's button says, and what the text it needs is called.
ACTION_BUTTONS = {ACTION_ASSIGN: "分办", ACTION_ACCEPT: "接收办理", ACTION_ANSWER: "答复",
                  ACTION_CLOSE: "办结", ACTION_RETURN: "退回重办"}
ACTION_NOTES = {ACTION_ANSWER: "答复内容", ACTION_RETURN: "退回理由"}
STEP_ZH = {"reply": "答复期限", "close": "办结期限"}
SOURCE_ZH = {"form": "网页表单", "api": "接口提交", "import": "平台导入"}
MAX_NOTE = 5000


@dataclass(frozen=True)
class DeadlineView:
    """One deadline as a page shows it: when, from which period, and where it stands now."""

    step: str
    label: str
    at: datetime | None
    period: str
    approximate: bool
    running: bool
    missed: bool


@dataclass(frozen=True)
class EventView:
    """One step of the history: the action it recorded, by whom, when, with what text."""

    event: MessageEvent
    action: str


@dataclass(frozen=True)
class MessageFilter:
    """The list's filters, the same for the page, its exports and the API."""

    state: str | None = None
    unit: str | None = None
    site: str | None = None
    overdue: bool = False

    def scoped(self, user: User) -> MessageFilter:
        """The filter a user's list really uses: a unit operator's own unit, whatever was
        asked; naming another unit is a 404, as on the unit pages."""
        own = unit_scope(user)
        if own is not None and self.unit not in (None, "", own):
            raise not_found()
        return MessageFilter(self.state, own or self.unit or None, self.site, self.overdue)

    def store_args(self, now: datetime) -> dict[str, Any]:
        """Keyword arguments of `Store.list_messages` and `count_messages`."""
        return {"unit": self.unit, "site_code": self.site, "state": self.state,
                "overdue_as_of": now if self.overdue else None}

    def query(self) -> dict[str, str]:
        """The filter as query parameters (for export links and paging)."""
        pairs = {"state": self.state, "unit": self.unit, "site": self.site,
                 "overdue": "true" if self.overdue else None}
        return {k: v for k, v in pairs.items() if v}


def visible_message(store: Store, user: User, message_id: int) -> Message:
    """The message if `user` may see it; 404 if unknown or another unit's."""
    message = store.get_message(message_id)
    own = unit_scope(user)
    if message is None or (own is not None and message.unit != own):
        raise HTTPException(status_code=404, detail="未找到该留言")
    return message


def shows_contact(user: User) -> bool:
    return can(user, MESSAGE_CONTACT)


def deadlines(message: Message, policy: DeadlinePolicy, now: datetime) -> list[DeadlineView]:
    """The reply and close deadlines with their periods, running or not, passed or not."""
    approximate = is_approximate(message)
    running = message.running_deadlines()
    missed = set(message.missed_deadlines(now))
    views = []
    for step, at in (("reply", message.reply_deadline), ("close", message.close_deadline)):
        period = policy.period(step, message.msg_type, message.submitter_kind)
        views.append(DeadlineView(step, STEP_ZH[step], at, period.label, approximate,
                                  step in running, step in missed))
    return views


def history(events: list[MessageEvent]) -> list[EventView]:
    return [EventView(e, action_of(e.from_state, e.to_state)) for e in events]


def submitter_zh(kind: str) -> str:
    return SUBMITTER_LABELS.get(kind, kind)
