"""Scoring profiles: which rules count, as veto, deduction or bonus, with what points.

A profile is YAML data (`govsite/profiles/gb2019.yaml`, `gb2015.yaml`, or a user's copy).
Every number carries `source` and `confidence` (A, B, C from standards.md, or `assumed`
where the standard's own figure was not found); reports list the assumed ones. Nothing in
code adds points: `score.py` reads this and only this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

CONFIDENCES = ("A", "B", "C", "assumed")
BUILTIN = ("gb2019", "gb2015")

# Contract rule IDs (contract.md §2): a profile may name them before this version implements
# them; the census then reports them as not measured instead of pretending they passed.
CONTRACT_RULES = frozenset(
    """availability.unreachable availability.home_failure update.home_stale column.stale
    column.blank links.broken_home links.broken links.attachment_broken content.serious_error
    content.typo content.banned content.hidden_link interaction.no_channel
    interaction.unanswered interaction.reply_stale service.none service.guide_incomplete
    search.unavailable footer.missing_conac footer.missing_zhaocuo footer.missing_site_code
    footer.invalid_site_code footer.missing_icp footer.missing_psb footer.missing_sponsor
    footer.missing_contact footer.missing_sitemap meta.missing domain.noncompliant
    registry.closed_but_online security.no_https security.cert_invalid security.header_missing
    security.version_disclosure security.sensitive_file security.directory_listing
    security.vulnerable_library security.mixed_content mobile.no_viewport""".split()
)
RULE_ID = re.compile(r"^[a-z0-9]+\.[a-z0-9_-]+$")


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and the bad entry."""


@dataclass(frozen=True)
class Sourced:
    """Where a number comes from and how sure it is (standards.md grades)."""

    source: str
    confidence: str


@dataclass(frozen=True)
class Veto:
    """A single-item veto: fires when `threshold` or more findings of `rules` match."""

    id: str
    name_zh: str
    rules: tuple[str, ...]
    threshold: int
    where: Where
    sourced: Sourced


@dataclass(frozen=True)
class Item:
    """Points deducted (or added, for bonus) for one rule within an indicator.

    `per` is `finding` (points for each finding, up to `max`) or `site` (points once when any
    finding exists).
    """

    rule: str
    points: float
    per: str
    max: float | None
    where: Where
    sourced: Sourced


@dataclass(frozen=True)
class Indicator:
    """A scored indicator (e.g. 功能设计): its items never take more than `max` points."""

    id: str
    name_zh: str
    max: float
    items: tuple[Item, ...]
    sourced: Sourced


@dataclass(frozen=True)
class Profile:
    id: str
    name_zh: str
    source: str
    total: float
    pass_mark: float
    pass_inclusive: bool
    pass_sourced: Sourced
    vetoes: tuple[Veto, ...]
    indicators: tuple[Indicator, ...]
    bonus_max: float
    bonus_above: float
    bonus_kinds: tuple[str, ...]
    bonus_indicators: tuple[Indicator, ...]
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def rule_ids(self) -> set[str]:
        ids = {r for v in self.vetoes for r in v.rules}
        for ind in (*self.indicators, *self.bonus_indicators):
            ids.update(item.rule for item in ind.items)
        return ids

    def assumed(self) -> list[str]:
        """Human labels of every number marked `assumed`, for the report's notice."""
        out = [f"{v.name_zh}（{v.id}）" for v in self.vetoes if v.sourced.confidence == "assumed"]
        for ind in (*self.indicators, *self.bonus_indicators):
            if ind.sourced.confidence == "assumed":
                out.append(f"{ind.name_zh}分值上限")
            out += [
                f"{ind.name_zh}：{item.rule} 每项{item.points:g}分"
                for item in ind.items
                if item.sourced.confidence == "assumed"
            ]
        return out


def _sourced(data: dict[str, Any], where: str) -> Sourced:
    conf = str(data.get("confidence", ""))
    if conf not in CONFIDENCES:
        raise ProfileError(f"{where}: confidence must be one of {', '.join(CONFIDENCES)}")
    if not data.get("source"):
        raise ProfileError(f"{where}: every number needs a source")
    return Sourced(str(data["source"]), conf)


Where = tuple[dict[str, tuple[str, ...]], ...]


