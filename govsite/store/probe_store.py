"""The store's availability probes: what `govsite monitor` writes and a census reads.

A mixin of `Store` (kept apart so each file stays about one thing): the same engine and
short transactions, on SQLite and PostgreSQL alike. Writes are idempotent — a probe whose
(site_code, url, slot) is already stored is skipped — so a restarted monitor, a retried batch
or a file imported twice never duplicates a probe.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Engine, and_, case, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from govsite.probes import KIND_HOME, Probe, ProbeRecord
from govsite.store.models import ProbeRow, UTCDateTime
from govsite.store.rows import probe_from_row, probe_values

SOURCE_MONITOR = "monitor"
SOURCE_IMPORT = "import"
# Rows per INSERT: big enough that 30,000 probes are a few dozen statements, small enough to
# stay under SQLite's 32,766 bound parameters (17 columns a row).
INSERT_BATCH = 1000
# The error class of a WAF-challenged probe (collect/errors.py BLOCKED): it says nothing about
# whether the site is up, so outcome-based queries leave it out.
BLOCKED = "blocked"

TargetKey = tuple[str, str]  # (site_code, url)


class ProbeStoreMixin:
    """Probe methods of `Store`; see the module docstring."""

    engine: Engine
    _session: sessionmaker[Session]

    def add_probes(self, records: Iterable[ProbeRecord], *, source: str = SOURCE_MONITOR) -> int:
        """Store probes in batches, skipping any already stored; returns how many were new."""
        added = 0
        iterator = iter(records)
        while batch := list(islice(iterator, INSERT_BATCH)):
            rows = [probe_values(record, source) for record in batch]
            with self._session.begin() as session:
                result = session.execute(self._insert_ignoring_duplicates(), rows)
                added += len(result.all())
        return added

    def _insert_ignoring_duplicates(self) -> Any:
        """INSERT … ON CONFLICT DO NOTHING RETURNING, in the dialect at hand.

        RETURNING lists only the rows actually inserted, which makes the count exact even
        when another writer stored some of the same probes meanwhile.
        """
        dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(self.engine.dialect.name)
        if dialect is None:
            return insert(ProbeRow).returning(ProbeRow.site_code)
        return (
            dialect.insert(ProbeRow)
            .on_conflict_do_nothing(index_elements=["site_code", "url", "slot"])
            .returning(ProbeRow.site_code)
        )

    def last_slots(self) -> dict[TargetKey, datetime]:
        """The newest stored slot of every target: where a restarted monitor resumes."""
        query = select(ProbeRow.site_code, ProbeRow.url, func.max(ProbeRow.slot)).group_by(
            ProbeRow.site_code, ProbeRow.url
        )
        with self._session() as session:
            return {(code, url): _aware(slot) for code, url, slot in session.execute(query)}

    def failure_streaks(self) -> dict[TargetKey, tuple[int, datetime]]:
        """Targets whose newest probes failed: (failures since the last success, first one).

        WAF-blocked probes are left out (neither up nor down). This is what the alert state
        is rebuilt from after a restart, so an outage that began before the restart is not
        announced a second time, and its recovery alert still knows when it began.
        """
        last_ok = (
            select(ProbeRow.site_code, ProbeRow.url, func.max(ProbeRow.slot).label("slot"))
            .where(ProbeRow.ok.is_(True))
            .group_by(ProbeRow.site_code, ProbeRow.url)
            .subquery()
        )
        query = (
            select(ProbeRow.site_code, ProbeRow.url, func.count(), func.min(ProbeRow.time))
            .outerjoin(last_ok, and_(ProbeRow.site_code == last_ok.c.site_code,
                                     ProbeRow.url == last_ok.c.url))
            .where(ProbeRow.ok.is_(False), ProbeRow.error != BLOCKED,
                   or_(last_ok.c.slot.is_(None), ProbeRow.slot > last_ok.c.slot))
            .group_by(ProbeRow.site_code, ProbeRow.url)
        )
        with self._session() as session:
            return {(code, url): (int(count), _aware(since))
                    for code, url, count, since in session.execute(query)}

    def probes_for_site(
        self, site_code: str, start: datetime, end: datetime, *, kind: str = KIND_HOME
    ) -> list[Probe]:
        """A site's probes of one kind with start <= time < end, oldest first."""
        query = (
            select(ProbeRow)
            .where(ProbeRow.site_code == site_code, ProbeRow.kind == kind,
                   ProbeRow.time >= start, ProbeRow.time < end)
            .order_by(ProbeRow.time)
        )
        with self._session() as session:
            return [probe_from_row(row).probe() for row in session.scalars(query)]

    def iter_probes(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        site_codes: Sequence[str] | None = None,
        kind: str | None = None,
        batch: int = 5000,
    ) -> Iterator[ProbeRecord]:
        """Stored probes ordered by site, URL and time, streamed (for export and stats)."""
        query = select(ProbeRow).where(*_filters(start, end, site_codes, kind)).order_by(
            ProbeRow.site_code, ProbeRow.url, ProbeRow.time
        )
        with self._session() as session:
            for row in session.scalars(query.execution_options(yield_per=batch)):
                yield probe_from_row(row)

    def count_probes(self, *, site_codes: Sequence[str] | None = None) -> int:
        query = select(func.count()).select_from(ProbeRow).where(
            *_filters(None, None, site_codes, None))
        with self._session() as session:
            return session.scalar(query) or 0

    def probe_counts(
        self,
        periods: Mapping[str, tuple[datetime, datetime]],
        *,
        site_codes: Sequence[str] | None = None,
    ) -> dict[tuple[str, str, str], dict[str, tuple[int, int, int]]]:
        """Per target (site_code, url, kind) and named period: (counted, failures, blocked).

        One grouped query whatever the number of sites: `counted` leaves WAF-blocked
        probes out, as the availability rules do.
        """
        columns = []
        for name, (start, end) in periods.items():
            inside = and_(ProbeRow.time >= start, ProbeRow.time < end)
            counted = and_(inside, ProbeRow.error != BLOCKED)
            columns += [
                func.sum(case((counted, 1), else_=0)).label(f"{name}_n"),
                func.sum(case((and_(counted, ProbeRow.ok.is_(False)), 1), else_=0)).label(
                    f"{name}_f"),
                func.sum(case((and_(inside, ProbeRow.error == BLOCKED), 1), else_=0)).label(
                    f"{name}_b"),
            ]
        earliest = min(start for start, _ in periods.values())
        query = (
            select(ProbeRow.site_code, ProbeRow.url, ProbeRow.kind, *columns)
            .where(*_filters(earliest, None, site_codes, None))
            .group_by(ProbeRow.site_code, ProbeRow.url, ProbeRow.kind)
        )
        out: dict[tuple[str, str, str], dict[str, tuple[int, int, int]]] = {}
        with self._session() as session:
            for row in session.execute(query).mappings():
                out[(row["site_code"], row["url"], row["kind"])] = {
                    name: (int(row[f"{name}_n"] or 0), int(row[f"{name}_f"] or 0),
                           int(row[f"{name}_b"] or 0))
                    for name in periods
                }
        return out

    def last_probes(self, *, site_codes: Sequence[str] | None = None) -> dict[TargetKey, ProbeRecord]:
        """The newest probe of every target."""
        newest = (
            select(ProbeRow.site_code, ProbeRow.url, func.max(ProbeRow.slot).label("slot"))
            .where(*_filters(None, None, site_codes, None))
            .group_by(ProbeRow.site_code, ProbeRow.url)
            .subquery()
        )
        query = select(ProbeRow).join(
            newest,
            and_(ProbeRow.site_code == newest.c.site_code, ProbeRow.url == newest.c.url,
                 ProbeRow.slot == newest.c.slot),
        )
        with self._session() as session:
            return {(row.site_code, row.url): probe_from_row(row) for row in session.scalars(query)}

    def latencies(
        self, start: datetime, end: datetime, *, site_codes: Sequence[str] | None = None
    ) -> dict[TargetKey, list[float]]:
        """Total times (ms) of the successful probes in [start, end), per target."""
        query = select(ProbeRow.site_code, ProbeRow.url, ProbeRow.elapsed_ms).where(
            *_filters(start, end, site_codes, None), ProbeRow.ok.is_(True),
            ProbeRow.elapsed_ms.is_not(None))
        out: dict[TargetKey, list[float]] = defaultdict(list)
        with self._session() as session:
            for code, url, elapsed in session.execute(query):
                out[(code, url)].append(float(elapsed))
        return dict(out)


def _filters(
    start: datetime | None, end: datetime | None, site_codes: Sequence[str] | None,
    kind: str | None,
) -> list[Any]:
    where: list[Any] = []
    if start is not None:
        where.append(ProbeRow.time >= start)
    if end is not None:
        where.append(ProbeRow.time < end)
    if site_codes:
        where.append(ProbeRow.site_code.in_(list(site_codes)))
    if kind is not None:
        where.append(ProbeRow.kind == kind)
    return where


def _aware(value: datetime) -> datetime:
    """func.max() bypasses the column type on SQLite and hands back a naive UTC datetime
    (or even a string); the store keeps aware UTC times only."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return UTCDateTime().process_result_value(value, None)  # type: ignore[arg-type,return-value]
