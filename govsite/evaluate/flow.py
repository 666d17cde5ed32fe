"""The period-level steps the CLI runs, on the store: evaluate, sample, self-check.

Each step finds what it needs by period (the newest finished census of the period, last
period's evaluation), computes with the pure modules beside this one, and stores its result
as the period's record so that the 通报 and the next period can read it without recomputing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from govsite.clock import CST, now_iso
from govsite.evaluate.evalprofile import EvalProfile, load_eval_profile
from govsite.evaluate.evaluation import evaluate
from govsite.evaluate.model import GRADE_FAIL, Evaluation, Recheck, SelfCheckComparison
from govsite.evaluate.period import period_bounds, previous_period
from govsite.evaluate.sampling import SamplePlan, SampleRule, plan_sample
from govsite.evaluate.selfcheck import compare_selfcheck, load_selfcheck
from govsite.evaluate.sources import load_source_scores
from govsite.profile import ProfileError, load_profile
from govsite.report.circular.data import CircularData
from govsite.results import VERDICT_FAIL, VERDICT_PASS, RunResults, SiteResult
from govsite.sites import Site
from govsite.store.period_store import KIND_EVALUATION, KIND_RECHECK, KIND_SAMPLE, KIND_SELFCHECK
from govsite.store.store import Store


class FlowError(ValueError):
    """A period step that cannot run with what the store holds (said in Chinese)."""


@dataclass(frozen=True)
class PeriodCensus:
    """The census a period is judged by: its newest finished run, under the run's profile."""

    period: str
    run_id: str
    profile: str
    results: list[SiteResult]


def period_census(store: Store, period: str, profile: str | None = None) -> PeriodCensus:
    """The newest finished census of `period` (results under `profile`, default the run's)."""
    run_ids = store.period_run_ids(period)
    if not run_ids:
        raise FlowError(f"考核周期 {period} 没有已完成的普查（先运行 govsite census --period {period}）")
    run = store.get_run(run_ids[0])
    assert run is not None
    used = profile or run.profile
    results = store.load_site_results(run.id, used)
    if not results:
        raise FlowError(f"普查 {run.id} 没有按指标体系 {used} 评分的结果（可用 govsite rescore 补评）")
    return PeriodCensus(period=period, run_id=run.id, profile=used, results=results)


def previous_census(store: Store, period: str) -> PeriodCensus | None:
    """Last period's census, when the store has one."""
    try:
        return period_census(store, previous_period(period))
    except FlowError:
        return None


def load_evaluation(store: Store, period: str, profile_id: str | None = None) -> Evaluation | None:
    """A stored evaluation of `period` (under `profile_id`, else any: the newest stored)."""
    if profile_id is not None:
        data = store.load_record(period, KIND_EVALUATION, profile_id)
        return Evaluation.from_json(data) if data else None
    records = sorted(store.list_records(period, KIND_EVALUATION), key=lambda r: r[3])
    if not records:
        return None
    data = store.load_record(period, KIND_EVALUATION, records[-1][2])
    return Evaluation.from_json(data) if data else None


def run_evaluation(store: Store, period: str, profile: EvalProfile,
                   source_files: Mapping[str, Path], *, census_profile: str | None = None) -> Evaluation:
    """Evaluate a period: census + the imported sources, progress against last period."""
    wanted = {s.id for s in profile.import_sources}
    unknown = sorted(set(source_files) - wanted)
    if unknown:
        raise FlowError(f"评估方案 {profile.id} 没有来源 {'、'.join(unknown)}"
                        f"（可用：{'、'.join(sorted(wanted)) or '无'}）")
    missing = [s for s in profile.import_sources if s.id not in source_files]
    if missing:
        raise FlowError("缺少评估来源：" + "、".join(f"{s.name_zh}（--source {s.id}=文件）" for s in missing))
    imported = {sid: load_source_scores(path) for sid, path in source_files.items()}
    census = period_census(store, period, census_profile)
    previous = load_evaluation(store, previous_period(period), profile.id)
    result = evaluate(census.results, profile, imported, period=period, run_id=census.run_id,
                      previous=previous)
    store.save_record(period, KIND_EVALUATION, result.to_json(), key=profile.id)
    return result


def failed_last_period(store: Store, period: str) -> set[str]:
    """Sites to re-check this period whatever the draw: last period's census failed them, its
    evaluation graded them 不合格, or a re-check this period still found problems 未整改."""
    failed: set[str] = set()
    for _, _, key, _ in store.list_records(period, KIND_RECHECK):
        failed |= set((store.load_record(period, KIND_RECHECK, key) or {}).get("sites_open", []))
    last = previous_census(store, period)
    if last is not None:
        failed |= {r.site.site_code for r in last.results if r.verdict == VERDICT_FAIL}
    evaluation = load_evaluation(store, previous_period(period))
    if evaluation is not None:
        failed |= {s.site.site_code for s in evaluation.sites if s.grade == GRADE_FAIL}
    return failed


