"""A hand-built quarter for the 通报: twelve running sites in three categories and a closed one.

Built so every part of the circular has something to say: vetoes of two kinds, a site that
fails on points alone, a site that could not be measured, a tie in the evaluation totals
(并列第3名), messages unanswered over three months, a hostile site name, a previous quarter,
a self-check, a rectification re-check and 找错 messages.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from govsite.evaluate.model import (
    Evaluation,
    GroupStats,
    ProgressRow,
    Recheck,
    RecheckItem,
    SelfCheckComparison,
    SelfCheckRow,
    SiteEvaluation,
)
from govsite.findings import Finding
from govsite.report.circular import CircularData, CircularSettings, Figures, build_figures, write_circular
from govsite.report.circular.charts import ChartFontError, cjk_family
from govsite.results import RunResults, SiteResult
from govsite.sites import Site

DISTRICT, DEPARTMENT, ZONE = "区政府", "市政府部门", "管委会"
HOSTILE = "<script>alert(1)</script>区市场监管局网站"

# code suffix → (name, owner, category, verdict, census score, vetoes, findings {rule: count})
SITES: dict[str, tuple] = {
    "01": ("东城街道办事处网站", "东城街道办事处", DISTRICT, "pass", 92.0, [], {"content.typo": 1}),
    "02": ("西城街道办事处网站", "西城街道办事处", DISTRICT, "fail", 55.0,
           ["column.blank", "update.home_stale"],
           {"column.blank": 3, "update.home_stale": 1, "links.broken": 2}),
    "03": ("南湖街道办事处网站", "南湖街道办事处", DISTRICT, "pass", 88.0, [], {}),
    "04": ("北山街道办事处网站", "北山街道办事处", DISTRICT, "not_measured", None, [], {}),
    "05": ("区教育委员会网站", "区教育委员会", DEPARTMENT, "pass", 95.0, [], {}),
    "06": ("区卫生健康委员会网站", "区卫生健康委员会", DEPARTMENT, "fail", 70.0, ["interaction.unanswered"],
           {"interaction.unanswered": 2}),
    "07": ("区财政局网站", "区财政局", DEPARTMENT, "pass", 88.0, [], {}),
    "08": ("区司法局网站", "区司法局", DEPARTMENT, "pass", 84.0, [], {"interaction.unanswered": 1}),
    "09": (HOSTILE, "区市场监督管理局", DEPARTMENT, "pass", 80.0, [], {"security.no_https": 1}),
    "10": ("经开区管委会网站", "经开区管委会", ZONE, "fail", 58.0, [],
           {"links.broken_home": 5, "footer.missing_icp": 1}),
    "11": ("高新区管委会网站", "高新区管委会", ZONE, "pass", 90.0, [], {}),
    "12": ("文旅区管委会网站", "文旅区管委会", ZONE, "pass", 85.0, [], {"content.typo": 2}),
}
CLOSED = ("13", "区旧版门户网站", "区政府办公室", DISTRICT)

# Evaluation totals, ranks and grades (competition ranking: 90, 90 → 3, 3, then 5).
EVAL: dict[str, tuple[float | None, int | None, int | None, str | None]] = {
    "05": (95.0, 1, 1, "优秀"),
    "01": (92.0, 2, 1, "优秀"),
    "11": (90.0, 3, 1, "优秀"),
    "03": (90.0, 3, 2, "优秀"),
    "07": (88.0, 5, 2, "良好"),
    "12": (85.0, 6, 2, "良好"),
    "08": (84.0, 7, 3, "良好"),
    "09": (80.0, 8, 4, "良好"),
    "06": (70.0, 9, 5, "不合格"),
    "10": (58.0, 10, 3, "不合格"),
    "02": (55.0, 11, 3, "不合格"),
    "04": (None, None, None, None),
}
# Evaluation category order differs from the census's first-seen order on purpose.
EVAL_CATEGORIES = (DEPARTMENT, DISTRICT, ZONE)
AS_OF = date(2026, 9, 30)


def code(suffix: str) -> str:
    return f"11010500{suffix}"


def site(suffix: str) -> Site:
    if suffix == CLOSED[0]:
        name, owner, category = CLOSED[1:]
        return Site(name, code(suffix), "http://old.hd.gov.cn/", owner, category, "portal", "closed")
    name, owner, category, *_ = SITES[suffix]
    return Site(name, code(suffix), f"http://s{suffix}.hd.gov.cn/", owner, category, "department")


def findings(suffix: str, counts: dict[str, int]) -> list[Finding]:
    return [
        Finding(rule, f"http://s{suffix}.hd.gov.cn/p{n}.html", f"{rule} #{n}", target=f"t{n}")
        for rule, count in counts.items()
        for n in range(count)
    ]


def run_results(verdicts: dict[str, str] | None = None, as_of: str = "2026-09-30") -> RunResults:
    """This quarter's census; `verdicts` overrides verdicts per suffix (for the previous run)."""
    sites = []
    for suffix, (_, _, _, verdict, score, vetoes, counts) in SITES.items():
        verdict = (verdicts or {}).get(suffix, verdict)
        sites.append(SiteResult(
            site=site(suffix),
            verdict=verdict,
            score=None if verdict == "not_measured" else score,
            measured_score=score,
            vetoes=list(vetoes) if verdicts is None else [],
            findings=findings(suffix, counts) if verdicts is None else [],
        ))
    if verdicts is None:
        sites.append(SiteResult(
            site=site(CLOSED[0]), verdict="not_measured", score=None, measured_score=None,
            findings=findings(CLOSED[0], {"registry.closed_but_online": 1}),
        ))
    return RunResults(profile="district", as_of=as_of, generated_at=as_of + "T12:00:00+08:00",
                      sites=sites, run_id="run-q3", profile_name_zh="海德区政府网站检查方案")


