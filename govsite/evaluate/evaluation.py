"""A period's 绩效评估: weigh each source's scores into a total, grade, rank and summarise.

Only running sites are evaluated: a closed or merged site has nothing to evaluate, and
counting it as failed would punish a unit for tidying its fleet. Every rule that decides a
grade without a number (a veto, a missing source) leaves a Chinese note on the site, so the
通报 can say why a site has no total or is 不合格 despite its points.
"""

from __future__ import annotations

import math
from statistics import fmean

from govsite.evaluate.evalprofile import (
    KIND_CENSUS,
    MISSING_UNSCORED,
    MODE_QUOTA,
    OTHER_CATEGORY,
    EvalProfile,
    EvalSource,
)
from govsite.evaluate.model import (
    GRADE_EXCELLENT,
    GRADE_FAIL,
    GRADE_GOOD,
    GRADE_PASS,
    GRADES,
    Evaluation,
    GroupStats,
    ProgressRow,
    SiteEvaluation,
)
from govsite.evaluate.ranking import competition_ranks
from govsite.results import VERDICT_NOT_MEASURED, SiteResult
from govsite.sites import STATUS_RUNNING

OVERALL = "全部"


def evaluate(run: list[SiteResult], profile: EvalProfile, imported: dict[str, dict[str, float]], *,
             period: str, run_id: str, previous: Evaluation | None = None) -> Evaluation:
    """Evaluate a census run under `profile`, with `imported` = source id → site code → score."""
    stray = sorted(set(imported) - {s.id for s in profile.import_sources})
    if stray:
        raise ValueError(f"评估方案 {profile.id} 没有这些导入评分来源：{'、'.join(stray)}")
    sites = [_site(r, profile, imported) for r in run if r.site.status == STATUS_RUNNING]
    _grade(sites, profile)
    names = [*profile.categories]
    for site in sites:  # categories the profile does not list, in registry order (or 其他)
        if group_of(site, profile) not in names:
            names.append(group_of(site, profile))
    groups = {name: [s for s in sites if group_of(s, profile) == name] for name in names}
    _rank(sites, groups)
    sites.sort(key=lambda s: (s.rank is None, s.rank or 0))  # stable: run order within ties
    return Evaluation(
        period=period,
        profile=profile.id,
        profile_name_zh=profile.name_zh,
        run_id=run_id,
        sources=[{"id": s.id, "name_zh": s.name_zh, "weight": s.weight,
                  "kind": s.kind} for s in profile.sources],
        sites=sites,
        categories=[_stats(name, members, profile) for name, members in groups.items()],
        overall=_stats(OVERALL, sites, profile),
        progress=_progress(sites, previous, profile.progress_min_delta) if previous else [],
        previous_period=previous.period if previous else None,
        assumed=list(profile.assumed),
    )


def group_of(site: SiteEvaluation, profile: EvalProfile) -> str:
    """The report group of a site: its category when the profile lists it, else 其他.

    A profile that lists no categories groups by the registry's own 单位类别 (a site with
    none goes under 其他): a centre need not write its categories twice.
    """
    category = site.site.category
    if not profile.categories:
        return category or OTHER_CATEGORY
    return category if category in profile.categories else OTHER_CATEGORY


# ---------------------------------------------------------------------------- per site


def _site(result: SiteResult, profile: EvalProfile, imported: dict[str, dict[str, float]]) -> SiteEvaluation:
    notes: list[str] = []
    scores: dict[str, float | None] = {}
    for source in profile.sources:
        if source.kind == KIND_CENSUS:
            scores[source.id] = _census_score(result, source, notes)
        else:
            scores[source.id] = imported.get(source.id, {}).get(result.site.site_code)
            if scores[source.id] is None:
                notes.append(f"{source.name_zh}：未导入该网站的得分")
    missing = "、".join(s.name_zh for s in profile.sources if scores[s.id] is None)
    total: float | None = None
    if missing and profile.missing_source == MISSING_UNSCORED:
        notes.append(f"缺少{missing}得分，不计总分")
    else:
        total = round(sum(s.weight * (scores[s.id] or 0.0) for s in profile.sources) / 100, 2)
        if missing:
            notes.append(f"{missing}缺少得分，按0分计入总分")
    return SiteEvaluation(site=result.site, scores=scores, total=total, grade=None,
                          census_verdict=result.verdict, vetoed=list(result.vetoes), notes=notes)


def _census_score(result: SiteResult, source: EvalSource, notes: list[str]) -> float | None:
    """The census score as points of 100.

    A gb2019 score includes the portal bonus and may exceed 100; every source is out of 100,
    so it is capped there (and noted) rather than letting one source outweigh its weight.
    A not_measured verdict has no score: the census could not judge the site, and inventing
    one would grade a site on what was never checked.
    """
    if result.verdict == VERDICT_NOT_MEASURED or result.score is None:
        why = "；".join(n.why for n in result.not_measured[:1]) or "未得出结论"
        notes.append(f"{source.name_zh}：自动检测未能得出结论（{why}），该项无得分")
        return None
    if result.score > 100:
        notes.append(f"{source.name_zh}：测评得分{result.score:g}（含加分）超过100分，按100分计")
    return min(100.0, max(0.0, result.score))


