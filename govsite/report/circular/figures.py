"""Every number a 通报 prints, computed once from CircularData.

The Word, Excel and HTML writers never count anything themselves: they lay out these figures
(through the text layer), so the three documents cannot disagree and a test compares one
source. 合格率 is passed / (passed + failed) over running sites: a site the census could not
measure (not_measured) is neither a success nor a failure of its owner, so it is listed
separately (`not_measured_sites`) and kept out of the denominator. Closed sites are not
"checked" either; they only count when the census found them still online.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from fnmatch import fnmatchcase
from typing import Any

from govsite.evaluate.model import (
    GRADE_EXCELLENT,
    GRADE_GOOD,
    RECHECK_FIXED,
    RECHECK_OPEN,
    RECHECK_UNVERIFIABLE,
    Evaluation,
    GroupStats,
    Recheck,
    SelfCheckComparison,
)
from govsite.evaluate.period import period_zh, previous_period
from govsite.report.circular.data import CircularData
from govsite.results import VERDICT_FAIL, VERDICT_NOT_MEASURED, VERDICT_PASS, RunResults, SiteResult
from govsite.sites import STATUS_RUNNING, Site

UNANSWERED_RULE = "interaction.unanswered"
CLOSED_ONLINE_RULE = "registry.closed_but_online"
# Ranks printed in the body ("排名前列"): every site ranked this high or better, ties included.
TOP_RANK = 3


@dataclass(frozen=True)
class Vocabulary:
    """The words the figures group by, taken from the text layer so a centre can change them.

    `problem_types` is an ordered list of (rule pattern, 问题类型); the first pattern that
    matches a rule id (fnmatch, `availability.*`) names its type, else `other_problem`. The
    order of the types is the order the documents list ties in.
    """

    problem_types: tuple[tuple[str, str], ...]
    other_problem: str
    uncategorised: str

    def problem_type(self, rule: str) -> str:
        for pattern, name in self.problem_types:
            if fnmatchcase(rule, pattern):
                return name
        return self.other_problem

    def type_order(self) -> dict[str, int]:
        order: dict[str, int] = {}
        for _, name in self.problem_types:
            order.setdefault(name, len(order))
        order.setdefault(self.other_problem, len(order))
        return order


@dataclass(frozen=True)
class SiteRef:
    name: str
    site_code: str
    owner: str
    category: str


@dataclass(frozen=True)
class CategoryFigures:
    """One 单位类别: census counts, and the evaluation's GroupStats when there is one."""

    name: str
    checked: int
    passed: int
    failed: int
    not_measured: int
    pass_rate: float | None
    scored: int | None = None
    average: float | None = None
    above_average: int | None = None
    min_score: float | None = None
    max_score: float | None = None
    excellent_good_rate: float | None = None


@dataclass(frozen=True)
class ProblemCount:
    """One 问题类型 across the fleet: on how many sites, in how many findings."""

    type: str
    sites: int
    findings: int


@dataclass(frozen=True)
class SiteProblem:
    type: str
    findings: int


@dataclass(frozen=True)
class ProblemSite:
    """A row of 存在突出问题的网站名单: a failed or vetoed site and its veto problem types.

    `problems` is empty when the site failed on points alone; the text layer then says so.
    """

    name: str
    site_code: str
    owner: str
    category: str
    verdict: str
    score: float | None
    problems: tuple[SiteProblem, ...]
    findings: int


@dataclass(frozen=True)
class UnitCount:
    """A 主办单位 named for 留言超过3个月未回应: its sites and how many messages."""

    unit: str
    sites: tuple[str, ...]
    findings: int


@dataclass(frozen=True)
class SiteRow:
    """A row of 检查网站名单. `total`/`grade` come from the evaluation, when there is one."""

    number: int
    name: str
    site_code: str
    owner: str
    category: str
    verdict: str
    census_score: float | None
    total: float | None
    grade: str | None


@dataclass(frozen=True)
class ScoredName:
    name: str
    score: float | None


@dataclass(frozen=True)
class GradeGroup:
    category: str
    sites: tuple[ScoredName, ...]


