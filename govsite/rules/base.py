"""Rule metadata, the rule registry and the runner that applies rules to a snapshot.

A rule is a metadata literal plus a pure function `(snapshot, context) -> findings`
(axe-core's rules-as-data, ruff's self-documenting rules). Rules never see points: those
live in profiles. A rule that cannot tell raises `NotMeasured`; the runner, not the rule,
also turns a missing snapshot part into not_measured (Lighthouse's runner).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govsite.content.lexicon import LexiconSet
from govsite.findings import Finding, NotMeasuredNote
from govsite.sites import Site
from govsite.snapshot import SiteSnapshot

# Snapshot parts a rule may declare in `needs`.
NEED_HOME = "home"  # the home page was fetched, answered 2xx and is HTML
NEED_PAGES = "pages"  # the crawl ran (the site was not blocked)
NEED_CHECKS = "checks"  # link targets were checked
NEED_PROBES = "probes"  # availability history for the as_of window
NEED_REGISTRY = "registry"  # the whole registry (parents, duplicates)


class NotMeasured(Exception):
    """Raised by a rule that could not tell; the message says why, in Chinese or English."""


@dataclass(frozen=True)
class RuleMeta:
    """Everything about a rule except its logic.

    `tags` cite the clause a rule enforces (`gb2019:V19-4`, `spec:G-8`), as axe cites WCAG
    criteria. `evidence` lists the keys every finding's evidence carries (a test enforces it).
    `options` are thresholds with their defaults; a profile may override them.
    """

    id: str
    name_zh: str
    family: str
    needs: tuple[str, ...]
    evidence: tuple[str, ...]
    tags: tuple[str, ...] = ()
    since: str = "0.1"
    status: str = "stable"
    options: dict[str, Any] = field(default_factory=dict)
    help_zh: str = ""


RuleFunc = Callable[[SiteSnapshot, "RuleContext"], list[Finding]]


@dataclass(frozen=True)
class RuleDoc:
    """The ruff-style sections of a rule's docstring, rendered into docs/rules.md."""

    summary: str
    what_it_checks: str
    why_it_matters: str
    example: str
    references: str


@dataclass(frozen=True)
class RegisteredRule:
    meta: RuleMeta
    func: RuleFunc

    @property
    def doc(self) -> RuleDoc:
        return parse_doc(inspect.getdoc(self.func) or "")


@dataclass
class RuleContext:
    """What a rule may know besides the snapshot: the 监测时间点, the registry, options.

    `lexicons` holds the user's `--lexicon` additions to the content checks' built-in lists
    (empty: the built-in lists alone).
    """

    as_of: date
    registry: dict[str, Site] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    column_overrides: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    lexicons: LexiconSet = field(default_factory=LexiconSet)

    def option(self, meta: RuleMeta, name: str) -> Any:
        """A rule option: the profile's override if any, else the rule's default."""
        return self.options.get(meta.id, {}).get(name, meta.options[name])


_REGISTRY: dict[str, RegisteredRule] = {}


