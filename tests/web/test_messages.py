"""留言办理 pages: the workflow's buttons per role, unit scope, deadlines on the app's clock,
statistics, and the message exports."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import datetime

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from govsite.feedback import Message, Router, load_policy, receive
from govsite.store import Store
from tests.web.conftest import (
    CST,
    DEPT,
    GUANGZHOU,
    GZ,
    HAIDE,
    SITES,
    Clock,
    Seeded,
    csrf_from,
)

SignIn = Callable[[str], tuple[TestClient, str]]


def add(store: Store, site: str, when: datetime, content: str = "栏目长期未更新") -> Message:
    """A message as the public form stores it, received at `when`."""
    return store.add_message(receive(
        route=Router(SITES).route(site), source="form", msg_type="内容更新不及时", title="",
        content=content, page_url="http://jw.hdq.gov.cn/tzgg/", contact="13800000000",
        submitter_kind="public", received_at=when, policy=load_policy()), actor="网民", now=when)


def act(client: TestClient, message_id: int, action: str, note: str = "") -> tuple[int, str]:
    """Press one of the page's buttons (with the token of the page it is on)."""
    page = client.get(f"/messages/{message_id}")
    response = client.post(f"/messages/{message_id}/actions", data={
        "csrf_token": csrf_from(page.text), "action": action, "note": note},
        follow_redirects=True)
    return response.status_code, response.text


def buttons(page: str) -> list[str]:
    return re.findall(r'<button type="submit">([^<]+)</button>', page.split("<main>")[1])


def test_each_role_gets_its_own_buttons_through_the_workflow(
        client_as: SignIn, store: Store, seeded: Seeded, clock: Clock) -> None:
    message = add(store, DEPT, clock())
    assert message.id is not None
    staff, _ = client_as("staff")
    haide, _ = client_as("haide")
    viewer, _ = client_as("viewer")
    url = f"/messages/{message.id}"
    assert buttons(staff.get(url).text) == ["分办"]
    assert buttons(haide.get(url).text) == []  # not routed yet
    assert buttons(viewer.get(url).text) == []
    assert act(staff, message.id, "分办")[0] == 200

    assert buttons(haide.get(url).text) == ["接收办理"]
    assert act(haide, message.id, "接收")[0] == 200
    status, page = act(haide, message.id, "答复", "")
    assert status == 400 and "答复须填写答复内容" in page  # the machine's reason, on the page
    clock.set(2025, 9, 28, 15, 0)  # Sunday, a 调休 working day
    assert act(haide, message.id, "答复", "已更新栏目。")[0] == 200
    # A unit does not close its own case.
    status, page = act(haide, message.id, "办结")
    assert status == 400 and "无权执行“办结”" in page

    assert buttons(staff.get(url).text) == ["办结", "退回重办"]
    clock.set(2025, 10, 10, 10, 0)
    status, page = act(staff, message.id, "退回重办", "答复未说明更新时间。")
    assert status == 200 and "办理中" in page
    # A fresh 3-working-day reply period: Saturday 10-11 is a 调休 working day.
    assert "2025-10-14 23:59" in page
    assert act(haide, message.id, "答复", "已补充：10月13日更新。")[0] == 200
    assert act(staff, message.id, "办结")[0] == 200

    stored = store.get_message(message.id)
    assert stored is not None and (stored.state, stored.returned_count) == ("已办结", 1)
    page = staff.get(url).text
    events = re.findall(r"<tr><td>[^<]+</td><td>([^<]+)</td>", page.split('id="history-h"')[1])
    assert events == ["收到", "分办", "接收", "答复", "退回重办", "答复", "办结"]
    assert "答复未说明更新时间。" in page and "网民" in page
    assert [e.action for e in store.list_audit(object_type="message")][:2] == [
        "message.close", "message.answer"]


