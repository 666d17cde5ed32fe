"""The 找错 message API's parameters and bodies: what /openapi.json says of /api/messages.

The list filters are shared with the 留言办理 page and its exports. Text that reaches the
store is held to what the store can keep: no NUL characters (PostgreSQL refuses them), and
lengths within the columns'. Page URLs are http(s) only, as on the public form.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, field_validator

from govsite.feedback import ACTIONS, MESSAGE_TYPES, STATES, Message
from govsite.feedback.model import SUBMITTER_KINDS
from govsite.web.intake import MAX_CONTACT, MAX_CONTENT, MAX_URL, is_page_url
from govsite.web.message_data import MAX_NOTE

NO_NUL = r"^[^\x00]*$"
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def _encodable(value: str) -> str:
    """Lone surrogates (valid in a JSON string, not in UTF-8) would fail in the database."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


Text = Annotated[str, AfterValidator(_encodable)]
MessageId = Annotated[int, Path(ge=1, le=2**31 - 1, description="留言编号")]
StateFilter = Annotated[str | None, Query(pattern=f"^({'|'.join(STATES)})$", description="状态")]
SiteFilter = Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_.-]{1,32}$",
                                         description="网站标识码")]
UnitFilter = Annotated[str | None, Query(max_length=255, pattern=NO_NUL,
                                         description="承办单位（单位运维人员只能查看本单位）")]
OverdueFilter = Annotated[bool, Query(description="仅列出答复或办结期限已过的留言")]

MessageType = Literal[MESSAGE_TYPES]  # type: ignore[valid-type]
SubmitterKind = Literal[SUBMITTER_KINDS]  # type: ignore[valid-type]
Action = Literal[ACTIONS]  # type: ignore[valid-type]


class MessageOut(BaseModel):
    id: int
    source: str
    external_id: str | None
    site_code: str
    site_name: str
    unit: str
    msg_type: str
    title: str
    content: str
    page_url: str
    contact: str | None = Field(description="null for accounts that may not see it (viewer)")
    submitter_kind: str
    state: str
    received_at: datetime
    assigned_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    reply_deadline: datetime | None
    close_deadline: datetime | None
    deadlines_approximate: bool = Field(
        description="true when a year the deadlines span has no published holiday calendar")
    overdue: list[Literal["reply", "close"]] = Field(
        description="running deadlines already passed (reply before 答复, close before 办结)")
    returned_count: int
    reply: str
    updated_at: datetime


class EventOut(BaseModel):
    at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    note: str


class MessageDetailOut(BaseModel):
    message: MessageOut
    events: list[EventOut]
    allowed_actions: list[str] = Field(description="the steps this account may take now")


class MessageIn(BaseModel):
    """A message entered by the centre (admin, staff): routed by its site, state 待分办."""

    site_code: str = Field(pattern=r"^[0-9A-Za-z_.-]{1,32}$")
    msg_type: MessageType
    title: Text = Field(default="", max_length=200, pattern=NO_NUL)
    content: Text = Field(min_length=1, max_length=MAX_CONTENT, pattern=NO_NUL)
    page_url: Text = Field(default="", max_length=MAX_URL)
    contact: Text = Field(default="", max_length=MAX_CONTACT, pattern=NO_NUL)
    submitter_kind: SubmitterKind = "public"
    external_id: Text | None = Field(default=None, min_length=1, max_length=64,
                                    pattern=r"^[^\x00\s]+$")
    received_at: AwareDatetime | None = Field(
        default=None,
        description="when it was received (default: now); from 2000 on, not in the future")

    @field_validator("page_url")
    @classmethod
    def _web_url(cls, value: str) -> str:
        if value and not is_page_url(value):
            raise ValueError("page_url must be an http(s) URL")
        return value

    @field_validator("received_at")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        # Deadlines are counted in Beijing days from it: a time near year 1 or 9999 would
        # fall off the calendar, and no 找错 message predates the platform by decades.
        if value is not None and value < EARLIEST:
            raise ValueError(f"received_at must not be before {EARLIEST.date()}")
        return value


class ActionIn(BaseModel):
    """One workflow step: 分办, 接收, 答复 (note: the answer), 办结, 退回重办 (note: the reason)."""

    action: Action
    note: Text = Field(default="", max_length=MAX_NOTE, pattern=NO_NUL)


def message_out(message: Message, now: datetime, *, contact: bool, approximate: bool) -> MessageOut:
    """The stored message as the API answers it, at the application's now."""
    assert message.id is not None
    return MessageOut(**{**asdict(message), "contact": message.contact if contact else None},
                      deadlines_approximate=approximate,
                      overdue=message.missed_deadlines(now))  # type: ignore[arg-type]