def group(name: str, totals: list[float], pass_rate: float) -> GroupStats:
    average = round(sum(totals) / len(totals), 2)
    good = sum(1 for t in totals if t >= 80)
    return GroupStats(
        name=name, sites=len(totals), scored=len(totals), average=average,
        above_average=sum(1 for t in totals if t > average), min_score=min(totals), max_score=max(totals),
        pass_rate=pass_rate, excellent_good_rate=good / len(totals), good_rate={},
        grade_counts={},
    )


def evaluation() -> Evaluation:
    sites = []
    for suffix, (total, rank, category_rank, grade) in EVAL.items():
        sites.append(SiteEvaluation(
            site=site(suffix),
            scores={"census": SITES[suffix][4], "expert": total},
            total=total, grade=grade, rank=rank, category_rank=category_rank,
            census_verdict=SITES[suffix][3], vetoed=list(SITES[suffix][5]),
        ))
    totals = {c: [EVAL[s][0] for s in EVAL if SITES[s][2] == c and EVAL[s][0] is not None]
              for c in EVAL_CATEGORIES}
    every = [t for ts in totals.values() for t in ts]
    return Evaluation(
        period="2026Q3", profile="district-eval", profile_name_zh="海德区政府网站绩效评估方案",
        run_id="run-q3",
        sources=[{"id": "census", "name_zh": "普查得分", "weight": 0.7},
                 {"id": "expert", "name_zh": "专家评议", "weight": 0.3}],
        sites=sites,
        categories=[group(c, totals[c], rate)
                    for c, rate in zip(EVAL_CATEGORIES, (0.8, 2 / 3, 2 / 3), strict=True)],
        overall=group("全部", every, 8 / 11),
        progress=[
            ProgressRow(code("12"), SITES["12"][0], ZONE, 72.5, 85.0, 12.5, 10, 6, notable=True),
            ProgressRow(code("03"), SITES["03"][0], DISTRICT, 87.0, 90.0, 3.0, 4, 3, notable=False),
            ProgressRow(code("11"), SITES["11"][0], ZONE, 80.0, 90.0, 10.0, 8, 3, notable=True),
        ],
        previous_period="2026Q2",
    )


def previous_run() -> RunResults:
    """2026Q2: 02, 03, 10, 12 failed; 04 passed; 8 of 12 passed."""
    verdicts = {s: "pass" for s in SITES}
    verdicts.update({"02": "fail", "03": "fail", "10": "fail", "12": "fail"})
    return run_results(verdicts, as_of="2026-06-30")


