"""Availability (站点无法访问 / 首页可用性) from a week of probe history.

V15-1 / V19-2 (standards.md §1.1, grade A): "监测1周，每天间隔性访问20次以上，超过(含)15秒网站
仍打不开的次数比例累计超过(含)5%". A census run alone cannot see this: it needs the probe history
passed with --probes, and without enough probes the rule is not measured, never guessed.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from govsite.findings import Finding
from govsite.probes import Probe
from govsite.rules.base import NEED_PROBES, NotMeasured, RuleContext, RuleMeta, rule
from govsite.snapshot import SiteSnapshot

# The 监测时间点 is a date in China Standard Time; the window is the 7 days ending with it.
CST = timezone(timedelta(hours=8))
BLOCKED = "blocked"
EVIDENCE = ("probes", "failures", "ratio", "window_start", "window_end", "errors")
OPTIONS = {"window_days": 7, "min_probes_per_day": 20, "veto_ratio": 0.05}

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


def window_stats(snap: SiteSnapshot, ctx: RuleContext, meta: RuleMeta) -> dict[str, object]:
    """Probe counts in the rule window, or NotMeasured when there are too few."""
    days = int(ctx.option(meta, "window_days"))
    end = datetime.combine(ctx.as_of + timedelta(days=1), time.min, CST)
    start = end - timedelta(days=days)
    # A probe answered by a WAF challenge says nothing about whether the site is up: it is
    # left out of both counts rather than called a failure (issue 5: "blocked, not down").
    probes = [p for p in map(Probe.from_json, snap.probes or [])
              if start <= p.time < end and p.error != BLOCKED]
    needed = days * int(ctx.option(meta, "min_probes_per_day"))
    if len(probes) < needed:
        raise NotMeasured(f"监测窗口内探测{len(probes)}次，少于规定的{needed}次")
    failures = [p for p in probes if not p.ok]
    errors: dict[str, int] = {}
    for p in failures:
        key = p.error or (f"http_{p.status}" if p.status else "unknown")
        errors[key] = errors.get(key, 0) + 1
    return {
        "probes": len(probes),
        "failures": len(failures),
        "ratio": round(len(failures) / len(probes), 4),
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "errors": errors,
    }


@rule(UNREACHABLE)
def unreachable(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The site failed to open in at least 5 % of a week's probes.

    What it checks: probes of the home page in the 7 days ending on the 监测时间点 (China time);
        at least 20 a day are required, else not measured; a probe fails when the page had not
        opened within 15 s or answered an error. Veto when failures / probes >= 5 %
        (inclusive, as the text says "超过(含)").
    Why it matters: 站点无法访问 is a single-item veto in both the 2015 census and the 2019
        检查指标 (standards.md V15-1, V19-2, grade A/B).
    Example: 168 probes in the week, 9 timed out: 5.36 %, veto.
    References: standards.md §1.1 V15-1, §2.2 V19-2, §6.4.
    """
    stats = window_stats(snap, ctx, UNREACHABLE)
    if float(stats["ratio"]) < float(ctx.option(UNREACHABLE, "veto_ratio")):  # type: ignore[arg-type]
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
    stats = window_stats(snap, ctx, HOME_FAILURE)
    ratio = float(stats["ratio"])  # type: ignore[arg-type]
    if ratio == 0 or ratio >= float(ctx.option(HOME_FAILURE, "veto_ratio")):
        return []
    return [_finding(HOME_FAILURE.id, snap, stats, "首页存在打不开的情况")]


def _finding(rule_id: str, snap: SiteSnapshot, stats: dict[str, object], what: str) -> Finding:
    return Finding(
        rule=rule_id,
        url=snap.site.url,
        detail=f"{what}：{stats['failures']}/{stats['probes']}次失败（{float(stats['ratio']):.2%}）",  # type: ignore[arg-type]
        evidence=stats,
    )
