"""The quarter's 抽查 plan: which sites of each unit the centre checks this period.

Each unit (主办单位 at the top of a 上级网站 chain) has at least `rate` of its running sites
checked, rounded up so that a unit with one site is never skipped. Key sites (portals and
departments' main sites) and last period's failures are always in; the rest of each unit's
share is drawn with a seeded generator from a sorted list, so the same registry, failures and
seed give the same plan, and a unit can be shown how its sites were chosen.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from govsite.registry import HEADERS, url_key
from govsite.sites import KIND_DEPARTMENT, KIND_PORTAL, STATUS_RUNNING, Site

REASON_KEY = "key"
REASON_FAILED = "failed"
REASON_RANDOM = "random"
REASONS_ZH = {REASON_KEY: "重点网站", REASON_FAILED: "上期不合格", REASON_RANDOM: "随机抽取"}
REASON_HEADER = "抽查原因"
# Written in the registry's own words, so the file reads like the registry it came from.
_KIND_ZH = {KIND_PORTAL: "门户", KIND_DEPARTMENT: "部门"}
_STATUS_ZH = "运行"


@dataclass(frozen=True)
class SampleRule:
    """At least `rate` (0 < rate ≤ 1) of each unit's running sites, rounded up."""

    rate: float = 0.30

    def __post_init__(self) -> None:
        if not 0 < self.rate <= 1:
            raise ValueError(f"抽查比例 {self.rate:g} 无效，应大于0且不超过1")


@dataclass(frozen=True)
class SampleEntry:
    """One sampled site, its unit, and why it is in the plan."""

    site: Site
    unit: str
    reason: str

    @property
    def reason_zh(self) -> str:
        return REASONS_ZH[self.reason]

    def to_json(self) -> dict[str, Any]:
        return {"site": self.site.to_json(), "unit": self.unit, "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SampleEntry:
        return cls(site=Site.from_json(data["site"]), unit=data["unit"], reason=data["reason"])


@dataclass(frozen=True)
class UnitTotals:
    """One unit: running sites, the share required, and how many of each reason were taken."""

    unit: str
    running: int
    required: int
    sampled: int
    key: int
    failed: int
    random: int


@dataclass
class SamplePlan:
    """The plan: entries by unit then site code, and per-unit totals by unit name."""

    seed: int
    rate: float
    entries: list[SampleEntry]
    units: list[UnitTotals] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "rate": self.rate,
                "entries": [e.to_json() for e in self.entries],
                "units": [asdict(u) for u in self.units]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SamplePlan:
        return cls(seed=data["seed"], rate=data["rate"],
                   entries=[SampleEntry.from_json(e) for e in data["entries"]],
                   units=[UnitTotals(**u) for u in data["units"]])

    def to_registry_rows(self) -> list[dict[str, str]]:
        """The sampled sites as registry rows (Chinese headers), for `govsite census --sites`."""
        return [_registry_row(e.site) for e in self.entries]


def plan_sample(sites: list[Site], *, rule: SampleRule, seed: int,
                previous_failed: set[str]) -> SamplePlan:
    """Choose this period's sites; `previous_failed` holds last period's failed site codes."""
    units = units_of(sites)
    by_unit: dict[str, list[Site]] = {}
    for site in sites:
        if site.status == STATUS_RUNNING:
            by_unit.setdefault(units[site.site_code], []).append(site)
    rng = random.Random(seed)
    entries: list[SampleEntry] = []
    totals: list[UnitTotals] = []
    for unit in sorted(by_unit):
        members = sorted(by_unit[unit], key=lambda s: s.site_code)
        # A site both failed and key is listed as failed: that is what the check follows up.
        chosen = [SampleEntry(s, unit, REASON_FAILED) for s in members
                  if s.site_code in previous_failed]
        chosen += [SampleEntry(s, unit, REASON_KEY) for s in members
                   if s.site_code not in previous_failed and is_key_site(s)]
        taken = {e.site.site_code for e in chosen}
        rest = [s for s in members if s.site_code not in taken]
        # round() first: 0.3 × 10 is 3.0000000000000004 in floats, and must stay 3.
        required = math.ceil(round(rule.rate * len(members), 6))
        drawn = rng.sample(rest, max(0, required - len(chosen)))
        chosen += [SampleEntry(s, unit, REASON_RANDOM) for s in drawn]
        chosen.sort(key=lambda e: e.site.site_code)
        entries += chosen
        totals.append(UnitTotals(
            unit=unit, running=len(members), required=required, sampled=len(chosen),
            **{r: sum(1 for e in chosen if e.reason == r)
               for r in (REASON_KEY, REASON_FAILED, REASON_RANDOM)},
        ))
    return SamplePlan(seed=seed, rate=rule.rate, entries=entries, units=totals)


def is_key_site(site: Site) -> bool:
    """重点网站: a portal, or a department's main site (a department site with no 上级网站)."""
    return site.kind == KIND_PORTAL or (site.kind == KIND_DEPARTMENT and not site.parent)


def units_of(sites: list[Site]) -> dict[str, str]:
    """Site code → unit: the 主办单位 (or name) of the top site of its 上级网站 chain.

    `parent` may be a site code or the home URL of another row. A parent not in `sites`
    (e.g. a provincial portal outside this registry) ends the chain at the site itself, and
    so does a cycle, which a registry can contain by mistake.
    """
    by_code = {s.site_code: s for s in sites}
    by_url = {url_key(s.url): s for s in sites}

    def parent_of(site: Site) -> Site | None:
        ref = site.parent.strip()
        if not ref:
            return None
        return by_code.get(ref.lower() if ref[:2].lower() == "bm" else ref) or by_url.get(
            url_key(ref if "://" in ref else f"http://{ref}"))

    units: dict[str, str] = {}
    for site in sites:
        top, seen = site, {site.site_code}
        while (up := parent_of(top)) is not None and up.site_code not in seen:
            top = up
            seen.add(up.site_code)
        units[site.site_code] = top.owner or top.name
    return units


def _registry_row(site: Site) -> dict[str, str]:
    values = {
        "name": site.name, "site_code": site.site_code, "url": site.url, "owner": site.owner,
        "category": site.category, "kind": _KIND_ZH.get(site.kind, "其他"), "status": _STATUS_ZH,
        "parent": site.parent,
    }
    return {HEADERS[f][0]: values[f] for f in HEADERS}


def write_sample_csv(plan: SamplePlan, path: Path) -> None:
    """Write the plan as a registry CSV (UTF-8 with BOM, so Excel and WPS open it) + 抽查原因."""
    fieldnames = [names[0] for names in HEADERS.values()] + [REASON_HEADER]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fieldnames)
        writer.writeheader()
        for entry, row in zip(plan.entries, plan.to_registry_rows(), strict=True):
            writer.writerow({**row, REASON_HEADER: entry.reason_zh})
