"""Per-site and per-run results: the in-memory form of results.json (contract §3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govsite.findings import Finding, NotMeasuredNote
from govsite.sites import Site

RESULTS_SCHEMA = "govsite.results/1"

VERDICT_PASS = "pass"
VERDICT_FAIL = "fail"
VERDICT_NOT_MEASURED = "not_measured"


@dataclass(frozen=True)
class Deduction:
    """Points taken under one profile indicator for one rule, pointing at its findings.

    `findings` holds indexes into the site's sorted findings list, so a reader can go from
    every point lost to the evidence behind it.
    """

    rule: str
    points: float
    count: int
    indicator: str
    indicator_zh: str
    findings: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "points": self.points,
            "count": self.count,
            "indicator": self.indicator,
            "indicator_zh": self.indicator_zh,
            "findings": list(self.findings),
        }


@dataclass
class SiteResult:
    """One site's verdict, score and evidence under one profile.

    `score` is None whenever the verdict is not_measured (contract). `measured_score` is the
    score over what *was* measured, always computed when the site could be audited at all, so
    a report can show "provisional" figures without calling them a verdict. `facts` is what the
    rules established about the site besides findings (its columns and their freshness, message
    statistics, guide completeness, the search probe), so a reviewer sees why a veto fired.
    `screenshot` is the `--browser` home-page capture (`SiteSnapshot.browser["screenshot"]`) and
    `evidence_screenshots` the captures of the pages behind veto findings (`browser["evidence"]`,
    each with its URL and `taken_at`). Both are shown in report.html only: they are never written
    to results.json, which stays small (the snapshot in the store keeps them, so a rescore shows
    them again).
    """

    site: Site
    verdict: str
    score: float | None
    measured_score: float | None
    bonus: float = 0.0
    vetoes: list[str] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_measured: list[NotMeasuredNote] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    screenshot: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    evidence_screenshots: list[dict[str, Any]] = field(default_factory=list, repr=False,
                                                       compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "site_code": self.site.site_code,
            "name": self.site.name,
            "url": self.site.url,
            "owner": self.site.owner,
            "category": self.site.category,
            "kind": self.site.kind,
            "status": self.site.status,
            "verdict": self.verdict,
            "score": self.score,
            "measured_score": self.measured_score,
            "bonus": self.bonus,
            "vetoes": list(self.vetoes),
            "deductions": [d.to_json() for d in self.deductions],
            "findings": [f.to_json() for f in self.findings],
            "not_measured": [n.to_json() for n in self.not_measured],
            "stats": dict(self.stats),
            "facts": dict(self.facts),
        }


@dataclass
class RunResults:
    """A whole census under one profile: what results.json serialises."""

    profile: str
    as_of: str
    generated_at: str
    sites: list[SiteResult]
    run_id: str | None = None
    profile_name_zh: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": RESULTS_SCHEMA,
            "profile": self.profile,
            "profile_name": self.profile_name_zh,
            "as_of": self.as_of,
            "generated_at": self.generated_at,
            "run_id": self.run_id,
            "sites": [s.to_json() for s in self.sites],
        }
