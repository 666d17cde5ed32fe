"""Reviews of findings (confirmed / false positive) and the review a stored finding carries.

Revision ID: 0004_reviews
Revises: 0003_probes
Create Date: 2026-11-23

`reviews` holds reviewers' decisions, independent of runs: a false positive is an allow-list
entry honoured by every later census and rescore. `findings.review` keeps, on a stored
finding, the confirmation it carried when the result was computed. Plain ALTER TABLE for the
new column, as in 0002 (batch mode would rebuild `findings` on SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_reviews"
down_revision: str | None = "0003_probes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule", sa.String(128), nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("site_code", sa.String(32), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(255), nullable=False),
        sa.Column("run_id", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
    )
    op.create_index("ix_reviews_rule", "reviews", ["rule"])
    op.add_column("findings", sa.Column("review", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("findings", "review")
    op.drop_index("ix_reviews_rule", table_name="reviews")
    op.drop_table("reviews")
