"""What report.html shows of a site's `facts`, and why each of its vetoes fired.

`SiteResult.facts` comes from many rules, every key optional and any value possibly null
(contract §3, results_schema.json). The template runs under StrictUndefined, so instead
of guarding every lookup there, facts are read here into small typed views once: a
missing or mistyped value becomes None (shown as "—"), never a crash of the whole report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from govsite.clock import CST
from govsite.results import SiteResult

__all__ = [
    "AvailabilityFacts",
    "ColumnFacts",
    "GuideFacts",
    "HomeFacts",
    "Label",
    "MessageFacts",
    "SearchFacts",
    "SiteFacts",
    "VetoReason",
    "site_facts",
    "veto_reasons",
]


@dataclass(frozen=True)
class Label:
    """A status in Chinese with its tone: "bad" is red, "ok" green, "muted" grey."""

    text: str
    tone: str


HOME_STATUS = {
    "ok": Label("正常", "ok"),
    "stale": Label("超期未更新", "bad"),
    "unknown": Label("无法判断", "muted"),
}
COLUMN_STATUS = {
    "stale": Label("超期未更新", "bad"),
    "blank": Label("空白栏目", "bad"),
    "ok": Label("正常", "ok"),
    "exempt": Label("豁免（历史专题）", "muted"),
    "not_judged": Label("不检查", "muted"),
}
# The columns table lists what fired a veto first; the rest keep the rules' order.
COLUMN_ORDER = {"stale": 0, "blank": 1}
LEVEL_ZH = {1: "一级", 2: "二级"}
HOME_ALLOWED_DAYS = 14
# Which facts section explains a veto of a rule, by the rule ID's prefix (govsite/rules:
# column.stale/blank, update.home_stale, interaction.*, service.none/guide_incomplete,
# search.unavailable).
SECTION_OF_RULE = (
    ("availability.", "availability"),
    ("column.", "columns"),
    ("update.home", "home"),
    ("interaction.", "messages"),
    ("service.", "guides"),
    ("search.", "search"),
)
SECTION_ZH = {
    "availability": "可用性监测",
    "home": "首页更新",
    "columns": "栏目",
    "messages": "互动交流",
    "guides": "办事指南",
    "search": "站内搜索",
}


AVAILABILITY_STATUS = {
    "ok": Label("正常", "ok"),
    "failing": Label("有打不开的情况", "bad"),
    "veto": Label("达到否决标准", "bad"),
    "not_measured": Label("未测", "muted"),
}


@dataclass(frozen=True)
class HourFacts:
    hour: str  # "03:00–04:00"
    probes: int | None
    failures: int | None


@dataclass(frozen=True)
class ErrorCount:
    name: str
    count: int | None


@dataclass(frozen=True)
class AvailabilityFacts:
    """可用性监测: the rule window's probes, as `rules/availability.py` counted them."""

    window: str | None  # "2026-11-17 至 2026-11-23"
    probes: int | None
    failures: int | None
    blocked: int | None
    ratio: str | None  # "4.29%"
    veto_ratio: str | None  # "5%"
    status: Label | None
    why: str | None
    errors: list[ErrorCount]
    worst_hours: list[HourFacts]
    ratio_sort: float  # for the fleet table: -1 when not measured

    @property
    def fleet_text(self) -> str:
        """The fleet table's cell: the ratio, or 未测 when the window was too thin."""
        return "未测" if self.ratio_sort < 0 or self.ratio is None else self.ratio


@dataclass(frozen=True)
class HomeFacts:
    items: int | None
    dated_items: int | None
    newest: str | None
    newest_title: str | None
    newest_url: str | None
    navigation_only: bool
    age_days: int | None
    allowed_days: int
    status: Label | None


@dataclass(frozen=True)
class ColumnFacts:
    name: str | None
    url: str | None
    type: str | None
    level: str | None
    items: int | None
    newest: str | None
    age_days: int | None
    allowed: str | None
    status: Label | None
    problem: bool  # stale or blank: what a 栏目 veto counts


@dataclass(frozen=True)
class ColumnsFacts:
    rows: list[ColumnFacts]
    stale: int
    blank: int


