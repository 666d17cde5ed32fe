"""Scoring: vetoes, indicator caps, pass marks, bonus, and the not_measured contract."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from govsite.findings import Finding
from govsite.profile import ProfileError, load_profile, parse_profile
from govsite.results import VERDICT_FAIL, VERDICT_NOT_MEASURED, VERDICT_PASS
from govsite.rules.base import Judgement, all_rules
from govsite.score import score_site
from govsite.sites import Site

PORTAL = Site(name="测试区人民政府", site_code="1101050001", url="http://www.test.gov.cn/",
              kind="portal")
PROFILE_DATA = {
    "id": "t", "name_zh": "测试", "total": 100,
    "pass": {"mark": 60, "inclusive": True, "source": "test", "confidence": "A"},
    "vetoes": [{"id": "V1", "name_zh": "站点无法访问", "rules": ["availability.unreachable"],
                "source": "s", "confidence": "A"},
               {"id": "V2", "name_zh": "栏目", "rules": ["column.stale"], "threshold": 2,
                "where": {"type": ["动态要闻"]}, "source": "s", "confidence": "B"}],
    "deductions": [
        {"id": "D1", "name_zh": "功能设计", "max": 5, "source": "s", "confidence": "assumed",
         "items": [{"rule": "links.broken", "points": 1, "source": "s", "confidence": "C"},
                   {"rule": "footer.missing_icp", "points": 2, "per": "site", "source": "s",
                    "confidence": "assumed"}]},
        {"id": "D2", "name_zh": "附件", "max": 40, "source": "s", "confidence": "A",
         "items": [{"rule": "links.attachment_broken", "points": 10, "max": 30,
                    "source": "s", "confidence": "A"}]},
    ],
    "bonus": {"max": 30, "above": 80, "kinds": ["portal"], "source": "s", "confidence": "A",
              "indicators": [{"id": "B1", "name_zh": "加分", "max": 30, "source": "s",
                              "confidence": "A", "items": [{"rule": "footer.missing_sitemap",
                              "points": 4, "per": "site", "source": "s", "confidence": "A"}]}]},
}
ALL_MEASURED = {"availability.unreachable", "column.stale"}


def f(rule: str, n: int = 0, **evidence: object) -> Finding:
    return Finding(rule=rule, url=f"http://www.test.gov.cn/{n}", detail="d", target=f"t{n}",
                   evidence=dict(evidence))


def judgement(findings: list[Finding], measured: set[str] = ALL_MEASURED) -> Judgement:
    return Judgement(findings=sorted(findings, key=Finding.sort_key), not_measured=[],
                     measured_rules=set(measured), unmeasured_rules={})


def score(findings: list[Finding], measured: set[str] = ALL_MEASURED, data: dict | None = None):
    return score_site(PORTAL, judgement(findings, measured), parse_profile(data or PROFILE_DATA, "t"))


def test_clean_site_passes_with_full_marks() -> None:
    res = score([])
    assert (res.verdict, res.score, res.deductions) == (VERDICT_PASS, 100.0, [])


def test_indicator_floor_caps_the_points_lost() -> None:
    res = score([f("links.broken", i) for i in range(9)] + [f("footer.missing_icp")])
    assert res.score == 95.0  # D1 max 5, although 9 + 2 points were found
    assert sum(d.points for d in res.deductions) == 5.0
    assert {d.rule: d.count for d in res.deductions} == {"footer.missing_icp": 1, "links.broken": 9}


def test_item_max_and_deduction_points_at_findings() -> None:
    findings = [f("links.attachment_broken", i) for i in range(4)]
    res = score(findings)
    assert res.score == 70.0  # 4 x 10 capped at item max 30
    (ded,) = res.deductions
    assert [res.findings[i].rule for i in ded.findings] == ["links.attachment_broken"] * 4


def test_veto_fails_even_with_a_high_score() -> None:
    res = score([f("availability.unreachable")])
    assert res.verdict == VERDICT_FAIL and res.vetoes == ["availability.unreachable"]
    assert res.score == 100.0


def test_veto_threshold_and_evidence_filter() -> None:
    one = score([f("column.stale", 1, type="动态要闻"), f("column.stale", 2, type="人事")])
    assert one.verdict == VERDICT_PASS and one.vetoes == []
    two = score([f("column.stale", 1, type="动态要闻"), f("column.stale", 2, type="动态要闻")])
    assert two.verdict == VERDICT_FAIL and two.vetoes == ["column.stale"]


def test_below_pass_mark_fails_and_inclusive_boundary() -> None:
    data = copy.deepcopy(PROFILE_DATA)
    data["deductions"][1]["max"] = 40
    data["deductions"][1]["items"][0]["max"] = 40
    at_mark = score([f("links.attachment_broken", i) for i in range(4)], data=data)
    assert (at_mark.score, at_mark.verdict) == (60.0, VERDICT_PASS)
    data["pass"]["inclusive"] = False
    strict = score([f("links.attachment_broken", i) for i in range(4)], data=data)
    assert strict.verdict == VERDICT_FAIL


def test_unmeasured_veto_gives_not_measured_with_provisional_score() -> None:
    res = score([f("links.broken")], measured={"column.stale"})
    assert res.verdict == VERDICT_NOT_MEASURED and res.score is None
    assert res.measured_score == 99.0
    assert "站点无法访问" in res.not_measured[0].why


def test_fired_veto_fails_even_when_another_veto_is_unmeasured() -> None:
    res = score([f("availability.unreachable")], measured={"availability.unreachable"})
    assert res.verdict == VERDICT_FAIL


def test_bonus_only_for_portals_above_the_threshold() -> None:
    res = score([f("footer.missing_sitemap")])
    assert (res.bonus, res.score) == (4.0, 104.0)
    low = score([f("footer.missing_sitemap")] + [f("links.attachment_broken", i) for i in range(3)])
    assert low.bonus == 0.0 and low.score == 70.0
    dept = score_site(Site(name="部门", site_code="1101050002", url="http://a.test.gov.cn/",
                           kind="department"), judgement([f("footer.missing_sitemap")]),
                      parse_profile(PROFILE_DATA, "t"))
    assert dept.bonus == 0.0


def test_blocked_and_closed_sites_are_not_scored() -> None:
    prof = parse_profile(PROFILE_DATA, "t")
    blocked = score_site(PORTAL, judgement([]), prof, blocked="waf", blocked_detail="安全狗")
    assert blocked.verdict == VERDICT_NOT_MEASURED and blocked.score is None
    assert blocked.measured_score is None and "waf" in blocked.not_measured[0].why
    closed = Site(name="旧站", site_code="1101050003", url="http://old.test.gov.cn/",
                  status="closed")
    res = score_site(closed, judgement([f("registry.closed_but_online")]), prof)
    assert res.verdict == VERDICT_NOT_MEASURED and len(res.findings) == 1


@pytest.mark.parametrize("name", ["gb2019", "gb2015"])
def test_builtin_profiles_load_and_cite_every_number(name: str) -> None:
    prof = load_profile(name)
    assert sum(ind.max for ind in prof.indicators) == prof.total
    assert prof.assumed(), "unconfirmed numbers must be labelled"
    implemented = {r.meta.id for r in all_rules()}
    assert "availability.unreachable" in {r for v in prof.vetoes for r in v.rules}
    assert implemented & prof.rule_ids()


def test_profile_errors_name_the_entry(tmp_path: Path) -> None:
    data = copy.deepcopy(PROFILE_DATA)
    data["deductions"][0]["items"][0]["rule"] = "links.brokn"
    with pytest.raises(ProfileError, match=r"deductions\[0\]\.items\[0\].*links\.brokn"):
        parse_profile(data, "my.yaml")
    data = copy.deepcopy(PROFILE_DATA)
    del data["vetoes"][0]["source"]
    with pytest.raises(ProfileError, match=r"vetoes\[0\].*source"):
        parse_profile(data, "my.yaml")
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(PROFILE_DATA, allow_unicode=True), encoding="utf-8")
    assert load_profile(str(path)).id == "t"
    with pytest.raises(ProfileError, match="no such profile"):
        load_profile(str(tmp_path / "missing.yaml"))
