"""The store: runs, their sites, snapshots and results, and probes, in SQLite or PostgreSQL.

`Store` is the only door to the database; every method opens and closes its own short
transaction, so one instance can be shared by the threads of one asyncio process (call it
through `asyncio.to_thread` from coroutines). Snapshots go in as content-addressed blobs,
so storing the same evidence twice costs nothing, and come out exactly as collected: a
rescore months later judges what the census saw, not what the site shows now. Blobs go in
and out in chunks (`blobs.py`), so a big site's snapshot is never whole in memory.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from govsite.findings import Finding
from govsite.results import SiteResult
from govsite.sites import Site
from govsite.snapshot import SiteSnapshot
from govsite.store import blobs, rows
from govsite.store.engine import make_engine
from govsite.store.message_store import MessageStoreMixin
from govsite.store.models import (
    RUN_FAILED,
    RUN_FINISHED,
    RUN_RUNNING,
    FindingRow,
    Result,
    Run,
    RunSite,
    Snapshot,
)
from govsite.store.period_store import PeriodStoreMixin
from govsite.store.probe_store import ProbeStoreMixin
from govsite.store.review_store import ReviewStoreMixin
from govsite.store.section_store import SectionStoreMixin
from govsite.store.user_store import UserStoreMixin

MIGRATIONS = "govsite.store:migrations"


@dataclass(frozen=True)
class RunInfo:
    """A run as listed: what was asked, when, and how far it got."""

    id: str
    profile: str
    as_of: date
    started_at: datetime
    finished_at: datetime | None
    status: str
    options: dict[str, Any]
    counts: dict[str, Any]


class Store(ProbeStoreMixin, ReviewStoreMixin, PeriodStoreMixin, UserStoreMixin,
            MessageStoreMixin, SectionStoreMixin):
    """Runs, sites, snapshots, results; probes, reviews and period records (the mixins).

    Call `migrate()` once before first use.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> None:
        """Bring the schema to the newest migration (idempotent; no alembic.ini needed)."""
        config = Config()
        config.set_main_option("script_location", MIGRATIONS)
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    # ------------------------------------------------------------------------ runs

    def create_run(
        self, *, profile: str, as_of: date | str, options: dict[str, Any] | None = None
    ) -> str:
        """Start a run and return its id (time-ordered: ``20261123-100000-a1b2c3``).

        `options` must be JSON-serialisable: it records how the census was asked for.
        """
        now = _now()
        run_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
        with self._session.begin() as session:
            session.add(
                Run(
                    id=run_id,
                    profile=profile,
                    as_of=_to_date(as_of),
                    started_at=now,
                    finished_at=None,
                    status=RUN_RUNNING,
                    options=dict(options or {}),
                    counts={},
                )
            )
        return run_id

    def finish_run(self, run_id: str, status: str = RUN_FINISHED) -> None:
        """Close a run as finished or failed, recording its counts for quick listing."""
        if status not in (RUN_FINISHED, RUN_FAILED):
            raise ValueError(f"a run finishes as {RUN_FINISHED} or {RUN_FAILED}, not {status!r}")
        with self._session.begin() as session:
            run = _require_run(session, run_id)
            run.status = status
            run.finished_at = _now()
            run.counts = _counts(session, run_id)

    def get_run(self, run_id: str) -> RunInfo | None:
        with self._session() as session:
            run = session.get(Run, run_id)
            return _run_info(run) if run else None

    def list_runs(self) -> list[RunInfo]:
        """Every run, newest first."""
        with self._session() as session:
            runs = session.scalars(select(Run).order_by(Run.started_at.desc(), Run.id.desc()))
            return [_run_info(r) for r in runs]

    def latest_run(self, *, status: str | None = None) -> RunInfo | None:
        """The newest run, or the newest with `status` (e.g. the last finished census)."""
        query = select(Run).order_by(Run.started_at.desc(), Run.id.desc()).limit(1)
        if status is not None:
            query = query.where(Run.status == status)
        with self._session() as session:
            run = session.scalars(query).first()
            return _run_info(run) if run else None

    # ------------------------------------------------------------------------ sites

    def add_sites(self, run_id: str, sites: Iterable[Site]) -> None:
        """Record the registry rows a run audits (a second call updates them)."""
        with self._session.begin() as session:
            _require_run(session, run_id)
            for site in sites:
                session.merge(rows.site_row(run_id, site))

    # ------------------------------------------------------------------------ snapshots

    def save_snapshot(self, run_id: str, snapshot: SiteSnapshot) -> str:
        """Store a site's snapshot for a run (replacing an earlier one); returns its blob sha.

        The blob is serialised to a temporary file first and stored from there in chunks
        (`blobs.py`): a big site's blob is never whole in memory, and the transaction (on
        SQLite, the write lock) lasts only as long as the copy into the database.
        """
        links = sum(len(p.links) for p in snapshot.pages)  # reads a spooled site back: not
        with blobs.spill(snapshot) as blob:                # while holding the write lock
            with self._session.begin() as session:
                _ensure_site(session, run_id, snapshot.site)
                blobs.insert_blob(session, blob)
                session.merge(
                    Snapshot(
                        run_id=run_id,
                        site_code=snapshot.site.site_code,
                        blob_sha=blob.sha256,
                        pages=len(snapshot.pages),
                        links=links,
                        blocked=snapshot.blocked,
                        fetched_at=_parse_time(snapshot.fetched_at),
                    )
                )
        return blob.sha256

    def load_snapshot(self, run_id: str, site_code: str) -> SiteSnapshot:
        """The snapshot as collected; KeyError if the run has none for this site."""
        with self._session() as session:
            sha = session.scalar(
                select(Snapshot.blob_sha).where(
                    Snapshot.run_id == run_id, Snapshot.site_code == site_code
                )
            )
        if sha is None:
            raise KeyError(f"no snapshot of site {site_code} in run {run_id}")
        return self._load_blob(sha)

    def iter_snapshots(self, run_id: str) -> Iterator[SiteSnapshot]:
        """Every snapshot of a run, in registry order, loaded one at a time.

        Only the keys are read up front: a fleet's snapshots together may not fit in memory.
        """
        with self._session() as session:
            shas = session.scalars(
                select(Snapshot.blob_sha)
                .join(RunSite, _same_site(RunSite, Snapshot))
                .where(Snapshot.run_id == run_id)
                .order_by(RunSite.source_line, RunSite.site_code)
            ).all()
        for sha in shas:
            yield self._load_blob(sha)

    def _load_blob(self, sha: str) -> SiteSnapshot:
        """Read chunk by chunk and parsed as it comes: a big site comes back spooled."""
        return SiteSnapshot.load(blobs.blob_chunks(self._session, sha))

    # ------------------------------------------------------------------------ results

    def save_result(self, run_id: str, profile: str, result: SiteResult) -> None:
        """Store a site's result under a profile, replacing any earlier one for that profile.

        Results under other profiles stay: a rescore with gb2015 adds to a gb2019 census.
        """
        key = (run_id, result.site.site_code, profile)
        with self._session.begin() as session:
            _ensure_site(session, run_id, result.site)
            session.execute(delete(FindingRow).where(_result_key(FindingRow, *key)))
            session.execute(delete(Result).where(_result_key(Result, *key)))
            session.add(rows.result_row(run_id, profile, result, _now()))
            session.flush()  # the result row first: findings reference it
            session.add_all(rows.finding_rows(run_id, profile, result))

    def load_site_results(self, run_id: str, profile: str) -> list[SiteResult]:
        """A run's results under a profile, in registry order, as the scorer made them."""
        with self._session() as session:
            results = session.execute(
                select(Result, RunSite)
                .join(RunSite, _same_site(RunSite, Result))
                .where(Result.run_id == run_id, Result.profile == profile)
                .order_by(RunSite.source_line, RunSite.site_code)
            ).all()
            findings: dict[str, list[Finding]] = {}
            for row in session.scalars(
                select(FindingRow)
                .where(FindingRow.run_id == run_id, FindingRow.profile == profile)
                .order_by(FindingRow.site_code, FindingRow.idx)
            ):
                findings.setdefault(row.site_code, []).append(rows.finding_from_row(row))
        return [
            rows.site_result_from_rows(result, site, findings.get(site.site_code, []))
            for result, site in results
        ]

    def load_results(self, run_id: str, profile: str) -> list[dict[str, Any]]:
        """A run's results under a profile as results.json site objects."""
        return [r.to_json() for r in self.load_site_results(run_id, profile)]


