"""Period methods of `Store`: which runs belong to a 考核周期, and its decision documents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from govsite.evaluate.period import period_of
from govsite.store.models import RUN_FINISHED, PeriodRecord, Run

KIND_EVALUATION = "evaluation"
KIND_SAMPLE = "sample"
KIND_SELFCHECK = "selfcheck"
KIND_RECHECK = "recheck"
KINDS = (KIND_EVALUATION, KIND_SAMPLE, KIND_SELFCHECK, KIND_RECHECK)


def run_period(options: dict[str, Any], as_of: Any) -> str:
    """A run's period: the one `census --period` recorded, else the quarter of its as_of."""
    return str(options.get("period") or period_of(as_of))


class PeriodStoreMixin:
    """Runs by period, and one JSON document per (period, kind, key)."""

    engine: Engine
    _session: sessionmaker[Session]

    def period_run_ids(self, period: str, *, finished_only: bool = True) -> list[str]:
        """Ids of the runs of `period`, newest first (finished ones unless told otherwise)."""
        query = select(Run).order_by(Run.started_at.desc(), Run.id.desc())
        if finished_only:
            query = query.where(Run.status == RUN_FINISHED)
        with self._session() as session:
            runs = session.scalars(query).all()
            return [r.id for r in runs if run_period(r.options or {}, r.as_of) == period]

    def periods(self) -> list[str]:
        """Every period with a finished run, oldest first."""
        with self._session() as session:
            runs = session.scalars(select(Run).where(Run.status == RUN_FINISHED)).all()
            return sorted({run_period(r.options or {}, r.as_of) for r in runs})

    def save_record(self, period: str, kind: str, data: dict[str, Any], key: str = "") -> None:
        """Store (or replace) a period's document of `kind`."""
        if kind not in KINDS:
            raise ValueError(f"unknown period record kind {kind!r}; expected one of {KINDS}")
        with self._session.begin() as session:
            session.merge(PeriodRecord(period=period, kind=kind, key=key,
                                       created_at=datetime.now(UTC), data=data))

    def load_record(self, period: str, kind: str, key: str = "") -> dict[str, Any] | None:
        with self._session() as session:
            row = session.get(PeriodRecord, (period, kind, key))
            return dict(row.data) if row else None

    def list_records(self, period: str | None = None,
                     kind: str | None = None) -> list[tuple[str, str, str, datetime]]:
        """(period, kind, key, created_at) of the stored documents, by period then kind."""
        query = select(PeriodRecord.period, PeriodRecord.kind, PeriodRecord.key,
                       PeriodRecord.created_at).order_by(PeriodRecord.period, PeriodRecord.kind,
                                                         PeriodRecord.key)
        if period is not None:
            query = query.where(PeriodRecord.period == period)
        if kind is not None:
            query = query.where(PeriodRecord.kind == kind)
        with self._session() as session:
            return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]
