"""Availability probe history (可用性监测记录): the records, and the CSV that exchanges them.

The contract's CSV (`site_code,url,time,ok,elapsed_ms,status,error`) is the exchange format:
a centre can bring history from another monitor, and `govsite monitor export` writes the same
file. `govsite monitor` adds optional columns after the contract's ones (`EXTRA`: which
target, the schedule slot, the timing breakdown); a reader that does not know them ignores
them, and a file without them is complete.

Two views of one probe: `ProbeRecord` is everything recorded (what the store and the CSV
hold); `Probe` is what the availability rules judge (time, ok, elapsed, status, error), kept
small because a census attaches a week of them to every snapshot.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Protocol

HEADER = ("site_code", "url", "time", "ok", "elapsed_ms", "status", "error")
# Written by govsite after the contract's columns; each is optional when reading.
EXTRA = ("kind", "slot", "dns_ms", "connect_ms", "tls_ms", "ttfb_ms", "bytes", "attempts",
         "detail")

# What was probed: the site's home page (what 站点无法访问 judges), or one of its linked
# 在线申报/查询 systems (D15-10 在线系统, reported apart and never mixed into the home ratio).
KIND_HOME = "home"
KIND_SYSTEM = "system"
KINDS = (KIND_HOME, KIND_SYSTEM)

# A file with many bad rows is usually one systematic mistake (a wrong time format); the
# first rows say what it is, and listing 10,000 of them helps nobody.
MAX_REPORTED_ERRORS = 20
# Error classes are short tokens (collect/errors.py: `timeout`, `http_5xx`, `blocked` …);
# another monitor may have its own, so any token is accepted, but not prose.
_ERROR_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class ProbeFileError(ValueError):
    """A probe file that cannot be read; each message names file, line and column."""

    def __init__(self, problems: list[str], *, total: int | None = None) -> None:
        self.problems = problems
        total = len(problems) if total is None else total
        more = f"\n… and {total - len(problems)} more" if total > len(problems) else ""
        super().__init__("\n".join(problems) + more)


@dataclass(frozen=True)
class Probe:
    """One timed request for a site's home page, as the availability rules see it."""

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


@dataclass(frozen=True)
class ProbeRecord:
    """Everything recorded about one probe (one row of the store's `probes` table).

    `time` is when the probe started; `slot` the schedule slot it filled (the monitor's
    restart bookkeeping; for imported history it is `time`). Timings are milliseconds from
    the start: `dns_ms`, `connect_ms` (TCP), `tls_ms` (handshake, HTTPS only) and `ttfb_ms`
    (response headers) describe the first connection; `elapsed_ms` is the whole probe up to
    the last body byte. `attempts` is 2 when a failure was confirmed by a second try; the
    record then holds the confirming attempt's answer.
    """

    site_code: str
    url: str
    time: datetime
    ok: bool
    elapsed_ms: float | None = None
    status: int | None = None
    error: str = ""
    kind: str = KIND_HOME
    slot: datetime | None = None
    dns_ms: float | None = None
    connect_ms: float | None = None
    tls_ms: float | None = None
    ttfb_ms: float | None = None
    bytes: int | None = None
    attempts: int = 1
    detail: str = ""

    @property
    def slot_time(self) -> datetime:
        return self.slot or self.time

    def probe(self) -> Probe:
        return Probe(time=self.time, ok=self.ok, elapsed_ms=self.elapsed_ms,
                     status=self.status, error=self.error)

    def csv_row(self) -> list[str]:
        """The row `write_probe_records` writes: HEADER, then EXTRA."""
        return [
            self.site_code, self.url, self.time.isoformat(), "1" if self.ok else "0",
            _num(self.elapsed_ms), _num(self.status), self.error,
            self.kind, self.slot_time.isoformat(), _num(self.dns_ms), _num(self.connect_ms),
            _num(self.tls_ms), _num(self.ttfb_ms), _num(self.bytes), str(self.attempts),
            self.detail,
        ]


