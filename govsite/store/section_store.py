"""Section methods of `Store`: a split site's plan, its sections' states and stored parts.

The workers crawling one site's sections write here concurrently. A part is stored and its
section marked done in one transaction, after the site's plan row is locked: so exactly one
writer sees every section done (`finish_section` returns True to it) and hands the site to
its assembly, and a task killed while storing leaves its section simply not done.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from govsite.store.models import Run, Snapshot
from govsite.store.section_models import SectionChunkRow, SectionPartRow, SectionPlanRow


@dataclass(frozen=True)
class SectionState:
    """A section of a split site: done once its part is stored."""

    index: int
    name: str
    done: bool
    visits: int
    pages: int


class SectionStoreMixin:
    """Plans, section states and part chunks of sites crawled in sections."""

    engine: Engine
    _session: sessionmaker[Session]

    def prior_pages(self, run_id: str, site_code: str) -> int | None:
        """Pages of the site's latest snapshot in a run started before `run_id` (any
        run), or None when no earlier run collected it: how big the site was last time."""
        started = select(Run.started_at).where(Run.id == run_id).scalar_subquery()
        query = (select(Snapshot.pages).join(Run, Run.id == Snapshot.run_id)
                 .where(Snapshot.site_code == site_code, Run.id != run_id,
                        Run.started_at < started)
                 .order_by(Run.started_at.desc(), Run.id.desc()).limit(1))
        with self._session() as session:
            return session.scalar(query)

    def save_section_plan(self, run_id: str, site_code: str, data: bytes,
                          names: Sequence[str]) -> None:
        """Store a site's plan and its sections, none done (replacing an earlier plan)."""
        key = {"run_id": run_id, "site_code": site_code}
        with self._session.begin() as session:
            session.execute(delete(SectionPlanRow).where(
                SectionPlanRow.run_id == run_id, SectionPlanRow.site_code == site_code))
            session.add(SectionPlanRow(**key, created_at=_now(), data=data))
            session.flush()
            session.add_all(SectionPartRow(**key, section=i, name=name, done_at=None, visits=0,
                                           pages=0) for i, name in enumerate(names))

    def load_section_plan(self, run_id: str, site_code: str) -> bytes | None:
        with self._session() as session:
            row = session.get(SectionPlanRow, (run_id, site_code))
            return row.data if row else None

    def section_states(self, run_id: str, site_code: str) -> list[SectionState]:
        """The site's sections in order ([] when it has no plan)."""
        with self._session() as session:
            rows = session.scalars(select(SectionPartRow).where(
                SectionPartRow.run_id == run_id, SectionPartRow.site_code == site_code)
                .order_by(SectionPartRow.section))
            return [SectionState(r.section, r.name, r.done_at is not None, r.visits, r.pages)
                    for r in rows]

    def finish_section(self, run_id: str, site_code: str, section: int, chunks: Iterable[bytes],
                       *, visits: int, pages: int) -> bool:
        """Store a section's part (replacing any earlier chunks) and mark it done, in one
        transaction; True when this made every section of the site done."""
        where = (SectionChunkRow.run_id == run_id, SectionChunkRow.site_code == site_code,
                 SectionChunkRow.section == section)
        with self._session.begin() as session:
            session.execute(delete(SectionChunkRow).where(*where))
            for seq, data in enumerate(chunks):
                session.execute(insert(SectionChunkRow).values(
                    run_id=run_id, site_code=site_code, section=section, seq=seq, data=data))
            # The plan row's lock makes concurrent finishers of one site take turns, so the
            # last one sees every other section done (SQLite writers take turns anyway).
            session.execute(select(SectionPlanRow.run_id).where(
                SectionPlanRow.run_id == run_id, SectionPlanRow.site_code == site_code)
                .with_for_update())
            parts = (SectionPartRow.run_id == run_id, SectionPartRow.site_code == site_code)
            changed = session.execute(
                update(SectionPartRow)
                .where(*parts, SectionPartRow.section == section, SectionPartRow.done_at.is_(None))
                .values(done_at=_now(), visits=visits, pages=pages)).rowcount
            left = session.scalar(select(func.count()).select_from(SectionPartRow)
                                  .where(*parts, SectionPartRow.done_at.is_(None)))
            return bool(changed) and left == 0

    def section_chunks(self, run_id: str, site_code: str, section: int) -> Iterator[bytes]:
        """A section's stored chunks in order, read one at a time."""
        where = (SectionChunkRow.run_id == run_id, SectionChunkRow.site_code == site_code,
                 SectionChunkRow.section == section)
        with self._session() as session:
            seqs = session.scalars(select(SectionChunkRow.seq).where(*where)
                                   .order_by(SectionChunkRow.seq)).all()
        for seq in seqs:
            with self._session() as session:
                data = session.scalar(select(SectionChunkRow.data).where(
                    *where, SectionChunkRow.seq == seq))
            if data is None:
                raise KeyError(f"chunk {seq} of section {section} of site {site_code} is gone")
            yield data

    def drop_section_chunks(self, run_id: str, site_code: str) -> None:
        """Forget a site's part bytes once its result is stored (plan and states stay)."""
        with self._session.begin() as session:
            session.execute(delete(SectionChunkRow).where(
                SectionChunkRow.run_id == run_id, SectionChunkRow.site_code == site_code))


def _now() -> datetime:
    return datetime.now(UTC)
