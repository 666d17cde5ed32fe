"""What the pages and the API show, read from the store and cut to what the user may see.

Every view starts from `run_view`, which attaches each site's unit and drops the sites
outside the user's scope: a page or an export built on it cannot leak another unit's site
by forgetting a filter. Figures follow report.html: 合格率 counts measured sites only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fastapi import HTTPException

from govsite.evaluate.sampling import units_of
from govsite.findings import Finding
from govsite.results import VERDICT_FAIL, VERDICT_NOT_MEASURED, VERDICT_PASS, SiteResult
from govsite.review import SCOPE_GLOBAL, VERDICT_FALSE_POSITIVE, Review
from govsite.store.models import RUN_FINISHED
from govsite.store.store import RunInfo, Store

# Runs a trend or a site's history looks back over: each costs one read of a run's results.
HISTORY_RUNS = 12

STATUS_OPEN = "open"
STATUS_CONFIRMED = "confirmed"
STATUS_PENDING = "pending_false_positive"
FINDING_STATUS_ZH = {STATUS_OPEN: "待复核", STATUS_CONFIRMED: "已确认属实",
                     STATUS_PENDING: "已判误报（重新评分后排除）"}


@dataclass(frozen=True)
class SiteEntry:
    """One site's result in a run, with the unit it belongs to."""

    result: SiteResult
    unit: str

    @property
    def code(self) -> str:
        return self.result.site.site_code


@dataclass(frozen=True)
class RunView:
    run: RunInfo
    profile: str
    sites: list[SiteEntry]

    def site(self, code: str) -> SiteEntry | None:
        return next((s for s in self.sites if s.code == code), None)


@dataclass(frozen=True)
class Rate:
    """Verdict counts of a group of sites; `rate` is a percentage of the measured ones."""

    name: str
    sites: int
    passed: int
    failed: int
    not_measured: int

    @property
    def rate(self) -> float | None:
        measured = self.passed + self.failed
        return 100 * self.passed / measured if measured else None


@dataclass(frozen=True)
class TrendPoint:
    run: RunInfo
    rate: Rate


@dataclass(frozen=True)
class FindingEntry:
    """A finding in its site's list (`idx` is what the store and `review mark` number)."""

    site: SiteEntry
    idx: int
    finding: Finding
    status: str

    @property
    def key(self) -> str:
        return f"{self.site.code}:{self.idx}"


@dataclass(frozen=True)
class Comparison:
    """Findings of two runs matched by (site, rule, page, target)."""

    base: RunView
    head: RunView
    new: list[tuple[SiteEntry, Finding]]
    fixed: list[tuple[SiteEntry, Finding]]
    persisting: list[tuple[SiteEntry, Finding]]


def pick_run(store: Store, run_id: str | None) -> RunInfo | None:
    """The run asked for (404 if unknown), else the newest finished one, else the newest."""
    if run_id:
        run = store.get_run(run_id)
        if run is None:
            raise HTTPException(status_code=404, detail="未找到该次普查")
        return run
    return store.latest_run(status=RUN_FINISHED) or store.latest_run()


def run_view(store: Store, run: RunInfo, profile: str | None, scope: str | None) -> RunView:
    """A run's results under `profile` (default: its own), limited to unit `scope` if set."""
    profile = profile or run.profile
    results = store.load_site_results(run.id, profile)
    units = units_of([r.site for r in results])
    sites = [SiteEntry(r, units[r.site.site_code]) for r in results]
    if scope is not None:
        sites = [s for s in sites if s.unit == scope]
    return RunView(run, profile, sites)


def rate(name: str, sites: Iterable[SiteEntry]) -> Rate:
    verdicts = Counter(s.result.verdict for s in sites)
    return Rate(name, sum(verdicts.values()), verdicts[VERDICT_PASS], verdicts[VERDICT_FAIL],
                verdicts[VERDICT_NOT_MEASURED])