def rule(meta: RuleMeta) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under its metadata (IDs are never reused)."""

    def register(func: RuleFunc) -> RuleFunc:
        if meta.id in _REGISTRY:
            raise ValueError(f"rule {meta.id} registered twice")
        if meta.id.split(".", 1)[0] != meta.family:
            raise ValueError(f"rule {meta.id} is not in family {meta.family}")
        _REGISTRY[meta.id] = RegisteredRule(meta, func)
        return func

    return register


_EXTENSIONS: dict[str, list[RuleFunc]] = {}


def extends(rule_id: str) -> Callable[[RuleFunc], RuleFunc]:
    """Add a second source of findings to a rule another module owns (same ID, same metadata).

    Why: the static a11y rules own axe's IDs (image-alt, label, …); the browser pass sees the
    same defects in script-built DOM, and those must be reported under the same ID without
    registering that ID twice. An extension runs after its owner, only when the owner was
    measured, and must return [] (never raise NotMeasured) when its own data is missing, so a
    census without `--browser` judges the owner exactly as before.
    """

    def register(func: RuleFunc) -> RuleFunc:
        _EXTENSIONS.setdefault(rule_id, []).append(func)
        return func

    return register


def extensions(rule_id: str) -> list[RuleFunc]:
    """The functions registered with `extends(rule_id)`, in registration order."""
    return list(_EXTENSIONS.get(rule_id, ()))


def all_rules() -> list[RegisteredRule]:
    """Every registered rule, sorted by ID (importing govsite.rules registers them all)."""
    import govsite.rules  # noqa: F401  (registration happens on import)

    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def get_rule(rule_id: str) -> RegisteredRule:
    import govsite.rules  # noqa: F401

    return _REGISTRY[rule_id]


_SECTIONS = {
    "what it checks": "what_it_checks",
    "why it matters": "why_it_matters",
    "example": "example",
    "references": "references",
}


def parse_doc(text: str) -> RuleDoc:
    """Split a rule docstring into its summary line and the four named sections."""
    lines = text.strip().splitlines()
    parts: dict[str, list[str]] = {v: [] for v in _SECTIONS.values()}
    summary = lines[0].strip() if lines else ""
    current: str | None = None
    for line in lines[1:]:
        head, sep, rest = line.partition(":")
        key = _SECTIONS.get(head.strip().lower()) if sep and not line.startswith(" ") else None
        if key:
            current = key
            parts[key].append(rest.strip())
        elif current:
            parts[current].append(line.strip())
    return RuleDoc(summary=summary, **{k: " ".join(x for x in v if x) for k, v in parts.items()})


@dataclass
class Judgement:
    """The runner's output for one site: findings plus what could not be judged."""

    findings: list[Finding]
    not_measured: list[NotMeasuredNote]
    measured_rules: set[str]
    unmeasured_rules: dict[str, str]


def _missing_need(snap: SiteSnapshot, ctx: RuleContext, needs: Iterable[str]) -> str | None:
    """Why a declared snapshot part is missing, or None when all are there."""
    for need in needs:
        if need in (NEED_HOME, NEED_PAGES, NEED_CHECKS) and snap.blocked:
            return f"站点未能采集（{snap.blocked}）：{snap.blocked_detail}".rstrip("：")
        if need == NEED_HOME and (snap.home is None or snap.home.html is None):
            return "首页未能获取"
        if need == NEED_HOME and not snap.home.ok:
            # An error page is the server's, not the site's: judging its footer or meta tags
            # would accuse the site of what its error template lacks.
            return f"首页返回错误（HTTP {snap.home.status}），未检查首页内容"
        if need == NEED_PROBES and snap.probes is None:
            return "无可用性监测数据（未提供 --probes）"
    return None


def judge(
    snap: SiteSnapshot, ctx: RuleContext, rules: Iterable[RegisteredRule] | None = None
) -> Judgement:
    """Apply rules to one snapshot. Never raises for a rule that could not tell."""
    findings: list[Finding] = []
    measured: set[str] = set()
    unmeasured: dict[str, str] = {}
    for reg in rules if rules is not None else all_rules():
        why = _missing_need(snap, ctx, reg.meta.needs)
        if why is None:
            try:
                found = list(reg.func(snap, ctx))
                for extra in extensions(reg.meta.id):
                    found.extend(extra(snap, ctx))
                findings.extend(found)  # all or nothing: a rule is measured or it is not
                measured.add(reg.meta.id)
                continue
            except NotMeasured as exc:
                why = str(exc)
        unmeasured[reg.meta.id] = why
    findings.sort(key=Finding.sort_key)
    notes = _group_notes(unmeasured)
    return Judgement(findings, notes, measured, unmeasured)


def _group_notes(unmeasured: dict[str, str]) -> list[NotMeasuredNote]:
    """One note per reason and family, so a blocked site does not list 20 identical lines."""
    by_key: dict[tuple[str, str], list[str]] = {}
    for rule_id, why in sorted(unmeasured.items()):
        by_key.setdefault((rule_id.split(".")[0], why), []).append(rule_id)
    return [
        NotMeasuredNote(what=family if len(ids) > 1 else ids[0], why=why)
        for (family, why), ids in sorted(by_key.items())
    ]
