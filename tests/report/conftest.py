"""A hand-built census of three sites: one passes, one fails with findings, one unmeasured."""

from __future__ import annotations

import pytest

from govsite.findings import Finding, NotMeasuredNote
from govsite.results import Deduction, RunResults, SiteResult
from govsite.sites import Site


@pytest.fixture
def rule_names() -> dict[str, str]:
    return {
        "links.broken_home": "首页不可用链接",
        "column.stale": "栏目不更新",
        "content.hidden_link": "暗链/挂马",
        "availability.unreachable": "站点无法访问",
    }


@pytest.fixture
def profile_notes() -> dict[str, object]:
    return {"assumed": ["链接可用性", "栏目更新"], "source": "gb2019.yaml（国办函〔2019〕80号）"}


@pytest.fixture
def run() -> RunResults:
    passing = SiteResult(
        site=Site(
            name="北京市朝阳区人民政府",
            site_code="1101050001",
            url="http://www.bjchy.gov.cn/",
            category="区政府",
            kind="portal",
        ),
        verdict="pass",
        score=98.0,
        measured_score=98.0,
        stats={"pages": 412, "links": 9120, "seconds": 31.4},
    )
    failing_site = Site(
        name="朝阳区教育委员会",
        site_code="1101050002",
        url="http://jw.bjchy.gov.cn/",
        owner="朝阳区教委",
        category="区政府部门",
        kind="department",
    )
    failing = SiteResult(
        site=failing_site,
        verdict="fail",
        score=86.5,
        measured_score=86.5,
        vetoes=["column.stale"],
        deductions=[
            Deduction(
                rule="links.broken_home",
                points=2.0,
                count=2,
                indicator="links",
                indicator_zh="链接可用性",
                findings=(1, 2),
            )
        ],
        findings=[
            Finding(
                rule="column.stale",
                url="http://jw.bjchy.gov.cn/",
                target="http://jw.bjchy.gov.cn/xwzx/",
                detail="栏目“新闻中心”超过14天未更新",
                evidence={"column": "新闻中心", "newest": "2026-10-30", "allowed_days": 14},
            ),
            Finding(
                rule="content.hidden_link",
                url="http://jw.bjchy.gov.cn/",
                target="javascript:alert(1)",
                detail="隐藏链接 <script>alert('x')</script>",
                evidence={"how": "display:none", "html": "<a href='//evil'>博彩</a>"},
            ),
            Finding(
                rule="links.broken_home",
                url="http://jw.bjchy.gov.cn/",
                target="http://jw.bjchy.gov.cn/old.html",
                detail="HTTP 404",
                evidence={"status": 404},
            ),
        ],
        not_measured=[
            NotMeasuredNote(what="availability", why="无可用性监测数据（未提供 --probes）")
        ],
        stats={"pages": 37, "links": 800, "seconds": 12.0},
    )
    unmeasured = SiteResult(
        site=Site(
            name="朝阳区卫生健康委员会",
            site_code="1101050003",
            url="https://wjw.bjchy.gov.cn/",
            category="区政府部门",
            kind="department",
        ),
        verdict="not_measured",
        score=None,
        measured_score=91.25,
        not_measured=[NotMeasuredNote(what="site", why="被防火墙拦截（waf）")],
    )
    return RunResults(
        profile="gb2019",
        as_of="2026-11-23",
        generated_at="2026-11-23T10:00:00+08:00",
        sites=[passing, failing, unmeasured],
        run_id="20261123-020000-a1b2c3",
        profile_name_zh="政府网站与政务新媒体检查指标（2019）",
    )
