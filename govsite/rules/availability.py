"""Availability (站点无法访问 / 首页可用性) from a week of probe history.

V15-1 / V19-2 (standards.md §1.1, grade A): "监测1周，每天间隔性访问20次以上，超过(含)15秒网站
仍打不开的次数比例累计超过(含)5%". A census run alone cannot see this: it needs the probe history
passed with --probes, and without enough probes the rule is not measured, never guessed.

The window arithmetic lives here once (`probe_window`, `window_counts`): the rules, the
report's facts, the census reading a monitor's store and `govsite monitor status` all call it,
so they cannot disagree about which probes count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from govsite.clock import CST
from govsite.findings import Finding
from govsite.probes import Probe
from govsite.rules.base import NEED_PROBES, NotMeasured, RuleContext, RuleMeta, rule
from govsite.snapshot import SiteSnapshot

BLOCKED = "blocked"
EVIDENCE = ("probes", "failures", "ratio", "window_start", "window_end", "errors")
OPTIONS = {"window_days": 7, "min_probes_per_day": 20, "veto_ratio": 0.05}
# How many of a site's worst hours the facts list; more is noise on a 24-probe day.
WORST_HOURS = 3

UNREACHABLE = RuleMeta(
    id="availability.unreachable",
    name_zh="站点无法访问",
    family="availability",
    needs=(NEED_PROBES,),
    evidence=EVIDENCE,
    tags=("gb2015:V15-1", "gb2019:V19-2"),
    options=dict(OPTIONS),
    help_zh="监测1周，每天间隔访问20次以上，超过15秒仍打不开的次数比例累计达到5%。",
)
HOME_FAILURE = RuleMeta(
    id="availability.home_failure",
    name_zh="首页可用性",
    family="availability",
    needs=(NEED_PROBES,),
    evidence=EVIDENCE,
    tags=("gb2015:D15-1",),
    options=dict(OPTIONS),
    help_zh="监测期内首页有打不开的情况，但比例未达到单项否决标准。",
)


def probe_window(as_of: date, days: int) -> tuple[datetime, datetime]:
    """[start, end) of the `days` China-time days ending with the 监测时间点 `as_of`."""
    end = datetime.combine(as_of + timedelta(days=1), time.min, CST)
    return end - timedelta(days=days), end


def history_window(as_of: date, options: Mapping[str, Mapping[str, Any]]) -> tuple[datetime, datetime]:
    """The span of probes the availability rules may look at under a profile's options.

    A census reading a monitor's store fetches this much per site: the widest window either
    rule is configured with, so a profile that widens one of them still gets its probes.
    """
    days = max(int(options.get(meta.id, {}).get("window_days", OPTIONS["window_days"]))
               for meta in (UNREACHABLE, HOME_FAILURE))
    return probe_window(as_of, days)


@dataclass(frozen=True)
class WindowCounts:
    """The probes of one window that count, and the ones left out as WAF-blocked."""

    start: datetime
    end: datetime
    probes: list[Probe]
    blocked: int

    @property
    def failures(self) -> list[Probe]:
        return [p for p in self.probes if not p.ok]

    def ratio(self) -> Fraction | None:
        """Exact failures / probes: the veto sits exactly on 5 %, floats must not blur it."""
        return Fraction(len(self.failures), len(self.probes)) if self.probes else None

    def short_days(self, min_per_day: int) -> list[tuple[date, int]]:
        """The China-time days of the window with fewer than `min_per_day` probes."""
        per_day = Counter(p.time.astimezone(CST).date() for p in self.probes)
        days = (self.end - self.start).days
        first = self.start.astimezone(CST).date()
        return [(d, per_day[d]) for d in (first + timedelta(days=n) for n in range(days))
                if per_day[d] < min_per_day]


def window_counts(probes: Iterable[Probe], start: datetime, end: datetime) -> WindowCounts:
    """Probes with start <= time < end, WAF-blocked ones counted apart."""
    inside = [p for p in probes if start <= p.time < end]
    # A probe answered by a WAF challenge says nothing about whether the site is up: it is
    # left out of both counts rather than called a failure (issue 5: "blocked, not down").
    counted = [p for p in inside if p.error != BLOCKED]
    return WindowCounts(start, end, sorted(counted, key=lambda p: p.time),
                        blocked=len(inside) - len(counted))


def error_counts(failures: Iterable[Probe]) -> dict[str, int]:
    """Failures by error class (`http_502`-style when only a status was recorded)."""
    errors: dict[str, int] = {}
    for p in failures:
        key = p.error or (f"http_{p.status}" if p.status else "unknown")
        errors[key] = errors.get(key, 0) + 1
    return dict(sorted(errors.items()))


def worst_hours(probes: Iterable[Probe], *, limit: int = WORST_HOURS) -> list[dict[str, int]]:
    """The China-time hours of the day with the most failures, worst first.

    By hour of day rather than by date: a server that reboots every night at 03:00 shows as
    one hour failing on seven days, which is what its owner needs to hear.
    """
    total: Counter[int] = Counter()
    failed: Counter[int] = Counter()
    for p in probes:
        hour = p.time.astimezone(CST).hour
        total[hour] += 1
        failed[hour] += not p.ok
    ranked = sorted((h for h in failed if failed[h]),
                    key=lambda h: (-failed[h], -Fraction(failed[h], total[h]), h))
    return [{"hour": h, "probes": total[h], "failures": failed[h]} for h in ranked[:limit]]


def window_stats(
    snap: SiteSnapshot, ctx: RuleContext, meta: RuleMeta
) -> tuple[dict[str, object], Fraction]:
    """The finding's evidence and the exact failure ratio, or NotMeasured when a day has too few."""
    start, end = probe_window(ctx.as_of, int(ctx.option(meta, "window_days")))
    counts = window_counts(map(Probe.from_json, snap.probes or []), start, end)
    per_day = int(ctx.option(meta, "min_probes_per_day"))
    short = counts.short_days(per_day)
    if short:
        # standards.md §6.4: "每天间隔性访问20次以上" is a per-day floor; a week with one dead
        # day (the monitor was down) is not a week of monitoring, whatever the total.
        day, seen = short[0]
        more = f"（另有{len(short) - 1}天不足）" if len(short) > 1 else ""
        blocked = f"；另有{counts.blocked}次被防护拦截，不计入" if counts.blocked else ""
        raise NotMeasured(
            f"监测窗口内探测{len(counts.probes)}次，要求{(end - start).days}天每天至少{per_day}次，"
            f"{day.isoformat()}仅{seen}次{more}{blocked}")
    ratio = counts.ratio()
    assert ratio is not None  # at least one day with at least min_probes_per_day probes
    return {
        "probes": len(counts.probes),
        "failures": len(counts.failures),
        "ratio": round(float(ratio), 6),
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "errors": error_counts(counts.failures),
    }, ratio


