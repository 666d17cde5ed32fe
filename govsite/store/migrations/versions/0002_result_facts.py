"""Results keep the site's facts (columns, home page, messages, guides, search).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

`facts` is what the rules established about a site besides findings (SiteResult.facts,
"facts" in results.json). Results stored before this revision get `{}`: nothing was
established, which is what a result without facts means.

Plain ALTER TABLE on both databases, deliberately not a batch operation: SQLite adds (and,
since 3.35, drops) a column in place, while batch mode would rebuild `results`, and
dropping the old table with foreign keys on deletes every finding that references it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "results", sa.Column("facts", sa.JSON(), nullable=False, server_default="{}")
    )


def downgrade() -> None:
    op.drop_column("results", "facts")
