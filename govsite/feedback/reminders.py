"""Reminders of 找错 deadlines that are about to pass, through the monitor's alert channels.

`govsite messages remind` is meant to run from cron (every hour, say): each run finds the
deadlines still running that fall within the horizon (`--within 2d`: by the end of the second
working day from now; `--within 8h`: within eight working-day hours) and sends one reminder
per deadline and channel. Each delivery is recorded in the audit log (action
`message.remind`), and a reminder already recorded for the same message, step, deadline and
channel is not sent again — a later run retries only what failed. The entry is dated when it
was sent (the real clock), whatever `--as-of` the run judged deadlines at. A deadline
re-dated by 退回重办 is a new deadline and is reminded of again.

The channels are the monitor's sinks (`govsite.monitor.alerts.SmtpSink`, `WebhookSink`):
they only call `subject()`, `text()` and `to_json()` of what they send, which `Reminder` has.
The submitter's contact details are left out of what is sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from govsite.feedback.deadlines import add_working_days, add_working_hours, is_approximate
from govsite.feedback.model import SUBMITTER_LABELS, Message
from govsite.monitor.alerts import SmtpSink, WebhookSink
from govsite.rules.availability import CST

if TYPE_CHECKING:
    from govsite.store.store import Store

AUDIT_REMIND = "message.remind"
OBJECT_MESSAGE = "message"
# Audit entries read back per message to find reminders already sent. Each is one deadline
# (re-dated at most once per 退回重办) on one channel; far more than any message accumulates.
REMINDERS_PER_MESSAGE_MAX = 10_000
STEP_LABELS = {"reply": "答复", "close": "办结"}
SENDER = "govsite messages remind"
_WITHIN = re.compile(r"^\s*(\d+)\s*([dh])\s*$", re.IGNORECASE)


class ReminderSink(Protocol):
    """A monitor alert sink: `send` raises when it could not deliver."""

    name: str

    async def send(self, event: Any) -> None: ...


def reminder_horizon(now: datetime, within: str) -> datetime:
    """The end of the reminder window: `Nd` working days or `Nh` working-day hours from now.

    ``1d`` reaches the end of the next working day, ``0d`` the end of today.
    """
    match = _WITHIN.match(within)
    if match is None:
        raise ValueError(f"“{within}”不是有效的提醒范围（如 1d 表示1个工作日，8h 表示8个工作小时）")
    amount, unit = int(match.group(1)), match.group(2).lower()
    deadline = add_working_days(now, amount) if unit == "d" else add_working_hours(now, amount)
    return deadline.at


@dataclass(frozen=True)
class Reminder:
    """One running deadline (`step` "reply" or "close") of a message, due soon."""

    message: Message
    step: str
    due: datetime

    @property
    def approximate(self) -> bool:
        return is_approximate(self.message)

    def subject(self) -> str:
        m = self.message
        return (f"[govsite] 找错留言{STEP_LABELS[self.step]}期限将至：{_when(self.due)}"
                f"（留言 #{m.id}，{m.unit}）")

    def text(self) -> str:
        m = self.message
        due = _when(self.due) + ("（该年度节假日安排未知，按周一至周五推算，为近似值）"
                                 if self.approximate else "")
        lines = [self.subject(), "", f"留言编号：#{m.id}" + (f"（平台编号 {m.external_id}）"
                                                          if m.external_id else ""),
                 f"网站：{m.site_name}（{m.site_code}）", f"承办单位：{m.unit}",
                 f"类型：{m.msg_type}；留言人：{SUBMITTER_LABELS.get(m.submitter_kind, m.submitter_kind)}",
                 f"当前状态：{m.state}", f"收到时间：{_when(m.received_at)}",
                 f"{STEP_LABELS[self.step]}期限：{due}", f"标题：{m.title or '—'}",
                 f"内容：{_excerpt(m.content)}", "",
                 f"此邮件由 {SENDER} 自动发送；同一期限只提醒一次。"]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The webhook body (docs/messages.md lists the fields)."""
        message = self.message.to_json()
        del message["contact"]
        return {"source": "govsite messages", "event": "deadline_reminder", "step": self.step,
                "step_zh": STEP_LABELS[self.step], "due": self.due.isoformat(),
                "approximate": self.approximate, "message": message}

    def key(self, channel: str) -> tuple[str, str, str, str]:
        return (str(self.message.id), self.step, self.due.isoformat(), channel)


