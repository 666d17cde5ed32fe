"""What the pages show: the overview and its charts, a site's page, the run comparison,
escaping of crawled text, and the security headers."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from govsite.store import Store
from govsite.web.middleware import CSP
from tests.web.conftest import (
    DEPT,
    GZ,
    HAIDE,
    PORTAL,
    SITES,
    XSS_DETAIL,
    XSS_EVIDENCE,
    XSS_NAME,
    XSS_SITE,
    Seeded,
    png_base64,
    results_new,
)

SignIn = Callable[[str], tuple[TestClient, str]]


def test_overview_shows_rates_vetoes_trend_and_sites(client_as: SignIn, seeded: Seeded) -> None:
    client, _ = client_as("staff")
    page = client.get("/").text
    assert seeded.new_run in page
    assert page.count("<svg") == 3  # 合格率 by category, vetoes by type, trend per run
    assert "各类别合格率" in page and "单项否决问题分布" in page and "历次普查合格率" in page
    # 1 of 4 sites passed in the new run, 3 of 4 in the old one.
    assert "25.0%" in page and "75.0%（3/4）" in page
    assert "区政府部门" in page and "50.0%（1/2）" in page
    assert "空白栏目" in page and "首页不可用链接" in page
    assert f'/unit?unit={HAIDE}' not in page  # unit names are URL-encoded in links
    assert "/unit?unit=%E5%8C%97" in page
    old = client.get(f"/?run={seeded.old_run}").text
    assert "75.0%" in old


def test_unit_view_of_the_centre(client_as: SignIn, seeded: Seeded) -> None:
    client, _ = client_as("viewer")
    page = client.get("/unit", params={"unit": HAIDE}).text
    assert f"本单位网站：{HAIDE}" in page
    assert f"/sites/{PORTAL}?" in page and f"/sites/{DEPT}?" in page and f"/sites/{GZ}?" not in page


def test_site_page_has_evidence_screenshots_columns_availability_history(
        client_as: SignIn, seeded: Seeded) -> None:
    client, _ = client_as("staff")
    page = client.get(f"/sites/{PORTAL}").text
    assert "北京市海德区人民政府" in page and "不合格" in page
    # The home capture and the capture behind the column.blank veto, from the snapshot.
    assert f"data:image/png;base64,{png_base64('blue')}" in page
    assert f"data:image/png;base64,{png_base64('red')}" in page
    assert "取证截图" in page and "http://www.hdq.gov.cn/tzgg/" in page
    # Columns and their freshness from the result's facts.
    assert "栏目及更新情况（2）" in page and "通知公告" in page and "空白栏目" in page
    assert "区政府常务会议" in page
    # Availability from the stored probes: one failure in ten, so 90 % on most days.
    assert "近30天首页可用率" in page and re.search(r"11-2[0-3]：(87\.5|91\.7|90)%", page)
    # Every finding with its evidence, and the run history.
    assert "按装" in page and "status</b>: 404" in page
    assert page.count(f"/sites/{PORTAL}?run=") == 2
    # A site without snapshot or probes still renders.
    other = client.get(f"/sites/{GZ}?run={seeded.old_run}")
    assert other.status_code == 200 and "没有该网站的可用性监测数据" in other.text
    assert client.get("/sites/9999999999").status_code == 404
    assert client.get(f"/sites/{PORTAL}?run=no-such-run").status_code == 404


def test_run_comparison(client_as: SignIn, seeded: Seeded) -> None:
    client, _ = client_as("staff")
    api = client.get(f"/api/compare?base={seeded.old_run}&head={seeded.new_run}").json()
    keys = {k: {(f["site_code"], f["rule"], f["url"], f["target"]) for f in api[k]}
            for k in ("new", "fixed", "persisting")}
    assert keys["persisting"] == {(PORTAL, "column.blank", "http://www.hdq.gov.cn/tzgg/", None)}
    assert keys["fixed"] == {(PORTAL, "links.broken", "http://www.hdq.gov.cn/zwdt/",
                              "http://www.hdq.gov.cn/gone.html")}
    assert (PORTAL, "links.broken", "http://www.hdq.gov.cn/zwdt/",
            "http://www.hdq.gov.cn/old.html") in keys["new"]
    assert (GZ, "links.broken_home", "http://www.gdd.gov.cn/", "http://www.gdd.gov.cn/a.html") in keys["new"]
    assert len(keys["new"]) == 6
    # The page defaults to the newest run against the one before it.
    page = client.get("/compare").text
    assert "新增问题<b>6</b>" in page and "已整改<b>1</b>" in page and "仍存在<b>1</b>" in page


def test_crawled_text_is_escaped_everywhere(client_as: SignIn, seeded: Seeded) -> None:
    client, _ = client_as("admin")
    pages = [client.get(path).text for path in (
        "/", f"/sites/{XSS_SITE}", "/findings", "/compare", "/unit?unit=" + HAIDE)]
    for page in pages:
        assert "<script>" not in page and "<img src=x" not in page
        assert 'href="javascript:' not in page
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;海德区测试站" in pages[0]
    site = pages[1]
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;详情" in site
    assert "&lt;img src=x onerror=&#34;window.__xss=3&#34;&gt;" in site
    assert XSS_NAME not in site and XSS_DETAIL not in site and XSS_EVIDENCE not in site
    # The API returns the text as data, as JSON.
    api = client.get(f"/api/runs/{seeded.new_run}/sites/{XSS_SITE}").json()
    assert api["site"]["name"] == XSS_NAME


def test_security_headers(client_as: SignIn, seeded: Seeded) -> None:
    client, _ = client_as("viewer")
    for path in ("/", "/login", f"/api/runs/{seeded.new_run}", "/nowhere"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CSP
        assert "script-src" not in CSP and "default-src 'none'" in CSP  # no script at all
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"
    assert client.get("/static/web.css").status_code == 200
    assert client.get("/docs").status_code == 404  # the Swagger UI would load a CDN's script
    assert client.get("/openapi.json").status_code == 200


def test_oversized_bodies_are_refused(client_as: SignIn) -> None:
    client, token = client_as("staff")
    response = client.post("/findings/review", content=b"x" * (2 * 1024 * 1024),
                           headers={"X-CSRF-Token": token,
                                    "content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


def test_overview_shows_the_progress_of_a_census_still_running(
        client_as: SignIn, seeded: Seeded, store: Store) -> None:
    """A census (or its workers) writing results into the store shows as done / total."""
    run_id = store.create_run(profile="gb2019", as_of="2026-11-24")
    store.add_sites(run_id, SITES)
    store.save_result(run_id, "gb2019", results_new()[0])
    client, _ = client_as("staff")
    page = client.get(f"/?run={seeded.new_run}")
    assert page.status_code == 200
    assert "进行中的普查" in page.text and f"{run_id}" in page.text
    assert "已完成 1 / 4 个网站" in page.text
    store.finish_run(run_id)
    assert "进行中的普查" not in client.get(f"/?run={seeded.new_run}").text