def _num(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ProbeSource(Protocol):
    """Where a census finds a site's probes: a CSV file or a monitor's store."""

    source: str

    def for_site(self, site_code: str) -> list[Probe]: ...


@dataclass
class ProbeHistory:
    """Home-page probes by site code, each list sorted by time (a CSV file, read whole)."""

    by_site: dict[str, list[Probe]]
    source: str

    def for_site(self, site_code: str) -> list[Probe]:
        return self.by_site.get(site_code, [])


# ---------------------------------------------------------------------------- reading


@dataclass
class _Row:
    """One CSV row being validated: collects every problem instead of stopping at the first."""

    cells: dict[str, str]
    where: str
    problems: list[str] = field(default_factory=list)

    def text(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def fail(self, column: str, why: str) -> None:
        self.problems.append(f"{self.where}: column {column}: {why}")

    def time(self, column: str, *, required: bool) -> datetime | None:
        text = self.text(column)
        if not text:
            if required:
                self.fail(column, "is empty; an ISO 8601 time with a UTC offset is required")
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            self.fail(column, f"{text!r} is not an ISO 8601 time")
            return None
        if value.tzinfo is None:
            # Guessing the zone would shift a probe across the window's edge by hours.
            self.fail(column, f"{text!r} has no UTC offset")
            return None
        return value

    def number(self, column: str, *, integer: bool = False, low: float = 0,
               high: float | None = None) -> float | int | None:
        text = self.text(column)
        if not text:
            return None
        try:
            value: float | int = int(text) if integer else float(text)
        except ValueError:
            kind = "an integer" if integer else "a number"
            self.fail(column, f"{text!r} is not {kind}")
            return None
        if value != value or value < low or (high is not None and value > high):  # NaN too
            bounds = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
            self.fail(column, f"{text!r} is out of range ({bounds})")
            return None
        return value


def _parse_row(row: _Row) -> ProbeRecord | None:
    site_code, url = row.text("site_code"), row.text("url")
    if not site_code:
        row.fail("site_code", "is empty")
    if not url:
        row.fail("url", "is empty")
    time = row.time("time", required=True)
    ok_text = row.text("ok")
    if ok_text not in ("0", "1"):
        row.fail("ok", f"{ok_text!r} must be 1 or 0")
    error = row.text("error")
    if error and not _ERROR_TOKEN.match(error):
        row.fail("error", f"{error!r} is not an error class (a short token such as timeout)")
    if ok_text == "1" and error:
        row.fail("error", f"ok is 1 but error is {error!r}: a probe cannot both open and fail")
    elapsed = row.number("elapsed_ms")
    status = row.number("status", integer=True, low=100, high=599)
    kind = row.text("kind") or KIND_HOME
    if kind not in KINDS:
        row.fail("kind", f"{kind!r} must be one of {', '.join(KINDS)}")
    slot = row.time("slot", required=False)
    timings = {name: row.number(name) for name in ("dns_ms", "connect_ms", "tls_ms", "ttfb_ms")}
    size = row.number("bytes", integer=True)
    attempts = row.number("attempts", integer=True, low=1)
    if row.problems or time is None:
        return None
    return ProbeRecord(
        site_code=site_code, url=url, time=time, ok=ok_text == "1", elapsed_ms=elapsed,
        status=int(status) if status is not None else None, error=error, kind=kind, slot=slot,
        bytes=int(size) if size is not None else None,
        attempts=int(attempts) if attempts is not None else 1, detail=row.text("detail"),
        **timings,  # type: ignore[arg-type]
    )


def iter_probe_records(path: Path) -> Iterator[ProbeRecord]:
    """Every row of a probe CSV as a record; ProbeFileError lists the bad rows at the end.

    The whole file is checked before the error is raised, so one run shows every mistake
    (up to MAX_REPORTED_ERRORS); callers that store records must keep them until the end:
    a file with a bad row is imported not at all.
    """
    problems: list[str] = []
    total = 0
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [h for h in HEADER if h not in (reader.fieldnames or [])]
        if missing:
            raise ProbeFileError([f"{path}:1: missing columns {', '.join(missing)}"])
        for cells in reader:
            row = _Row(cells, f"{path}:{reader.line_num}")
            record = _parse_row(row)
            if row.problems:
                total += len(row.problems)
                problems.extend(row.problems[: max(0, MAX_REPORTED_ERRORS - len(problems))])
            elif record is not None and not problems:
                yield record
    if problems:
        raise ProbeFileError(problems, total=total)


def read_probe_records(path: Path) -> list[ProbeRecord]:
    """All records of a probe CSV, or ProbeFileError naming every bad row (file:line, column)."""
    return list(iter_probe_records(path))


def load_probes_csv(path: Path) -> ProbeHistory:
    """Read a probe CSV for a census: the home-page probes of each site, sorted by time.

    Unlike the registry, a bad probe row is fatal: silently dropping failures would make a
    site look more available than it was.
    """
    by_site: dict[str, list[Probe]] = defaultdict(list)
    for record in iter_probe_records(path):
        if record.kind == KIND_HOME:
            by_site[record.site_code].append(record.probe())
    for probes in by_site.values():
        probes.sort(key=lambda p: p.time)
    return ProbeHistory(dict(by_site), source=str(path))


def write_probe_records(records: Iterable[ProbeRecord], handle: IO[str]) -> int:
    """Write records as CSV (contract header, then EXTRA); returns the number of rows."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(HEADER + EXTRA)
    count = 0
    for record in records:
        writer.writerow(record.csv_row())
        count += 1
    return count


def with_slot(record: ProbeRecord) -> ProbeRecord:
    """The record with its slot filled in (imported history has none: the slot is the time)."""
    return record if record.slot is not None else replace(record, slot=record.time)
