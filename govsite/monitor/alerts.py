"""Alerts: one message when a site goes down, one when it comes back, none in between.

A small state machine per target. N consecutive failed probes (`down_after`, default 3)
make it *down* and send one `down` alert; the next successful probe makes it *up* and sends
one `recovered` alert with the outage's length. WAF-blocked probes move it neither way: they
say nothing about the site. Sites registered closed or merged raise no alerts (being down is
what the registry asks of them).

After a restart the state is rebuilt from the store's newest probes (`Alerter.restore`), so
a site that was already down when the monitor stopped is not announced again.

Two sinks: e-mail over SMTP (stdlib smtplib, run in a thread so a slow mail server never
delays a probe) and a generic JSON webhook (aiohttp POST). A sink that fails is logged and
retried a few times; it never stops the monitor.
"""

from __future__ import annotations

import asyncio
import json
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

import aiohttp

from govsite.collect import errors
from govsite.monitor.targets import Target, TargetKey
from govsite.probes import KIND_SYSTEM, ProbeRecord
from govsite.rules.availability import CST

log = logging.getLogger("govsite.monitor")

DOWN = "down"
RECOVERED = "recovered"
# Assumption: three probes in a row (three hours at the default interval, each already
# confirmed by a retry) is an outage worth waking someone for; one or two is a blip the
# weekly ratio records anyway.
DEFAULT_DOWN_AFTER = 3
# A sink is tried this many times, the waits doubling from SINK_RETRY_S, then given up.
SINK_ATTEMPTS = 3
SINK_RETRY_S = 1.0
SINK_TIMEOUT_S = 10.0
# Bounded wait for unsent alerts when the monitor stops: a dead mail server must not keep a
# SIGTERM from ending the process.
DRAIN_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class AlertEvent:
    """A state change of one target, as every sink reports it."""

    event: str  # DOWN or RECOVERED
    target: Target
    at: datetime
    down_since: datetime | None
    failures: int
    error: str
    status: int | None
    detail: str

    @property
    def downtime(self) -> timedelta | None:
        if self.event != RECOVERED or self.down_since is None:
            return None
        return self.at - self.down_since

    def to_json(self) -> dict[str, Any]:
        """The webhook body (docs/monitor.md lists the fields)."""
        downtime = self.downtime
        return {
            "source": "govsite monitor",
            "event": self.event,
            "site_code": self.target.site_code,
            "name": self.target.name,
            "url": self.target.url,
            "kind": self.target.kind,
            "at": self.at.isoformat(),
            "down_since": self.down_since.isoformat() if self.down_since else None,
            "consecutive_failures": self.failures,
            "error": self.error,
            "status": self.status,
            "detail": self.detail,
            "downtime_s": downtime.total_seconds() if downtime is not None else None,
        }

    def subject(self) -> str:
        what = "在线系统" if self.target.kind == KIND_SYSTEM else "网站"
        verb = "无法访问" if self.event == DOWN else "已恢复访问"
        return f"[govsite] {what}{verb}：{self.target.name or self.target.url}（{self.target.site_code}）"

    def text(self) -> str:
        lines = [self.subject(), "", f"地址：{self.target.url}", f"网站标识码：{self.target.site_code}"]
        if self.event == DOWN:
            lines += [f"连续失败：{self.failures} 次", f"首次失败：{_when(self.down_since)}",
                      f"最近一次：{_when(self.at)}",
                      f"错误：{self.error or '—'}" + (f"（HTTP {self.status}）" if self.status else ""),
                      f"详情：{self.detail or '—'}"]
        else:
            downtime = self.downtime
            lines += [f"恢复时间：{_when(self.at)}", f"故障开始：{_when(self.down_since)}",
                      f"持续时间：{_span(downtime) if downtime is not None else '未知'}"]
        lines += ["", "此邮件由 govsite monitor 自动发送；网站持续无法访问期间不再重复提醒。"]
        return "\n".join(lines)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "未知（监测重启前）"
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S") + "（北京时间）"