@dataclass(frozen=True)
class RankRow:
    """A ranked site; `tied` when another site shares its rank (printed 并列第N名)."""

    rank: int | None
    tied: bool
    category_rank: int | None
    category_tied: bool
    name: str
    site_code: str
    category: str
    scores: tuple[float | None, ...]
    total: float | None
    grade: str | None


@dataclass(frozen=True)
class ProgressItem:
    name: str
    category: str
    previous_total: float | None
    total: float | None
    delta: float | None
    previous_rank: int | None
    rank: int | None


@dataclass(frozen=True)
class EvaluationFigures:
    profile_name: str
    sources: tuple[str, ...]
    scored: int
    average: float | None
    excellent_good_rate: float | None
    grade_counts: dict[str, int]
    excellent: tuple[GradeGroup, ...]
    excellent_count: int
    good: tuple[GradeGroup, ...]
    good_count: int
    ranking: tuple[RankRow, ...]
    top: tuple[RankRow, ...]
    progress: tuple[ProgressItem, ...]
    previous_period_zh: str | None


@dataclass(frozen=True)
class PreviousFigures:
    """The period before: its 合格率 and what became of the sites it found failing.

    `change_points` is the difference of the two rates as printed (rounded to 0.1 points
    first), so "提高1.6个百分点" always matches the two percentages beside it.
    """

    period: str
    period_zh: str
    pass_rate: float | None
    change_points: float | None
    previously_failed: int
    still_failing: tuple[str, ...]
    now_passing: tuple[str, ...]


@dataclass(frozen=True)
class TrendPoint:
    period: str
    period_zh: str
    pass_rate: float | None


@dataclass(frozen=True)
class SelfCheckFigures:
    conclusion: str
    compared: int
    agreed: int
    agreement_rate: float | None
    said_pass_census_fail: tuple[str, ...]
    said_fail_census_pass: tuple[str, ...]
    missing: int


@dataclass(frozen=True)
class RecheckFigures:
    total: int
    fixed: int
    open: int
    unverifiable: int
    sites_fixed: tuple[str, ...]
    sites_open: tuple[str, ...]


@dataclass(frozen=True)
class MessageUnit:
    """找错 messages of one unit.

    按期办结率 = closed on time / (closed + still open past the deadline on the circular's
    as_of day), None when both are zero: the same formula as `govsite.feedback.stats`, so the
    circular and the message pages never disagree. Open messages still within their deadline
    count on neither side. A message is 超期 when it was closed late, or is still open after its
    deadline.
    """

    unit: str
    received: int
    closed: int
    on_time: int
    on_time_rate: float | None
    overdue: int
    returned: int


@dataclass(frozen=True)
class MessageFigures:
    units: tuple[MessageUnit, ...]
    total: MessageUnit
    overdue_units: tuple[MessageUnit, ...]


@dataclass(frozen=True)
class Figures:
    """The circular's numbers. Optional parts are None when their data was not given."""

    period: str
    period_zh: str
    as_of: date
    sites_checked: int
    passed: int
    failed: int
    not_measured: int
    measured: int
    pass_rate: float | None
    not_measured_sites: tuple[SiteRef, ...]
    categories: tuple[CategoryFigures, ...]
    overall: CategoryFigures  # every running site; `name` is empty (the text layer's 合计)
    vetoes: tuple[ProblemCount, ...]
    problem_types: tuple[ProblemCount, ...]
    problem_sites: tuple[ProblemSite, ...]
    overdue_units: tuple[UnitCount, ...]
    closed_online: tuple[SiteRef, ...]
    sites: tuple[SiteRow, ...]
    trend: tuple[TrendPoint, ...]
    evaluation: EvaluationFigures | None
    previous: PreviousFigures | None
    selfcheck: SelfCheckFigures | None
    recheck: RecheckFigures | None
    messages: MessageFigures | None