def selfcheck() -> SelfCheckComparison:
    rows = [
        SelfCheckRow(code("02"), SITES["02"][0], "西城街道办事处", "pass", "fail", False),
        SelfCheckRow(code("05"), SITES["05"][0], "区教育委员会", "pass", "pass", True),
        SelfCheckRow(code("06"), SITES["06"][0], "区卫生健康委员会", "fail", "fail", True),
        SelfCheckRow(code("04"), SITES["04"][0], "北山街道办事处", "pass", "not_measured", None),
    ]
    return SelfCheckComparison(
        period="2026Q3", run_id="run-q3", rows=rows, compared=3, agreed=2, agreement_rate=2 / 3,
        said_pass_census_fail=[code("02")], said_fail_census_pass=[], missing=[code("11")],
        conclusion_zh="经复核，各单位自查结果总体准确，1家网站自查报告合格但检查不合格",
    )


def recheck() -> Recheck:
    def item(suffix: str, rule: str, state: str) -> RecheckItem:
        return RecheckItem(code(suffix), SITES[suffix][0], rule, "http://x/", None, "d", state, "r")

    items = [
        item("02", "column.blank", "未整改"),
        item("03", "column.stale", "已整改"),
        item("03", "links.broken", "已整改"),
        item("10", "links.broken_home", "未整改"),
        item("12", "content.typo", "无法核实"),
    ]
    return Recheck(
        previous_run="run-q2", checked_at="2026-09-20T10:00:00+08:00", as_of="2026-09-20", items=items,
        counts={"已整改": 2, "未整改": 2, "无法核实": 1},
        sites_fixed=[code("03")], sites_open=[code("02"), code("10")],
    )


def message(unit: str, suffix: str, *, closed: str | None, deadline: str, on_time: bool | None,
            returned: bool = False) -> dict:
    return {
        "site_code": code(suffix), "site_name": SITES[suffix][0], "unit": unit,
        "received_at": "2026-08-01", "deadline": deadline, "state": "已办结" if closed else "办理中",
        "closed_at": closed, "on_time": on_time, "returned": returned,
    }


def messages() -> list[dict]:
    return [
        message("区教育委员会", "05", closed="2026-08-03", deadline="2026-08-06", on_time=True),
        message("区教育委员会", "05", closed="2026-08-04", deadline="2026-08-06", on_time=True),
        message("区卫生健康委员会", "06", closed="2026-08-20", deadline="2026-08-06", on_time=False),
        message("区卫生健康委员会", "06", closed=None, deadline="2026-09-01", on_time=None),
        message("区卫生健康委员会", "06", closed=None, deadline="2026-10-10", on_time=None),
        message("东城街道办事处", "01", closed="2026-08-02", deadline="2026-08-06", on_time=True,
                returned=True),
    ]


def full_data() -> CircularData:
    return CircularData(
        period="2026Q3",
        as_of=AS_OF,
        run=run_results(),
        evaluation=evaluation(),
        history=[("2026Q1", 0.625), ("2026Q2", 2 / 3), ("2026Q3", 0.5)],
        previous_run=previous_run(),
        selfcheck=selfcheck(),
        recheck=recheck(),
        messages=messages(),
    )


def minimal_data() -> CircularData:
    """The census alone: every optional part absent."""
    return CircularData(period="2026Q3", as_of=AS_OF, run=run_results())


SETTINGS = CircularSettings(
    issuer="海德区政府网站管理中心",
    recipients="各街道办事处，区政府各委、办、局",
    sign_date=date(2026, 10, 15),
    doc_number="海网管〔2026〕12号",
)


@pytest.fixture
def data() -> CircularData:
    return full_data()


@pytest.fixture
def settings() -> CircularSettings:
    return SETTINGS


def require(available: bool, message: str) -> None:
    """A system dependency: skip with the reason on a dev machine, fail under CI=true."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_cjk_font() -> None:
    try:
        cjk_family()
    except ChartFontError as exc:
        require(False, str(exc))


@pytest.fixture(scope="session")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The full quarter written once as .docx, .xlsx and .html."""
    require_cjk_font()
    return write_circular(full_data(), SETTINGS, tmp_path_factory.mktemp("circular"))


@pytest.fixture(scope="session")
def expected() -> Figures:
    """What the documents must print: the figures, built the way the writer builds them."""
    return build_figures(full_data())
