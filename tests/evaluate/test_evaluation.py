"""Evaluation: weighted totals, grades in both modes, vetoes, missing sources, statistics,
ranks and progress, each checked against figures worked out by hand."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from govsite.evaluate.evalprofile import EvalProfile, parse_eval_profile
from govsite.evaluate.evaluation import evaluate
from govsite.evaluate.model import Evaluation, GroupStats, SiteEvaluation
from govsite.findings import NotMeasuredNote
from govsite.results import VERDICT_FAIL, VERDICT_NOT_MEASURED, VERDICT_PASS, SiteResult
from govsite.sites import Site

PROFILE: dict[str, Any] = {
    "id": "t", "name_zh": "测试方案", "source": "测试",
    "sources": [{"id": "census", "name_zh": "网站测评", "weight": 50, "kind": "census"},
                {"id": "public", "name_zh": "公众评议", "weight": 50, "kind": "import"}],
    "grades": {"mode": "threshold", "min": {"优秀": 90, "良好": 80, "合格": 60}},
    "categories": ["区政府", "市政府部门", "管委会"],
    "progress": {"min_delta": 10},
    "assumed": ["假设一"],
}


def profile(**changes: Any) -> EvalProfile:
    data = copy.deepcopy(PROFILE)
    data.update(changes)
    return parse_eval_profile(data, "t.yaml")


CENSUS_ONLY_SOURCES = [{"id": "census", "name_zh": "网站测评", "weight": 100, "kind": "census"}]
CENSUS_ONLY = profile(sources=CENSUS_ONLY_SOURCES)


def result(code: str, score: float | None, *, category: str = "区政府", vetoes: tuple[str, ...] = (),
           verdict: str | None = None, status: str = "running") -> SiteResult:
    site = Site(name=f"网站{code[-2:]}", site_code=code, url=f"http://s{code}.gov.cn/",
                category=category, status=status)
    if verdict is None:
        verdict = VERDICT_FAIL if vetoes or (score is not None and score < 60) else VERDICT_PASS
    if verdict == VERDICT_NOT_MEASURED:
        return SiteResult(site=site, verdict=verdict, score=None, measured_score=score,
                          not_measured=[NotMeasuredNote("site", "站点未能采集（超时）")])
    return SiteResult(site=site, verdict=verdict, score=score, measured_score=score, vetoes=list(vetoes))


def run(census: list[SiteResult], prof: EvalProfile = CENSUS_ONLY,
        imported: dict[str, dict[str, float]] | None = None, previous: Evaluation | None = None,
        period: str = "2026Q3") -> Evaluation:
    return evaluate(census, prof, imported or {}, period=period, run_id="r1", previous=previous)


def by_code(ev: Evaluation) -> dict[str, SiteEvaluation]:
    return {s.site.site_code: s for s in ev.sites}


def test_total_is_the_weighted_sum_rounded_to_two_decimals() -> None:
    ev = run([result("3101010001", 90.0), result("3101010002", 77.777)], profile(),
             {"public": {"3101010001": 70.0, "3101010002": 88.888}})
    sites = by_code(ev)
    assert sites["3101010001"].scores == {"census": 90.0, "public": 70.0}
    assert sites["3101010001"].total == 80.0  # 0.5 × 90 + 0.5 × 70
    assert sites["3101010002"].total == 83.33  # (77.777 + 88.888) / 2 = 83.3325
    assert ev.sources == [{"id": "census", "name_zh": "网站测评", "weight": 50.0, "kind": "census"},
                          {"id": "public", "name_zh": "公众评议", "weight": 50.0, "kind": "import"}]
    assert (ev.period, ev.run_id, ev.profile, ev.assumed) == ("2026Q3", "r1", "t", ["假设一"])


def test_census_score_above_100_is_capped_and_noted() -> None:
    (site,) = run([result("3101010001", 112.5)]).sites
    assert (site.scores["census"], site.total) == (100.0, 100.0)
    assert any("112.5" in n and "按100分计" in n for n in site.notes)


def test_only_running_sites_are_evaluated() -> None:
    ev = run([result("3101010001", 90.0), result("3101010002", None, status="closed",
                                                 verdict=VERDICT_NOT_MEASURED),
              result("3101010003", None, status="merged", verdict=VERDICT_NOT_MEASURED)])
    assert [s.site.site_code for s in ev.sites] == ["3101010001"]
    assert ev.overall.sites == 1 and ev.overall.grade_counts["不合格"] == 0


def test_not_measured_census_has_no_score_and_says_why() -> None:
    (site,) = run([result("3101010001", 95.0, verdict=VERDICT_NOT_MEASURED)]).sites
    assert (site.scores["census"], site.total, site.grade, site.rank) == (None, None, None, None)
    assert site.census_verdict == VERDICT_NOT_MEASURED
    assert any("自动检测未能得出结论" in n and "超时" in n for n in site.notes)


def test_missing_import_leaves_the_site_unscored_by_default() -> None:
    (site,) = run([result("3101010001", 90.0)], profile(), {"public": {}}).sites
    assert site.scores == {"census": 90.0, "public": None} and site.total is None
    assert "缺少公众评议得分，不计总分" in site.notes and site.grade is None


def test_missing_source_counts_as_zero_when_the_profile_says_so() -> None:
    (site,) = run([result("3101010001", 90.0)], profile(missing_source="zero")).sites
    assert site.scores["public"] is None  # the truth is kept; only the total counts it as 0
    assert (site.total, site.grade) == (45.0, "不合格")
    assert "公众评议缺少得分，按0分计入总分" in site.notes


def test_an_imported_source_the_profile_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="expert"):
        run([result("3101010001", 90.0)], profile(), {"expert": {"3101010001": 80.0}})


def test_threshold_grades_at_their_boundaries() -> None:
    scores = [90.0, 89.99, 80.0, 79.99, 60.0, 59.99]
    ev = run([result(f"31010100{n:02d}", s, verdict=VERDICT_PASS) for n, s in enumerate(scores)])
    assert [s.grade for s in ev.sites] == ["优秀", "良好", "良好", "合格", "合格", "不合格"]


def test_veto_fails_whatever_the_total_unless_the_profile_turns_it_off() -> None:
    census = [result("3101010001", 95.0, vetoes=("availability.unreachable",))]
    (site,) = run(census).sites
    assert (site.total, site.grade, site.vetoed) == (95.0, "不合格", ["availability.unreachable"])
    assert any("单项否决" in n for n in site.notes)
    (site,) = run(census, profile(sources=CENSUS_ONLY_SOURCES, veto_fails=False)).sites
    assert site.grade == "优秀"


QUOTA = {"mode": "quota", "share": {"优秀": 0.1, "良好": 0.3}, "pass_mark": 60}


def test_quota_grades_with_a_tie_at_the_boundary() -> None:
    # 10 scored sites: 优秀 gets floor(10 %) = 1 place, 良好 the next 3 (places 2–4).
    totals = [95.0, 95.0, 90.0, 88.0, 85.0, 70.0, 65.0, 61.0, 55.0, 50.0]
    ev = run([result(f"31010100{n:02d}", t, verdict=VERDICT_PASS) for n, t in enumerate(totals)],
             profile(sources=CENSUS_ONLY_SOURCES, grades=QUOTA))
    grades = [s.grade for s in sorted(ev.sites, key=lambda s: s.site.site_code)]
    # The two tied on 95 share place 1, so both are 优秀; places 3 and 4 are 良好.
    assert grades == ["优秀", "优秀", "良好", "良好", "合格", "合格", "合格", "合格", "不合格", "不合格"]
    assert ev.overall.grade_counts == {"优秀": 2, "良好": 2, "合格": 4, "不合格": 2}


def test_quota_skips_vetoed_and_failing_sites() -> None:
    # 10 scored: 1 优秀 place and 3 良好 places. The best site is vetoed; only 3 sites pass.
    totals = [99.0, 92.0, 91.0, 65.0] + [40.0] * 6
    census = [result(f"31010100{n:02d}", t, verdict=VERDICT_PASS) for n, t in enumerate(totals)]
    census[0] = result("3101010000", 99.0, vetoes=("content.banned",))
    ev = run(census, profile(sources=CENSUS_ONLY_SOURCES, grades=QUOTA))
    grades = [s.grade for s in sorted(ev.sites, key=lambda s: s.site.site_code)]
    assert grades[:4] == ["不合格", "优秀", "良好", "良好"]
    assert set(grades[4:]) == {"不合格"}


def fleet() -> tuple[list[SiteResult], dict[str, dict[str, float]]]:
    census = [
        result("3101010001", 90.0, category="区政府"),   # A: (90 + 80) / 2 = 85 良好
        result("3101010002", 70.0, category="区政府"),   # B: (70 + 95) / 2 = 82.5 良好
        result("3101010003", 50.0, category="区政府"),   # C: (50 + 60) / 2 = 55 不合格
        result("3101010004", 100.0, category="市政府部门"),  # D: 95 优秀
        result("3101010005", 80.0, category="市政府部门"),   # E: no public score
        result("3101010006", 88.0, category="市政府部门", vetoes=("update.home_stale",)),  # F: 90 vetoed
        result("3101010007", None, category="街道", verdict=VERDICT_NOT_MEASURED),  # G → 其他
    ]
    public = {"3101010001": 80.0, "3101010002": 95.0, "3101010003": 60.0, "3101010004": 90.0,
              "3101010006": 92.0, "3101010007": 70.0}
    return census, {"public": public}


def test_statistics_per_category_and_overall_by_hand() -> None:
    census, imported = fleet()
    ev = run(census, profile(), imported)
    assert [c.name for c in ev.categories] == ["区政府", "市政府部门", "管委会", "其他"]
    district, dept, zone, other = ev.categories
    zero = {"优秀": 0, "良好": 0, "合格": 0, "不合格": 0}
    assert district == GroupStats(
        name="区政府", sites=3, scored=3, average=74.17, above_average=2, min_score=55.0,
        max_score=85.0, pass_rate=2 / 3, excellent_good_rate=2 / 3,
        # census ≥ 80: 90 (70 and 50 not); public ≥ 80: 80 and 95 (60 not)
        good_rate={"census": 1 / 3, "public": 2 / 3}, grade_counts={**zero, "良好": 2, "不合格": 1})
    assert dept == GroupStats(
        name="市政府部门", sites=3, scored=2, average=92.5, above_average=1, min_score=90.0,
        max_score=95.0, pass_rate=1 / 2, excellent_good_rate=1 / 2,
        good_rate={"census": 1.0, "public": 1.0}, grade_counts={**zero, "优秀": 1, "不合格": 1})
    assert (zone.sites, zone.scored, zone.average, zone.pass_rate) == (0, 0, None, None)
    assert zone.good_rate == {"census": None, "public": None}
    assert other.sites == 1 and other.scored == 0 and other.good_rate == {"census": None, "public": 0.0}
    # Overall: totals 85, 82.5, 55, 95, 90 → mean 81.5; all but 55 above it.
    assert (ev.overall.name, ev.overall.sites, ev.overall.scored) == ("全部", 7, 5)
    assert (ev.overall.average, ev.overall.above_average) == (81.5, 4)
    assert (ev.overall.pass_rate, ev.overall.excellent_good_rate) == (3 / 5, 3 / 5)
    # census ≥ 80: 90, 100, 80, 88 of six scores; public ≥ 80: 80, 95, 90, 92 of six.
    assert ev.overall.good_rate == {"census": 4 / 6, "public": 4 / 6}


def test_ranks_overall_and_within_the_category() -> None:
    census, imported = fleet()
    ev = run(census, profile(), imported)
    ranks = {s.site.site_code[-1]: (s.rank, s.category_rank) for s in ev.sites}
    assert ranks == {"4": (1, 1), "6": (2, 2), "1": (3, 1), "2": (4, 2), "3": (5, 3),
                     "5": (None, None), "7": (None, None)}
    assert [s.rank for s in ev.sites] == [1, 2, 3, 4, 5, None, None]


def test_tied_totals_share_a_rank() -> None:
    ev = run([result("3101010001", 80.0), result("3101010002", 90.0), result("3101010003", 80.0),
              result("3101010004", 70.0)])
    assert [(s.site.site_code[-1], s.rank) for s in ev.sites] == [("2", 1), ("1", 2), ("3", 2), ("4", 4)]


def test_above_average_compares_with_the_average_as_printed() -> None:
    # Mean 84.9966… prints as 85.00: the site on 85.00 is not above it, 85.01 is.
    ev = run([result("3101010001", 85.0), result("3101010002", 85.01), result("3101010003", 84.98)])
    assert (ev.overall.average, ev.overall.above_average) == (85.0, 1)


def test_progress_against_the_previous_period() -> None:
    before = run([result("3101010001", 60.0), result("3101010002", 80.0), result("3101010003", 70.0),
                  result("3101010004", 75.0)], period="2026Q2")
    now = run([result("3101010001", 70.0), result("3101010002", 89.99), result("3101010003", 65.0),
               result("3101010004", None, verdict=VERDICT_NOT_MEASURED), result("3101010005", 99.0)],
              previous=before)
    assert now.previous_period == "2026Q2"
    rows = [(p.site_code[-1], p.previous_total, p.total, p.delta, p.notable) for p in now.progress]
    assert rows == [("1", 60.0, 70.0, 10.0, True), ("2", 80.0, 89.99, 9.99, False),
                    ("3", 70.0, 65.0, -5.0, False), ("4", 75.0, None, None, False)]
    first = now.progress[0]
    assert (first.previous_rank, first.rank, first.category) == (4, 3, "区政府")
    assert run([result("3101010001", 70.0)]).progress == []


def test_evaluation_survives_json() -> None:
    census, imported = fleet()
    ev = run(census, profile(), imported)
    assert Evaluation.from_json(ev.to_json()) == ev


def test_a_profile_without_categories_groups_by_the_registry_category_in_order() -> None:
    prof = profile(sources=CENSUS_ONLY_SOURCES, categories=[])
    ev = run([result("1101050001", 90.0, category="街镇"), result("1101050002", 80.0, category=""),
              result("1101050003", 70.0, category="区政府部门"),
              result("1101050004", 85.0, category="街镇")], prof)
    assert [g.name for g in ev.categories] == ["街镇", "其他", "区政府部门"]
    assert [g.sites for g in ev.categories] == [2, 1, 1]
    assert by_code(ev)["1101050004"].category_rank == 2
