"""The evaluation's data: what `govsite evaluate` computes and the 通报 reads.

Plain dataclasses with `to_json`/`from_json`, so an evaluation can be stored (the store's
period records), written as evaluation.json, and read back by the report writers without
recomputing. Scores are points out of 100 for every source, and the total is the weighted sum
(weights from the evaluation profile, `evalprofile.py`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from govsite.sites import Site

# Grades, best first; the profile names which of them count as 优良 (优秀 and 良好).
GRADE_EXCELLENT = "优秀"
GRADE_GOOD = "良好"
GRADE_PASS = "合格"
GRADE_FAIL = "不合格"
GRADES = (GRADE_EXCELLENT, GRADE_GOOD, GRADE_PASS, GRADE_FAIL)


@dataclass
class SiteEvaluation:
    """One site's evaluation in one period.

    `scores` maps each source id of the profile to its score out of 100, None when that
    source has no score for the site (then `total` is None and `notes` says why, unless the
    profile lets a missing source count as 0). `rank` is the competition rank over all sites
    with a total (ties share a rank: 1, 2, 2, 4); `category_rank` the same within the site's
    category. `census_verdict` is the census's pass/fail/not_measured; `vetoed` lists the
    veto rules that fired.
    """

    site: Site
    scores: dict[str, float | None]
    total: float | None
    grade: str | None
    rank: int | None = None
    category_rank: int | None = None
    census_verdict: str = ""
    vetoed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["site"] = self.site.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SiteEvaluation:
        return cls(**{**data, "site": Site.from_json(data["site"])})


@dataclass
class GroupStats:
    """Figures for one group of sites (a category such as 区政府, or the whole fleet).

    `good_rate` maps each source id (an indicator) to the share of the group's sites whose
    score on it is 优良 (≥ the profile's `good_ratio` of 100), in [0, 1]; `grade_counts`
    counts sites per grade; `above_average` is how many sites beat the group's mean total.
    """

    name: str
    sites: int
    scored: int
    average: float | None
    above_average: int
    min_score: float | None
    max_score: float | None
    pass_rate: float | None
    excellent_good_rate: float | None
    good_rate: dict[str, float | None]
    grade_counts: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GroupStats:
        return cls(**data)


@dataclass
class ProgressRow:
    """A site's change between two periods (进步幅度): totals, ranks, and whether notable."""

    site_code: str
    name: str
    category: str
    previous_total: float | None
    total: float | None
    delta: float | None
    previous_rank: int | None
    rank: int | None
    notable: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProgressRow:
        return cls(**data)


@dataclass
class Evaluation:
    """A period's evaluation: per site, per category, overall, and progress when known."""

    period: str
    profile: str
    profile_name_zh: str
    run_id: str
    sources: list[dict[str, Any]]  # [{"id", "name_zh", "weight", "kind"}] in profile order
    sites: list[SiteEvaluation]
    categories: list[GroupStats]
    overall: GroupStats
    progress: list[ProgressRow] = field(default_factory=list)
    previous_period: str | None = None
    assumed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "profile": self.profile,
            "profile_name_zh": self.profile_name_zh,
            "run_id": self.run_id,
            "sources": list(self.sources),
            "sites": [s.to_json() for s in self.sites],
            "categories": [c.to_json() for c in self.categories],
            "overall": self.overall.to_json(),
            "progress": [p.to_json() for p in self.progress],
            "previous_period": self.previous_period,
            "assumed": list(self.assumed),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evaluation:
        return cls(
            period=data["period"],
            profile=data["profile"],
            profile_name_zh=data["profile_name_zh"],
            run_id=data["run_id"],
            sources=list(data["sources"]),
            sites=[SiteEvaluation.from_json(s) for s in data["sites"]],
            categories=[GroupStats.from_json(c) for c in data["categories"]],
            overall=GroupStats.from_json(data["overall"]),
            progress=[ProgressRow.from_json(p) for p in data.get("progress", [])],
            previous_period=data.get("previous_period"),
            assumed=list(data.get("assumed", [])),
        )


# ----------------------------------------------------------------------- self-check (自查)

@dataclass
class SelfCheckRow:
    """One site: what its unit's self-check said, what the census found, and whether they agree.

    `self_verdict` and `census_verdict` use the contract's tokens (pass / fail; the census may
    also be not_measured, and then `agree` is None: it is not counted either way).
    """

    site_code: str
    name: str
    unit: str
    self_verdict: str
    census_verdict: str
    agree: bool | None
    self_score: float | None = None
    census_score: float | None = None
    vetoes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SelfCheckRow:
        return cls(**data)


@dataclass
class SelfCheckComparison:
    """A unit (or many) self-check set against the census (经复核 …).

    `agreement_rate` = agreed / compared (None when nothing could be compared);
    `said_pass_census_fail` are the site codes the seeds single out: reported 合格 by the unit,
    failed by the census. `conclusion_zh` is the sentence a circular prints.
    """

    period: str
    run_id: str
    rows: list[SelfCheckRow]
    compared: int
    agreed: int
    agreement_rate: float | None
    said_pass_census_fail: list[str]
    said_fail_census_pass: list[str]
    missing: list[str]  # sampled sites with no self-check row
    conclusion_zh: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["rows"] = [r.to_json() for r in self.rows]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SelfCheckComparison:
        return cls(**{**data, "rows": [SelfCheckRow.from_json(r) for r in data["rows"]]})


# ------------------------------------------------------------------ rectification (整改复核)

RECHECK_FIXED = "已整改"
RECHECK_OPEN = "未整改"
RECHECK_UNVERIFIABLE = "无法核实"
RECHECK_STATES = (RECHECK_FIXED, RECHECK_OPEN, RECHECK_UNVERIFIABLE)


@dataclass
class RecheckItem:
    """One finding of the earlier run, looked at again.

    `state` is one of RECHECK_STATES; `reason` says in Chinese why (已整改: the page now
    loads and the rule no longer reports it; 无法核实: the page could not be fetched, or the
    rule needs evidence a page re-fetch cannot give, …); `evidence` is what was seen now
    (status, final URL, fetched_at, and the new finding's detail when still present).
    """

    site_code: str
    name: str
    rule: str
    url: str
    target: str | None
    detail: str
    state: str
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecheckItem:
        return cls(**data)


@dataclass
class Recheck:
    """A rectification re-check of a previous run's findings."""

    previous_run: str
    checked_at: str
    as_of: str
    items: list[RecheckItem]
    counts: dict[str, int]  # state → findings
    sites_fixed: list[str]  # site codes whose every finding is 已整改
    sites_open: list[str]  # site codes with at least one 未整改 finding

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["items"] = [i.to_json() for i in self.items]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Recheck:
        return cls(**{**data, "items": [RecheckItem.from_json(i) for i in data["items"]]})
