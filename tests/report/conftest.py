"""A hand-built census of three sites: one passes, one fails with findings and facts, one
unmeasured."""

from __future__ import annotations

from typing import Any

import pytest

from govsite.findings import Finding, NotMeasuredNote
from govsite.results import Deduction, RunResults, SiteResult
from govsite.sites import Site


def full_facts() -> dict[str, Any]:
    """Every facts section, with a stale, a blank, an exempt and a hostile column among them."""
    return {
        "home": {
            "items": 30,
            "dated_items": 26,
            "newest": "2026-10-30",
            "newest_title": "区教委召开2026年秋季开学工作会",
            "newest_url": "http://jw.bjchy.gov.cn/xwzx/202610/t1.html",
            "navigation_only": True,
            "age_days": 24,
            "allowed_days": 14,
            "status": "stale",
        },
        "columns": [
            {
                "name": "工作动态",
                "url": "http://jw.bjchy.gov.cn/gzdt/",
                "type": "动态要闻",
                "level": 1,
                "pages": 3,
                "items": 60,
                "dated_items": 60,
                "newest": "2026-11-20",
                "allowed": "14天",
                "age_days": 3,
                "status": "ok",
            },
            {
                "name": "<script>alert('col')</script>",
                "url": "javascript:alert(2)",
                "type": "其他",
                "level": 2,
                "pages": 1,
                "items": 5,
                "dated_items": 5,
                "newest": "2026-11-01",
                "allowed": "12个月",
                "age_days": 22,
                "status": "not_judged",
            },
            {
                "name": "通知公告",
                "url": "http://jw.bjchy.gov.cn/tzgg/",
                "type": "通知公告",
                "level": 1,
                "pages": 2,
                "items": 18,
                "dated_items": 18,
                "newest": "2026-08-15",
                "allowed": "14天",
                "age_days": 100,
                "status": "stale",
            },
            {
                "name": "抗击非典专题",
                "url": "http://jw.bjchy.gov.cn/zt/fd/",
                "type": "历史专题",
                "level": 2,
                "pages": 1,
                "items": 12,
                "dated_items": 12,
                "newest": "2003-06-01",
                "allowed": None,
                "age_days": 8577,
                "status": "exempt",
            },
            {
                "name": "规划计划",
                "url": "http://jw.bjchy.gov.cn/ghjh/",
                "type": "规划计划",
                "level": 1,
                "pages": 1,
                "items": 0,
                "dated_items": 0,
                "newest": None,
                "allowed": "12个月",
                "age_days": None,
                "status": "blank",
            },
        ],
        "messages": {
            "channels": ["http://jw.bjchy.gov.cn/hdjl/xxgk/", "http://www.bjchy.gov.cn/hdjl/"],
            "total": 214,
            "in_window": 88,
            "answered": 80,
            "unanswered": 8,
            "unanswered_over_3m": 3,
            "median_days": 4.5,
            "p90_days": 31.0,
            "share_over_30d": 0.125,
            "newest_reply": "2026-11-18",
        },
        "guides": [
            {
                "url": "http://jw.bjchy.gov.cn/bs/1.html",
                "title": "民办学校设立审批",
                "present": ["事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间"],
                "missing": [],
            },
            {
                "url": "http://jw.bjchy.gov.cn/bs/2.html",
                "title": "教师资格认定",
                "present": ["事项名称", "申请条件"],
                "missing": ["办理材料", "办理时限", "咨询电话"],
            },
        ],
        "search": {
            "found": True,
            "how": "form",
            "action": "http://jw.bjchy.gov.cn/search/",
            "query": "教育",
            "url": "http://jw.bjchy.gov.cn/search/?q=%E6%95%99%E8%82%B2",
            "status": 200,
            "error": None,
            "hits": False,
        },
    }


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
        facts=full_facts(),
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
