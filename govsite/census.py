"""The census pipeline in one process: registry → collect → snapshot → rules → score → reports.

This module wires the stages together and owns nothing else: network code is in collect,
judgement in rules, numbers in profiles, storage in store, files in report. `rescore` runs
the second half alone on stored snapshots, without touching the network.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from govsite.clock import now_iso
from govsite.collect import Collector, CollectSettings
from govsite.content.lexicon import LexiconSet
from govsite.probes import ProbeSource
from govsite.profile import Profile
from govsite.report.html_report import write_report_html
from govsite.report.json_report import write_results_json
from govsite.results import RunResults, SiteResult
from govsite.review import Review, apply_reviews
from govsite.rules.base import RuleContext, all_rules, judge
from govsite.rules.facts import site_facts
from govsite.score import score_site
from govsite.sites import Site
from govsite.snapshot import SiteSnapshot
from govsite.store.store import Store
from govsite.work.runstate import done_codes, reopen_run, run_sites


class Progress(Protocol):
    """What the census reports while it runs (the CLI draws it with rich)."""

    def site_started(self, site: Site) -> None: ...
    def page_fetched(self, site: Site, url: str) -> None: ...
    def site_done(self, site: Site, result: SiteResult) -> None: ...


class SilentProgress:
    def site_started(self, site: Site) -> None:
        pass

    def page_fetched(self, site: Site, url: str) -> None:
        pass

    def site_done(self, site: Site, result: SiteResult) -> None:
        pass


@dataclass
class CensusPlan:
    """Everything a census run needs, resolved from the command line and config."""

    sites: list[Site]
    profile: Profile
    as_of: date
    store: Store
    settings: CollectSettings
    out: Path | None = None
    probes: ProbeSource | None = None
    options: dict[str, object] = field(default_factory=dict)
    column_overrides: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    lexicons: LexiconSet = field(default_factory=LexiconSet)


def context_for(profile: Profile, as_of: date, registry: Iterable[Site],
                column_overrides: dict[str, dict[str, dict[str, Any]]] | None = None,
                lexicons: LexiconSet | None = None) -> RuleContext:
    return RuleContext(as_of=as_of, registry={s.site_code: s for s in registry},
                       options=profile.options, column_overrides=column_overrides or {},
                       lexicons=lexicons or LexiconSet())


def judge_and_score(snap: SiteSnapshot, ctx: RuleContext, profile: Profile,
                    reviews: Sequence[Review] = ()) -> SiteResult:
    """Rules, then reviewers' decisions, then the profile: what rescore repeats.

    A finding a reviewer marked false positive is left out before scoring, so it costs no
    points; how many were left out is kept in the stats and listed in the facts.
    """
    rules = all_rules()
    if snap.site.status != "running":
        rules = [r for r in rules if r.meta.family == "registry"]
    judgement = judge(snap, ctx, rules)
    reviewed = apply_reviews(snap.site.site_code, judgement.findings, list(reviews))
    judgement.findings = reviewed.findings
    wanted = profile.rule_ids()
    for rule_id in sorted(wanted - {r.meta.id for r in all_rules()}):
        judgement.unmeasured_rules[rule_id] = "本版本尚未实现该检查"
    stats = {
        "pages": snap.stats.get("pages", len(snap.pages)),
        "links": snap.stats.get("links", len(snap.checks)),
        "seconds": snap.stats.get("seconds", 0.0),
        "suppressed": len(reviewed.suppressed),
    }
    result = score_site(snap.site, judgement, profile, blocked=snap.blocked,
                        blocked_detail=snap.blocked_detail, stats=stats)
    if snap.site.status == "running":
        result.facts = site_facts(snap, ctx)
    attach_screenshots(result, snap)
    if reviewed.suppressed:
        result.facts["suppressed"] = [
            {"rule": f.rule, "url": f.url, "target": f.target, "detail": f.detail,
             "review": r.to_json()} for f, r in reviewed.suppressed]
    return result


def evidence_urls(result: SiteResult, limit: int) -> list[str]:
    """The pages behind a site's veto findings, to capture as evidence (截图取证).

    For each finding of a rule that vetoed the site, in findings order: the page it was found
    on, then its target when that is a web address (the broken link's own error page, say).
    The home page is left out (it is always captured); at most `limit` addresses.
    """
    home = result.screenshot.get("url") if result.screenshot else None
    urls: list[str] = []
    for finding in result.findings:
        if finding.rule not in result.vetoes:
            continue
        for url in (finding.url, finding.target):
            if url and url.startswith(("http://", "https://")) and url != home and url not in urls:
                urls.append(url)
    return urls[:limit]


def attach_screenshots(result: SiteResult, snap: SiteSnapshot) -> None:
    """The snapshot's home capture, and the captures that show the result's veto findings."""
    browser = snap.browser or {}
    result.screenshot = browser.get("screenshot")
    wanted = {u for f in result.findings if f.rule in result.vetoes for u in (f.url, f.target) if u}
    result.evidence_screenshots = [s for s in browser.get("evidence") or [] if s.get("url") in wanted]


async def audit_site(collector: Collector, plan: CensusPlan, ctx: RuleContext,
                     reviews: Sequence[Review], run_id: str, site: Site,
                     progress: Progress) -> SiteResult:
    """Collect, judge and store one site of a run (the census's and each worker's unit).

    The snapshot is stored first and the result second: the result row is what marks a site
    done (`govsite.work.runstate`), so a process killed in between leaves a site that a
    resume audits again rather than one counted as done without its result.
    """
    progress.site_started(site)
    started = time.monotonic()
    snap = await collector.collect(site, on_page=lambda url: progress.page_fetched(site, url))
    snap.stats.setdefault("seconds", round(time.monotonic() - started, 2))
    return await finish_site(collector, plan, ctx, reviews, run_id, snap, progress)


# Judging is CPU work of seconds, minutes for a big site. On the event loop it would stall the
# other sites' fetches and the renewal of the leases a worker holds (a site claim lapsing
# mid-judge lets a duplicate task start). One thread keeps judgements one at a time, as they
# were on the loop, so rules need not be safe against each other; spooled pages are read
# with positioned reads, from any thread.
_JUDGE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govsite-judge")


async def finish_site(collector: Collector, plan: CensusPlan, ctx: RuleContext,
                      reviews: Sequence[Review], run_id: str, snap: SiteSnapshot,
                      progress: Progress) -> SiteResult:
    """Judge and store a collected site: `audit_site` past its collect, and the end of a site
    collected in sections (`govsite.work.assemble`). Snapshot first, result second."""
    site = snap.site
    if plan.probes is not None:
        snap.probes = [p.to_json() for p in plan.probes.for_site(site.site_code)]
    result = await asyncio.get_running_loop().run_in_executor(
        _JUDGE, judge_and_score, snap, ctx, plan.profile, reviews)
    if snap.browser is not None and result.vetoes:
        urls = evidence_urls(result, plan.settings.evidence_screenshots)
        snap.browser["evidence"] = await collector.screenshots(urls)
        attach_screenshots(result, snap)
    plan.store.save_snapshot(run_id, snap)
    plan.store.save_result(run_id, plan.profile.id, result)
    progress.site_done(site, result)
    return result


async def _collect_all(plan: CensusPlan, run_id: str, sites: Sequence[Site],
                       progress: Progress) -> list[SiteResult]:
    # The rules see the whole registry (parents, duplicates) even when a resume audits a few.
    ctx = context_for(plan.profile, plan.as_of, plan.sites, plan.column_overrides, plan.lexicons)
    reviews = plan.store.list_reviews()
    gate = asyncio.Semaphore(plan.settings.site_concurrency)

    async with Collector(plan.settings) as collector:

        async def one(site: Site) -> SiteResult:
            async with gate:
                return await audit_site(collector, plan, ctx, reviews, run_id, site, progress)

        return list(await asyncio.gather(*(one(site) for site in sites)))


def _audit(plan: CensusPlan, run_id: str, sites: Sequence[Site],
           progress: Progress | None) -> list[SiteResult]:
    """Audit `sites` into the run, then close it as finished (or failed, and re-raise)."""
    try:
        results = asyncio.run(_collect_all(plan, run_id, sites, progress or SilentProgress()))
    except BaseException:
        plan.store.finish_run(run_id, "failed")
        raise
    plan.store.finish_run(run_id, "finished")
    return results


def run_census(plan: CensusPlan, progress: Progress | None = None) -> RunResults:
    """Collect, judge, score and store every site; write reports when `plan.out` is set."""
    store = plan.store
    run_id = store.create_run(profile=plan.profile.id, as_of=plan.as_of, options=plan.options)
    store.add_sites(run_id, plan.sites)
    site_results = _audit(plan, run_id, plan.sites, progress)
    run = RunResults(profile=plan.profile.id, profile_name_zh=plan.profile.name_zh,
                     as_of=plan.as_of.isoformat(), generated_at=now_iso(), sites=site_results,
                     run_id=run_id)
    if plan.out is not None:
        write_reports(run, plan.profile, plan.out)
    return run


def pending_sites(plan: CensusPlan, run_id: str) -> list[Site]:
    """The run's sites that have no stored result under the plan's profile yet."""
    done = done_codes(plan.store, run_id, plan.profile.id)
    return [s for s in plan.sites if s.site_code not in done]


def resume_census(plan: CensusPlan, run_id: str, progress: Progress | None = None) -> RunResults:
    """Finish an interrupted run in this process: audit only its sites without a stored
    result, then report all of them.

    `plan` is the run's own (`govsite.work.runplan.load_plan`); the run may have been left
    `running` (its process was killed) or `failed`. A site whose result was stored is never
    collected again.
    """
    reopen_run(plan.store, run_id)
    _audit(plan, run_id, pending_sites(plan, run_id), progress)
    return stored_run_results(plan, run_id)


def stored_run_results(plan: CensusPlan, run_id: str) -> RunResults:
    """A run's results as stored, every site in registry order; reports written when
    `plan.out` is set.

    Runs audited by several processes (a resume, Celery workers) have all their results in
    the store only. Screenshots are kept in snapshots, not results: with --browser they are
    attached again from there.
    """
    results = plan.store.load_site_results(run_id, plan.profile.id)
    if plan.settings.browser:
        for result in results:
            attach_screenshots(result, plan.store.load_snapshot(run_id, result.site.site_code))
    run = RunResults(profile=plan.profile.id, profile_name_zh=plan.profile.name_zh,
                     as_of=plan.as_of.isoformat(), generated_at=now_iso(), sites=results,
                     run_id=run_id)
    if plan.out is not None:
        write_reports(run, plan.profile, plan.out)
    return run


def rescore(store: Store, run_id: str, profile: Profile, as_of: date,
            out: Path | None = None,
            column_overrides: dict[str, dict[str, dict[str, Any]]] | None = None,
            lexicons: LexiconSet | None = None) -> RunResults:
    """Judge a stored run's snapshots again under `profile`, without any network access.

    Snapshots are loaded one at a time (a big site's comes back spooled): a run's snapshots
    together need not fit in memory. The rules see the run's registry rows, as the census did.
    """
    registry = run_sites(store, run_id) or [snap.site for snap in store.iter_snapshots(run_id)]
    ctx = context_for(profile, as_of, registry, column_overrides, lexicons)
    reviews = store.list_reviews()
    site_results = []
    for snap in store.iter_snapshots(run_id):
        result = judge_and_score(snap, ctx, profile, reviews)
        store.save_result(run_id, profile.id, result)
        site_results.append(result)
    run = RunResults(profile=profile.id, profile_name_zh=profile.name_zh,
                     as_of=as_of.isoformat(), generated_at=now_iso(), sites=site_results,
                     run_id=run_id)
    if out is not None:
        write_reports(run, profile, out)
    return run


def write_reports(run: RunResults, profile: Profile, out: Path) -> dict[str, Path]:
    """results.json (the contract) and report.html, side by side in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "results.json", "html": out / "report.html"}
    write_results_json(run, paths["json"])
    write_report_html(
        run,
        paths["html"],
        rule_names={r.meta.id: r.meta.name_zh for r in all_rules()},
        profile_notes={"assumed": profile.assumed(), "source": profile.source,
                       "notes": list(profile.notes)},
    )
    return paths
