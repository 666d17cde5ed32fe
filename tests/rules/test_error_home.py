"""A home page that answers with an error is the server's page, never judged as the site's."""

from __future__ import annotations

from datetime import date

from govsite.rules.base import RuleContext, all_rules, judge
from govsite.sites import Site
from govsite.snapshot import Page, SiteSnapshot

URL = "http://www.errorhome.gov.cn/"
ERROR_PAGE = "<html><head><title>500 Internal Server Error</title></head><body><h1>500</h1></body></html>"


def snapshot(status: int) -> SiteSnapshot:
    home = Page(url=URL, final_url=URL, status=status, fetched_at="2026-11-23T10:00:00+08:00",
                content_type="text/html", html=ERROR_PAGE, title="500 Internal Server Error")
    snap = SiteSnapshot(site=Site(name="错误首页测试", site_code="1100000008", url=URL),
                        fetched_at=home.fetched_at, home=home)
    snap.pages = [home]
    return snap


def test_footer_and_meta_rules_do_not_judge_an_error_page() -> None:
    ctx = RuleContext(as_of=date(2026, 11, 23))
    rules = [r for r in all_rules() if r.meta.id.startswith(("footer.", "meta."))]
    failing = judge(snapshot(500), ctx, rules)
    footer = [f for f in failing.findings if f.rule.startswith("footer.")]
    assert footer == []
    assert "HTTP 500" in failing.unmeasured_rules["footer.missing_conac"]
    # The same page served with 200 is the site's own home page: its missing footer is found.
    served = judge(snapshot(200), ctx, rules)
    assert any(f.rule == "footer.missing_conac" for f in served.findings)
