"""The web application in real Chromium, served by a live uvicorn on 127.0.0.1.

An administrator and a unit operator sign in through the login form and see what their
roles allow; a site name and a finding that carry script payloads are shown as text and
never run (each payload would set window.__xss). Chromium is the system one
(/usr/bin/chromium, never `playwright install`); missing, it fails under CI=true and is
skipped elsewhere, as in tests/browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govsite.collect.browser import axe_source_path
from govsite.store import Store, sqlite_url
from govsite.web import create_app
from tests.web.conftest import GUANGZHOU, GZ, PASSWORD, PORTAL, SECRET, XSS_NAME, XSS_SITE, add_users, seed
from tests.web.live import chromium, no_script_ran, require_chromium, serve, sign_in


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    url = sqlite_url(Path(tmp_path_factory.mktemp("web-browser")) / "store.db")
    with Store(url) as store:
        store.migrate()
        seed(store)
        add_users(store)
    with serve(create_app(url, secret_key=SECRET, secure_cookies=False)) as base:
        yield base


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[object]:
    with chromium() as launched:
        yield launched


def test_admin_sees_the_fleet_and_no_payload_runs(browser, base_url: str) -> None:  # noqa: ANN001
    page = sign_in(browser, base_url, "admin")
    assert page.url == f"{base_url}/"
    assert page.locator("h1").inner_text() == "网站群总览"
    nav = page.locator("nav").inner_text()
    assert "账户管理" in nav and "审计日志" in nav
    rows = page.locator("#sites-h ~ table tbody tr")
    assert rows.count() == 4
    # The hostile site name is on the page as text, and did nothing.
    assert page.get_by_role("link", name=XSS_NAME).count() == 1
    assert page.locator("svg.chart").count() == 3
    no_script_ran(page)

    response = page.goto(f"{base_url}/sites/{XSS_SITE}")
    assert response is not None and "default-src 'none'" in response.headers["content-security-policy"]
    assert XSS_NAME in page.locator("h1").inner_text()
    assert "<script>window.__xss=2</script>详情" in page.locator("table.findings").inner_text()
    assert page.locator("table.findings a[href^='javascript:']").count() == 0
    no_script_ran(page)
    page.goto(f"{base_url}/findings")
    assert page.locator("#review-form").count() == 1
    no_script_ran(page)

    page.goto(f"{base_url}/sites/{PORTAL}")
    images = page.locator("figure.screenshot img")
    assert images.count() == 2  # the home page and the evidence behind the veto
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    page.goto(f"{base_url}/admin/users")
    assert page.locator("h1").inner_text() == "账户管理"


def test_pages_pass_axe(browser, base_url: str) -> None:  # noqa: ANN001
    """The application's own pages meet the accessibility checks it holds government sites to.

    axe-core is injected by the test (the context bypasses our CSP for it: the pages themselves
    allow no script)."""
    axe = Path(str(axe_source_path())).read_text(encoding="utf-8")
    page = browser.new_context(bypass_csp=True).new_page()

    def violations() -> list[str]:
        page.add_script_tag(content=axe)
        return page.evaluate("axe.run().then(r => r.violations.map(v => v.id + ': ' + v.help))")

    page.goto(f"{base_url}/login")
    assert violations() == [], "/login"
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    for path in ("/", f"/sites/{PORTAL}", "/findings", "/compare", "/reviews", "/opendata",
                 "/admin/users", "/admin/audit"):
        page.goto(f"{base_url}{path}")
        assert violations() == [], path


def test_unit_operator_sees_only_its_unit(browser, base_url: str) -> None:  # noqa: ANN001
    page = sign_in(browser, base_url, "gz")
    assert page.url == f"{base_url}/unit"
    assert page.locator("h1").inner_text() == f"本单位网站：{GUANGZHOU}"
    nav = page.locator("nav").inner_text()
    assert "总览" not in nav and "账户管理" not in nav and "开放数据" not in nav
    links = page.locator("#sites-h ~ table tbody tr td:first-child a")
    assert links.count() == 1 and "广州开发区管委会网站" in links.inner_text()
    response = page.goto(f"{base_url}/sites/{PORTAL}")
    assert response is not None and response.status == 404
    assert "未找到" in page.content()
    response = page.goto(f"{base_url}/sites/{GZ}")
    assert response is not None and response.status == 200
    page.goto(f"{base_url}/findings")
    assert page.locator("#review-form").count() == 0  # reviewing is the centre's
    assert XSS_NAME not in page.content()
    # Signing out ends the session.
    page.click("text=退出登录")
    page.wait_for_load_state("load")
    assert "/login" in page.url
    page.goto(f"{base_url}/unit")
    assert "/login" in page.url
