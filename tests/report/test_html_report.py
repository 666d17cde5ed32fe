"""report.html: Chinese labels, every site, the assumption notice, escaping, sorting."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from govsite.report import write_report_html
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