def _span(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} 小时 {minutes} 分钟" if hours else f"{minutes} 分钟"


class AlertSink(Protocol):
    """Something that delivers alerts; `send` raises on failure (the Alerter retries)."""

    name: str

    async def send(self, event: AlertEvent) -> None: ...


@dataclass
class SmtpSink:
    """E-mail through an SMTP server (stdlib smtplib in a worker thread)."""

    host: str
    port: int
    sender: str
    recipients: Sequence[str]
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    name: str = "smtp"

    async def send(self, event: AlertEvent) -> None:
        message = EmailMessage()
        message["Subject"] = event.subject()
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="govsite")
        message.set_content(event.text())
        await asyncio.to_thread(self._deliver, message)

    def _deliver(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=SINK_TIMEOUT_S) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


@dataclass
class WebhookSink:
    """A JSON POST of `AlertEvent.to_json()` to a URL; any 2xx answer is delivery."""

    url: str
    name: str = "webhook"

    async def send(self, event: AlertEvent) -> None:
        timeout = aiohttp.ClientTimeout(total=SINK_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(
                self.url, data=json.dumps(event.to_json(), ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json; charset=utf-8"},
            ) as resp:
                if resp.status >= 300:
                    raise RuntimeError(f"webhook answered HTTP {resp.status}")


@dataclass
class _State:
    failures: int = 0
    down: bool = False
    first_failure: datetime | None = None


@dataclass
class Alerter:
    """The per-target state machine and the delivery of its alerts to every sink."""

    sinks: Sequence[AlertSink]
    down_after: int = DEFAULT_DOWN_AFTER
    sent: list[AlertEvent] = field(default_factory=list)
    _states: dict[TargetKey, _State] = field(default_factory=dict)
    _pending: set[asyncio.Task[None]] = field(default_factory=set)

    def restore(self, streaks: dict[TargetKey, tuple[int, datetime]]) -> None:
        """Rebuild states from the store's current failure streaks (`Store.failure_streaks`)."""
        for key, (failures, since) in streaks.items():
            self._states[key] = _State(failures=failures, down=failures >= self.down_after,
                                       first_failure=since)

    def observe(self, target: Target, record: ProbeRecord) -> AlertEvent | None:
        """Feed one probe; returns (and starts sending) the alert it causes, if any."""
        if record.error == errors.BLOCKED:
            return None
        state = self._states.setdefault(target.key, _State())
        event = None
        if record.ok:
            if state.down:
                event = AlertEvent(RECOVERED, target, record.time, state.first_failure,
                                   state.failures, "", record.status, "")
            self._states[target.key] = _State()
        else:
            state.failures += 1
            state.first_failure = state.first_failure or record.time
            if not state.down and state.failures >= self.down_after:
                state.down = True
                event = AlertEvent(DOWN, target, record.time, state.first_failure,
                                   state.failures, record.error, record.status, record.detail)
        if event is not None and target.alerts:
            self._dispatch(event)
            return event
        return None

    def is_down(self, key: TargetKey) -> bool:
        state = self._states.get(key)
        return bool(state and state.down)

    def _dispatch(self, event: AlertEvent) -> None:
        self.sent.append(event)
        log.warning("%s", event.subject())
        for sink in self.sinks:
            task = asyncio.get_running_loop().create_task(self._deliver(sink, event))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _deliver(self, sink: AlertSink, event: AlertEvent) -> None:
        wait = SINK_RETRY_S
        for attempt in range(1, SINK_ATTEMPTS + 1):
            try:
                await sink.send(event)
                return
            except Exception as exc:  # a sink's failure must never stop the monitor
                log.error("alert via %s failed (attempt %d/%d): %s", sink.name, attempt,
                          SINK_ATTEMPTS, exc)
                if attempt < SINK_ATTEMPTS:
                    await asyncio.sleep(wait)
                    wait *= 2

    async def drain(self, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        """Wait for alerts still being sent (at most `timeout_s`)."""
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=timeout_s)
