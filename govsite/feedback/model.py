"""The 我为政府网站找错 message as the workflow sees it, and the words it is described in.

`Message` mirrors the store's `MessageRow` field for field, so the web pages, the CLI and the
tests handle plain values and never a database session. States, sources, submitter kinds and
message types are the values stored in the table; the Chinese ones are shown to users as is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

# States (the store keeps the Chinese words: they are what every page and export shows).
STATE_NEW = "待分办"
STATE_ASSIGNED = "已分办"
STATE_IN_PROGRESS = "办理中"
STATE_ANSWERED = "已答复"
STATE_CLOSED = "已办结"
STATES = (STATE_NEW, STATE_ASSIGNED, STATE_IN_PROGRESS, STATE_ANSWERED, STATE_CLOSED)
# Before an answer the unit's reply deadline runs; until 办结 the close deadline runs.
UNANSWERED_STATES = (STATE_NEW, STATE_ASSIGNED, STATE_IN_PROGRESS)
OPEN_STATES = (*UNANSWERED_STATES, STATE_ANSWERED)

SOURCE_FORM = "form"
SOURCE_API = "api"
SOURCE_IMPORT = "import"
SOURCES = (SOURCE_FORM, SOURCE_API, SOURCE_IMPORT)

SUBMITTER_PUBLIC = "public"
SUBMITTER_SUPERVISOR = "supervisor"
SUBMITTER_LABELS = {SUBMITTER_PUBLIC: "网民", SUBMITTER_SUPERVISOR: "社会监督员"}
SUBMITTER_KINDS = tuple(SUBMITTER_LABELS)

# ASSUMPTION: standards.md does not list the national platform's 问题类型. These follow the
# veto and deduction items the platform's messages usually report (15号/19号: 站点无法访问,
# 网站/栏目不更新, 严重表述错误, 互动回应差, 服务不实用), worded as the brief proposes.
# A centre whose export uses other words maps them in the importer's aliases.
TYPE_OUTDATED = "内容更新不及时"
TYPE_BROKEN_LINK = "链接无法访问"
TYPE_WRONG_TEXT = "错别字/表述错误"
TYPE_NO_RESPONSE = "互动回应差"
TYPE_USELESS_SERVICE = "服务不实用"
TYPE_OTHER = "其他"
MESSAGE_TYPES = (TYPE_OUTDATED, TYPE_BROKEN_LINK, TYPE_WRONG_TEXT, TYPE_NO_RESPONSE,
                 TYPE_USELESS_SERVICE, TYPE_OTHER)


class FeedbackError(ValueError):
    """The workflow refused something; the message is Chinese and meant for the user."""


@dataclass(frozen=True)
class Message:
    """One message, as stored (see `MessageRow` for what each field means).

    Times are timezone-aware. `id` is None until the store has it.
    """

    id: int | None
    source: str
    external_id: str | None
    site_code: str
    site_name: str
    unit: str
    msg_type: str
    title: str
    content: str
    page_url: str
    contact: str
    submitter_kind: str
    state: str
    received_at: datetime
    assigned_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    reply_deadline: datetime | None
    close_deadline: datetime | None
    returned_count: int
    reply: str
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        """Every field, times as ISO 8601 with their offset (for exports and web pages)."""
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(self).items()}

    def running_deadlines(self) -> dict[str, datetime]:
        """The deadlines still running, by step: "reply" until 答复, "close" until 办结."""
        running = {}
        if self.state in UNANSWERED_STATES and self.reply_deadline is not None:
            running["reply"] = self.reply_deadline
        if self.state != STATE_CLOSED and self.close_deadline is not None:
            running["close"] = self.close_deadline
        return running

    def missed_deadlines(self, as_of: datetime) -> list[str]:
        """The steps whose running deadline had passed at `as_of` (on current data)."""
        return [step for step, due in self.running_deadlines().items() if due < as_of]


@dataclass(frozen=True)
class MessageEvent:
    """One step of a message's life, as stored in `message_events`.

    `from_state` is empty for the event that records the message's arrival.
    """

    id: int | None
    message_id: int
    at: datetime
    actor: str
    from_state: str
    to_state: str
    note: str

    def to_json(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(self).items()}