def _when(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M") + "（北京时间）"


def _excerpt(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def due_reminders(messages: Iterable[Message], *, now: datetime,
                  horizon: datetime) -> list[Reminder]:
    """The running deadlines in (now, horizon], soonest first. Passed ones are not reminders."""
    found = [Reminder(message, step, due) for message in messages
             for step, due in message.running_deadlines().items() if now < due <= horizon]
    return sorted(found, key=lambda r: (r.due, r.message.id or 0, r.step))


def channel_id(sink: ReminderSink) -> str:
    """How the audit log names a channel: kind and host, and a hash instead of secrets.

    Webhook URLs often carry a token and e-mail recipients are personal data; the hash still
    tells two channels apart so that each is reminded once.
    """
    if isinstance(sink, WebhookSink):
        ident, shown = sink.url, f"webhook {urlsplit(sink.url).hostname}"
    elif isinstance(sink, SmtpSink):
        ident = f"{sink.host}:{sink.port}/{','.join(sorted(sink.recipients))}"
        shown = f"smtp {sink.host}"
    else:
        ident = shown = sink.name
    return f"{shown} #{hashlib.sha256(ident.encode()).hexdigest()[:8]}"


@dataclass
class ReminderReport:
    """What a run did: sent (reminder, channel), skipped as already sent, and failures."""

    sent: list[tuple[Reminder, str]] = field(default_factory=list)
    skipped: int = 0
    failed: list[tuple[Reminder, str, str]] = field(default_factory=list)


async def send_reminders(store: Store, sinks: Sequence[ReminderSink], *, now: datetime,
                         horizon: datetime, actor: str = SENDER) -> ReminderReport:
    """Send every due reminder through every sink once, recording each delivery."""
    # "Overdue at the horizon" compares strictly; a microsecond more includes deadlines at it.
    candidates = await asyncio.to_thread(
        store.list_messages, overdue_as_of=horizon + timedelta(microseconds=1))
    due = due_reminders(candidates, now=now, horizon=horizon)
    done = await asyncio.to_thread(_already_sent, store, {str(r.message.id) for r in due})
    report = ReminderReport()
    for reminder in due:
        for sink in sinks:
            channel = channel_id(sink)
            if reminder.key(channel) in done:
                report.skipped += 1
                continue
            try:
                await sink.send(reminder)
            except Exception as exc:  # one channel's failure must not stop the others
                report.failed.append((reminder, channel, str(exc) or exc.__class__.__name__))
                continue
            await asyncio.to_thread(
                store.add_audit, actor=actor, action=AUDIT_REMIND, object_type=OBJECT_MESSAGE,
                object_id=str(reminder.message.id),
                detail={"step": reminder.step, "due": reminder.due.isoformat(), "channel": channel})
            report.sent.append((reminder, channel))
    return report


def _already_sent(store: Store, message_ids: set[str]) -> set[tuple[str, str, str, str]]:
    """The reminder keys the audit log holds for these messages."""
    keys = set()
    for message_id in message_ids:
        for entry in store.list_audit(object_type=OBJECT_MESSAGE, object_id=message_id,
                                      action=AUDIT_REMIND, limit=REMINDERS_PER_MESSAGE_MAX):
            detail = entry.detail
            keys.add((message_id, str(detail.get("step")), str(detail.get("due")),
                      str(detail.get("channel"))))
    return keys
