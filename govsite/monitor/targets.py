"""What the monitor probes: every registered site's home page, and optionally linked systems.

Sites marked 关停 (closed) or 整合迁移 (merged) are probed too. Their being down is what the
registry asks for, so they raise no alerts; their *answering* is recorded, and the census's
`registry.closed_but_online` rule judges it. Linked 在线申报/查询 systems (D15-10 在线系统)
come from a separate CSV (`site_code,url[,name]`), are stored with kind `system`, and never
enter the home page's availability ratio.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from govsite.probes import KIND_HOME, KIND_SYSTEM
from govsite.sites import STATUS_CLOSED, STATUS_MERGED, STATUS_RUNNING, Site

TargetKey = tuple[str, str]  # (site_code, url)
PROBED_STATUSES = (STATUS_RUNNING, STATUS_CLOSED, STATUS_MERGED)


class TargetFileError(ValueError):
    """A systems file that cannot be used; the message names file, line and column."""


@dataclass(frozen=True)
class Target:
    """One URL probed on the schedule, with the registry facts alerts and status need."""

    site_code: str
    url: str
    kind: str = KIND_HOME
    name: str = ""
    status: str = STATUS_RUNNING

    @property
    def key(self) -> TargetKey:
        return (self.site_code, self.url)

    @property
    def alerts(self) -> bool:
        """Only sites that should be up can go down: closed and merged ones raise no alerts."""
        return self.status == STATUS_RUNNING


def home_targets(sites: list[Site]) -> list[Target]:
    """The home page of every running, closed or merged site of the registry."""
    return [Target(site_code=s.site_code, url=s.url, kind=KIND_HOME, name=s.name, status=s.status)
            for s in sites if s.status in PROBED_STATUSES]


def load_systems_csv(path: Path, sites: list[Site]) -> list[Target]:
    """Linked systems from `site_code,url[,name]`; every problem is listed with file:line."""
    by_code = {s.site_code: s for s in sites}
    problems: list[str] = []
    targets: list[Target] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("site_code", "url") if c not in (reader.fieldnames or [])]
        if missing:
            raise TargetFileError(f"{path}:1: missing columns {', '.join(missing)}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            code, url = (row.get("site_code") or "").strip(), (row.get("url") or "").strip()
            site = by_code.get(code)
            if site is None:
                problems.append(f"{where}: column site_code: {code!r} is not in the registry")
                continue
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                problems.append(f"{where}: column url: {url!r} is not an http(s) URL")
                continue
            name = (row.get("name") or "").strip() or f"{site.name}（在线系统）"
            targets.append(Target(site_code=code, url=url, kind=KIND_SYSTEM, name=name,
                                  status=site.status))
    if problems:
        raise TargetFileError("\n".join(problems))
    return targets