# ---------------------------------------------------------------------------- helpers


def _now() -> datetime:
    return datetime.now(UTC)


def _to_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _parse_time(text: str) -> datetime | None:
    """`fetched_at` as a column for listing; None if unparsable or without an offset.

    Guessing a time zone would misdate evidence; the blob keeps the original text anyway.
    """
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else None


def _require_run(session: Session, run_id: str) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise KeyError(f"no run {run_id}")
    return run


def _ensure_site(session: Session, run_id: str, site: Site) -> None:
    """Snapshots and results may arrive for a site not added first (e.g. an import)."""
    if session.get(RunSite, (run_id, site.site_code)) is None:
        _require_run(session, run_id)
        session.add(rows.site_row(run_id, site))
        session.flush()


def _same_site(sites: type[RunSite], other: type[Snapshot] | type[Result]) -> Any:
    return and_(sites.run_id == other.run_id, sites.site_code == other.site_code)


def _result_key(
    model: type[Result] | type[FindingRow], run_id: str, code: str, profile: str
) -> Any:
    return and_(model.run_id == run_id, model.site_code == code, model.profile == profile)


def _counts(session: Session, run_id: str) -> dict[str, Any]:
    """Figures for listing runs without loading them: sites, snapshots, verdicts by profile."""

    def count(model: type[RunSite] | type[Snapshot], *where: Any) -> int:
        query = select(func.count()).select_from(model).where(model.run_id == run_id, *where)
        return session.scalar(query) or 0

    verdicts: dict[str, dict[str, int]] = {}
    for profile, verdict, n in session.execute(
        select(Result.profile, Result.verdict, func.count())
        .where(Result.run_id == run_id)
        .group_by(Result.profile, Result.verdict)
    ):
        verdicts.setdefault(profile, {})[verdict] = n
    return {
        "sites": count(RunSite),
        "snapshots": count(Snapshot),
        "blocked": count(Snapshot, Snapshot.blocked.is_not(None)),
        "verdicts": verdicts,
    }


def _run_info(run: Run) -> RunInfo:
    return RunInfo(
        id=run.id,
        profile=run.profile,
        as_of=run.as_of,
        started_at=run.started_at,
        finished_at=run.finished_at,
        status=run.status,
        options=dict(run.options),
        counts=dict(run.counts),
    )
