"""What the store says about a run's progress: its sites, which are done, reopening it.

A site is done when its result row under the run's profile exists. The census stores the
snapshot first and the result (with its findings, in one transaction) second, so a process
killed in between leaves a snapshot without a result: that site is simply audited again, never
counted as done. Resume and the workers' coordinator ask only these questions; they live
beside them rather than on `Store`, which keeps the scale-out work in one package.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from govsite.sites import Site
from govsite.store import rows
from govsite.store.models import RUN_RUNNING, Result, Run, RunSite
from govsite.store.store import Store


def run_sites(store: Store, run_id: str) -> list[Site]:
    """The registry rows the run audits, in registry order (as `census` loaded them)."""
    with Session(store.engine) as session:
        found = session.scalars(select(RunSite).where(RunSite.run_id == run_id)
                                .order_by(RunSite.source_line, RunSite.site_code))
        return [rows.site_from_row(r) for r in found]


def done_codes(store: Store, run_id: str, profile: str) -> set[str]:
    """Codes of the sites with a stored result under `profile`."""
    with Session(store.engine) as session:
        return set(session.scalars(select(Result.site_code).where(
            Result.run_id == run_id, Result.profile == profile)))


def count_done(store: Store, run_id: str, profile: str) -> int:
    """How many sites have a stored result under `profile` (cheap enough to poll)."""
    with Session(store.engine) as session:
        return session.scalar(select(func.count()).select_from(Result).where(
            Result.run_id == run_id, Result.profile == profile)) or 0


def has_result(store: Store, run_id: str, profile: str, site_code: str) -> bool:
    with Session(store.engine) as session:
        return session.get(Result, (run_id, site_code, profile)) is not None


def reopen_run(store: Store, run_id: str, **options: Any) -> None:
    """Mark a run running again (it may have been left `running` or `failed`), adding `options`."""
    with Session(store.engine) as session, session.begin():
        run = session.get(Run, run_id)
        if run is None:
            raise KeyError(f"no run {run_id}")
        merged = {**(run.options or {}), **options}
        session.execute(update(Run).where(Run.id == run_id).values(
            status=RUN_RUNNING, finished_at=None, options=merged))
