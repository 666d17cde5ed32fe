"""The figures against numbers counted here by other means (and, where fixed, by hand)."""

from __future__ import annotations

from collections import Counter

import pytest

from govsite.report.circular import CircularData, build_figures, load_text_layer
from govsite.report.circular.data import CircularDataError
from govsite.report.circular.figures import Vocabulary

from .conftest import AS_OF, DEPARTMENT, DISTRICT, SITES, ZONE, code, full_data, minimal_data, run_results

# The fixture's rules by the problem type the bundled text layer gives them, written out here
# rather than derived from the layer, so a wrong pattern in the YAML fails these tests.
TYPES = {
    "content.typo": "错别字",
    "column.blank": "空白栏目",
    "update.home_stale": "首页长期未更新",
    "links.broken": "链接不可用",
    "links.broken_home": "链接不可用",
    "interaction.unanswered": "互动回应差",
    "security.no_https": "安全防护不到位",
    "footer.missing_icp": "网站标识不规范",
    "registry.closed_but_online": "关停网站仍可访问",
}


@pytest.fixture(scope="module")
def figures():
    return build_figures(full_data())


def test_census_counts_match_an_independent_count(figures) -> None:
    running = [s for s in full_data().run.sites if s.site.status == "running"]
    verdicts = Counter(s.verdict for s in running)
    assert figures.sites_checked == len(running) == 12
    assert (figures.passed, figures.failed, figures.not_measured) == (
        verdicts["pass"], verdicts["fail"], verdicts["not_measured"]) == (8, 3, 1)
    # not_measured is listed apart and kept out of the denominator: 8 / (8 + 3), not 8 / 12.
    assert figures.pass_rate == pytest.approx(8 / 11)
    assert [s.name for s in figures.not_measured_sites] == ["北山街道办事处网站"]


def test_categories_follow_the_evaluation_order_else_first_seen() -> None:
    with_eval = build_figures(full_data())
    assert [c.name for c in with_eval.categories] == [DEPARTMENT, DISTRICT, ZONE]
    alone = build_figures(minimal_data())
    assert [c.name for c in alone.categories] == [DISTRICT, DEPARTMENT, ZONE]
    for c in with_eval.categories:
        members = [v for v in SITES.values() if v[2] == c.name]
        passed = sum(1 for v in members if v[3] == "pass")
        failed = sum(1 for v in members if v[3] == "fail")
        assert (c.checked, c.passed, c.failed) == (len(members), passed, failed)
        assert c.pass_rate == pytest.approx(passed / (passed + failed))
    district = with_eval.categories[1]
    assert (district.not_measured, district.pass_rate) == (1, pytest.approx(2 / 3))


def test_category_averages_come_from_the_evaluation(figures) -> None:
    department = figures.categories[0]
    assert department.average == pytest.approx((95 + 88 + 84 + 80 + 70) / 5)
    assert (department.above_average, department.min_score) == (3, 70.0)
    assert figures.overall.average == pytest.approx(887 / 11, abs=0.01)
    assert all(c.average is None for c in build_figures(minimal_data()).categories)


def test_problem_types_count_sites_and_findings(figures) -> None:
    sites: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for s in full_data().run.sites:
        types = [TYPES[f.rule] for f in s.findings]
        findings.update(types)
        sites.update(set(types))
    assert {p.type: (p.sites, p.findings) for p in figures.problem_types} == {
        t: (sites[t], findings[t]) for t in sites
    }
    assert figures.problem_types[0].type == "链接不可用"  # most sites, then most findings
    assert (figures.problem_types[0].sites, figures.problem_types[0].findings) == (2, 7)
    counts = [(p.sites, p.findings) for p in figures.problem_types]
    assert counts == sorted(counts, reverse=True)


def test_veto_counts_by_problem_type(figures) -> None:
    assert {v.type: v.sites for v in figures.vetoes} == {"空白栏目": 1, "首页长期未更新": 1, "互动回应差": 1}


def test_problem_list_has_failed_and_vetoed_sites_with_their_veto_types(figures) -> None:
    rows = {p.site_code: p for p in figures.problem_sites}
    assert set(rows) == {code(s) for s, v in SITES.items() if v[3] == "fail" or v[5]}
    west = rows[code("02")]
    assert (west.name, west.owner) == ("西城街道办事处网站", "西城街道办事处")
    assert [(p.type, p.findings) for p in west.problems] == [("首页长期未更新", 1), ("空白栏目", 3)]
    assert west.findings == 6
    assert rows[code("10")].problems == ()  # failed on points alone
    assert rows[code("10")].score == 58.0


def test_units_with_unanswered_messages_are_named(figures) -> None:
    assert [(u.unit, u.findings) for u in figures.overdue_units] == [("区卫生健康委员会", 2), ("区司法局", 1)]


def test_closed_sites_count_only_when_still_online(figures) -> None:
    assert [s.name for s in figures.closed_online] == ["区旧版门户网站"]
    assert code("13") not in {s.site_code for s in figures.sites}


