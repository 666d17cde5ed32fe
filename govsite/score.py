"""Turn findings and a profile into a verdict, a score, vetoes and deductions.

The only module that adds points (style.md: as small as Lighthouse's scoring.js). 2019 rule
(standards.md §2.1): any veto fails the site; otherwise the deduction part is scored out of
100 with each indicator floored at 0; below the pass mark fails; above `bonus.above` a portal
earns bonus points. The contract adds one rule of its own: `pass` only when every veto of
the profile was measured, and never `fail` for what was not seen.
"""

from __future__ import annotations

from govsite.findings import Finding, NotMeasuredNote
from govsite.profile import Indicator, Item, Profile, Where
from govsite.results import (
    VERDICT_FAIL,
    VERDICT_NOT_MEASURED,
    VERDICT_PASS,
    Deduction,
    SiteResult,
)
from govsite.rules.base import Judgement
from govsite.sites import STATUS_RUNNING, Site


def _matches(finding: Finding, rule: str, where: Where) -> bool:
    return finding.rule == rule and any(
        all(str(finding.evidence.get(key)) in values for key, values in alt.items())
        for alt in where
    )


def _item_points(item: Item, hits: list[int]) -> float:
    if not hits:
        return 0.0
    points = item.points if item.per == "site" else item.points * len(hits)
    return min(points, item.max) if item.max is not None else points


def _indicator(ind: Indicator, findings: list[Finding]) -> tuple[float, list[Deduction]]:
    """Points taken under one indicator (never more than its max) and their breakdown."""
    total = 0.0
    out: list[Deduction] = []
    for item in ind.items:
        hits = [i for i, f in enumerate(findings) if _matches(f, item.rule, item.where)]
        points = min(_item_points(item, hits), ind.max - total)
        if hits:
            total += points
            out.append(Deduction(rule=item.rule, points=round(points, 2), count=len(hits),
                                 indicator=ind.id, indicator_zh=ind.name_zh,
                                 findings=tuple(hits)))
    return total, out


def score_site(
    site: Site,
    judgement: Judgement,
    profile: Profile,
    *,
    blocked: str | None = None,
    blocked_detail: str = "",
    stats: dict | None = None,
) -> SiteResult:
    """Score one site's judgement under a profile."""
    findings = judgement.findings
    notes = list(judgement.not_measured)
    result = SiteResult(site=site, verdict=VERDICT_NOT_MEASURED, score=None, measured_score=None,
                        findings=findings, not_measured=notes, stats=dict(stats or {}))
    if site.status != STATUS_RUNNING:
        notes.insert(0, NotMeasuredNote("site", "名录登记为关停或整合迁移，不参与评分"))
        return result
    if blocked:
        notes.insert(0, NotMeasuredNote("site", f"站点未能采集（{blocked}）{blocked_detail}"))
        return result

    fired: list[str] = []
    unmeasured_vetoes: list[str] = []
    for veto in profile.vetoes:
        count = sum(1 for f in findings if any(_matches(f, r, veto.where) for r in veto.rules))
        if count >= veto.threshold:
            fired.extend(r for r in veto.rules if any(f.rule == r for f in findings))
        elif any(r not in judgement.measured_rules for r in veto.rules):
            unmeasured_vetoes.append(veto.name_zh)
    result.vetoes = sorted(set(fired))

    lost = 0.0
    for ind in profile.indicators:
        points, deductions = _indicator(ind, findings)
        lost += points
        result.deductions.extend(deductions)
    measured = round(max(0.0, profile.total - lost), 2)
    if site.kind in profile.bonus_kinds and measured > profile.bonus_above:
        bonus = sum(_indicator(ind, findings)[0] for ind in profile.bonus_indicators)
        result.bonus = round(min(bonus, profile.bonus_max), 2)
    result.measured_score = round(measured + result.bonus, 2)

    below = measured < profile.pass_mark if profile.pass_inclusive else measured <= profile.pass_mark
    if fired or below:
        result.verdict = VERDICT_FAIL
        result.score = result.measured_score
    elif unmeasured_vetoes:
        notes.insert(0, NotMeasuredNote("vetoes", "以下否决项未能检查：" + "、".join(unmeasured_vetoes)))
    else:
        result.verdict = VERDICT_PASS
        result.score = result.measured_score
    return result