def run_sample(store: Store, period: str, sites: list[Site], *, rate: float, seed: int) -> SamplePlan:
    """The period's 抽查 plan, stored as the period's sample record."""
    plan = plan_sample(sites, rule=SampleRule(rate=rate), seed=seed,
                       previous_failed=failed_last_period(store, period))
    store.save_record(period, KIND_SAMPLE, {"period": period, **plan.to_json()})
    return plan


def run_selfcheck(store: Store, period: str, path: Path, *,
                  threshold: float = 0.9) -> SelfCheckComparison:
    """Compare a self-check file with the period's census; stored under the file's name."""
    declared = load_selfcheck(path)
    census = period_census(store, period)
    comparison = compare_selfcheck(declared, census.results, period=period, run_id=census.run_id,
                                   agreement_threshold=threshold)
    store.save_record(period, KIND_SELFCHECK, comparison.to_json(), key=path.name[:64])
    return comparison


def run_results(store: Store, census: PeriodCensus) -> RunResults:
    """A period's census as the report writers take it (results.json in memory)."""
    run = store.get_run(census.run_id)
    assert run is not None
    try:
        name_zh = load_profile(census.profile).name_zh
    except ProfileError:  # a profile file no longer at hand: its id still names it
        name_zh = census.profile
    return RunResults(profile=census.profile, profile_name_zh=name_zh, as_of=run.as_of.isoformat(),
                      generated_at=now_iso(), sites=census.results, run_id=census.run_id)


def pass_rate(results: list[SiteResult]) -> float | None:
    """合格率 as the 通报 counts it: passed / (passed + failed); unmeasured sites stay out."""
    passed = sum(1 for r in results if r.verdict == VERDICT_PASS)
    failed = sum(1 for r in results if r.verdict == VERDICT_FAIL)
    return passed / (passed + failed) if passed + failed else None


def circular_data(store: Store, period: str, *, eval_profile: str | None = None) -> CircularData:
    """Everything the 通报 of `period` prints, gathered from the store.

    The evaluation is the stored one (under `eval_profile`, else the newest); when none was
    stored, the census-only profile is evaluated on the spot so grades and rankings are never
    missing. History is every earlier period's 合格率; the re-check is the newest stored in
    the period; messages join when the 找错 workflow is in the store.
    """
    census = period_census(store, period)
    evaluation = load_evaluation(store, period, eval_profile)
    if evaluation is None:
        previous = load_evaluation(store, previous_period(period), "census")
        evaluation = evaluate(census.results, load_eval_profile(eval_profile or "census"), {},
                              period=period, run_id=census.run_id, previous=previous)
    history = []
    for earlier in store.periods():
        if earlier <= period:
            rate = pass_rate(census.results if earlier == period
                             else period_census(store, earlier).results)
            history.append((earlier, rate))
    last = previous_census(store, period)
    selfchecks = sorted(store.list_records(period, KIND_SELFCHECK), key=lambda r: r[3])
    rechecks = sorted(store.list_records(period, KIND_RECHECK), key=lambda r: r[3])
    selfcheck = store.load_record(period, KIND_SELFCHECK, selfchecks[-1][2]) if selfchecks else None
    recheck = store.load_record(period, KIND_RECHECK, rechecks[-1][2]) if rechecks else None
    run = run_results(store, census)
    messages = period_messages(store, period)
    return CircularData(
        period=period, as_of=date.fromisoformat(run.as_of), run=run, evaluation=evaluation,
        history=history, previous_run=run_results(store, last) if last else None,
        selfcheck=SelfCheckComparison.from_json(selfcheck) if selfcheck else None,
        recheck=Recheck.from_json(recheck) if recheck else None,
        messages=messages or None,
    )


def period_messages(store: Store, period: str) -> list[dict[str, Any]]:
    """The 找错 messages received in `period`, as the circular's message records.

    `on_time` is whether a closed message was closed by its close deadline (None while open);
    `returned` whether it was ever sent back for redo (退回重办).
    """
    first, last = period_bounds(period)
    records = []
    for m in store.list_messages():
        received = m.received_at.astimezone(CST).date()
        if not first <= received <= last:
            continue
        records.append({
            "site_code": m.site_code, "site_name": m.site_name, "unit": m.unit,
            "received_at": m.received_at, "deadline": m.close_deadline, "state": m.state,
            "closed_at": m.closed_at,
            "on_time": (m.closed_at <= m.close_deadline
                        if m.closed_at is not None and m.close_deadline is not None else None),
            "returned": m.returned_count > 0,
        })
    return records
