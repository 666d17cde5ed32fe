"""Period records: evaluations, sample plans, self-checks and re-checks per 考核周期.

Revision ID: 0005_period_records
Revises: 0004_reviews
Create Date: 2026-11-23

One table of JSON documents keyed by (period, kind, key); see models.PeriodRecord.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_period_records"
down_revision: str | None = "0004_reviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "period_records",
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("period", "kind", "key", name="pk_period_records"),
    )


def downgrade() -> None:
    op.drop_table("period_records")
