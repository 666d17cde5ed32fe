"""The 抽查 planner: units, rounding up, key sites and failures always in, reproducibility,
and a CSV the registry loader reads back."""

from __future__ import annotations

import csv
import dataclasses
import random
from pathlib import Path

import pytest

from govsite.evaluate.sampling import SamplePlan, SampleRule, plan_sample, units_of, write_sample_csv
from govsite.registry import load_registry
from govsite.sites import Site

PORTAL = Site(name="徐汇区人民政府", site_code="3101040001", url="http://www.xuhui.gov.cn/",
              owner="徐汇区人民政府", category="区政府", kind="portal")
# Nine district sub-sites under the portal (by site code): not key sites (they have a parent).
DISTRICT = [Site(name=f"徐汇区部门{n}", site_code=f"31010400{n:02d}", url=f"http://d{n}.xuhui.gov.cn/",
                 owner=f"徐汇区部门{n}", category="区政府", kind="department", parent="3101040001")
            for n in range(2, 11)]
EDU = Site(name="上海市教育委员会", site_code="3100000001", url="https://edu.sh.gov.cn/",
           owner="上海市教育委员会", category="市政府部门", kind="department")
# The commission's sub-sites name their parent by home URL; one is a grandchild; owner empty.
EDU_SUBS = [
    Site(name="上海招考热线", site_code="3100000002", url="http://www.shmeea.edu.cn/",
         parent="edu.sh.gov.cn", category="市政府部门"),
    Site(name="教育信息网", site_code="3100000003", url="http://info.sh.gov.cn/",
         parent="https://EDU.sh.gov.cn", category="市政府部门"),
    Site(name="教育信息子站", site_code="3100000004", url="http://sub.info.sh.gov.cn/",
         parent="3100000003", category="市政府部门"),
]
CLOSED = Site(name="已关停网站", site_code="3101040011", url="http://old.xuhui.gov.cn/",
              owner="徐汇区旧站", kind="other", status="closed", parent="3101040001")
ORPHAN = Site(name="某开发区网站", site_code="3101040012", url="http://kfq.gov.cn/", kind="other",
              parent="3199999999", category="管委会")
SITES = [PORTAL, *DISTRICT, EDU, *EDU_SUBS, CLOSED, ORPHAN]
RULE = SampleRule(rate=0.30)


def codes(plan: SamplePlan, reason: str | None = None) -> list[str]:
    return [e.site.site_code for e in plan.entries if reason is None or e.reason == reason]


def test_units_follow_the_parent_chain_by_code_and_url() -> None:
    units = units_of(SITES)
    assert {units[s.site_code] for s in DISTRICT} == {"徐汇区人民政府"}
    assert {units[s.site_code] for s in EDU_SUBS} == {"上海市教育委员会"}
    assert units["3101040011"] == "徐汇区人民政府"
    # A parent outside the registry ends the chain; no owner falls back to the name.
    assert units["3101040012"] == "某开发区网站"


def test_a_parent_cycle_does_not_hang() -> None:
    a = Site(name="甲", site_code="3101010001", url="http://a.gov.cn/", owner="甲单位", parent="3101010002")
    b = Site(name="乙", site_code="3101010002", url="http://b.gov.cn/", owner="乙单位", parent="3101010001")
    assert units_of([a, b]) == {"3101010001": "乙单位", "3101010002": "甲单位"}


def test_each_unit_gets_at_least_its_share_rounded_up() -> None:
    plan = plan_sample(SITES, rule=RULE, seed=7, previous_failed=set())
    totals = {u.unit: (u.running, u.required, u.sampled, u.key, u.failed, u.random) for u in plan.units}
    assert totals == {
        "徐汇区人民政府": (10, 3, 3, 1, 0, 2),  # 30 % of 10 is 3, not 4 (float 3.0000000000000004)
        "上海市教育委员会": (4, 2, 2, 1, 0, 1),  # ceil(1.2) = 2
        "某开发区网站": (1, 1, 1, 0, 0, 1),  # a unit with one site is never skipped
    }
    assert "3101040001" in codes(plan, "key") and "3100000001" in codes(plan, "key")


def test_previous_failures_are_always_in_even_beyond_the_share() -> None:
    failed = {"3101040002", "3101040003", "3101040004", "3101040011"}  # the last one is closed
    plan = plan_sample(SITES, rule=RULE, seed=7, previous_failed=failed)
    assert codes(plan, "failed") == ["3101040002", "3101040003", "3101040004"]
    (xuhui,) = [u for u in plan.units if u.unit == "徐汇区人民政府"]
    assert (xuhui.required, xuhui.sampled, xuhui.random) == (3, 4, 0)


def test_a_failed_key_site_is_listed_as_failed() -> None:
    plan = plan_sample(SITES, rule=RULE, seed=7, previous_failed={"3101040001"})
    (entry,) = [e for e in plan.entries if e.site.site_code == "3101040001"]
    assert (entry.reason, entry.reason_zh) == ("failed", "上期不合格")


def test_closed_sites_are_never_sampled() -> None:
    for seed in range(20):
        plan = plan_sample(SITES, rule=SampleRule(rate=1.0), seed=seed, previous_failed={"3101040011"})
        assert "3101040011" not in codes(plan)
    assert len(codes(plan)) == len(SITES) - 1


def test_same_inputs_and_seed_give_the_same_plan_whatever_the_order() -> None:
    shuffled = SITES[:]
    random.Random(1).shuffle(shuffled)
    one = plan_sample(SITES, rule=RULE, seed=42, previous_failed={"3101040005"})
    two = plan_sample(shuffled, rule=RULE, seed=42, previous_failed={"3101040005"})
    assert one.to_json() == two.to_json()


def test_another_seed_changes_only_the_random_part() -> None:
    plans = [plan_sample(SITES, rule=RULE, seed=seed, previous_failed={"3101040005"}) for seed in range(12)]
    assert len({tuple(codes(p, "random")) for p in plans}) > 1
    assert {tuple(codes(p, "key")) for p in plans} == {("3100000001", "3101040001")}
    assert {tuple(codes(p, "failed")) for p in plans} == {("3101040005",)}


def test_rule_rate_is_checked() -> None:
    for rate in (0, -0.1, 1.5):
        with pytest.raises(ValueError, match="抽查比例"):
            SampleRule(rate=rate)


def test_plan_survives_json() -> None:
    plan = plan_sample(SITES, rule=RULE, seed=3, previous_failed={"3100000002"})
    assert SamplePlan.from_json(plan.to_json()) == plan


def test_sample_csv_loads_back_as_a_registry(tmp_path: Path) -> None:
    plan = plan_sample(SITES, rule=RULE, seed=3, previous_failed={"3100000002"})
    path = tmp_path / "out" / "sample.csv"
    write_sample_csv(plan, path)
    load = load_registry(path, strict=True)
    assert [dataclasses.replace(s, source_line=0) for s in load.sites] == [
        dataclasses.replace(e.site, source_line=0) for e in plan.entries]
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["抽查原因"] for r in rows] == [e.reason_zh for e in plan.entries]
    assert rows[0].keys() >= {"网站名称", "网站标识码", "首页地址", "上级网站", "状态"}
    assert plan.to_registry_rows()[0]["状态"] == "运行"
