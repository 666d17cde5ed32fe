"""Template dedup, the per-site cap and the not-measured paths of the a11y family."""

from __future__ import annotations

from govsite.rules.a11y import IMAGE_ALT, NO_ENTRY
from govsite.rules.base import RuleContext, all_rules, judge
from govsite.sites import Site
from govsite.snapshot import SiteSnapshot
from tests.rules.harness import AS_OF, HOME, page_from_html

SITE = Site(name="测试站点", site_code="1101050001", url=HOME)
A11Y = [r for r in all_rules() if r.meta.family == "a11y"]


def _site(pages: dict[str, str]) -> SiteSnapshot:
    built = [page_from_html(html, url) for url, html in pages.items()]
    return SiteSnapshot(site=SITE, fetched_at="2026-11-23T10:00:00+08:00", home=built[0],
                        pages=built)


def _doc(body: str) -> str:
    return (f'<html lang="zh-CN"><head><title>页面</title></head><body>'
            f'<a href="/wza/">无障碍</a>{body}</body></html>')


def _run(snap: SiteSnapshot, options: dict | None = None):  # noqa: ANN202
    return judge(snap, RuleContext(as_of=AS_OF, options=options or {}), A11Y)


def test_identical_template_issue_is_one_finding_listing_its_pages() -> None:
    template = '<div id="logo"><img src="/logo.png"></div>'
    urls = [f"{HOME}p{n:02d}.html" for n in range(8)]
    snap = _site({HOME: _doc(template), **{u: _doc(template) for u in urls}})
    findings = [f for f in _run(snap).findings if f.rule == IMAGE_ALT.id]
    assert len(findings) == 1
    evidence = findings[0].evidence
    assert findings[0].url == HOME and evidence["page_count"] == 9
    assert evidence["pages"] == sorted([HOME, *urls])[:5]
    assert evidence["selector"] == "div#logo > img" and evidence["wcag"] == "1.1.1"
    assert "9个页面相同" in findings[0].detail


def test_different_snippets_at_one_selector_are_separate_findings() -> None:
    snap = _site({HOME: _doc('<img id="pic" src="/a.png">'),
                  HOME + "b.html": _doc('<img id="pic" src="/b.png">')})
    assert len([f for f in _run(snap).findings if f.rule == IMAGE_ALT.id]) == 2


def test_findings_are_capped_per_site_with_the_rest_counted() -> None:
    body = "".join(f'<img id="i{n}" src="/{n}.png">' for n in range(7))
    findings = [f for f in _run(_site({HOME: _doc(body)}),
                                {IMAGE_ALT.id: {"max_findings": 5}}).findings
                if f.rule == IMAGE_ALT.id]
    assert len(findings) == 5
    assert sorted(f.evidence["truncated"] for f in findings) == [0, 0, 0, 0, 2]


def test_site_without_html_pages_is_not_measured() -> None:
    snap = _site({HOME: _doc("")})
    snap.pages[0].status = 404
    judgement = _run(snap)
    assert IMAGE_ALT.id in judgement.unmeasured_rules
    assert not [f for f in judgement.findings if f.rule == IMAGE_ALT.id]


def test_script_shell_home_page_is_not_measured_for_the_entry() -> None:
    shell = '<html lang="zh"><head><title>x</title></head><body><div id="app"></div>' \
            '<script src="/app.js"></script></body></html>'
    judgement = _run(_site({HOME: shell}))
    assert "脚本" in judgement.unmeasured_rules[NO_ENTRY.id]


def test_toolbar_script_alone_counts_as_an_entry() -> None:
    html = ('<html lang="zh"><head><title>首页</title><script src="https://wza.example.cn/'
            'assist.js"></script></head><body><p>' + "海淀区人民政府门户网站" * 5 + "</p></body></html>")
    assert not [f for f in _run(_site({HOME: html})).findings if f.rule == NO_ENTRY.id]
