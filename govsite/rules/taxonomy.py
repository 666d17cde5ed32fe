"""The column taxonomy (data/columns.yaml) and the per-site override file a user edits.

Types and windows are data: a centre that reads the rules differently edits the YAML or
passes an override file, never the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

ROOT_TYPES = ("动态要闻", "通知公告", "政策文件", "政策解读", "人事", "规划计划", "互动", "调查征集",
              "在线访谈", "办事", "历史专题", "其他")


class OverrideError(ValueError):
    """A column override file that cannot be used; the message names file and entry."""


@dataclass(frozen=True)
class ColumnType:
    type: str
    keywords: tuple[str, ...]
    exempt: bool = False
    window_days: int | None = None
    window_months: int | None = None
    window_source: str = ""
    window_confidence: str = ""

    @property
    def allowed(self) -> str | None:
        """The window in Chinese, as a 通报 writes it (14天, 6个月)."""
        if self.window_days:
            return f"{self.window_days}天"
        if self.window_months:
            return f"{self.window_months}个月"
        return None

    def oldest_fresh(self, as_of: date) -> date | None:
        """The oldest newest-item date that still counts as updated at `as_of`."""
        if self.window_days:
            return date.fromordinal(as_of.toordinal() - self.window_days)
        if self.window_months:
            return months_before(as_of, self.window_months)
        return None


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the month's end (8-31 → 2-28)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


@dataclass(frozen=True)
class Taxonomy:
    types: tuple[ColumnType, ...]
    fallback: str
    placeholders: tuple[str, ...]

    def by_name(self, name: str) -> ColumnType | None:
        return next((t for t in self.types if t.type == name), None)

    def classify(self, *texts: str) -> ColumnType | None:
        """The first type whose keyword occurs in the first text that matches any type."""
        for text in texts:
            if not text:
                continue
            exact = self.by_name(text.strip())
            if exact is not None:
                return exact
            for ctype in self.types:
                if any(k in text for k in ctype.keywords):
                    return ctype
        return None


@cache
def taxonomy() -> Taxonomy:
    data = yaml.safe_load(resources.files("govsite.rules").joinpath("data/columns.yaml")
                          .read_text(encoding="utf-8"))
    types = tuple(
        ColumnType(
            type=t["type"], keywords=tuple(t["keywords"]), exempt=bool(t.get("exempt")),
            window_days=(t.get("window") or {}).get("days"),
            window_months=(t.get("window") or {}).get("months"),
            window_source=t.get("window_source", ""), window_confidence=t.get("window_confidence", ""),
        )
        for t in data["types"]
    )
    return Taxonomy(types=types, fallback=data["fallback"], placeholders=tuple(data["placeholders"]))


def load_overrides(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Read a column override file: host → path prefix → {type, name, ignore}.

        www.hdq.gov.cn:
          /zwgk/zt/: {type: 历史专题}
          /xwzx/zwyw/: {name: 政务要闻, type: 动态要闻}
          /old/: {ignore: true}
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise OverrideError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise OverrideError(f"{path}: expected a mapping of host → path → settings")
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for host, entries in data.items():
        if not isinstance(entries, dict):
            raise OverrideError(f"{path}: {host}: expected a mapping of path → settings")
        for prefix, settings in entries.items():
            where = f"{path}: {host} {prefix}"
            if not str(prefix).startswith("/") or not isinstance(settings, dict):
                raise OverrideError(f"{where}: paths start with / and map to settings")
            unknown = set(settings) - {"type", "name", "ignore"}
            if unknown:
                raise OverrideError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
            if "type" in settings and settings["type"] not in ROOT_TYPES:
                raise OverrideError(f"{where}: type must be one of {'、'.join(ROOT_TYPES)}")
            out.setdefault(str(host).lower(), {})[str(prefix)] = dict(settings)
    return out
