"""`--browser`: axe-core in real headless Chromium on a real local site, end to end."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from govsite.collect import Collector, CollectSettings
from govsite.collect.browser import ERROR_CHROMIUM_MISSING, host_resolver_rules, wcag_criteria
from govsite.collect.resolve import parse_resolve
from govsite.rules.a11y import images_without_alt, site_issues
from govsite.rules.a11y_browser import axe_nodes, merge_static
from govsite.rules.base import RuleContext, get_rule, judge
from govsite.sites import Site
from govsite.snapshot import SiteSnapshot

HOST = "www.axetest.gov.cn"
URL = f"http://{HOST}/"
# The template every page shares: a low-contrast footer, an image without alt, an empty button.
TEMPLATE = ('<div id="hd"><img id="logo" src="/logo.png"><button id="menu"></button></div>'
            '{body}<p id="ft" style="color:#cccccc;background:#ffffff">版权所有 北京市测试区人民政府</p>')


def doc(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="viewport" content="width=device-width">{head}</head><body>{body}</body></html>')


SITE_PAGES = {
    "/": doc("首页", '<link rel="stylesheet" href="/style.css">' + TEMPLATE.format(
        body='<a href="/a.html">政务公开</a> <a href="/b.html">新闻中心</a> <a href="/clean.html">'
             '无障碍</a><div style="width:600px;min-width:600px">固定宽度的表格布局</div>')),
    "/a.html": doc("政务公开", TEMPLATE.format(body="<main><h1>政务公开</h1></main>")),
    "/b.html": doc("新闻中心", TEMPLATE.format(body="<main><h1>新闻中心</h1></main>")),
    "/clean.html": doc("无障碍", '<main><h1>无障碍服务</h1><p>清晰的页面。</p></main>'),
    "/style.css": "body { margin: 0 }",
}
RESPONSIVE = {"/": doc("首页", '<main><h1>响应式</h1><div style="max-width:100%">自适应</div></main>')}


def settings(**overrides: object) -> CollectSettings:
    base = {"host_interval_s": 0.0, "timeout_s": 10.0, "retries": 1, "probe_security": False,
            "probe_search": False, "check_links": False, "browser": True}
    return CollectSettings(**{**base, **overrides})  # type: ignore[arg-type]


async def crawl(port: int, **overrides: object) -> SiteSnapshot:
    s = settings(resolve=(f"{HOST}=127.0.0.1:{port}",), **overrides)
    async with Collector(s) as collector:
        return await collector.collect(Site(name="测试区政府", site_code="1100000001", url=URL))


def ctx() -> RuleContext:
    return RuleContext(as_of=date(2026, 11, 23))


@pytest.mark.asyncio
async def test_axe_findings_template_dedup_screenshot_and_resolve(serve) -> None:  # noqa: ANN001
    port, hits = await serve(SITE_PAGES)
    snap = await crawl(port)
    rec = snap.browser
    assert rec is not None and rec["error"] is None, rec
    assert sorted(p["url"] for p in rec["pages"]) == [URL + p for p in ("", "a.html", "b.html",
                                                                         "clean.html")]
    assert all(p["error"] is None for p in rec["pages"])
    # --resolve reached Chromium: the stylesheet only a browser loads came with the site's Host.
    assert ("/style.css", HOST) in hits
    by_url = {p["url"]: {v["id"]: v for v in p["violations"]} for p in rec["pages"]}
    assert by_url[URL + "clean.html"] == {}
    for url in (URL, URL + "a.html", URL + "b.html"):
        assert {"color-contrast", "image-alt", "button-name"} <= set(by_url[url])
    contrast = by_url[URL]["color-contrast"]
    assert contrast["wcag"] == ["1.4.3"] and contrast["impact"] == "serious"
    assert contrast["nodes"][0]["target"] == "#ft"

    judgement = judge(snap, ctx())
    found = [f for f in judgement.findings if f.rule == "a11y.color-contrast"]
    assert len(found) == 1, found  # one template defect, three pages
    ev = found[0].evidence
    assert ev["page_count"] == 3 and ev["selector"] == "#ft" and ev["wcag"] == "1.4.3"
    assert ev["impact"] == "serious" and "#cccccc" in ev["html"]
    # Static and axe both see the image without alt: the static rule reports it, once.
    assert [f.target for f in judgement.findings if f.rule == "a11y.image-alt"] == ["img#logo"]
    assert list(axe_nodes(rec, "image-alt"))
    assert merge_static(snap, "image-alt", list(axe_nodes(rec, "image-alt"))) == []
    assert site_issues(snap, images_without_alt)

    shot = rec["screenshot"]
    data = base64.b64decode(shot["data"])
    assert data[:3] == b"\xff\xd8\xff" and 1000 < len(data) <= 500_000
    assert shot["width"] == 1280 and 0 < shot["height"] <= 6000 and shot["url"] == URL
    # The home page has a 600 px wide block: it overflows a 375 px screen.
    assert rec["mobile"]["overflow"] is True and rec["mobile"]["scroll_width"] >= 600
    assert [f.rule for f in judgement.findings if f.rule == "mobile.overflow_375"] == [
        "mobile.overflow_375"]
    # The record survives the store's round trip; an old snapshot has none.
    assert SiteSnapshot.loads(snap.dumps()).browser == rec
    old = snap.to_json()
    del old["browser"]
    assert SiteSnapshot.from_json(old).browser is None


@pytest.mark.asyncio
async def test_responsive_page_does_not_overflow(serve) -> None:  # noqa: ANN001
    port, _ = await serve(RESPONSIVE)
    snap = await crawl(port)
    assert snap.browser is not None and snap.browser["error"] is None
    assert snap.browser["mobile"]["overflow"] is False
    judgement = judge(snap, ctx())
    assert "mobile.overflow_375" in judgement.measured_rules
    assert not [f for f in judgement.findings if f.rule == "mobile.overflow_375"]


@pytest.mark.asyncio
async def test_missing_chromium_is_not_measured_never_a_finding(serve) -> None:  # noqa: ANN001
    port, _ = await serve(SITE_PAGES)
    snap = await crawl(port, chromium_path="/nonexistent/chromium")
    assert snap.browser is not None and snap.browser["error"] == ERROR_CHROMIUM_MISSING
    assert snap.pages and snap.home is not None and snap.home.ok  # the crawl itself went on
    judgement = judge(snap, ctx())
    for rule_id in ("a11y.color-contrast", "a11y.frame-title", "mobile.overflow_375"):
        assert "chromium_missing" in judgement.unmeasured_rules[rule_id]
    assert not [f for f in judgement.findings
                if f.rule in ("a11y.color-contrast", "a11y.frame-title", "mobile.overflow_375")]
    # The static rules still run without a browser.
    assert "a11y.image-alt" in judgement.measured_rules


@pytest.mark.asyncio
async def test_without_browser_flag_nothing_runs(serve) -> None:  # noqa: ANN001
    port, _ = await serve(RESPONSIVE)
    snap = await crawl(port, browser=False)
    assert snap.browser is None
    assert "--browser" in judge(snap, ctx()).unmeasured_rules["a11y.color-contrast"]


def test_resolve_specs_become_chromium_host_resolver_rules() -> None:
    rules = [parse_resolve("a.gov.cn=127.0.0.1:8080"), parse_resolve("b.gov.cn:443=[::1]:8443"),
             parse_resolve("c.gov.cn=10.0.0.5")]
    assert host_resolver_rules(rules) == (
        "MAP b.gov.cn:443 [::1]:8443, MAP a.gov.cn 127.0.0.1:8080, MAP c.gov.cn 10.0.0.5")
    assert wcag_criteria(["wcag2aa", "wcag143", "wcag1410", "cat.color"]) == ["1.4.3", "1.4.10"]


# The image without alt exists only after the script runs: markup has none, the DOM has one.
SCRIPTED = {"/": doc("首页", '<main><h1>首页</h1><div id="banner"><img src="/a.png" alt="政务公开">'
                           '</div></main><script>const i = document.createElement("img");'
                           'i.id = "late"; i.src = "/b.png";'
                           'document.getElementById("banner").appendChild(i);</script>')}


@pytest.mark.asyncio
async def test_script_built_image_without_alt_is_reported_by_axe_under_image_alt(
        serve) -> None:  # noqa: ANN001
    port, _ = await serve(SCRIPTED)
    snap = await crawl(port)
    assert snap.browser is not None and snap.browser["error"] is None, snap.browser
    assert site_issues(snap, images_without_alt) == []  # the static check cannot see it
    judgement = judge(snap, ctx())
    found = [f for f in judgement.findings if f.rule == "a11y.image-alt"]
    assert [f.target for f in found] == ["#late"], found
    ev = found[0].evidence
    assert set(ev) == set(get_rule("a11y.image-alt").meta.evidence)
    assert ev["wcag"] == "1.1.1" and ev["pages"] == [URL] and ev["page_count"] == 1
    assert 'id="late"' in ev["html"] and "浏览器检测" in found[0].detail
    # Without the browser pass the same site has no image-alt finding, and the rule is measured.
    snap.browser = None
    plain = judge(snap, ctx())
    assert not [f for f in plain.findings if f.rule == "a11y.image-alt"]
    assert "a11y.image-alt" in plain.measured_rules


CURATED_PAGE = {"/": doc("首页", '<main><h1>首页</h1><ul id="gk"><div>政务公开</div></ul>'
                               '<div id="dh" role="nav">导航</div>'
                               '<div id="tools"></div></main><script>'
                               'document.getElementById("tools").innerHTML ='
                               ' \'<select id="qy"><option>海淀区</option></select>\';</script>',
                         head='<meta http-equiv="refresh" content="300">')}


@pytest.mark.asyncio
async def test_curated_axe_rules_are_findings_of_their_own_ids(serve) -> None:  # noqa: ANN001
    port, _ = await serve(CURATED_PAGE)
    snap = await crawl(port)
    assert snap.browser is not None and snap.browser["error"] is None, snap.browser
    judgement = judge(snap, ctx())
    got = {(f.rule, f.target) for f in judgement.findings
           if f.rule in ("a11y.list", "a11y.aria-roles", "a11y.select-name", "a11y.meta-refresh",
                         "a11y.label")}
    # The script-built <select> is invisible to the static label rule: axe's select-name has it.
    assert got == {("a11y.list", "#gk"), ("a11y.aria-roles", "#dh"),
                   ("a11y.select-name", "#qy"), ("a11y.meta-refresh", 'meta[http-equiv="refresh"]')}, got
    declared = set(get_rule("a11y.list").meta.evidence)
    for finding in judgement.findings:
        if finding.rule in ("a11y.list", "a11y.aria-roles"):
            assert set(finding.evidence) == declared
    assert {"a11y.list": "1.3.1", "a11y.aria-roles": "4.1.2"} == {
        f.rule: f.evidence["wcag"] for f in judgement.findings
        if f.rule in ("a11y.list", "a11y.aria-roles")}