@dataclass(frozen=True)
class MessageFacts:
    channels: list[str]
    total: int | None
    in_window: int | None
    answered: int | None
    unanswered: int | None
    unanswered_over_3m: int | None
    median_days: float | None
    p90_days: float | None
    share_over_30d: str | None  # already a percentage: "12.5%"
    newest_reply: str | None


@dataclass(frozen=True)
class GuideFacts:
    url: str | None
    title: str | None
    present: list[str]
    missing: list[str]


@dataclass(frozen=True)
class GuidesFacts:
    rows: list[GuideFacts]
    incomplete: int


@dataclass(frozen=True)
class SearchFacts:
    found: bool | None
    how: str | None
    action: str | None
    query: str | None
    url: str | None
    status: int | None
    error: str | None
    hits: bool | None


@dataclass(frozen=True)
class SiteFacts:
    """The facts sections a site has; None for each one it lacks (then it is not shown)."""

    availability: AvailabilityFacts | None
    home: HomeFacts | None
    columns: ColumnsFacts | None
    messages: MessageFacts | None
    guides: GuidesFacts | None
    search: SearchFacts | None

    def has(self, section: str) -> bool:
        return getattr(self, section, None) is not None


@dataclass(frozen=True)
class VetoReason:
    """A veto rule of a site: the findings that fired it, and the facts section explaining it."""

    rule: str
    findings: list[int]  # indexes into the site's findings
    section: str | None
    section_zh: str | None
    screenshots: list[dict[str, Any]]  # captures of the pages behind those findings


def site_facts(site: SiteResult) -> SiteFacts:
    facts = site.facts if isinstance(site.facts, dict) else {}
    return SiteFacts(
        availability=_availability(facts.get("availability")),
        home=_home(facts.get("home")),
        columns=_columns(facts.get("columns")),
        messages=_messages(facts.get("messages")),
        guides=_guides(facts.get("guides")),
        search=_search(facts.get("search")),
    )


def veto_reasons(site: SiteResult) -> list[VetoReason]:
    facts = site_facts(site)
    reasons = []
    for rule in site.vetoes:
        section = next(
            (name for prefix, name in SECTION_OF_RULE if rule.startswith(prefix)), None
        )
        if section is not None and not facts.has(section):
            section = None
        found = [i for i, f in enumerate(site.findings) if f.rule == rule]
        urls = {u for i in found for u in (site.findings[i].url, site.findings[i].target) if u}
        reasons.append(
            VetoReason(
                rule=rule,
                findings=found,
                section=section,
                section_zh=SECTION_ZH.get(section or ""),
                screenshots=[s for s in site.evidence_screenshots if s.get("url") in urls],
            )
        )
    return reasons


# ---------------------------------------------------------------------------- sections


def _availability(value: Any) -> AvailabilityFacts | None:
    if not isinstance(value, dict) or not value:
        return None
    ratio, veto = _float(value.get("ratio")), _float(value.get("veto_ratio"))
    errors = value.get("errors")
    hours = value.get("worst_hours")
    status = _str(value.get("status"))
    return AvailabilityFacts(
        window=_window(value.get("window_start"), value.get("window_end")),
        probes=_int(value.get("probes")),
        failures=_int(value.get("failures")),
        blocked=_int(value.get("blocked")),
        ratio=None if ratio is None else f"{100 * ratio:.2f}%",
        veto_ratio=None if veto is None else f"{100 * veto:g}%",
        status=AVAILABILITY_STATUS.get(status or ""),
        why=_str(value.get("why")),
        errors=[ErrorCount(str(k), _int(v)) for k, v in errors.items()]
        if isinstance(errors, dict) else [],
        worst_hours=[
            HourFacts(hour=f"{h:02d}:00–{(h + 1) % 24:02d}:00", probes=_int(row.get("probes")),
                      failures=_int(row.get("failures")))
            for row in (hours if isinstance(hours, list) else [])
            if isinstance(row, dict) and isinstance(h := row.get("hour"), int)
            and not isinstance(h, bool) and 0 <= h < 24
        ],
        ratio_sort=-1 if ratio is None or status == "not_measured" else ratio,
    )