def build_figures(data: CircularData, vocabulary: Vocabulary | None = None) -> Figures:
    """Compute the figures; `vocabulary` defaults to the bundled text layer's."""
    if vocabulary is None:
        from govsite.report.circular.text import load_text_layer  # the layer imports us

        vocabulary = load_text_layer(None).vocabulary
    running = [s for s in data.run.sites if s.site.status == STATUS_RUNNING]
    order = _category_order(running, data.evaluation, vocabulary)
    running = sorted(running, key=lambda s: order[_category(s.site, vocabulary)])
    verdicts = Counter(s.verdict for s in running)
    passed, failed = verdicts[VERDICT_PASS], verdicts[VERDICT_FAIL]
    pass_rate = _pass_rate(running)
    return Figures(
        period=data.period,
        period_zh=period_zh(data.period),
        as_of=data.as_of,
        sites_checked=len(running),
        passed=passed,
        failed=failed,
        not_measured=verdicts[VERDICT_NOT_MEASURED],
        measured=passed + failed,
        pass_rate=pass_rate,
        not_measured_sites=tuple(
            _ref(s.site, vocabulary) for s in running if s.verdict == VERDICT_NOT_MEASURED
        ),
        categories=_categories(running, order, data.evaluation, vocabulary),
        overall=_group("", running, data.evaluation.overall if data.evaluation else None),
        vetoes=_veto_counts(running, vocabulary),
        problem_types=_problem_counts(data.run.sites, vocabulary),
        problem_sites=_problem_sites(running, vocabulary),
        overdue_units=_overdue_units(running),
        closed_online=tuple(
            _ref(s.site, vocabulary)
            for s in data.run.sites
            if s.site.status != STATUS_RUNNING and any(f.rule == CLOSED_ONLINE_RULE for f in s.findings)
        ),
        sites=_site_rows(running, data.evaluation, vocabulary),
        trend=_trend(data.history, data.period, pass_rate),
        evaluation=_evaluation(data.evaluation, order, vocabulary),
        previous=_previous(data, pass_rate),
        selfcheck=_selfcheck(data.selfcheck, data.run),
        recheck=_recheck(data.recheck, data),
        messages=_messages(data.messages, data.as_of),
    )


# ------------------------------------------------------------------------------ census


def _category(site: Site, vocabulary: Vocabulary) -> str:
    return site.category or vocabulary.uncategorised


def _ref(site: Site, vocabulary: Vocabulary) -> SiteRef:
    return SiteRef(site.name, site.site_code, site.owner, _category(site, vocabulary))


def _pass_rate(sites: Iterable[SiteResult]) -> float | None:
    verdicts = Counter(s.verdict for s in sites)
    measured = verdicts[VERDICT_PASS] + verdicts[VERDICT_FAIL]
    return verdicts[VERDICT_PASS] / measured if measured else None


def _category_order(
    running: list[SiteResult], evaluation: Evaluation | None, vocabulary: Vocabulary
) -> dict[str, int]:
    """The evaluation's category order when there is one (it is the profile's), then any
    category it does not know in the order the census first met it."""
    order: dict[str, int] = {}
    for group in evaluation.categories if evaluation else []:
        order.setdefault(group.name or vocabulary.uncategorised, len(order))
    for s in running:
        order.setdefault(_category(s.site, vocabulary), len(order))
    return order


def _categories(
    running: list[SiteResult],
    order: dict[str, int],
    evaluation: Evaluation | None,
    vocabulary: Vocabulary,
) -> tuple[CategoryFigures, ...]:
    members: dict[str, list[SiteResult]] = defaultdict(list)
    for s in running:
        members[_category(s.site, vocabulary)].append(s)
    stats: dict[str, GroupStats] = {
        (g.name or vocabulary.uncategorised): g for g in (evaluation.categories if evaluation else [])
    }
    names = sorted(members, key=order.__getitem__)
    return tuple(_group(name, members[name], stats.get(name)) for name in names)


