"""Alerts over a real local SMTP server (aiosmtpd) and a real local webhook receiver.

One alert when a site goes down (3 consecutive failures), one when it recovers, none while
it stays down — also across a restart of the monitor. Short blips, WAF challenges and closed
sites raise nothing; a closed site that answers is recorded for the registry rule.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiosmtpd.controller import Controller
from flapping import MODE_503, MODE_RESET, MODE_WAF, Outage
from monitor_helpers import host, make_monitor, run_until, settings, target

from govsite.monitor import CompressedClock, SlotPlan
from govsite.monitor.alerts import Alerter, SmtpSink, WebhookSink
from govsite.sites import STATUS_CLOSED

T0 = datetime(2026, 11, 16, 16, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=60)
SPEED = 60_000  # one interval = 60 ms real, room for a mail in between


class Mailbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(make_header(decode_header(m["Subject"]))) for m in self.messages]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()


@pytest_asyncio.fixture
async def webhook() -> AsyncIterator[tuple[list[dict[str, Any]], str]]:
    received: list[dict[str, Any]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append(json.loads(await request.text()))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield received, f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    await runner.cleanup()


def _outage(plan: SlotPlan, code: str, first: int, count: int, mode: str) -> Outage:
    """Down for slots first … first+count-1 of site `code` (counted from T0)."""
    key = target(code).key
    start = plan.slot_at_or_after(key, T0) + first * INTERVAL
    return Outage(start - INTERVAL / 2, start + (count - 1) * INTERVAL + INTERVAL / 2, mode)


@pytest.mark.asyncio
async def test_one_alert_per_outage_and_state_change_by_mail_and_webhook(
    sqlite_store, flapping, mailbox, webhook
) -> None:
    box, smtp_port = mailbox
    hooks, hook_url = webhook
    targets = [target("1"), target("2"), target("3"), target("4", status=STATUS_CLOSED),
               target("5", status=STATUS_CLOSED), target("6")]
    plan = SlotPlan(targets, INTERVAL)
    outages = {
        host("1"): [_outage(plan, "1", 4, 4, MODE_503)],     # down 4 slots: alert, recovery
        host("2"): [_outage(plan, "2", 4, 2, MODE_503)],     # a 2-slot blip: nothing
        host("3"): [_outage(plan, "3", 3, 6, MODE_WAF)],     # WAF challenge: blocked, nothing
        host("4"): [Outage(T0 - timedelta(days=1), T0 + timedelta(days=2), MODE_RESET)],  # closed, gone
        host("6"): [_outage(plan, "6", 12, 14, MODE_RESET)],  # down across the restart below
    }
    clock = CompressedClock(T0 - timedelta(hours=6), SPEED)
    server = await flapping(clock, outages)
    config = settings(server.resolve([host(t.site_code) for t in targets]), INTERVAL)

    def alerter() -> Alerter:
        sinks = [SmtpSink(host="127.0.0.1", port=smtp_port, sender="monitor@example.gov.cn",
                          recipients=["ops@example.gov.cn"]), WebhookSink(url=hook_url)]
        return Alerter(sinks=sinks, down_after=3)

    first = make_monitor(targets, sqlite_store, clock, config, alerter())
    await run_until(first, clock, T0 + timedelta(hours=18))  # site 6 has failed 6 times
    await clock.sleep(timedelta(hours=2).total_seconds())
    second = make_monitor(targets, sqlite_store, clock, config, alerter())
    await run_until(second, clock, T0 + timedelta(hours=36))

    events = [(e.event, e.target.site_code) for e in first.alerter.sent + second.alerter.sent]
    assert events == [("down", "1"), ("recovered", "1"), ("down", "6"), ("recovered", "6")]
    assert [(h["event"], h["site_code"]) for h in hooks] == events
    subjects = box.subjects()
    assert subjects == [
        "[govsite] 网站无法访问：测试网站1（1）",
        "[govsite] 网站已恢复访问：测试网站1（1）",
        "[govsite] 网站无法访问：测试网站6（6）",
        "[govsite] 网站已恢复访问：测试网站6（6）",
    ]
    assert all(m["To"] == "ops@example.gov.cn" for m in box.messages)

    down1, up1, down6, up6 = hooks
    assert down1["consecutive_failures"] == 3 and down1["error"] == "http_5xx"
    assert down1["status"] == 503 and down1["url"] == "http://www.s1.gov.cn/"
    # Four hourly slots down; each probe may start a little late (compressed time magnifies
    # real milliseconds into virtual minutes), so within half an interval.
    assert up1["downtime_s"] == pytest.approx(4 * 3600, abs=INTERVAL.total_seconds() / 2)
    # The recovery after the restart still knows when the outage began (from the store).
    assert up6["down_since"] == down6["down_since"]
    assert down6["error"] == "reset"
    body = box.messages[3].get_payload(decode=True).decode("utf-8")
    assert "持续时间" in body and "网站标识码：6" in body

    records = list(sqlite_store.iter_probes())
    waf = [r for r in records if r.site_code == "3" and not r.ok]
    assert len(waf) == 6 and {r.error for r in waf} == {"blocked"}
    assert all(r.attempts == 1 for r in waf)  # a challenge is not retried as a failure
    closed_answering = [r for r in records if r.site_code == "5"]
    assert closed_answering and all(r.ok and r.status == 200 for r in closed_answering)
    assert all(not r.ok for r in records if r.site_code == "4")