def _where(data: dict[str, Any]) -> Where:
    """An evidence filter: a mapping (all keys must match) or a list of them (any may match).

    The list form says what one mapping cannot, e.g. V19-4's "动态要闻 columns, or 通知公告
    and 政策文件 columns of the first level".
    """
    raw = data.get("where") or {}
    alternatives = raw if isinstance(raw, list) else [raw]
    return tuple(
        {str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v])) for k, v in alt.items()}
        for alt in alternatives
    )


def _check_rule(rule_id: str, where: str) -> str:
    from govsite.rules.base import all_rules

    known = CONTRACT_RULES | {r.meta.id for r in all_rules()}
    if not RULE_ID.match(rule_id) or not (rule_id in known or rule_id.startswith(
            ("a11y.", "security.", "mobile."))):
        raise ProfileError(f"{where}: unknown rule {rule_id!r}")
    return rule_id


def _indicator(data: dict[str, Any], where: str) -> Indicator:
    items = []
    for n, raw in enumerate(data.get("items") or []):
        at = f"{where}.items[{n}]"
        per = raw.get("per", "finding")
        if per not in ("finding", "site"):
            raise ProfileError(f"{at}: per must be 'finding' or 'site'")
        items.append(Item(
            rule=_check_rule(str(raw["rule"]), at),
            points=float(raw["points"]),
            per=per,
            max=float(raw["max"]) if raw.get("max") is not None else None,
            where=_where(raw),
            sourced=_sourced(raw, at),
        ))
    return Indicator(id=str(data["id"]), name_zh=str(data["name_zh"]), max=float(data["max"]),
                     items=tuple(items), sourced=_sourced(data, where))


def parse_profile(data: dict[str, Any], origin: str) -> Profile:
    """Validate a profile document; every error names `origin` and the entry."""
    try:
        vetoes = tuple(
            Veto(
                id=str(v["id"]),
                name_zh=str(v["name_zh"]),
                rules=tuple(_check_rule(str(r), f"{origin}: vetoes[{n}]") for r in v["rules"]),
                threshold=int(v.get("threshold", 1)),
                where=_where(v),
                sourced=_sourced(v, f"{origin}: vetoes[{n}]"),
            )
            for n, v in enumerate(data.get("vetoes") or [])
        )
        indicators = tuple(_indicator(d, f"{origin}: deductions[{n}]")
                           for n, d in enumerate(data.get("deductions") or []))
        bonus = data.get("bonus") or {}
        bonus_indicators = tuple(_indicator(d, f"{origin}: bonus.indicators[{n}]")
                                 for n, d in enumerate(bonus.get("indicators") or []))
        pass_rule = data["pass"]
        return Profile(
            id=str(data["id"]),
            name_zh=str(data["name_zh"]),
            source=str(data.get("source", "")),
            total=float(data.get("total", 100)),
            pass_mark=float(pass_rule["mark"]),
            pass_inclusive=bool(pass_rule.get("inclusive", True)),
            pass_sourced=_sourced(pass_rule, f"{origin}: pass"),
            vetoes=vetoes,
            indicators=indicators,
            bonus_max=float(bonus.get("max", 0)),
            bonus_above=float(bonus.get("above", 0)),
            bonus_kinds=tuple(bonus.get("kinds") or ()),
            bonus_indicators=bonus_indicators,
            options={str(k): dict(v) for k, v in (data.get("options") or {}).items()},
            notes=tuple(str(n) for n in data.get("notes") or ()),
        )
    except ProfileError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"{origin}: malformed profile ({type(exc).__name__}: {exc})") from exc


def load_profile(name_or_path: str) -> Profile:
    """Load a built-in profile by name (gb2019, gb2015) or a user's YAML file by path."""
    if name_or_path in BUILTIN:
        text = resources.files("govsite.profiles").joinpath(f"{name_or_path}.yaml").read_text(
            encoding="utf-8")
        origin = f"{name_or_path}.yaml"
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise ProfileError(f"no such profile: {name_or_path} (built-in: {', '.join(BUILTIN)})")
        text, origin = path.read_text(encoding="utf-8"), str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ProfileError(f"{origin}: a profile is a YAML mapping")
    return parse_profile(data, origin)