def _group(name: str, sites: list[SiteResult], stats: GroupStats | None) -> CategoryFigures:
    verdicts = Counter(s.verdict for s in sites)
    return CategoryFigures(
        name=name,
        checked=len(sites),
        passed=verdicts[VERDICT_PASS],
        failed=verdicts[VERDICT_FAIL],
        not_measured=verdicts[VERDICT_NOT_MEASURED],
        pass_rate=_pass_rate(sites),
        scored=stats.scored if stats else None,
        average=stats.average if stats else None,
        above_average=stats.above_average if stats else None,
        min_score=stats.min_score if stats else None,
        max_score=stats.max_score if stats else None,
        excellent_good_rate=stats.excellent_good_rate if stats else None,
    )


def _sorted_counts(
    sites: Counter[str], findings: Counter[str], vocabulary: Vocabulary
) -> tuple[ProblemCount, ...]:
    """Most widespread first; ties in the text layer's order, so the output is stable."""
    rank = vocabulary.type_order()
    names = sorted(sites, key=lambda t: (-sites[t], -findings[t], rank.get(t, len(rank)), t))
    return tuple(ProblemCount(t, sites[t], findings[t]) for t in names)


def _veto_counts(running: list[SiteResult], vocabulary: Vocabulary) -> tuple[ProblemCount, ...]:
    sites: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for s in running:
        vetoes = set(s.vetoes)
        types = {vocabulary.problem_type(rule) for rule in vetoes}
        sites.update(types)
        findings.update(vocabulary.problem_type(f.rule) for f in s.findings if f.rule in vetoes)
    return _sorted_counts(sites, findings, vocabulary)


def _problem_counts(all_sites: list[SiteResult], vocabulary: Vocabulary) -> tuple[ProblemCount, ...]:
    sites: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for s in all_sites:
        types = [vocabulary.problem_type(f.rule) for f in s.findings]
        findings.update(types)
        sites.update(set(types))
    return _sorted_counts(sites, findings, vocabulary)


def _problem_sites(running: list[SiteResult], vocabulary: Vocabulary) -> tuple[ProblemSite, ...]:
    rank = vocabulary.type_order()
    out = []
    for s in running:
        if s.verdict != VERDICT_FAIL and not s.vetoes:
            continue
        vetoes = set(s.vetoes)
        per_type: Counter[str] = Counter(
            vocabulary.problem_type(f.rule) for f in s.findings if f.rule in vetoes
        )
        for rule in vetoes:  # a veto always names its type, even with no finding kept
            per_type.setdefault(vocabulary.problem_type(rule), 0)
        problems = tuple(
            SiteProblem(t, per_type[t]) for t in sorted(per_type, key=lambda t: (rank.get(t, len(rank)), t))
        )
        out.append(
            ProblemSite(
                name=s.site.name,
                site_code=s.site.site_code,
                owner=s.site.owner,
                category=_category(s.site, vocabulary),
                verdict=s.verdict,
                score=s.score,
                problems=problems,
                findings=len(s.findings),
            )
        )
    return tuple(out)


def _overdue_units(running: list[SiteResult]) -> tuple[UnitCount, ...]:
    """Units named for messages unanswered over three months, most messages first."""
    sites: dict[str, list[str]] = defaultdict(list)
    findings: Counter[str] = Counter()
    for s in running:
        count = sum(1 for f in s.findings if f.rule == UNANSWERED_RULE)
        if count:
            unit = s.site.owner or s.site.name
            sites[unit].append(s.site.name)
            findings[unit] += count
    first_seen = {unit: i for i, unit in enumerate(sites)}
    units = sorted(sites, key=lambda u: (-findings[u], first_seen[u]))
    return tuple(UnitCount(u, tuple(sites[u]), findings[u]) for u in units)


def _site_rows(
    running: list[SiteResult], evaluation: Evaluation | None, vocabulary: Vocabulary
) -> tuple[SiteRow, ...]:
    evaluated = {e.site.site_code: e for e in evaluation.sites} if evaluation else {}
    rows = []
    for number, s in enumerate(running, start=1):
        e = evaluated.get(s.site.site_code)
        rows.append(
            SiteRow(
                number=number,
                name=s.site.name,
                site_code=s.site.site_code,
                owner=s.site.owner,
                category=_category(s.site, vocabulary),
                verdict=s.verdict,
                census_score=s.score,
                total=e.total if e else None,
                grade=e.grade if e else None,
            )
        )
    return tuple(rows)


