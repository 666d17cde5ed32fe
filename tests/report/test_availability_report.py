"""report.html and results.json show a site's availability: ratio, probes, worst hours."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from govsite.findings import Finding
from govsite.probes import Probe
from govsite.report import validate_results, write_results_json
from govsite.report.html_report import render_report_html
from govsite.results import RunResults
from govsite.rules.availability import availability_facts, probe_window
from govsite.rules.base import RuleContext
from govsite.sites import Site
from govsite.snapshot import SiteSnapshot

CODE = "1101050002"


def facts_from_probes() -> dict[str, object]:
    """Facts computed by the rules' own code from a week with a nightly 03:00 outage."""
    start, _ = probe_window(date(2026, 11, 23), 7)
    probes = []
    for hour in range(7 * 24):
        moment = start + timedelta(hours=hour)
        failed = hour % 24 == 3 or hour == 40
        blocked = hour == 50
        error = "blocked" if blocked else ("timeout" if failed else "")
        probes.append(Probe(moment, not failed and not blocked, 100.0, None, error).to_json())
    snap = SiteSnapshot(site=Site(name="x", site_code=CODE, url="http://jw.bjchy.gov.cn/"),
                        fetched_at="", probes=probes)
    facts = availability_facts(snap, RuleContext(as_of=date(2026, 11, 23)))
    assert facts is not None
    return facts


def _section(html: str) -> str:
    return html.split(f'id="site-{CODE}-availability"')[1].split("<h4")[0]


def _kv(part: str) -> dict[str, str]:
    return {th: re.sub(r"<[^>]+>", "", td).strip()
            for th, td in re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", part, re.S)}


def test_availability_section_and_fleet_column(run: RunResults, rule_names, tmp_path: Path) -> None:
    site = run.sites[1]
    site.facts = {**site.facts, "availability": facts_from_probes()}
    site.vetoes = [*site.vetoes, "availability.unreachable"]
    site.findings = [*site.findings, Finding(rule="availability.unreachable", url=site.site.url,
                                             detail="站点无法访问：8/167次失败（4.79%）",
                                             evidence={"probes": 167})]
    html = render_report_html(run, rule_names=rule_names, profile_notes={})
    cells = _kv(_section(html))
    assert cells == {
        "监测窗口": "2026-11-17 至 2026-11-23",
        "探测次数": "167（另有 1 次被防护拦截，不计入）",
        "失败次数": "8",
        "失败率": "4.79%（达到 5% 即单项否决）",
        "状态": "有打不开的情况",
        "失败类型": "timeout 8 次",
    }
    hours = re.findall(r'<tr class="row-bad"><td>(.*?)</td><td class="num">(\d+)</td>'
                       r'<td class="num">(\d+)</td></tr>', _section(html))
    assert hours == [("03:00–04:00", "7", "7"), ("16:00–17:00", "7", "1")]
    vetoes = html.split(f'id="site-{CODE}"')[1].split('<ul class="vetoes">')[1].split("</ul>")[0]
    assert f'<a href="#site-{CODE}-availability">见可用性监测情况</a>' in vetoes
    fleet = html.split('id="fleet"')[1].split('id="sites"')[0]
    assert "<th>首页失败率</th>" in fleet
    assert '<td class="num" data-sort="0.047904">4.79%</td>' in fleet
    assert fleet.count('<td class="num" data-sort="-1">—</td>') == 2  # sites without probes

    path = tmp_path / "results.json"
    write_results_json(run, path)  # validates facts.availability against the schema
    validate_results(run.to_json())


def test_too_few_probes_show_as_not_measured_with_the_reason(run: RunResults, rule_names) -> None:
    facts = facts_from_probes()
    facts.update(status="not_measured", why="监测窗口内探测100次，要求7天每天至少20次，2026-11-21仅0次")
    run.sites[1].facts = {"availability": facts}
    html = render_report_html(run, rule_names=rule_names, profile_notes={})
    assert _kv(_section(html))["状态"] == "未测：监测窗口内探测100次，要求7天每天至少20次，2026-11-21仅0次"
    assert '<td class="num" data-sort="-1">未测</td>' in html


def test_mistyped_availability_facts_render_as_dashes(run: RunResults, rule_names) -> None:
    run.sites[1].facts = {"availability": {"probes": "many", "worst_hours": [{"hour": 25}, 7],
                                           "errors": "x", "window_start": 3}}
    cells = _kv(_section(render_report_html(run, rule_names=rule_names, profile_notes={})))
    assert cells["探测次数"] == "—" and cells["监测窗口"] == "—" and cells["失败类型"] == "—"
