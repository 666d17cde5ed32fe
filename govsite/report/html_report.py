"""report.html: one self-contained page for the people who read a census.

Everything is in the file (inline CSS, a few lines of our own JS, no CDN): reports are
mailed around and opened on intranets without internet access. Every string a site gave
us is hostile until proven otherwise (hidden-link findings quote injected scripts), so
Jinja2 autoescapes everything, only http(s) URLs become links, and a Content-Security-
Policy lets no script run but our own, pinned by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from govsite import __version__
from govsite.report.facts_view import site_facts, veto_reasons
from govsite.results import VERDICT_FAIL, VERDICT_NOT_MEASURED, VERDICT_PASS, RunResults, SiteResult
from govsite.sites import (
    KIND_DEPARTMENT,
    KIND_OTHER,
    KIND_PORTAL,
    STATUS_CLOSED,
    STATUS_MERGED,
    STATUS_RUNNING,
)

__all__ = ["render_report_html", "write_report_html"]

VERDICT_ZH = {VERDICT_PASS: "合格", VERDICT_FAIL: "不合格", VERDICT_NOT_MEASURED: "未测"}
# Sorting the fleet table by 结论 puts the sites that need action first.
VERDICT_ORDER = {VERDICT_FAIL: 0, VERDICT_NOT_MEASURED: 1, VERDICT_PASS: 2}
KIND_ZH = {KIND_PORTAL: "门户", KIND_DEPARTMENT: "部门", KIND_OTHER: "其他"}
STATUS_ZH = {STATUS_RUNNING: "运行", STATUS_CLOSED: "关停", STATUS_MERGED: "整合迁移"}
TOP_PROBLEMS = 10


@dataclass(frozen=True)
class ProblemCount:
    """One rule across the fleet: how often it was found and on how many sites."""

    rule: str
    findings: int
    sites: int


@dataclass(frozen=True)
class Summary:
    sites: int
    passed: int
    failed: int
    not_measured: int
    pass_rate: str
    top_problems: list[ProblemCount]


def write_report_html(
    run: RunResults, path: Path, *, rule_names: dict[str, str], profile_notes: dict[str, Any]
) -> None:
    """Write report.html for a run.

    `rule_names` maps rule IDs to their 中文名 (unknown IDs are shown as themselves);
    `profile_notes` is ``{"assumed": [indicator names], "source": "..."}`` and makes the
    report say plainly which points are assumptions rather than the standard's text.
    """
    html = render_report_html(run, rule_names=rule_names, profile_notes=profile_notes)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, path)


def render_report_html(
    run: RunResults, *, rule_names: dict[str, str], profile_notes: dict[str, Any]
) -> str:
    """The report as a string (what `write_report_html` writes)."""
    env = _environment(rule_names)
    script = _template_source(env, "report.js")
    return env.get_template("report.html").render(
        run=run,
        profile_label=_profile_label(run),
        summary=_summarise(run),
        notes={
            "assumed": list(profile_notes.get("assumed") or []),
            "source": profile_notes.get("source") or "",
        },
        css=Markup(_template_source(env, "report.css")),
        script=Markup(script),
        script_hash="sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode(),
        version=__version__,
    )


def _summarise(run: RunResults) -> Summary:
    """Fleet figures. 合格率 counts measured sites only: a site we could not audit is
    neither a success nor a failure of its owner."""
    verdicts = Counter(site.verdict for site in run.sites)
    measured = verdicts[VERDICT_PASS] + verdicts[VERDICT_FAIL]
    rate = f"{100 * verdicts[VERDICT_PASS] / measured:.1f}%" if measured else "—"
    findings: Counter[str] = Counter()
    sites: Counter[str] = Counter()
    for site in run.sites:
        per_rule = Counter(f.rule for f in site.findings)
        findings.update(per_rule)
        sites.update(per_rule.keys())
    top = sorted(findings, key=lambda rule: (-findings[rule], -sites[rule], rule))[:TOP_PROBLEMS]
    return Summary(
        sites=len(run.sites),
        passed=verdicts[VERDICT_PASS],
        failed=verdicts[VERDICT_FAIL],
        not_measured=verdicts[VERDICT_NOT_MEASURED],
        pass_rate=rate,
        top_problems=[ProblemCount(rule, findings[rule], sites[rule]) for rule in top],
    )


def _environment(rule_names: dict[str, str]) -> Environment:
    env = Environment(
        loader=PackageLoader("govsite.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,  # a typo in the template fails the test, not the reader
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        rule_name=lambda rule: rule_names.get(rule, rule),
        verdict_zh=lambda verdict: VERDICT_ZH.get(verdict, verdict),
        verdict_order=lambda verdict: VERDICT_ORDER.get(verdict, 9),
        kind_zh=lambda kind: KIND_ZH.get(kind, kind),
        status_zh=lambda status: STATUS_ZH.get(status, status),
        number=_number,
        score_text=_score_text,
        score_sort=_score_sort,
        evidence_value=_evidence_value,
        site_facts=site_facts,
        veto_reasons=veto_reasons,
        dash=_dash,
    )
    env.tests["web_url"] = _is_web_url
    return env


def _template_source(env: Environment, name: str) -> str:
    """A template file's raw text: CSS and JS go in as written, never rendered or escaped."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source


def _profile_label(run: RunResults) -> str:
    if run.profile_name_zh and run.profile_name_zh != run.profile:
        return f"{run.profile_name_zh}（{run.profile}）"
    return run.profile


def _number(value: float) -> str:
    """86.5 → "86.5", 90.0 → "90": points and scores without noise."""
    return format(round(value, 2), "g")


def _score_text(site: SiteResult) -> str:
    """The score; for an unmeasured verdict, the measured part marked as provisional."""
    if site.score is not None:
        return _number(site.score)
    if site.verdict == VERDICT_NOT_MEASURED and site.measured_score is not None:
        return f"（暂估）{_number(site.measured_score)}"
    return "—"


def _score_sort(site: SiteResult) -> float:
    value = site.score if site.score is not None else site.measured_score
    return -1.0 if value is None else value


def _dash(value: Any) -> Any:
    """A fact that was not established (None) shows as "—"; 0 and "" stay what they are."""
    if value is None:
        return "—"
    return _number(value) if isinstance(value, float) else value


def _evidence_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _is_web_url(value: Any) -> bool:
    """Only http(s) URLs become links: a crawled `javascript:` href must stay text."""
    try:
        return isinstance(value, str) and urlsplit(value).scheme.lower() in ("http", "https")
    except ValueError:  # e.g. a broken IPv6 literal in a crawled href
        return False
