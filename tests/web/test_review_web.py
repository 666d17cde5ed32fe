"""Reviews made in the web application are honoured by the next rescore, like the CLI's.

The run is judged by the real rules from a stored snapshot (a home page without its footer
marks), so the findings reviewed here are the census's own, and so is the rescore after.
"""

from __future__ import annotations

from datetime import date

from govsite.census import rescore
from govsite.profile import load_profile
from govsite.sites import KIND_PORTAL, Site
from govsite.snapshot import Page, SiteSnapshot
from govsite.store import Store
from tests.web.conftest import ClientFactory, login

SITE = Site(name="海德区测试门户", site_code="1101050009", url="http://www.test.hdq.gov.cn/",
            owner="北京市海德区人民政府办公室", category="区政府", kind=KIND_PORTAL)
AS_OF = date(2026, 11, 23)
HOME = ("<html lang='zh-CN'><head><title>海德区测试门户</title></head><body>"
        "<p>欢迎访问海德区测试门户。</p><a href='/xwdt/'>新闻动态</a></body></html>")


def _judged_run(store: Store) -> str:
    home = Page(url=SITE.url, final_url=SITE.url, status=200, fetched_at="2026-11-23T10:00:00+08:00",
                html=HOME, content_type="text/html", title="海德区测试门户")
    run_id = store.create_run(profile="gb2019", as_of=AS_OF)
    store.add_sites(run_id, [SITE])
    store.save_snapshot(run_id, SiteSnapshot(site=SITE, fetched_at=home.fetched_at, home=home,
                                             pages=[home]))
    rescore(store, run_id, load_profile("gb2019"), AS_OF)
    store.finish_run(run_id)
    return run_id


def _rules(store: Store, run_id: str) -> list[str]:
    (result,) = store.load_site_results(run_id, "gb2019")
    return [f.rule for f in result.findings]


def test_web_review_is_honoured_by_rescore(make_client: ClientFactory, store: Store) -> None:
    run_id = _judged_run(store)
    rules = _rules(store, run_id)
    assert "footer.missing_icp" in rules and "meta.missing" in rules
    client = make_client()
    token = login(client, "staff")

    page = client.get(f"/findings?run={run_id}").text
    icp, meta = rules.index("footer.missing_icp"), rules.index("meta.missing")
    assert f'value="{SITE.site_code}:{icp}"' in page
    form = {"csrf_token": token, "run": run_id, "profile": "gb2019", "scope": "site", "pin": "page"}
    response = client.post("/findings/review", follow_redirects=False, data={
        **form, "verdict": "false_positive", "reason": "备案编号在图片中，人工核实存在",
        "keys": f"{SITE.site_code}:{icp}"})
    assert response.status_code == 303 and "recorded=1" in response.headers["location"]
    assert client.post("/findings/review", follow_redirects=False, data={
        **form, "verdict": "confirmed", "reason": "确实缺少网页标签",
        "keys": f"{SITE.site_code}:{meta}"}).status_code == 303
    # Until the rescore, the list shows the finding as marked false positive.
    listed = client.get(f"/api/runs/{run_id}/findings?rule=footer.missing_icp").json()
    assert [f["status"] for f in listed] == ["pending_false_positive"]

    reviews = store.list_reviews()
    assert [(r.rule, r.verdict, r.reviewer) for r in reviews] == [
        ("footer.missing_icp", "false_positive", "staff"), ("meta.missing", "confirmed", "staff")]
    audited = store.list_audit(action="review.added")
    assert {e.detail["rule"] for e in audited} == {"footer.missing_icp", "meta.missing"}
    assert all(e.actor == "staff" and e.detail["run_id"] == run_id for e in audited)

    rescore(store, run_id, load_profile("gb2019"), AS_OF)
    (result,) = store.load_site_results(run_id, "gb2019")
    assert "footer.missing_icp" not in [f.rule for f in result.findings]
    assert result.stats["suppressed"] == 1
    assert result.facts["suppressed"][0]["review"]["reason"] == "备案编号在图片中，人工核实存在"
    confirmed = next(f for f in result.findings if f.rule == "meta.missing")
    assert confirmed.review is not None and confirmed.review["verdict"] == "confirmed"
    page = client.get(f"/sites/{SITE.site_code}?run={run_id}").text
    assert "经复核排除的误报（1）" in page and "已确认属实" in page


def test_bulk_review_of_a_filtered_list(make_client: ClientFactory, store: Store) -> None:
    run_id = _judged_run(store)
    footer = [r for r in _rules(store, run_id) if r.startswith("footer.")]
    client = make_client()
    token = login(client, "admin")
    form = {"csrf_token": token, "run": run_id, "profile": "gb2019", "verdict": "false_positive",
            "reason": "页脚由脚本生成，人工核实齐全", "scope": "site", "pin": "rule"}
    for rule in sorted(set(footer)):
        response = client.post("/findings/review", follow_redirects=False,
                               data={**form, "all_matching": "true", "rule": rule})
        assert response.status_code == 303
    assert sorted(r.rule for r in store.list_reviews()) == sorted(set(footer))
    # Asked the impossible (a page is one site's, so no global scope for it): refused, nothing kept.
    bad = client.post("/findings/review", data={**form, "scope": "global", "pin": "page",
                                                "all_matching": "true"})
    assert bad.status_code == 400 and "全部网站" in bad.text
    empty = client.post("/findings/review", data={**form, "reason": "  ", "all_matching": "true"})
    assert empty.status_code == 400
    rescore(store, run_id, load_profile("gb2019"), AS_OF)
    assert not [r for r in _rules(store, run_id) if r.startswith("footer.")]
    # Withdrawing a decision brings its findings back at the next rescore.
    first = store.list_reviews()[0]
    assert client.post(f"/reviews/{first.id}/withdraw", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert store.list_audit(action="review.withdrawn")[0].object_id == str(first.id)
    rescore(store, run_id, load_profile("gb2019"), AS_OF)
    assert first.rule in _rules(store, run_id)