def _window(start: Any, end: Any) -> str | None:
    """The window as the China-time days it covers (end is exclusive midnight)."""
    try:
        first = datetime.fromisoformat(str(start)).astimezone(CST).date()
        last = (datetime.fromisoformat(str(end)).astimezone(CST) - timedelta(seconds=1)).date()
    except (TypeError, ValueError):
        return None
    return f"{first.isoformat()} 至 {last.isoformat()}"


def _home(value: Any) -> HomeFacts | None:
    if not isinstance(value, dict) or not value:
        return None
    return HomeFacts(
        items=_int(value.get("items")),
        dated_items=_int(value.get("dated_items")),
        newest=_str(value.get("newest")),
        newest_title=_str(value.get("newest_title")),
        newest_url=_str(value.get("newest_url")),
        navigation_only=value.get("navigation_only") is True,
        age_days=_int(value.get("age_days")),
        allowed_days=_int(value.get("allowed_days")) or HOME_ALLOWED_DAYS,
        status=HOME_STATUS.get(_str(value.get("status")) or ""),
    )


def _columns(value: Any) -> ColumnsFacts | None:
    if not isinstance(value, list):
        return None
    ranked: list[tuple[int, ColumnFacts]] = []
    for column in value:
        if not isinstance(column, dict):
            continue
        status = column.get("status")
        status = status if isinstance(status, str) else None
        row = ColumnFacts(
            name=_str(column.get("name")),
            url=_str(column.get("url")),
            type=_str(column.get("type")),
            level=LEVEL_ZH.get(_int(column.get("level")) or 0),
            items=_int(column.get("items")),
            newest=_str(column.get("newest")),
            age_days=_int(column.get("age_days")),
            allowed=_str(column.get("allowed")),
            status=COLUMN_STATUS.get(status or ""),
            problem=status in COLUMN_ORDER,
        )
        ranked.append((COLUMN_ORDER.get(status or "", len(COLUMN_ORDER)), row))
    ranked.sort(key=lambda pair: pair[0])  # stable: each group keeps the rules' order
    rows = [row for _, row in ranked]
    return ColumnsFacts(
        rows=rows,
        stale=sum(1 for row in rows if row.status is COLUMN_STATUS["stale"]),
        blank=sum(1 for row in rows if row.status is COLUMN_STATUS["blank"]),
    )


def _messages(value: Any) -> MessageFacts | None:
    if not isinstance(value, dict) or not value:
        return None
    share = _float(value.get("share_over_30d"))
    return MessageFacts(
        channels=_strs(value.get("channels")),
        total=_int(value.get("total")),
        in_window=_int(value.get("in_window")),
        answered=_int(value.get("answered")),
        unanswered=_int(value.get("unanswered")),
        unanswered_over_3m=_int(value.get("unanswered_over_3m")),
        median_days=_float(value.get("median_days")),
        p90_days=_float(value.get("p90_days")),
        share_over_30d=None if share is None else f"{100 * share:.1f}%",
        newest_reply=_str(value.get("newest_reply")),
    )


def _guides(value: Any) -> GuidesFacts | None:
    if not isinstance(value, list):
        return None
    rows = [
        GuideFacts(
            url=_str(guide.get("url")),
            title=_str(guide.get("title")),
            present=_strs(guide.get("present")),
            missing=_strs(guide.get("missing")),
        )
        for guide in value
        if isinstance(guide, dict)
    ]
    # Incomplete guides first (they are what the 服务不实用 veto counts), each in rule order.
    rows.sort(key=lambda guide: not guide.missing)
    return GuidesFacts(rows=rows, incomplete=sum(1 for guide in rows if guide.missing))


def _search(value: Any) -> SearchFacts | None:
    if not isinstance(value, dict) or not value:
        return None
    return SearchFacts(
        found=_bool(value.get("found")),
        how=_str(value.get("how")),
        action=_str(value.get("action")),
        query=_str(value.get("query")),
        url=_str(value.get("url")),
        status=_int(value.get("status")),
        error=_str(value.get("error")),
        hits=_bool(value.get("hits")),
    )


# ---------------------------------------------------------------------------- values


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _strs(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and item]
