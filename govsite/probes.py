"""Availability probe history (可用性监测记录), as the census reads it.

The contract's CSV (`site_code,url,time,ok,elapsed_ms,status,error`) is the exchange format:
a centre can bring history from another monitor. `govsite monitor` (a later issue) writes
the same records to the store.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HEADER = ("site_code", "url", "time", "ok", "elapsed_ms", "status", "error")


class ProbeFileError(ValueError):
    """A probe file that cannot be read; the message names file, line and column."""


@dataclass(frozen=True)
class Probe:
    """One timed request for a site's home page."""

    time: datetime
    ok: bool
    elapsed_ms: float | None
    status: int | None
    error: str


    def to_json(self) -> dict[str, object]:
        return {"time": self.time.isoformat(), "ok": self.ok, "elapsed_ms": self.elapsed_ms,
                "status": self.status, "error": self.error}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Probe:
        return cls(time=datetime.fromisoformat(str(data["time"])), ok=bool(data["ok"]),
                   elapsed_ms=data.get("elapsed_ms"), status=data.get("status"),  # type: ignore[arg-type]
                   error=str(data.get("error") or ""))


@dataclass
class ProbeHistory:
    """Probes by site code, each list sorted by time."""

    by_site: dict[str, list[Probe]]
    source: str

    def for_site(self, site_code: str) -> list[Probe]:
        return self.by_site.get(site_code, [])


def _parse_row(row: dict[str, str], where: str) -> Probe:
    def fail(column: str, why: str) -> ProbeFileError:
        return ProbeFileError(f"{where}: column {column}: {why}")

    try:
        time = datetime.fromisoformat(row["time"].strip())
    except ValueError as exc:
        raise fail("time", f"{row['time']!r} is not an ISO 8601 time") from exc
    if time.tzinfo is None:
        raise fail("time", f"{row['time']!r} has no UTC offset")
    ok_text = row["ok"].strip()
    if ok_text not in ("0", "1"):
        raise fail("ok", f"{ok_text!r} must be 1 or 0")
    try:
        elapsed = float(row["elapsed_ms"]) if row["elapsed_ms"].strip() else None
        status = int(row["status"]) if row["status"].strip() else None
    except ValueError as exc:
        raise fail("elapsed_ms/status", str(exc)) from exc
    return Probe(time=time, ok=ok_text == "1", elapsed_ms=elapsed, status=status,
                 error=row["error"].strip())


def load_probes_csv(path: Path) -> ProbeHistory:
    """Read a probe CSV; any malformed row is an error naming file, line and column.

    Unlike the registry, a bad probe row is fatal: silently dropping failures would make a
    site look more available than it was.
    """
    by_site: dict[str, list[Probe]] = defaultdict(list)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [h for h in HEADER if h not in (reader.fieldnames or [])]
        if missing:
            raise ProbeFileError(f"{path}:1: missing columns {', '.join(missing)}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            by_site[row["site_code"].strip()].append(_parse_row(row, where))
    for probes in by_site.values():
        probes.sort(key=lambda p: p.time)
    return ProbeHistory(dict(by_site), source=str(path))
