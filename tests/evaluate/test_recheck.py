"""整改复核 on real servers: the demo fleet a quarter later, and a tiny site whose pages fail.

The first census audits the fleet; the re-check then audits a fleet in which three sites were
repaired (`build_fleet(repaired=…)`) and one untouched site went behind a WAF. A repaired
site's planted defects must come out 已整改 (or 无法核实 by design), an untouched site's never
已整改: a false 已整改 is the one mistake a re-check must not make.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from govsite.census import CensusPlan, run_census
from govsite.collect import CollectSettings
from govsite.evaluate.model import (
    RECHECK_FIXED,
    RECHECK_OPEN,
    RECHECK_STATES,
    RECHECK_UNVERIFIABLE,
    Recheck,
    RecheckItem,
)
from govsite.evaluate.recheck import (
    AVAILABILITY,
    BY_DESIGN,
    FAMILY_MODES,
    LINK,
    mode_of,
    run_recheck,
    summarize,
)
from govsite.findings import Finding
from govsite.fleet.generate import build_fleet, write_fleet
from govsite.fleet.lifecycle import waf_host
from govsite.fleet.model import BEHAVIOUR_SLOW, Fleet, Resource
from govsite.fleet.server import FleetServer
from govsite.probes import load_probes_csv
from govsite.profile import load_profile
from govsite.registry import load_registry
from govsite.rules.base import all_rules
from govsite.sites import Site
from govsite.store.store import Store

# Dead links and a soft 404, blank and stale 栏目, footer, meta, wording, 留言 and 办事指南.
REPAIRED = ("portal", "zgy", "rsj", "scjgj")
BLOCKED = "jw"  # untouched, and behind a WAF at the re-check
PROFILE = load_profile("gb2019")


def settings_for(server: FleetServer, **extra: object) -> CollectSettings:
    return CollectSettings(resolve=tuple(server.resolve_args()), host_interval_s=0.01,
                           host_concurrency=4, probe_search=False, probe_security=False,
                           **extra)  # type: ignore[arg-type]


def behind_waf(fleet: Fleet, key: str) -> None:
    """The site `key` now answers with the WAF challenge everywhere."""
    host = next(s.host for s in fleet.sites if s.key == key)
    home, block = waf_host()
    for path in [p for h, p in fleet.resources if h == host]:
        del fleet.resources[(host, path)]
    fleet.resources.update({(host, p): r for p, r in home.items()})
    fleet.fallbacks[host] = block


@pytest.fixture(scope="module")
def recheck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recheck, Fleet, set[str], dict]:
    out = tmp_path_factory.mktemp("recheck")
    as_of = date.today()
    first = build_fleet(as_of=as_of, n_sites=12)
    files = write_fleet(first, out / "fleet")
    store = Store(f"sqlite:///{out / 'govsite.db'}")
    store.migrate()
    with FleetServer(first) as server:
        plan = CensusPlan(sites=load_registry(files["sites"], strict=True).sites,
                          profile=PROFILE, as_of=as_of, store=store,
                          settings=settings_for(server),
                          probes=load_probes_csv(files["probes"]))
        run = run_census(plan)
        census_requests = len(server.request_log)
    codes = {s.site_code for s in first.sites if s.key in REPAIRED}
    second = build_fleet(as_of=as_of, n_sites=12, repaired=codes)
    behind_waf(second, BLOCKED)
    with FleetServer(second) as server:
        result = run_recheck(store, run.run_id, PROFILE, settings_for(server), as_of=as_of)
        requests = {"census": census_requests, "recheck": len(server.request_log)}
    return result, first, codes, requests


def test_counts_per_rule_and_state(recheck) -> None:
    result, _, codes, requests = recheck
    table = Counter((i.rule, i.state) for i in result.items)
    rules = sorted({rule for rule, _ in table})
    lines = [f"{'rule':28}" + "".join(f"{s:>6}" for s in RECHECK_STATES)]
    lines += [f"{rule:28}" + "".join(f"{table[(rule, s)]:>9}" for s in RECHECK_STATES)
              for rule in rules]
    lines.append(f"{'total':28}" + "".join(f"{result.counts[s]:>9}" for s in RECHECK_STATES))
    print("\n" + "\n".join(lines) + f"\nrequests: {requests}")
    assert sum(result.counts.values()) == len(result.items)
    assert result.counts == {s: sum(1 for i in result.items if i.state == s)
                             for s in RECHECK_STATES}
    assert all(result.counts[s] for s in RECHECK_STATES)


def test_no_untouched_site_is_called_fixed(recheck) -> None:
    """Zero false 已整改; and on an unchanged site reachable as before every finding the
    re-check can judge is found again (no rule needs more than the refetched pages here)."""
    result, first, codes, _ = recheck
    wrong = [(i.site_code, i.rule, i.url, i.reason) for i in result.items
             if i.site_code not in codes and i.state == RECHECK_FIXED]
    assert not wrong, wrong
    blocked = next(s.site_code for s in first.sites if s.key == BLOCKED)
    untouched = [i for i in result.items if i.site_code not in codes | {blocked}]
    judged = [i for i in untouched if mode_of(i.rule)[0] not in (BY_DESIGN, AVAILABILITY)]
    assert judged and all(i.state == RECHECK_OPEN for i in judged), [
        (i.rule, i.url, i.reason) for i in judged if i.state != RECHECK_OPEN]


def test_repaired_sites_planted_defects_are_fixed(recheck) -> None:
    """Every finding of a planted defect is 已整改 or 无法核实 by design; what the repair did not
    touch (the layout's a11y and mobile findings) is still 未整改."""
    result, first, codes, _ = recheck
    planted = {(t.site_code, t.rule) for t in first.truth}
    items = [i for i in result.items if i.site_code in codes]
    assert items
    for item in items:
        if (item.site_code, item.rule) not in planted:
            assert item.state == RECHECK_OPEN, item
        elif mode_of(item.rule)[0] == BY_DESIGN or item.rule.startswith("availability."):
            assert item.state == RECHECK_UNVERIFIABLE and item.reason, item
        else:
            assert item.state == RECHECK_FIXED, item
    fixed_rules = {i.rule for i in items if i.state == RECHECK_FIXED}
    for rule in ("links.broken_home", "links.broken", "links.attachment_broken", "column.blank",
                 "column.stale", "interaction.unanswered", "interaction.reply_stale",
                 "interaction.no_channel", "content.serious_error", "content.typo",
                 "content.banned", "meta.missing", "footer.missing_contact",
                 "service.guide_incomplete"):
        assert rule in fixed_rules, rule


def test_waf_site_and_probe_findings_are_unverifiable_with_a_reason(recheck) -> None:
    result, first, _, _ = recheck
    blocked = next(s.site_code for s in first.sites if s.key == BLOCKED)
    items = [i for i in result.items if i.site_code == blocked]
    assert items and all(i.state == RECHECK_UNVERIFIABLE for i in items)
    assert all("防火墙" in i.reason for i in items
               if mode_of(i.rule)[0] not in (BY_DESIGN, AVAILABILITY))
    probes = [i for i in result.items if i.rule.startswith("availability.")]
    assert probes and all(i.state == RECHECK_UNVERIFIABLE and "探测" in i.reason for i in probes)
    for item in result.items:
        if item.state == RECHECK_UNVERIFIABLE:
            assert item.reason, item


def test_still_open_items_carry_what_was_seen_now(recheck) -> None:
    result, _, _, _ = recheck
    still = [i for i in result.items if i.state == RECHECK_OPEN]
    assert still
    for item in still:
        assert item.evidence["detail"] and item.evidence["fetched_at"], item
    links = [i for i in result.items if i.rule.startswith("links.") and i.state == RECHECK_FIXED]
    assert all(i.evidence["status"] is not None for i in links)


def test_recheck_is_small_and_serialises(recheck) -> None:
    result, _, _, requests = recheck
    assert requests["recheck"] * 4 < requests["census"], requests
    assert result.checked_at[-6] in "+-" and result.as_of == date.today().isoformat()
    assert Recheck.from_json(result.to_json()) == result


def test_every_rule_family_has_a_recheck_mode() -> None:
    for reg in all_rules():
        assert reg.meta.family in FAMILY_MODES, reg.meta.id
        mode, why = mode_of(reg.meta.id)
        if "browser" in reg.meta.tags:
            assert mode == BY_DESIGN and "浏览器" in why
        if mode == BY_DESIGN:
            assert why
    assert mode_of("nosuch.rule")[0] == BY_DESIGN


def test_sites_fixed_needs_every_finding_fixed() -> None:
    def item(code: str, state: str) -> RecheckItem:
        return RecheckItem(code, "站", "meta.missing", "http://x/", None, "", state, "")

    result = summarize("run", "2026-11-23T10:00:00+08:00", date(2026, 11, 23), [
        item("a", RECHECK_FIXED), item("a", RECHECK_FIXED), item("b", RECHECK_FIXED),
        item("b", RECHECK_UNVERIFIABLE), item("c", RECHECK_OPEN), item("c", RECHECK_FIXED)])
    assert result.sites_fixed == ["a"] and result.sites_open == ["c"]
    assert result.counts == {RECHECK_FIXED: 4, RECHECK_OPEN: 1, RECHECK_UNVERIFIABLE: 1}


# ---------------------------------------------------------------------------- a tiny site

HOST = "www.tiny.gov.cn"
ARTICLE = "/xwzx/202611/t20261120_1001.html"
HTML = {"Content-Type": "text/html; charset=utf-8"}
HOME = (f'<html><head><title>小站</title></head><body><h1>小站</h1><ul>'
        f'<li><a href="{ARTICLE}">区政府召开工作会议</a> 2026-11-20</li>'
        '<li><a href="/old/index.html">往期回顾</a></li></ul></body></html>')
PAGE = ("<html><head><title>区政府召开工作会议</title></head><body><h1>区政府召开工作会议</h1>"
        "<p>发布时间：2026-11-20 09:00</p><p>会议研究部署了下一阶段重点工作。</p></body></html>")


def tiny_fleet() -> Fleet:
    return Fleet(
        as_of=date.today(), sites=[], registry_rows=[], truth=[], probes=[],
        resources={(HOST, "/"): Resource(200, HTML, HOME.encode()),
                   (HOST, "/robots.txt"): Resource(404, HTML, b""),
                   (HOST, ARTICLE): Resource(200, HTML, PAGE.encode())},
        fallbacks={HOST: Resource(404, HTML, b"<html><body>404</body></html>")},
    )


def broken(fleet: Fleet, mode: str) -> None:
    slow = Resource(200, HTML, HOME.encode(), BEHAVIOUR_SLOW)
    error = Resource(500, HTML, b"<html><body>500 Internal Server Error</body></html>")
    if mode == "pages_fail":
        fleet.resources[(HOST, ARTICLE)] = error
        fleet.fallbacks[HOST] = replace(slow, body=b"<html><body>busy</body></html>")
    elif mode == "home_500":
        fleet.resources[(HOST, "/")] = error
    elif mode == "home_timeout":
        fleet.resources[(HOST, "/")] = slow


@pytest.mark.parametrize("mode", ["unchanged", "pages_fail", "home_500", "home_timeout"])
def test_a_site_that_fails_now_is_never_called_fixed(tmp_path: Path, mode: str) -> None:
    """Timeouts and 500s give 无法核实 (a dead link still failing stays 未整改), and a finding the
    previous pages cannot reproduce (here one added to the stored result) is never 已整改."""
    fleet = tiny_fleet()
    site = Site(name="小站", site_code="1101059999", url=f"http://{HOST}/", kind="部门")
    store = Store(f"sqlite:///{tmp_path / 'govsite.db'}")
    store.migrate()
    with FleetServer(fleet) as server:
        run = run_census(CensusPlan(sites=[site], profile=PROFILE, as_of=fleet.as_of,
                                    store=store, settings=settings_for(server)))
    before = store.load_site_results(run.run_id, PROFILE.id)[0]
    rules = {f.rule for f in before.findings}
    assert {"meta.missing", "links.broken_home", "footer.missing_icp"} <= rules, rules
    made_up = Finding(rule="content.typo", url=f"http://{HOST}{ARTICLE}", detail="错别字：“布署”",
                      evidence={"wrong": "布署"})
    before.findings.append(made_up)
    store.save_result(run.run_id, PROFILE.id, before)

    broken(fleet, mode)
    with FleetServer(fleet) as server:
        result = run_recheck(store, run.run_id, PROFILE, settings_for(server, timeout_s=0.3,
                             retries=0), as_of=fleet.as_of)
    states = Counter(i.state for i in result.items)
    assert len(result.items) == len(before.findings)
    assert states[RECHECK_FIXED] == 0, [(i.rule, i.url, i.reason) for i in result.items]
    by_rule = {(i.rule, i.url): i for i in result.items}
    typo = by_rule[("content.typo", made_up.url)]
    assert typo.state == RECHECK_UNVERIFIABLE
    article = by_rule[("meta.missing", made_up.url)]
    dead = next(i for i in result.items if i.rule == "links.broken_home")
    if mode == "unchanged":
        assert "仅凭" in typo.reason and article.state == RECHECK_OPEN
    if mode == "pages_fail":
        assert article.state == RECHECK_UNVERIFIABLE and "HTTP 500" in article.reason
        assert dead.state == RECHECK_OPEN and dead.evidence["error"] == "timeout"
    if mode in ("home_500", "home_timeout"):
        assert set(states) == {RECHECK_UNVERIFIABLE}
        reason = "HTTP 500" if mode == "home_500" else "超时"
        on_home = [i for i in result.items if i.url.endswith(f"{HOST}/")
                   and mode_of(i.rule)[0] not in (BY_DESIGN, LINK)]
        assert on_home and all(reason in i.reason for i in on_home), on_home