def _trend(
    history: list[tuple[str, float | None]], period: str, pass_rate: float | None
) -> tuple[TrendPoint, ...]:
    """History as given, with the current point always last and equal to this run's rate."""
    points = [TrendPoint(p, period_zh(p), rate) for p, rate in history if p != period]
    points.append(TrendPoint(period, period_zh(period), pass_rate))
    return tuple(points)


# -------------------------------------------------------------------------- evaluation


def _evaluation(
    evaluation: Evaluation | None, order: dict[str, int], vocabulary: Vocabulary
) -> EvaluationFigures | None:
    if evaluation is None:
        return None
    ranked = sorted(
        evaluation.sites,
        key=lambda e: (
            e.rank is None,
            e.rank or 0,
            order.get(_category(e.site, vocabulary), len(order)),
            e.site.name,
        ),
    )
    ranks = Counter(e.rank for e in ranked if e.rank is not None)
    category_ranks = Counter(
        (_category(e.site, vocabulary), e.category_rank) for e in ranked if e.category_rank is not None
    )
    source_ids = [src["id"] for src in evaluation.sources]
    rows = tuple(
        RankRow(
            rank=e.rank,
            tied=e.rank is not None and ranks[e.rank] > 1,
            category_rank=e.category_rank,
            category_tied=e.category_rank is not None
            and category_ranks[(_category(e.site, vocabulary), e.category_rank)] > 1,
            name=e.site.name,
            site_code=e.site.site_code,
            category=_category(e.site, vocabulary),
            scores=tuple(e.scores.get(sid) for sid in source_ids),
            total=e.total,
            grade=e.grade,
        )
        for e in ranked
    )

    def grouped(grade: str) -> tuple[GradeGroup, ...]:
        groups: dict[str, list[ScoredName]] = defaultdict(list)
        for row in rows:
            if row.grade == grade:
                groups[row.category].append(ScoredName(row.name, row.total))
        return tuple(
            GradeGroup(c, tuple(groups[c])) for c in sorted(groups, key=lambda c: order.get(c, len(order)))
        )

    excellent, good = grouped(GRADE_EXCELLENT), grouped(GRADE_GOOD)
    # A progress row names its category as the evaluation did; print the ranking's form of it.
    by_code = {r.site_code: r for r in rows}
    progress = tuple(
        ProgressItem(
            name=p.name,
            category=by_code[p.site_code].category if p.site_code in by_code else p.category,
            previous_total=p.previous_total,
            total=p.total,
            delta=p.delta,
            previous_rank=p.previous_rank,
            rank=p.rank,
        )
        for p in sorted(evaluation.progress, key=lambda p: -(p.delta or 0.0))
        if p.notable
    )
    return EvaluationFigures(
        profile_name=evaluation.profile_name_zh or evaluation.profile,
        sources=tuple(src.get("name_zh") or src["id"] for src in evaluation.sources),
        scored=evaluation.overall.scored,
        average=evaluation.overall.average,
        excellent_good_rate=evaluation.overall.excellent_good_rate,
        grade_counts=dict(evaluation.overall.grade_counts),
        excellent=excellent,
        excellent_count=sum(len(g.sites) for g in excellent),
        good=good,
        good_count=sum(len(g.sites) for g in good),
        ranking=rows,
        top=tuple(r for r in rows if r.rank is not None and r.rank <= TOP_RANK),
        progress=progress,
        previous_period_zh=period_zh(evaluation.previous_period) if evaluation.previous_period else None,
    )


# ----------------------------------------------------------- previous period, checks