def rates_by(sites: list[SiteEntry], key: Callable[[SiteEntry], str]) -> list[Rate]:
    """Verdict counts per group (category, unit …), groups in name order."""
    groups: dict[str, list[SiteEntry]] = {}
    for site in sites:
        groups.setdefault(key(site) or "（未填写）", []).append(site)
    return [rate(name, groups[name]) for name in sorted(groups)]


def veto_counts(sites: list[SiteEntry]) -> list[tuple[str, int]]:
    """How many sites each veto rule failed, most frequent first."""
    counts = Counter(rule for s in sites for rule in s.result.vetoes)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def recent_runs(store: Store, limit: int = HISTORY_RUNS) -> list[RunInfo]:
    """The newest finished runs, oldest first (the order a trend is drawn in)."""
    runs = [r for r in store.list_runs() if r.status == RUN_FINISHED][:limit]
    return runs[::-1]


def trend(store: Store, scope: str | None, runs: list[RunInfo]) -> list[TrendPoint]:
    """合格率 per run, each under its own census profile and for the user's sites."""
    return [TrendPoint(run, rate(run.id, run_view(store, run, None, scope).sites))
            for run in runs]


def site_history(store: Store, code: str, scope: str | None,
                 runs: list[RunInfo]) -> list[tuple[RunInfo, SiteEntry]]:
    """The site's result in each of `runs` that audited it (newest first)."""
    history = []
    for run in runs:
        entry = run_view(store, run, None, scope).site(code)
        if entry is not None:
            history.append((run, entry))
    return history[::-1]


def finding_status(code: str, finding: Finding, reviews: list[Review]) -> str:
    """Where a finding stands: confirmed, marked false positive (until the next rescore drops
    it), or still open."""
    if any(r.verdict == VERDICT_FALSE_POSITIVE and r.matches(code, finding) for r in reviews):
        return STATUS_PENDING
    return STATUS_CONFIRMED if finding.review else STATUS_OPEN


def findings(view: RunView, reviews: list[Review], *, site: str | None = None,
             rule: str | None = None, status: str | None = None) -> list[FindingEntry]:
    """The run's findings, filtered; a site outside the view is a 404, not an empty list."""
    if site and view.site(site) is None:
        raise HTTPException(status_code=404, detail="未找到")
    out = []
    for entry in view.sites:
        if site and entry.code != site:
            continue
        for idx, finding in enumerate(entry.result.findings):
            if rule and finding.rule != rule:
                continue
            state = finding_status(entry.code, finding, reviews)
            if status and state != status:
                continue
            out.append(FindingEntry(entry, idx, finding, state))
    return out


def compare(base: RunView, head: RunView) -> Comparison:
    """New, fixed and persisting findings from `base` to `head`.

    A finding is identified by (site_code, rule, url, target): the same problem on the same
    page, whatever its wording or evidence. Only sites audited in both runs are compared, so
    a site added to the registry does not show as all-new problems.
    """
    shared = {s.code for s in base.sites} & {s.code for s in head.sites}

    def keyed(view: RunView) -> dict[tuple[str, str, str, str], tuple[SiteEntry, Finding]]:
        return {(s.code, f.rule, f.url, f.target or ""): (s, f)
                for s in view.sites if s.code in shared for f in s.result.findings}

    before, after = keyed(base), keyed(head)
    return Comparison(
        base=base, head=head,
        new=[after[k] for k in sorted(after.keys() - before.keys())],
        fixed=[before[k] for k in sorted(before.keys() - after.keys())],
        persisting=[after[k] for k in sorted(after.keys() & before.keys())],
    )


def visible_reviews(store: Store, scope: str | None) -> list[Review]:
    """Every decision, or for a unit those on its sites (in the newest run) and the global ones."""
    reviews = store.list_reviews()
    if scope is None:
        return reviews
    run = pick_run(store, None)
    codes = {s.code for s in run_view(store, run, None, scope).sites} if run else set()
    return [r for r in reviews if r.scope == SCOPE_GLOBAL or r.site_code in codes]
