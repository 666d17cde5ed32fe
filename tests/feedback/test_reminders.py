"""Deadline reminders over a real local SMTP server (aiosmtpd) and a real webhook receiver:
each due deadline once per channel, recorded in the audit log, failures retried next run."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiosmtpd.controller import Controller

from feedback.conftest import CITY_UNIT, Mailbox, cst, free_port
from govsite.feedback.model import SUBMITTER_SUPERVISOR
from govsite.feedback.reminders import (
    AUDIT_REMIND,
    channel_id,
    due_reminders,
    reminder_horizon,
    send_reminders,
)
from govsite.feedback.states import ACTION_ACCEPT, ACTION_ANSWER, ACTION_ASSIGN, ROLE_STAFF, ROLE_UNIT
from govsite.monitor.alerts import SmtpSink, WebhookSink

NOW = cst(2025, 9, 29, 9)  # Monday; "1d" reaches the end of Tuesday 09-30


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()


class Receiver:
    """Webhook bodies received, and the status to answer with (a failing channel: 500)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 204

    async def receive(self, request: web.Request) -> web.Response:
        if self.status < 300:
            self.bodies.append(json.loads(await request.text()))
        return web.Response(status=self.status)


@pytest_asyncio.fixture
async def webhook() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook/secret-token", receiver.receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield receiver, f"http://127.0.0.1:{runner.addresses[0][1]}/hook/secret-token"
    await runner.cleanup()


@pytest.fixture
def due_soon(store, make_message):
    """Two deadlines within "1d" of NOW, two outside it. Returns the two due, soonest first."""
    # Received Fri 09-26: reply due Tue 09-30 23:59:59 — exactly the horizon, so included.
    reply_due = store.add_message(make_message(cst(2025, 9, 26, 10)), actor="公众")
    # Received this morning: reply due 10-11, outside.
    store.add_message(make_message(cst(2025, 9, 29, 8)), actor="公众")
    # 社会监督员 09-22: reply due 09-25 already passed (no reminder), close 10-11 outside.
    store.add_message(make_message(cst(2025, 9, 22, 10), submitter_kind=SUBMITTER_SUPERVISOR),
                      actor="监督员")
    # 社会监督员 Tue 09-16, answered: only the close deadline runs, due 09-29 23:59:59.
    close_due = store.add_message(
        make_message(cst(2025, 9, 16, 10), submitter_kind=SUBMITTER_SUPERVISOR), actor="监督员")
    for action, role in ((ACTION_ASSIGN, ROLE_STAFF), (ACTION_ACCEPT, ROLE_UNIT),
                         (ACTION_ANSWER, ROLE_UNIT)):
        store.transition(close_due.id, action, actor="x", role=role, unit=CITY_UNIT, note="已处理",
                         now=cst(2025, 9, 17, 9))
    return close_due, reply_due


def test_the_horizon_counts_working_days_or_working_hours() -> None:
    assert reminder_horizon(NOW, "1d") == cst(2025, 9, 30, 23, 59, 59)
    assert reminder_horizon(NOW, "0d") == cst(2025, 9, 29, 23, 59, 59)
    assert reminder_horizon(cst(2025, 9, 30, 20), "1d") == cst(2025, 10, 9, 23, 59, 59)
    assert reminder_horizon(cst(2025, 9, 30, 20), "8h") == cst(2025, 10, 9, 4)
    with pytest.raises(ValueError, match="“2w”不是有效的提醒范围"):
        reminder_horizon(NOW, "2w")


def test_only_running_deadlines_inside_the_window_are_due(store, due_soon) -> None:
    close_due, reply_due = due_soon
    found = due_reminders(store.list_messages(), now=NOW, horizon=reminder_horizon(NOW, "1d"))
    assert [(r.message.id, r.step, r.due) for r in found] == [
        (close_due.id, "close", cst(2025, 9, 29, 23, 59, 59)),
        (reply_due.id, "reply", cst(2025, 9, 30, 23, 59, 59))]


@pytest.mark.asyncio
async def test_each_reminder_goes_once_through_each_channel(store, due_soon, mailbox,
                                                            webhook) -> None:
    close_due, reply_due = due_soon
    box, port = mailbox
    receiver, url = webhook
    sinks = [SmtpSink(host="127.0.0.1", port=port, sender="govsite@localhost",
                      recipients=["ban@example.gov.cn"]), WebhookSink(url=url)]
    horizon = reminder_horizon(NOW, "1d")
    first = await send_reminders(store, sinks, now=NOW, horizon=horizon)
    assert (len(first.sent), first.skipped, first.failed) == (4, 0, [])
    assert box.subjects() == [
        f"[govsite] 找错留言办结期限将至：2025-09-29 23:59（北京时间）（留言 #{close_due.id}，{CITY_UNIT}）",
        f"[govsite] 找错留言答复期限将至：2025-09-30 23:59（北京时间）（留言 #{reply_due.id}，{CITY_UNIT}）"]
    body = box.messages[1].get_payload(decode=True).decode()
    assert "承办单位：某市人民政府办公厅" in body and "13800000000" not in body
    assert [(b["step"], b["message"]["id"]) for b in receiver.bodies] == [
        ("close", close_due.id), ("reply", reply_due.id)]
    assert "contact" not in receiver.bodies[0]["message"]
    assert datetime.fromisoformat(receiver.bodies[1]["due"]) == cst(2025, 9, 30, 23, 59, 59)
    again = await send_reminders(store, sinks, now=NOW, horizon=horizon)
    assert (len(again.sent), again.skipped) == (0, 4)
    assert len(box.messages) == 2 and len(receiver.bodies) == 2
    audit = store.list_audit(object_type="message", action=AUDIT_REMIND)
    assert sorted((a.object_id, a.detail["step"], a.detail["channel"]) for a in audit) == sorted(
        (str(m.id), step, channel_id(s)) for m, step in ((close_due, "close"), (reply_due, "reply"))
        for s in sinks)
    assert all("secret-token" not in a.detail["channel"] for a in audit)


@pytest.mark.asyncio
async def test_a_failed_channel_is_retried_by_the_next_run_alone(store, due_soon, mailbox,
                                                                 webhook) -> None:
    box, port = mailbox
    receiver, url = webhook
    receiver.status = 500
    sinks = [SmtpSink(host="127.0.0.1", port=port, sender="govsite@localhost",
                      recipients=["ban@example.gov.cn"]), WebhookSink(url=url)]
    horizon = reminder_horizon(NOW, "1d")
    first = await send_reminders(store, sinks, now=NOW, horizon=horizon)
    assert (len(first.sent), len(first.failed)) == (2, 2)
    assert all("HTTP 500" in error for _, _, error in first.failed)
    receiver.status = 204
    second = await send_reminders(store, sinks, now=NOW, horizon=horizon)
    assert (len(second.sent), second.skipped, second.failed) == (2, 2, [])
    assert {channel for _, channel in second.sent} == {channel_id(sinks[1])}
    assert len(box.messages) == 2 and len(receiver.bodies) == 2