def test_a_unit_sees_only_its_own_messages(client_as: SignIn, store: Store, seeded: Seeded,
                                           clock: Clock) -> None:
    haide_msg, gz_msg = add(store, DEPT, clock()), add(store, GZ, clock())
    gz, token = client_as("gz")
    listing = gz.get("/messages").text
    assert f'href="/messages/{gz_msg.id}"' in listing and f'href="/messages/{haide_msg.id}"' not in listing
    assert gz.get(f"/messages/{haide_msg.id}").status_code == 404
    assert gz.get(f"/api/messages/{haide_msg.id}").status_code == 404
    assert gz.get("/messages", params={"unit": HAIDE}).status_code == 404
    assert gz.get("/messages", params={"unit": GUANGZHOU}).status_code == 200
    response = gz.post(f"/messages/{haide_msg.id}/actions", data={
        "csrf_token": token, "action": "接收"})
    assert response.status_code == 404
    assert [m["id"] for m in gz.get("/api/messages").json()] == [gz_msg.id]
    rows = list(csv.reader(io.StringIO(gz.get("/export/messages.csv").content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [str(gz_msg.id)]
    assert gz.get("/messages/import").status_code == 403
    stats = gz.get("/messages/stats").text
    assert GUANGZHOU in stats and HAIDE not in stats


def test_viewer_reads_without_contact_and_changes_nothing(client_as: SignIn, store: Store,
                                                          seeded: Seeded, clock: Clock) -> None:
    message = add(store, DEPT, clock())
    viewer, token = client_as("viewer")
    page = viewer.get(f"/messages/{message.id}").text
    assert "13800000000" not in page and "栏目长期未更新" in page
    assert viewer.get("/api/messages").json()[0]["contact"] is None
    assert viewer.post(f"/messages/{message.id}/actions", data={
        "csrf_token": token, "action": "分办"}).status_code == 403
    assert viewer.post(f"/api/messages/{message.id}/actions", json={"action": "分办"},
                       headers={"X-CSRF-Token": token}).status_code == 403
    assert viewer.get("/messages/import").status_code == 403
    stored = store.get_message(message.id)  # type: ignore[arg-type]
    assert stored is not None and stored.state == "待分办"
    staff, _ = client_as("staff")
    assert "13800000000" in staff.get(f"/messages/{message.id}").text


def test_deadlines_overdue_and_approximate_follow_the_clock(
        client_as: SignIn, store: Store, seeded: Seeded, clock: Clock) -> None:
    message = add(store, DEPT, clock())
    staff, _ = client_as("staff")
    page = staff.get(f"/messages/{message.id}").text
    assert "2025-09-30 23:59" in page and "3个工作日（假设）" in page
    assert "2025-10-27 23:59" in page and "1个月（有出处）" in page and "≈" not in page
    clock.set(2025, 9, 30, 23, 0)
    assert staff.get("/messages", params={"overdue": "true"}).text.count("已逾期：") == 0
    clock.set(2025, 10, 1, 0, 5)
    overdue = staff.get("/messages", params={"overdue": "true"}).text
    assert f'href="/messages/{message.id}"' in overdue and "已逾期：答复" in overdue
    assert "已逾期" in staff.get(f"/messages/{message.id}").text
    # A message whose close deadline falls in 2027, a year the holiday calendar does not know.
    clock.set(2026, 12, 28, 9, 0)
    late = add(store, GZ, clock())
    page = staff.get(f"/messages/{late.id}").text
    assert "≈2027-01-28 23:59" in page and "尚未公布" in page


def test_statistics_move_with_the_clock(client_as: SignIn, store: Store, seeded: Seeded,
                                        clock: Clock) -> None:
    early = add(store, DEPT, datetime(2025, 8, 1, 9, 0, tzinfo=CST))  # closes by 2025-09-01
    ours = add(store, GZ, clock())
    staff, _ = client_as("staff")
    gz, _ = client_as("gz")

    def overall_rate() -> str:
        page = staff.get("/messages/stats").text
        return re.search(r'id="overall-rate">按期办结率<b>([^<]+)<', page).group(1)  # type: ignore[union-attr]

    assert overall_rate() == "0.0%"  # the early one is overdue, nothing closed yet
    for who, action, note in ((staff, "分办", ""), (gz, "接收", ""), (gz, "答复", "已修改。"),
                              (staff, "办结", "")):
        assert act(who, ours.id, action, note)[0] == 200  # type: ignore[arg-type]
    assert overall_rate() == "50.0%"
    page = staff.get("/messages/stats").text
    assert f'href="/messages/{early.id}"' in page.split('id="overdue-list"')[1]
    assert f'href="/messages/{ours.id}"' not in page.split('id="overdue-list"')[1]


def test_message_exports_match_the_list(client_as: SignIn, store: Store, seeded: Seeded,
                                        clock: Clock) -> None:
    add(store, DEPT, clock(), content="=HYPERLINK(\"http://evil\")")
    add(store, GZ, clock())
    staff, _ = client_as("staff")
    viewer, _ = client_as("viewer")
    rows = list(csv.reader(io.StringIO(
        staff.get("/export/messages.csv", params={"unit": HAIDE}).content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["留言编号", "平台编号", "来源"] and "联系方式" in rows[0]
    assert len(rows) == 2 and rows[1][rows[0].index("留言内容")].startswith("'=HYPERLINK")
    assert rows[1][rows[0].index("答复期限")] == "2025-09-30T23:59:59+08:00"
    data = json.loads(staff.get("/export/messages.json").content)
    assert {r["unit"] for r in data["rows"]} == {HAIDE, GUANGZHOU}
    book = load_workbook(io.BytesIO(viewer.get("/export/messages.xlsx").content))
    header = [c.value for c in next(book.active.iter_rows())]
    assert "联系方式" not in header and "留言内容" in header
    assert viewer.get("/export/messages.csv", params={"state": "无此状态"}).status_code == 400
