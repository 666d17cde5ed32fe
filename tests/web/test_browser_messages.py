"""留言办理 in real Chromium: each role's view, and a public report handled to the end.

A live uvicorn on 127.0.0.1 serves the seeded store (two units: 海德区 and 广州开发区) on a
clock the test moves. A member of the public reports through /zhaocuo; staff route it (分办),
the 海德区 operator accepts and answers it, staff return it (退回重办), it is answered again and
closed, and 按期办结率 moves on the statistics page. The deadlines shown are checked across the
调休 weekend of 2025-09-27/28 (Sunday a working day) and that of 2025-10-11 (Saturday a
working day), and the list shows a message as overdue once the clock passes its deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from govsite.collect.browser import axe_source_path
from govsite.feedback import Message, Router, load_policy, receive
from govsite.store import Store, sqlite_url
from govsite.web import create_app
from govsite.web.intake import IntakePolicy
from tests.web.conftest import (
    CST,
    DEPT,
    GZ,
    HAIDE,
    PORTAL,
    SECRET,
    SITES,
    Clock,
    add_users,
    seed,
)
from tests.web.live import chromium, no_script_ran, require_chromium, serve, sign_in

PAYLOAD = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">"


@dataclass(frozen=True)
class Live:
    base_url: str
    store: Store
    clock: Clock

    def add(self, site: str, when: datetime) -> Message:
        """A message as the public form stores it, received at `when`."""
        return self.store.add_message(receive(
            route=Router(SITES).route(site), source="form", msg_type="内容更新不及时", title="",
            content="栏目长期未更新", page_url="http://www.gdd.gov.cn/", contact="13800000000",
            submitter_kind="public", received_at=when, policy=load_policy()),
            actor="网民", now=when)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    require_chromium()
    url = sqlite_url(Path(tmp_path_factory.mktemp("web-messages")) / "store.db")
    clock = Clock()
    with Store(url) as store:
        store.migrate()
        seed(store)
        add_users(store)
        # Many reports come from 127.0.0.1 here; the limit itself is tested in test_intake.
        app = create_app(url, secret_key=SECRET, secure_cookies=False, clock=clock,
                         intake_policy=IntakePolicy(max_reports=100))
        with serve(app) as base_url:
            yield Live(base_url, store, clock)


@pytest.fixture(scope="module")
def browser(live: Live) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def press(page: Any, button: str, note: str | None = None) -> None:
    """Press a workflow button of the message page, filling its text first if it has one."""
    form = page.locator("form.action", has=page.get_by_role("button", name=button, exact=True))
    if note is not None:
        form.locator("textarea").fill(note)
    with page.expect_navigation():
        form.get_by_role("button", name=button, exact=True).click()


def buttons(page: Any) -> list[str]:
    return page.locator("form.action button").all_inner_texts()


def deadline(page: Any, label: str) -> str:
    return page.locator("table.deadlines tr", has_text=label).locator("td").nth(1).inner_text()


def overall_rate(page: Any, base_url: str) -> str:
    page.goto(f"{base_url}/messages/stats")
    return page.locator("#overall-rate b").inner_text()


def test_each_role_sees_and_does_what_it_may(browser: Any, live: Live) -> None:
    live.clock.set(2025, 9, 26, 10, 0)
    haide_msg = live.add(DEPT, live.clock())
    url = f"{live.base_url}/messages/{haide_msg.id}"

    admin = sign_in(browser, live.base_url, "admin")
    nav = admin.locator("nav").inner_text()
    assert "留言办理" in nav and "账户管理" in nav
    admin.goto(f"{live.base_url}/messages/import")
    assert admin.locator("h1").inner_text() == "导入平台留言"

    staff = sign_in(browser, live.base_url, "staff")
    nav = staff.locator("nav").inner_text()
    assert "留言办理" in nav and "账户管理" not in nav
    assert staff.goto(f"{live.base_url}/admin/users").status == 403
    staff.goto(url)
    assert buttons(staff) == ["分办"] and "13800000000" in staff.content()

    unit = sign_in(browser, live.base_url, "haide")
    assert "总览" not in unit.locator("nav").inner_text()
    unit.goto(url)
    assert unit.locator("h1").inner_text() == f"留言 #{haide_msg.id}：待分办" and buttons(unit) == []

    other = sign_in(browser, live.base_url, "gz")
    assert other.goto(url).status == 404
    assert other.goto(f"{live.base_url}/sites/{PORTAL}").status == 404
    assert other.request.get(f"{live.base_url}/export/findings.csv?site={PORTAL}").status == 404
    assert other.request.get(f"{live.base_url}/export/messages.csv?unit={HAIDE}").status == 404
    assert other.goto(f"{live.base_url}/messages/import").status == 403
    other.goto(f"{live.base_url}/messages")
    assert other.locator(f"a[href='/messages/{haide_msg.id}']").count() == 0

    viewer = sign_in(browser, live.base_url, "viewer")
    viewer.goto(url)
    assert buttons(viewer) == [] and "13800000000" not in viewer.content()
    token = viewer.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = viewer.request.post(f"{url}/actions", form={"csrf_token": token, "action": "分办"})
    assert refused.status == 403
    assert live.store.get_message(haide_msg.id).state == "待分办"  # type: ignore[arg-type, union-attr]


def test_a_public_report_is_handled_on_time(browser: Any, live: Live) -> None:
    base = live.base_url
    live.clock.set(2025, 9, 26, 10, 0)  # Friday before the 调休 weekend
    live.add(GZ, datetime(2025, 8, 1, 9, 0, tzinfo=CST))  # closes by 2025-09-01: overdue

    public = browser.new_context().new_page()
    public.goto(f"{base}/zhaocuo")
    assert public.locator("nav").count() == 0  # no account, no menu
    public.select_option("#site_code", DEPT)
    public.select_option("#msg_type", "内容更新不及时")
    public.fill("#page_url", "http://jw.hdq.gov.cn/tzgg/")
    public.fill("#content", f"通知公告栏目半年未更新。{PAYLOAD}")
    public.fill("#contact", "13800000000")
    with public.expect_navigation():
        public.click("main button[type=submit]")
    assert public.url == f"{base}/zhaocuo/done"
    number = int(public.locator("#message-number").inner_text())
    url = f"{base}/messages/{number}"

    staff = sign_in(browser, base, "staff")
    staff.goto(f"{base}/messages")
    row = staff.locator("table.messages tr", has=staff.locator(f"a[href='/messages/{number}']"))
    assert "待分办" in row.inner_text() and HAIDE in row.inner_text()
    staff.goto(url)
    assert PAYLOAD in staff.locator(".message-text").first.inner_text()
    no_script_ran(staff)
    # Day 1 is Sunday 09-28 (a 调休 working day), so 3 working days end on Tuesday 09-30,
    # not on Wednesday 10-01 as plain weekdays would give.
    assert deadline(staff, "答复期限") == "2025-09-30 23:59"
    assert deadline(staff, "办结期限") == "2025-10-27 23:59"
    assert overall_rate(staff, base) == "0.0%"  # the August message is overdue, nothing closed
    staff.goto(url)
    press(staff, "分办")
    assert staff.locator("h1").inner_text() == f"留言 #{number}：已分办"

    live.clock.set(2025, 9, 28, 15, 0)  # Sunday, working
    unit = sign_in(browser, base, "haide")
    unit.goto(url)
    press(unit, "接收办理")
    assert buttons(unit) == ["答复"]
    press(unit, "答复", "已更新通知公告栏目。")
    assert unit.locator("h1").inner_text() == f"留言 #{number}：已答复"

    live.clock.set(2025, 10, 10, 10, 0)  # Friday before the next 调休 weekend
    staff.goto(url)
    assert buttons(staff) == ["办结", "退回重办"]
    press(staff, "退回重办", "答复未说明更新内容和时间。")
    assert staff.locator("h1").inner_text() == f"留言 #{number}：办理中"
    # A fresh reply period from the return: Saturday 10-11 is working, Sunday 10-12 is not.
    assert deadline(staff, "答复期限") == "2025-10-14 23:59"
    assert deadline(staff, "办结期限") == "2025-10-27 23:59"  # the promise to the public stays

    live.clock.set(2025, 10, 13, 9, 30)
    unit.goto(url)
    press(unit, "答复", "已补充：10月13日更新通知公告3条。")
    staff.goto(url)
    press(staff, "办结")
    assert staff.locator("h1").inner_text() == f"留言 #{number}：已办结"
    history = staff.locator("#history-h + table tbody tr td:nth-child(2)").all_inner_texts()
    assert history == ["收到", "分办", "接收", "答复", "退回重办", "答复", "办结"]
    assert overall_rate(staff, base) == "50.0%"  # ours closed on time, the August one overdue
    assert staff.locator("#unit-stats").get_by_text(HAIDE).count() == 1

    # Another report, due on Thursday 10-16: overdue only once the clock passes that day.
    public.goto(f"{base}/zhaocuo")
    public.select_option("#site_code", GZ)
    public.select_option("#msg_type", "链接无法访问")
    public.fill("#page_url", "https://www.gdd.gov.cn/a.html")
    public.fill("#content", "首页链接打不开。")
    with public.expect_navigation():
        public.click("main button[type=submit]")
    second = int(public.locator("#message-number").inner_text())
    link = f"a[href='/messages/{second}']"
    live.clock.set(2025, 10, 16, 23, 0)
    staff.goto(f"{base}/messages?overdue=true")
    assert staff.locator(f"table.messages {link}").count() == 0
    live.clock.set(2025, 10, 17, 0, 5)
    staff.goto(f"{base}/messages?overdue=true")
    row = staff.locator("table.messages tr", has=staff.locator(link))
    assert row.count() == 1 and "已逾期：答复" in row.inner_text()


def test_message_pages_pass_axe(browser: Any, live: Live) -> None:
    """The public form and the 留言办理 pages meet the checks govsite applies to government
    sites (axe-core injected by the test; the pages themselves allow no script)."""
    live.clock.set(2025, 9, 26, 10, 0)
    message = live.add(GZ, live.clock())
    axe = Path(str(axe_source_path())).read_text(encoding="utf-8")
    public = browser.new_context(bypass_csp=True).new_page()

    def violations(page: Any) -> list[str]:
        page.add_script_tag(content=axe)
        return page.evaluate("axe.run().then(r => r.violations.map(v => v.id + ': ' + v.help))")

    public.goto(f"{live.base_url}/zhaocuo")
    assert violations(public) == [], "/zhaocuo"
    # The form with every field refused (the browser's own checks switched off to get there).
    public.evaluate("document.querySelector('main form').noValidate = true")
    with public.expect_navigation():
        public.click("main button[type=submit]")
    assert public.locator(".field-error").count() == 4  # site, type, page, description
    assert violations(public) == [], "/zhaocuo with errors"
    public.goto(f"{live.base_url}/zhaocuo/done")
    assert violations(public) == [], "/zhaocuo/done"
    staff = sign_in(browser, live.base_url, "staff", bypass_csp=True)
    for path in ("/messages", f"/messages/{message.id}", "/messages/stats", "/messages/import"):
        staff.goto(f"{live.base_url}{path}")
        assert violations(staff) == [], path