def _veto_ratio(ctx: RuleContext, meta: RuleMeta) -> Fraction:
    # From the decimal text, so 0.05 is exactly 1/20 and 7 of 140 is exactly on the veto.
    return Fraction(str(ctx.option(meta, "veto_ratio")))


@rule(UNREACHABLE)
def unreachable(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The site failed to open in at least 5 % of a week's probes.

    What it checks: probes of the home page in the 7 days ending on the 监测时间点 (China time);
        at least 20 on each day are required, else not measured; a probe fails when the page
        had not opened within 15 s or answered an error; WAF-blocked probes are left out.
        Veto when failures / probes >= 5 % (inclusive, as the text says "超过(含)"), compared
        exactly, not in floating point.
    Why it matters: 站点无法访问 is a single-item veto in both the 2015 census and the 2019
        检查指标 (standards.md V15-1, V19-2, grade A/B).
    Example: 168 probes in the week, 9 timed out: 5.36 %, veto.
    References: standards.md §1.1 V15-1, §2.2 V19-2, §6.4.
    """
    stats, ratio = window_stats(snap, ctx, UNREACHABLE)
    if ratio < _veto_ratio(ctx, UNREACHABLE):
        return []
    return [_finding(UNREACHABLE.id, snap, stats, "站点无法访问")]


@rule(HOME_FAILURE)
def home_failure(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page failed some probes, below the veto ratio.

    What it checks: the same window and probes as availability.unreachable; a finding when at
        least one probe failed but the ratio stayed under the veto ratio.
    Why it matters: 2015 D15-1 首页可用性 deducts by "首页打不开的次数占全部监测次数的比例"
        (standards.md §1.2, points unconfirmed).
    Example: 3 of 168 probes failed (1.8 %).
    References: standards.md §1.2 D15-1.
    """
    stats, ratio = window_stats(snap, ctx, HOME_FAILURE)
    if ratio == 0 or ratio >= _veto_ratio(ctx, HOME_FAILURE):
        return []
    return [_finding(HOME_FAILURE.id, snap, stats, "首页存在打不开的情况")]


def _finding(rule_id: str, snap: SiteSnapshot, stats: dict[str, object], what: str) -> Finding:
    return Finding(
        rule=rule_id,
        url=snap.site.url,
        detail=f"{what}：{stats['failures']}/{stats['probes']}次失败（{percent(stats)}）",
        evidence=stats,
    )


def percent(stats: Mapping[str, object]) -> str:
    """failures/probes as a percentage cut (not rounded) to two decimals: 1999 of 40,000
    reads 4.99 %, never a 5.00 % that the veto did not reach."""
    ratio = Fraction(int(stats["failures"]), int(stats["probes"]))  # type: ignore[call-overload]
    hundredths = int(ratio * 10_000)  # int() of a positive Fraction truncates exactly
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def availability_facts(snap: SiteSnapshot, ctx: RuleContext) -> dict[str, Any] | None:
    """The report's 可用性监测 section: the same window and counts the rules use.

    None when the census had no probe history. With too few probes the counts are still
    given, with status `not_measured` and the reason, so a reader sees how far short it was.
    """
    if snap.probes is None:
        return None
    start, end = probe_window(ctx.as_of, int(ctx.option(UNREACHABLE, "window_days")))
    counts = window_counts(map(Probe.from_json, snap.probes), start, end)
    ratio = counts.ratio()
    veto = _veto_ratio(ctx, UNREACHABLE)
    try:
        window_stats(snap, ctx, UNREACHABLE)
        status = "veto" if ratio is not None and ratio >= veto else (
            "failing" if counts.failures else "ok")
        why = None
    except NotMeasured as exc:
        status, why = "not_measured", str(exc)
    return {
        "probes": len(counts.probes),
        "failures": len(counts.failures),
        "blocked": counts.blocked,
        "ratio": None if ratio is None else round(float(ratio), 6),
        "veto_ratio": float(veto),
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "status": status,
        "why": why,
        "errors": error_counts(counts.failures),
        "worst_hours": worst_hours(counts.probes),
    }