def _previous(data: CircularData, pass_rate: float | None) -> PreviousFigures | None:
    period = previous_period(data.period)
    if data.previous_run is not None:
        rate = _pass_rate(s for s in data.previous_run.sites if s.site.status == STATUS_RUNNING)
    else:
        known = dict(data.history)
        if period not in known:
            return None
        rate = known[period]
    change = None
    if rate is not None and pass_rate is not None:
        change = round(round(pass_rate * 100, 1) - round(rate * 100, 1), 1)
    still: list[str] = []
    now_passing: list[str] = []
    previously_failed = 0
    if data.previous_run is not None:
        current = {s.site.site_code: s for s in data.run.sites}
        for old in data.previous_run.sites:
            if old.verdict != VERDICT_FAIL:
                continue
            previously_failed += 1
            new = current.get(old.site.site_code)
            if new is not None and new.verdict == VERDICT_FAIL:
                still.append(new.site.name)
            elif new is not None and new.verdict == VERDICT_PASS:
                now_passing.append(new.site.name)
    return PreviousFigures(
        period=period,
        period_zh=period_zh(period),
        pass_rate=rate,
        change_points=change,
        previously_failed=previously_failed,
        still_failing=tuple(still),
        now_passing=tuple(now_passing),
    )


def _names(codes: Iterable[str], known: dict[str, str]) -> tuple[str, ...]:
    return tuple(known.get(code, code) for code in codes)


def _selfcheck(selfcheck: SelfCheckComparison | None, run: RunResults) -> SelfCheckFigures | None:
    if selfcheck is None:
        return None
    known = {s.site.site_code: s.site.name for s in run.sites}
    known.update({r.site_code: r.name for r in selfcheck.rows})
    return SelfCheckFigures(
        conclusion=selfcheck.conclusion_zh,
        compared=selfcheck.compared,
        agreed=selfcheck.agreed,
        agreement_rate=selfcheck.agreement_rate,
        said_pass_census_fail=_names(selfcheck.said_pass_census_fail, known),
        said_fail_census_pass=_names(selfcheck.said_fail_census_pass, known),
        missing=len(selfcheck.missing),
    )


def _recheck(recheck: Recheck | None, data: CircularData) -> RecheckFigures | None:
    if recheck is None:
        return None
    known = {s.site.site_code: s.site.name for s in data.run.sites}
    known.update({i.site_code: i.name for i in recheck.items})
    fixed, still_open, unverifiable = (
        recheck.counts.get(state, 0) for state in (RECHECK_FIXED, RECHECK_OPEN, RECHECK_UNVERIFIABLE)
    )
    return RecheckFigures(
        total=fixed + still_open + unverifiable,
        fixed=fixed,
        open=still_open,
        unverifiable=unverifiable,
        sites_fixed=_names(recheck.sites_fixed, known),
        sites_open=_names(recheck.sites_open, known),
    )


# ---------------------------------------------------------------------------- messages


def _day(value: Any) -> date | None:
    """A message's date, whether the store gave a date, a datetime or an ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()


def _message_unit(unit: str, records: list[dict[str, Any]], as_of: date) -> MessageUnit:
    closed = [r for r in records if _day(r["closed_at"]) is not None]
    on_time = sum(1 for r in closed if r["on_time"] is True)
    late_open = sum(1 for r in records if _day(r["closed_at"]) is None
                    and _day(r["deadline"]) is not None and _day(r["deadline"]) < as_of)
    overdue = late_open + sum(1 for r in closed if r["on_time"] is False)
    due = len(closed) + late_open
    return MessageUnit(
        unit=unit,
        received=len(records),
        closed=len(closed),
        on_time=on_time,
        on_time_rate=on_time / due if due else None,
        overdue=overdue,
        returned=sum(1 for r in records if r["returned"]),
    )


def _messages(records: list[dict[str, Any]] | None, as_of: date) -> MessageFigures | None:
    if records is None:
        return None
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_unit[r["unit"] or r["site_name"]].append(r)
    units = tuple(_message_unit(u, rs, as_of) for u, rs in by_unit.items())
    first_seen = {u.unit: i for i, u in enumerate(units)}
    return MessageFigures(
        units=units,
        total=_message_unit("", list(records), as_of),
        overdue_units=tuple(
            sorted((u for u in units if u.overdue), key=lambda u: (-u.overdue, first_seen[u.unit]))
        ),
    )
