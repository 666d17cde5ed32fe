"""The web application over a real census of demo-fleet sites, in real Chromium.

Three sites of the generated fleet (the district portal, the 市场监管局 whose 留言 list carries
`<script>` and `<img onerror>` payloads in two titles, and a 广州 park's site) are censused
through the real collect stack against the fleet server, into a store the application serves.
The payloads reach the stored findings (interaction.unanswered quotes a 留言's title); a member
of the public then reports that 留言 through /zhaocuo, quoting it. On the site page, the
findings list, the message list and the message's page the payload is text and never runs.

The same data gives the documentation's screenshots (1366×768): written to docs/screenshots/
when GOVSITE_WRITE_SCREENSHOTS=1, else to a temporary folder, so a test run leaves the tree as
it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from govsite.census import CensusPlan, run_census
from govsite.collect import CollectSettings
from govsite.feedback import Router, load_policy, receive
from govsite.fleet import FleetServer, build_fleet, write_fleet
from govsite.fleet.plants import IMG_PAYLOAD, SCRIPT_PAYLOAD
from govsite.probes import load_probes_csv
from govsite.profile import load_profile
from govsite.registry import load_registry
from govsite.store import Store, sqlite_url
from govsite.web import create_app
from tests.web.conftest import CST, SECRET, Clock, password_hash
from tests.web.live import chromium, no_script_ran, require_chromium, serve, sign_in

AS_OF = date(2025, 9, 26)
PORTAL, SCJGJ, PARK = "1101050001", "1101050006", "4401060001"
UNIT = "北京市海德区人民政府办公室"  # the portal's 主办单位: the 市场监管局's unit too
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}


@dataclass(frozen=True)
class Censused:
    base_url: str
    store: Store
    clock: Clock


def _census(store: Store, out: Path) -> None:
    fleet = build_fleet(as_of=AS_OF)
    files = write_fleet(fleet, out / "fleet")
    sites = [s for s in load_registry(files["sites"], strict=True).sites
             if s.site_code in (PORTAL, SCJGJ, PARK)]
    with FleetServer(fleet) as server:
        settings = CollectSettings(resolve=tuple(server.resolve_args()), host_interval_s=0.01,
                                   host_concurrency=4)
        run_census(CensusPlan(sites=sites, profile=load_profile("gb2019"), as_of=AS_OF,
                              store=store, settings=settings,
                              probes=load_probes_csv(files["probes"])))


def _messages(store: Store) -> None:
    """A fortnight of 找错 messages at every stage, for the list the screenshot shows."""
    run = store.latest_run()
    assert run is not None
    router = Router([r.site for r in store.load_site_results(run.id, run.profile)])
    policy = load_policy()
    start = datetime(2025, 9, 15, 9, 30, tzinfo=CST)
    texts = [
        (PORTAL, "内容更新不及时", "“通知公告”栏目最新一条是三个月前的。", ["分办", "接收", "答复", "办结"]),
        (SCJGJ, "链接无法访问", "“质量抽检公告”里的附件下载链接打不开。", ["分办", "接收", "答复"]),
        (PARK, "错别字/表述错误", "首页“园区动态”中“按装”应为“安装”。", ["分办", "接收"]),
        (SCJGJ, "互动回应差", "三个月前的留言至今没有答复。", ["分办"]),
        (PORTAL, "服务不实用", "办事指南缺少办理时限。", []),
    ]
    for day, (site, kind, text, steps) in enumerate(texts):
        received = start + timedelta(days=2 * day)
        message = store.add_message(receive(
            route=router.route(site), source="form", msg_type=kind, title="", content=text,
            page_url=f"http://{router.route(site).site.host}/", contact="", submitter_kind="public",
            received_at=received, policy=policy), actor="网民（找错表单）", now=received)
        for hours, step in enumerate(steps, 1):
            role = "unit" if step in ("接收", "答复") else "staff"
            store.transition(message.id or 0, step, actor="haide" if role == "unit" else "staff",
                             role=role, unit=message.unit, note="已按留言整改。" if step == "答复" else "",
                             now=received + timedelta(hours=4 * hours), policy=policy)


@pytest.fixture(scope="module")
def censused(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Censused]:
    require_chromium()
    out = tmp_path_factory.mktemp("web-census")
    clock = Clock()  # 2025-09-26 10:00, the census's 监测时间点
    with Store(sqlite_url(out / "govsite.db")) as store:
        store.migrate()
        _census(store, out)
        _messages(store)
        for name, role, unit in (("admin", "admin", ""), ("haide", "unit", UNIT)):
            store.add_user(name, password_hash(), role=role, unit=unit, display_name=f"{name}用户")
        app = create_app(store.url, secret_key=SECRET, secure_cookies=False, clock=clock)
        with serve(app) as base_url:
            yield Censused(base_url, store, clock)


@pytest.fixture(scope="module")
def browser(censused: Censused) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_census_payloads_never_run(browser: Any, censused: Censused) -> None:
    base, store = censused.base_url, censused.store
    run = store.latest_run()
    assert run is not None
    hostile = [f for r in store.load_site_results(run.id, run.profile) for f in r.findings
               if SCRIPT_PAYLOAD in f.detail or IMG_PAYLOAD in f.detail]
    assert {f.rule for f in hostile} == {"interaction.unanswered"} and len(hostile) == 2
    assert all(f.evidence["title"] in f.detail for f in hostile)

    admin = sign_in(browser, base, "admin")
    admin.goto(f"{base}/sites/{SCJGJ}")
    table = admin.locator("table.findings").first.inner_text()
    assert SCRIPT_PAYLOAD in table and IMG_PAYLOAD in table
    no_script_ran(admin)
    assert admin.evaluate("Array.from(document.images).some(i => i.getAttribute('src') === 'x')") is False
    admin.goto(f"{base}/findings?rule=interaction.unanswered")
    table = admin.locator("table.findings").inner_text()
    assert SCRIPT_PAYLOAD in table and IMG_PAYLOAD in table
    no_script_ran(admin)

    # A member of the public reports the 留言 left unanswered, quoting it.
    quoted = next(f for f in hostile if SCRIPT_PAYLOAD in f.detail)
    public = browser.new_context().new_page()
    public.goto(f"{base}/zhaocuo")
    public.select_option("#site_code", SCJGJ)
    public.select_option("#msg_type", "互动回应差")
    public.fill("#page_url", quoted.url)
    public.fill("#content", f"{quoted.detail}{IMG_PAYLOAD}")
    public.fill("#contact", IMG_PAYLOAD)
    with public.expect_navigation():
        public.click("main button[type=submit]")
    number = int(public.locator("#message-number").inner_text())
    no_script_ran(public)

    for page in (admin, sign_in(browser, base, "haide")):  # the centre and the unit
        page.goto(f"{base}/messages/{number}")
        text = page.locator(".message-text").first.inner_text()
        assert SCRIPT_PAYLOAD in text and IMG_PAYLOAD in text
        assert IMG_PAYLOAD in page.locator("table.kv").inner_text()  # the contact, as typed
        no_script_ran(page)
        page.goto(f"{base}/messages")
        assert SCRIPT_PAYLOAD[:20] in page.locator("table.messages").inner_text()
        no_script_ran(page)


def test_screenshots_of_the_census(browser: Any, censused: Censused,
                                   tmp_path: Path) -> None:
    """Dashboard, a site page and the message list at 1366×768, from the census above."""
    folder = SCREENSHOTS if os.environ.get("GOVSITE_WRITE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page = sign_in(browser, censused.base_url, "admin", viewport=VIEWPORT)
    for name, path in (("dashboard.png", "/"), ("site.png", f"/sites/{PORTAL}"),
                       ("messages.png", "/messages")):
        response = page.goto(f"{censused.base_url}{path}")
        assert response is not None and response.status == 200, path
        page.screenshot(path=folder / name)
        with Image.open(folder / name) as image:
            assert image.format == "PNG" and image.size == (1366, 768), name
