"""Availability rules: the per-day floor, the exact veto, WAF-blocked probes, the facts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from govsite.clock import CST
from govsite.probes import Probe
from govsite.rules.availability import availability_facts, probe_window, worst_hours
from govsite.rules.base import RuleContext, get_rule, judge
from govsite.sites import Site
from govsite.snapshot import SiteSnapshot

AS_OF = date(2026, 11, 23)
START = datetime.combine(AS_OF - timedelta(days=6), time.min, CST)
RULES = [get_rule("availability.unreachable"), get_rule("availability.home_failure")]


def snapshot(per_day: list[int], failing: frozenset[int] | set[int] = frozenset(),
             blocked: frozenset[int] | set[int] = frozenset()) -> SiteSnapshot:
    """Probes spread over each day of the window; `failing`/`blocked` index the whole list."""
    probes = []
    for day, count in enumerate(per_day):
        for n in range(count):
            moment = START + timedelta(days=day) + timedelta(days=1) * n / count
            index = len(probes)
            ok = index not in failing and index not in blocked
            error = "blocked" if index in blocked else ("" if ok else "timeout")
            probes.append(Probe(moment, ok, 100.0, 200 if ok else None, error).to_json())
    site = Site(name="测试", site_code="1101050001", url="http://www.test.gov.cn/")
    return SiteSnapshot(site=site, fetched_at="2026-11-23T10:00:00+08:00", probes=probes)


def verdict(snap: SiteSnapshot) -> tuple[set[str], dict[str, str]]:
    judgement = judge(snap, RuleContext(as_of=AS_OF), RULES)
    return {f.rule for f in judgement.findings}, judgement.unmeasured_rules


def test_window_is_seven_china_days_ending_on_as_of() -> None:
    start, end = probe_window(AS_OF, 7)
    assert start.isoformat() == "2026-11-17T00:00:00+08:00"
    assert end.isoformat() == "2026-11-24T00:00:00+08:00"


def test_a_day_below_twenty_probes_is_not_measured_whatever_the_total() -> None:
    """146 probes (more than 7 × 20) but Thursday had 19: not a week of monitoring."""
    found, unmeasured = verdict(snapshot([24, 24, 19, 24, 20, 20, 15]))
    assert not found
    assert unmeasured["availability.unreachable"] == (
        "监测窗口内探测146次，要求7天每天至少20次，2026-11-19仅19次（另有1天不足）")


def test_the_veto_is_exact_even_where_rounding_would_cross_it() -> None:
    """1,999 failures of 40,000 is 4.9975 %: below the veto, though it rounds to 5.00 %."""
    per_day = [5715] * 6 + [5710]
    found, _ = verdict(snapshot(per_day, failing=set(range(1999))))
    assert found == {"availability.home_failure"}
    found, _ = verdict(snapshot(per_day, failing=set(range(2000))))
    assert found == {"availability.unreachable"}
    snap = snapshot(per_day, failing=set(range(1999)))
    detail = judge(snap, RuleContext(as_of=AS_OF), RULES).findings[0].detail
    assert detail == "首页存在打不开的情况：1999/40000次失败（4.99%）"


def test_blocked_probes_are_left_out_of_both_counts() -> None:
    """7 WAF blocks among 147 probes: 140 count, none failed."""
    found, unmeasured = verdict(snapshot([21] * 7, blocked={0, 21, 42, 63, 84, 105, 126}))
    assert not found and not unmeasured
    facts = availability_facts(snapshot([21] * 7, blocked={0, 21}), RuleContext(as_of=AS_OF))
    assert facts is not None and (facts["probes"], facts["blocked"]) == (145, 2)


def test_facts_carry_counts_status_and_worst_hours() -> None:
    # Seven nights at 03:00 fail (one probe an hour), plus one afternoon blip.
    failing = {day * 24 + 3 for day in range(7)} | {2 * 24 + 15}
    facts = availability_facts(snapshot([24] * 7, failing=failing), RuleContext(as_of=AS_OF))
    assert facts is not None
    assert (facts["probes"], facts["failures"], facts["status"]) == (168, 8, "failing")
    assert facts["ratio"] == round(8 / 168, 6) and facts["veto_ratio"] == 0.05
    assert facts["worst_hours"] == [{"hour": 3, "probes": 7, "failures": 7},
                                    {"hour": 15, "probes": 7, "failures": 1}]
    assert facts["errors"] == {"timeout": 8}
    short = availability_facts(snapshot([24] * 3), RuleContext(as_of=AS_OF))
    assert short is not None and short["status"] == "not_measured" and "72" in short["why"]
    none = SiteSnapshot(site=snapshot([1]).site, fetched_at="", probes=None)
    assert availability_facts(none, RuleContext(as_of=AS_OF)) is None


def test_worst_hours_rank_by_failures_then_share() -> None:
    day = datetime(2026, 11, 20, tzinfo=CST)
    probes = [Probe(day + timedelta(hours=h, minutes=m), not fail, 1.0, None, "")
              for h, m, fail in ((1, 0, True), (1, 30, True), (2, 0, True), (2, 30, False),
                                 (5, 0, True), (6, 0, False))]
    assert worst_hours(probes) == [{"hour": 1, "probes": 2, "failures": 2},
                                   {"hour": 5, "probes": 1, "failures": 1},
                                   {"hour": 2, "probes": 2, "failures": 1}]
