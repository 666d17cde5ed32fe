"""report.html: Chinese labels, every site, the assumption notice, escaping, sorting."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from govsite.report import render_report_html, write_report_html
from govsite.report.facts_view import veto_reasons
from govsite.results import RunResults


@pytest.fixture
def html(
    run: RunResults, tmp_path: Path, rule_names: dict[str, str], profile_notes: dict[str, Any]
) -> str:
    path = tmp_path / "report.html"
    write_report_html(run, path, rule_names=rule_names, profile_notes=profile_notes)
    return path.read_text(encoding="utf-8")


def test_header_and_summary(html: str) -> None:
    for text in (
        "普查报告",
        "政府网站与政务新媒体检查指标（2019）（gb2019）",
        "监测时间点：2026-11-23",
        "生成时间：2026-11-23T10:00:00+08:00",
        "运行编号：20261123-020000-a1b2c3",
    ):
        assert text in html
    summary = html.split('id="summary"')[1].split('id="fleet"')[0]
    cards = dict(re.findall(r'<div class="card">(\w+)<b>([^<]+)</b>', summary))
    assert cards == {"网站数": "3", "合格": "1", "不合格": "1", "未测": "1", "合格率": "50.0%"}
    assert re.search(
        r"栏目不更新 <span class=\"rule-id\">column.stale</span></td>"
        r"<td class=\"num\">1</td><td class=\"num\">1</td>",
        summary,
    )


def test_fleet_table_rows_link_to_site_sections(html: str) -> None:
    fleet = html.split('id="fleet"')[1].split('id="sites"')[0]
    assert '<table class="sortable">' in fleet
    for code, name in [
        ("1101050001", "北京市朝阳区人民政府"),
        ("1101050002", "朝阳区教育委员会"),
        ("1101050003", "朝阳区卫生健康委员会"),
    ]:
        assert f'<a href="#site-{code}">{name}</a>' in fleet
        assert f'id="site-{code}"' in html
    for label in ("网站名称", "标识码", "类别", "结论", "得分", "否决项", "问题数"):
        assert f"<th>{label}</th>" in fleet
    assert 'class="verdict verdict-pass">合格<' in fleet
    assert 'class="verdict verdict-fail">不合格<' in fleet
    assert 'class="verdict verdict-not_measured">未测<' in fleet
    assert '<td class="num" data-sort="91.25">（暂估）91.25</td>' in fleet
    assert '<td class="num" data-sort="86.5">86.5</td>' in fleet
    assert '<td data-sort="1">栏目不更新</td>' in fleet


def test_site_section_lists_everything(html: str) -> None:
    section = html.split('id="site-1101050002"')[1].split('<section class="site"')[0]
    assert "<h4>否决项</h4>" in section and "<h4>扣分</h4>" in section
    assert "<td>链接可用性</td>" in section and '<td class="num">2</td>' in section
    assert "栏目“新闻中心”超过14天未更新" in section
    assert (
        '<a class="url" href="http://jw.bjchy.gov.cn/old.html" rel="noreferrer nofollow">'
        in section
    )
    assert "<li><b>allowed_days</b>: 14</li>" in section
    assert "<h4>未测项目</h4>" in section and "无可用性监测数据（未提供 --probes）" in section
    unmeasured = html.split('id="site-1101050003"')[1]
    assert "被防火墙拦截（waf）" in unmeasured


def test_assumed_points_are_announced(html: str) -> None:
    assert "以下分值为假设（标准原文未确认）：</strong>链接可用性、栏目更新" in html
    assert "依据：gb2019.yaml（国办函〔2019〕80号）" in html


def test_no_notice_without_assumptions(run: RunResults, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_report_html(run, path, rule_names={}, profile_notes={})
    text = path.read_text(encoding="utf-8")
    assert "假设" not in text
    assert "column.stale" in text  # unknown rule names fall back to the ID


def test_crawled_strings_are_escaped_and_never_become_script_links(html: str) -> None:
    assert "<script>alert" not in html
    assert "隐藏链接 &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;a href=&#39;//evil&#39;&gt;博彩&lt;/a&gt;" in html
    assert 'href="javascript:' not in html
    assert '<span class="url">javascript:alert(1)</span>' in html


def test_self_contained_with_sort_script_pinned_by_csp(html: str) -> None:
    assert html.count("<script>") == 1
    assert "table.sortable" in html and 'addEventListener("click", sort)' in html
    assert not re.search(r"(src|href)=\"(https?:)?//(?!jw\.|www\.|wjw\.)", html)
    script = html.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html


# ---------------------------------------------------------------------------- facts


def _facts_part(html: str, section: str, code: str = "1101050002") -> str:
    """One facts section of a site: from its heading to the next heading."""
    return html.split(f'id="site-{code}-{section}"')[1].split("<h4")[0]


def _text(cell: str) -> str:
    return re.sub(r"<[^>]+>", "", cell).strip()


def _rows(part: str) -> list[tuple[bool, list[str]]]:
    """The body rows of a table as (marked bad, [cell text without tags])."""
    body = part.split("<tbody>")[1].split("</tbody>")[0]
    return [
        (bool(marked), [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)])
        for marked, row in re.findall(r"<tr( class=\"row-bad\")?>(.*?)</tr>", body, re.S)
    ]


def _kv(part: str) -> dict[str, str]:
    """A label/value table as {label: value text}."""
    return {
        th: _text(td) for th, td in re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", part, re.S)
    }


def _render(run: RunResults, rule_names: dict[str, str]) -> str:
    return render_report_html(run, rule_names=rule_names, profile_notes={})


def test_home_update_facts(html: str) -> None:
    home = _facts_part(html, "home")
    assert ">首页更新</h4>" in html.split('id="site-1101050002-home"')[1][:20]
    assert '<p class="note">首页为导航页</p>' in home
    assert (
        '<a href="http://jw.bjchy.gov.cn/xwzx/202610/t1.html" rel="noreferrer nofollow">'
        "区教委召开2026年秋季开学工作会</a>" in home
    )
    cells = _kv(home)
    assert cells["发布日期"] == "2026-10-30"
    assert cells["距今天数"] == "24 天（要求 14天 内更新）"
    assert cells["状态"] == "超期未更新" and '<span class="tone-bad">超期未更新</span>' in home
    assert cells["首页信息数"] == "30（有日期 26）"


def test_columns_table_lists_stale_and_blank_first_and_marks_them(html: str) -> None:
    part = _facts_part(html, "columns")
    assert "栏目（5）" in html.split('id="site-1101050002-columns"')[1][:20]
    for label in ("栏目名称", "类型", "级别", "最新信息日期", "距今天数", "更新要求", "状态"):
        assert f"<th>{label}</th>" in part
    assert '<table class="sortable columns">' in part
    assert _rows(part) == [
        (True, ["通知公告", "通知公告", "一级", "18", "2026-08-15", "100", "14天", "超期未更新"]),
        (True, ["规划计划", "规划计划", "一级", "0", "无日期", "—", "12个月", "空白栏目"]),
        (False, ["工作动态", "动态要闻", "一级", "60", "2026-11-20", "3", "14天", "正常"]),
        (
            False,
            [
                "&lt;script&gt;alert(&#39;col&#39;)&lt;/script&gt;",
                "其他",
                "二级",
                "5",
                "2026-11-01",
                "22",
                "12个月",
                "不检查",
            ],
        ),
        (False, ["抗击非典专题", "历史专题", "二级", "12", "2003-06-01", "8577", "—", "豁免（历史专题）"]),
    ]
    assert '<span class="tone-bad">超期未更新</span>' in part
    assert '<span class="tone-bad">空白栏目</span>' in part
    assert '<a href="http://jw.bjchy.gov.cn/tzgg/" rel="noreferrer nofollow">通知公告</a>' in part
    assert (
        '超期未更新 <span class="tone-bad">1</span> 个，空白栏目 <span class="tone-bad">1</span> 个' in part
    )


def test_hostile_column_name_and_url_stay_text(html: str) -> None:
    assert "alert('col')" not in html and "<script>alert" not in html
    assert "<td>&lt;script&gt;alert(&#39;col&#39;)&lt;/script&gt;</td>" in html
    assert 'href="javascript:' not in html
    assert html.count("<script>") == 1


def test_message_statistics(html: str) -> None:
    part = _facts_part(html, "messages")
    pairs = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", part, re.S)
    stats = {dt: _text(dd) for dt, dd in pairs}
    assert stats == {
        "渠道": "http://jw.bjchy.gov.cn/hdjl/xxgk/http://www.bjchy.gov.cn/hdjl/",
        "留言总数": "214",
        "一年内留言": "88",
        "已答复": "80",
        "未答复": "8",
        "超3个月未答复": "3",
        "答复用时中位数（天）": "4.5",
        "答复用时P90（天）": "31",
        "超过1个月答复占比": "12.5%",
        "最近答复日期": "2026-11-18",
    }
    assert '<dt>超3个月未答复</dt><dd class="tone-bad">3</dd>' in part
    assert '<a class="url" href="http://www.bjchy.gov.cn/hdjl/"' in part


def test_guides_table_lists_incomplete_guides_with_what_is_missing(html: str) -> None:
    part = _facts_part(html, "guides")
    assert "<th>办事指南</th><th>缺失要素</th>" in part
    assert _rows(part) == [
        (True, ["教师资格认定", "办理材料办理时限咨询电话"]),
        (False, ["民办学校设立审批", "齐全"]),
    ]
    assert '<ul class="missing"><li>办理材料</li><li>办理时限</li><li>咨询电话</li></ul>' in part
    assert '<span class="tone-ok">齐全</span>' in part


def test_site_search_probe(html: str) -> None:
    cells = _kv(_facts_part(html, "search"))
    assert cells == {
        "搜索功能": "已找到（form）",
        "提交地址": "http://jw.bjchy.gov.cn/search/",
        "检索词": "教育",
        "结果页": "http://jw.bjchy.gov.cn/search/?q=%E6%95%99%E8%82%B2",
        "响应": "HTTP 200",
        "检索结果": "无结果",
    }


def test_each_veto_says_why_and_links_to_its_findings_and_facts(html: str) -> None:
    section = html.split('id="site-1101050002"')[1].split('<section class="site"')[0]
    vetoes = section.split('<ul class="vetoes">')[1].split("</ul>")[0]
    assert '栏目不更新 <span class="rule-id">column.stale</span>' in vetoes
    assert '<a href="#site-1101050002-finding-1">1 条问题</a>' in vetoes
    assert '<a href="#site-1101050002-columns">见栏目情况</a>' in vetoes
    # the anchors exist: finding #1 is the column.stale finding
    row = section.split('<tr id="site-1101050002-finding-1">')[1].split("</tr>")[0]
    assert "column.stale" in row and "栏目“新闻中心”超过14天未更新" in row
    assert 'id="site-1101050002-columns"' in section


def test_veto_links_every_finding_of_its_rule(run: RunResults, rule_names: dict[str, str]) -> None:
    site = run.sites[1]
    site.vetoes = ["content.hidden_link", "links.broken_home"]
    site.findings = site.findings + site.findings[1:2]  # a second hidden link, #4
    vetoes = _render(run, rule_names).split('<ul class="vetoes">')[1].split("</ul>")[0]
    assert "暗链/挂马" in vetoes and '<a href="#site-1101050002-finding-2">2 条问题</a>' in vetoes
    assert '<a href="#site-1101050002-finding-4">#4</a>' in vetoes
    assert '<a href="#site-1101050002-finding-3">1 条问题</a>' in vetoes
    assert "见" not in vetoes  # no facts section explains these rules


def test_site_without_facts_has_no_facts_sections(html: str) -> None:
    section = html.split('id="site-1101050001"')[1].split('<section class="site"')[0]
    for heading in ("首页更新", "栏目", "互动交流", "办事指南", "站内搜索"):
        assert f">{heading}" not in section
    assert 'id="site-1101050001-' not in section
    assert "未发现问题。" in section


def test_partial_and_mistyped_facts_render_without_failing(
    run: RunResults, rule_names: dict[str, str]
) -> None:
    """Rules fill facts as they can: missing keys, nulls and odd types show as "—"."""
    run.sites[0].facts = {
        "home": {"status": "unknown", "newest": None, "items": "many"},
        "columns": [7, {"name": None, "url": None, "level": "一", "status": "weird"}],
        "messages": {"channels": None, "total": 5, "unanswered_over_3m": 0},
        "guides": [],
        "search": {"found": False, "error": "<b>timeout</b>", "hits": None},
    }
    html = _render(run, rule_names)
    code = "1101050001"
    home = _kv(_facts_part(html, "home", code))
    assert home["状态"] == "无法判断" and home["发布日期"] == "无日期"
    assert home["最新信息"] == "—" and home["首页信息数"] == "—"
    assert "首页为导航页" not in _facts_part(html, "home", code)
    assert _rows(_facts_part(html, "columns", code)) == [
        (False, ["—", "—", "—", "—", "无日期", "—", "—", "—"])
    ]
    messages = _facts_part(html, "messages", code)
    assert '<span class="tone-bad">未找到留言渠道</span>' in messages
    assert "<dt>超3个月未答复</dt><dd>0</dd>" in messages
    assert "<dt>答复用时中位数（天）</dt><dd>—</dd>" in messages
    assert "未找到办事指南。" in _facts_part(html, "guides", code)
    search = _kv(_facts_part(html, "search", code))
    assert search["搜索功能"] == "未找到" and search["检索结果"] == "—"
    assert "&lt;b&gt;timeout&lt;/b&gt;" in _facts_part(html, "search", code)


@pytest.mark.parametrize(
    ("rule", "section"),
    [
        ("column.stale", "columns"),
        ("column.blank", "columns"),
        ("update.home_stale", "home"),
        ("interaction.unanswered", "messages"),
        ("interaction.no_channel", "messages"),
        ("service.guide_incomplete", "guides"),
        ("service.none", "guides"),
        ("search.unavailable", "search"),
        ("content.hidden_link", None),
    ],
)
def test_each_veto_rule_points_at_the_facts_that_explain_it(
    run: RunResults, rule: str, section: str | None
) -> None:
    site = run.sites[1]
    site.vetoes = [rule]
    (reason,) = veto_reasons(site)
    assert reason.section == section
    site.facts = {}
    (reason,) = veto_reasons(site)
    assert reason.section is None  # no link to a section the site does not have


def test_browser_screenshot_is_an_inline_image_kept_out_of_results(
    run: RunResults, rule_names: dict[str, str]
) -> None:
    import json

    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0fake-jpeg").decode("ascii")
    run.sites[0].screenshot = {"url": "http://www.bjhd.gov.cn/", "mime": "image/jpeg",
                               "width": 1280, "height": 900, "bytes": 14, "data": jpeg}
    html = render_report_html(run, rule_names=rule_names, profile_notes={})
    img = re.search(r'<img src="data:image/jpeg;base64,([^"]+)"[^>]*alt="([^"]+)"', html)
    assert img and img.group(1) == jpeg and "首页截图" in img.group(2)
    # The CSP lets data: images through and nothing else.
    assert "img-src data:;" in html
    assert jpeg not in json.dumps(run.to_json())


def test_evidence_screenshots_sit_under_their_veto_with_url_and_time(
    run: RunResults, rule_names: dict[str, str]
) -> None:
    from govsite.findings import Finding

    site = run.sites[1]
    page = "http://www.example.gov.cn/xwzx/<b>/"
    site.findings = [Finding(rule="column.stale", url=page, detail="栏目超期未更新")]
    site.vetoes = ["column.stale"]
    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0evidence").decode("ascii")
    site.evidence_screenshots = [
        {"url": page, "taken_at": "2026-11-23T15:04:05+08:00", "status": 200,
         "mime": "image/jpeg", "width": 1280, "height": 700, "bytes": 12, "data": jpeg},
        {"url": "http://www.example.gov.cn/other/", "taken_at": "2026-11-23T15:04:06+08:00",
         "error": "TimeoutError: <timeout>"},
    ]
    (reason,) = veto_reasons(site)
    assert [s["url"] for s in reason.screenshots] == [page]  # only pages its findings name
    site.findings.append(Finding(rule="column.stale", url="http://www.example.gov.cn/other/",
                                 detail="栏目超期未更新"))
    html = render_report_html(run, rule_names=rule_names, profile_notes={})
    vetoes = html[html.index('<ul class="vetoes">'):]
    vetoes = vetoes[:vetoes.index("</ul>")]
    assert f'src="data:image/jpeg;base64,{jpeg}"' in vetoes
    assert "截图时间 2026-11-23T15:04:05+08:00" in vetoes and "（HTTP 200）" in vetoes
    assert "&lt;b&gt;" in vetoes and "<b>" not in vetoes  # crawled URLs are escaped
    assert "取证截图未能生成" in vetoes and "TimeoutError: &lt;timeout&gt;" in vetoes