def _grade(sites: list[SiteEvaluation], profile: EvalProfile) -> None:
    scheme = profile.grades
    counted = [s for s in sites if s.total is not None]
    quota: dict[int, str] = {}
    if scheme.mode == MODE_QUOTA:
        # Shares are of every scored site; slots go, best first, to sites that may hold them
        # (reached the pass mark, not vetoed). A slot count is rounded down (the share is a
        # ceiling), but sites tied with the last site inside a share all get that grade:
        # their competition rank is within the slots, so the share may be exceeded by ties.
        eligible = [s for s in counted if s.total >= scheme.pass_mark and not _vetoed(s, profile)]
        excellent = _floor(scheme.share[GRADE_EXCELLENT] * len(counted))
        good = _floor((scheme.share[GRADE_EXCELLENT] + scheme.share[GRADE_GOOD]) * len(counted))
        for site, rank in zip(eligible, competition_ranks([s.total for s in eligible]), strict=True):
            assert rank is not None
            quota[id(site)] = (GRADE_EXCELLENT if rank <= excellent
                               else GRADE_GOOD if rank <= good else GRADE_PASS)
    for site in sites:
        if _vetoed(site, profile):
            site.grade = GRADE_FAIL
            site.notes.append("自动检测触发单项否决（" + "、".join(site.vetoed) + "），评为不合格")
        elif site.total is None:
            continue
        elif scheme.mode == MODE_QUOTA:
            site.grade = quota.get(id(site), GRADE_FAIL)
        else:
            site.grade = next((g for g in (GRADE_EXCELLENT, GRADE_GOOD, GRADE_PASS)
                               if site.total >= scheme.minimum[g]), GRADE_FAIL)


def _vetoed(site: SiteEvaluation, profile: EvalProfile) -> bool:
    return profile.veto_fails and bool(site.vetoed)


def _floor(value: float) -> int:
    """Round down, after absorbing float noise: 0.29 × 100 is 28.999…, and means 29."""
    return math.floor(round(value, 6))


def _rank(sites: list[SiteEvaluation], groups: dict[str, list[SiteEvaluation]]) -> None:
    """Overall rank, and rank within the site's report group (其他 ranks its sites together)."""
    for site, rank in zip(sites, competition_ranks([s.total for s in sites]), strict=True):
        site.rank = rank
    for members in groups.values():
        for site, rank in zip(members, competition_ranks([s.total for s in members]), strict=True):
            site.category_rank = rank


# ---------------------------------------------------------------------------- per group


def _stats(name: str, members: list[SiteEvaluation], profile: EvalProfile) -> GroupStats:
    """Figures for one group.

    Rates are over the group's scored sites (a site without a total cannot pass or fail on
    points); an indicator's 优良率 is over the sites with a score on that indicator.
    `above_average` compares with the average as printed (2 decimals), so a site shown with
    the same figure as the average is never counted as above it.
    """
    totals = [s.total for s in members if s.total is not None]
    average = round(fmean(totals), 2) if totals else None
    grades = [s.grade for s in members if s.total is not None]

    def share(count: int) -> float | None:
        return count / len(totals) if totals else None

    # good_ratio × 100 is 80.00000000000001 for 0.8: round so that a score of 80 is 优良.
    good_line = round(profile.good_ratio * 100, 6)
    good_rate: dict[str, float | None] = {}
    for source in profile.sources:
        values = [v for s in members if (v := s.scores.get(source.id)) is not None]
        good_rate[source.id] = (sum(1 for v in values if v >= good_line) / len(values)
                                if values else None)
    return GroupStats(
        name=name,
        sites=len(members),
        scored=len(totals),
        average=average,
        above_average=sum(1 for t in totals if average is not None and t > average),
        min_score=min(totals) if totals else None,
        max_score=max(totals) if totals else None,
        pass_rate=share(sum(1 for g in grades if g in (GRADE_EXCELLENT, GRADE_GOOD, GRADE_PASS))),
        excellent_good_rate=share(sum(1 for g in grades if g in (GRADE_EXCELLENT, GRADE_GOOD))),
        good_rate=good_rate,
        grade_counts={g: sum(1 for s in members if s.grade == g) for g in GRADES},
    )


def _progress(sites: list[SiteEvaluation], previous: Evaluation, min_delta: float) -> list[ProgressRow]:
    """Sites evaluated in both periods, biggest gain first (sites without a delta last)."""
    before = {s.site.site_code: s for s in previous.sites}
    rows: list[ProgressRow] = []
    for site in sites:
        old = before.get(site.site.site_code)
        if old is None:
            continue
        delta = (round(site.total - old.total, 2)
                 if site.total is not None and old.total is not None else None)
        rows.append(ProgressRow(
            site_code=site.site.site_code, name=site.site.name, category=site.site.category,
            previous_total=old.total, total=site.total, delta=delta,
            previous_rank=old.rank, rank=site.rank,
            notable=delta is not None and delta >= min_delta,
        ))
    rows.sort(key=lambda r: (r.delta is None, -(r.delta or 0.0), r.site_code))
    return rows