def test_ranking_marks_ties_and_lists_the_top(figures) -> None:
    ev = figures.evaluation
    tied = {r.name for r in ev.ranking if r.tied}
    assert tied == {"南湖街道办事处网站", "高新区管委会网站"}
    assert [(r.name, r.rank) for r in ev.top] == [
        ("区教育委员会网站", 1), ("东城街道办事处网站", 2), ("南湖街道办事处网站", 3),
        ("高新区管委会网站", 3)]
    assert ev.ranking[-1].rank is None  # the unscored site ranks last, unranked
    assert ev.ranking[0].scores == (95.0, 95.0)
    assert ev.sources == ("普查得分", "专家评议")


def test_excellent_and_good_are_grouped_by_category_in_evaluation_order(figures) -> None:
    ev = figures.evaluation
    assert [(g.category, [s.name for s in g.sites]) for g in ev.excellent] == [
        (DEPARTMENT, ["区教育委员会网站"]),
        (DISTRICT, ["东城街道办事处网站", "南湖街道办事处网站"]),
        (ZONE, ["高新区管委会网站"]),
    ]
    assert ev.excellent_count == 4
    assert ev.good_count == sum(1 for s in ev.ranking if s.grade == "良好") == 4
    assert ev.excellent[1].sites[0].score == 92.0
    assert [(p.name, p.delta) for p in ev.progress] == [
        ("文旅区管委会网站", 12.5), ("高新区管委会网站", 10.0)]


def test_previous_period_and_trend(figures) -> None:
    prev = figures.previous
    assert (prev.period, prev.period_zh) == ("2026Q2", "2026年第二季度")
    assert prev.pass_rate == pytest.approx(8 / 12)
    assert prev.change_points == pytest.approx(round(800 / 11, 1) - round(800 / 12, 1))
    assert prev.previously_failed == 4
    assert prev.still_failing == ("西城街道办事处网站", "经开区管委会网站")
    assert prev.now_passing == ("南湖街道办事处网站", "文旅区管委会网站")
    # The current point is this run's rate, not what the caller's history said (0.5).
    assert [(p.period, p.pass_rate) for p in figures.trend] == [
        ("2026Q1", 0.625), ("2026Q2", pytest.approx(2 / 3)), ("2026Q3", pytest.approx(8 / 11))]


def test_previous_rate_from_history_when_no_previous_run() -> None:
    data = minimal_data()
    data.history = [("2026Q2", 0.9)]
    prev = build_figures(data).previous
    assert prev.pass_rate == 0.9
    assert prev.change_points == pytest.approx(72.7 - 90.0)
    assert prev.previously_failed == 0


def test_selfcheck_recheck_and_messages(figures) -> None:
    assert figures.selfcheck.agreement_rate == pytest.approx(2 / 3)
    assert figures.selfcheck.said_pass_census_fail == ("西城街道办事处网站",)
    assert figures.selfcheck.conclusion.startswith("经复核")
    r = figures.recheck
    assert (r.total, r.fixed, r.open, r.unverifiable) == (5, 2, 2, 1)
    assert r.sites_open == ("西城街道办事处网站", "经开区管委会网站")
    m = figures.messages
    health = next(u for u in m.units if u.unit == "区卫生健康委员会")
    # one closed late, one open past its deadline on as_of; the third is still within time.
    assert (health.received, health.closed, health.on_time, health.overdue) == (3, 1, 0, 2)
    assert health.on_time_rate == 0.0
    assert (m.total.received, m.total.closed, m.total.on_time, m.total.returned) == (6, 4, 3, 1)
    # 按期办结率 = on time / (closed + open past the deadline): 3 / (4 + 1).
    assert m.total.on_time_rate == pytest.approx(3 / 5)
    assert [u.unit for u in m.overdue_units] == ["区卫生健康委员会"]


def test_absent_parts_stay_absent() -> None:
    f = build_figures(minimal_data())
    assert (f.evaluation, f.previous, f.selfcheck, f.recheck, f.messages) == (None, None, None, None, None)
    assert [p.period for p in f.trend] == ["2026Q3"]
    assert all(s.total is None and s.grade is None for s in f.sites)


def test_vocabulary_first_match_wins_and_unknown_rules_are_other() -> None:
    vocabulary = Vocabulary((("content.typo", "错别字"), ("content.*", "内容问题")), "其他问题", "未分类")
    assert vocabulary.problem_type("content.typo") == "错别字"
    assert vocabulary.problem_type("content.banned") == "内容问题"
    assert vocabulary.problem_type("brand.new_rule") == "其他问题"
    bundled = load_text_layer().vocabulary
    assert {rule: bundled.problem_type(rule) for rule in TYPES} == TYPES
    for rule in ("a11y.image-alt", "mobile.no_viewport"):
        assert bundled.problem_type(rule) == "无障碍与适老化"


def test_bad_inputs_fail_clearly() -> None:
    with pytest.raises(CircularDataError, match="YYYYQn"):
        CircularData(period="2026-3", as_of=AS_OF, run=run_results())
    with pytest.raises(CircularDataError, match="deadline"):
        CircularData(period="2026Q3", as_of=AS_OF, run=run_results(), messages=[{"site_code": "1"}])
