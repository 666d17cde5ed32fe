"""Review methods of `Store`: record, list and withdraw reviewers' decisions on findings."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from govsite.findings import Finding
from govsite.review import Review
from govsite.store import rows
from govsite.store.models import FindingRow, ReviewRow


def _review(row: ReviewRow) -> Review:
    return Review(id=row.id, rule=row.rule, verdict=row.verdict, reason=row.reason,
                  scope=row.scope, site_code=row.site_code, url=row.url, target=row.target,
                  text=row.text, reviewer=row.reviewer,
                  created_at=row.created_at.isoformat(timespec="seconds"))


class ReviewStoreMixin:
    """Reviews live outside runs: an allow-list outlives the census it was made in."""

    engine: Engine
    _session: sessionmaker[Session]

    def add_review(self, review: Review, *, run_id: str | None = None) -> int:
        """Store a decision and return its id."""
        row = ReviewRow(rule=review.rule, verdict=review.verdict, reason=review.reason,
                        scope=review.scope, site_code=review.site_code, url=review.url,
                        target=review.target, text=review.text, reviewer=review.reviewer,
                        run_id=run_id, created_at=datetime.now(UTC))
        with self._session.begin() as session:
            session.add(row)
            session.flush()
            return row.id

    def list_reviews(self) -> list[Review]:
        with self._session() as session:
            return [_review(r) for r in session.scalars(select(ReviewRow).order_by(ReviewRow.id))]

    def delete_review(self, review_id: int) -> bool:
        """Withdraw a decision; the next census or rescore reports the finding again."""
        with self._session.begin() as session:
            return session.execute(delete(ReviewRow).where(ReviewRow.id == review_id)).rowcount > 0

    def load_finding(self, run_id: str, profile: str, site_code: str, idx: int) -> Finding | None:
        """One stored finding, by its place in the site's result (what `review list` numbers)."""
        with self._session() as session:
            row = session.get(FindingRow, (run_id, site_code, profile, idx))
            return rows.finding_from_row(row) if row else None
