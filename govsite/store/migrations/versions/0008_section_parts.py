"""Sections: large sites crawled in parts by several workers (plans, part states, chunks).

Revision ID: 0008_section_parts
Revises: 0007_blob_chunks
Create Date: 2026-11-24

Three new tables and nothing else changed, so stored runs are untouched either way.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_section_parts"
down_revision: str | None = "0007_blob_chunks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SITE_KEY = ["run_id", "site_code"]


def upgrade() -> None:
    op.create_table(
        "section_plans",
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("site_code", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(SITE_KEY, ["sites.run_id", "sites.site_code"],
                                name="fk_section_plans_run_id_sites", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(*SITE_KEY, name="pk_section_plans"),
    )
    op.create_table(
        "section_parts",
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("site_code", sa.String(32), nullable=False),
        sa.Column("section", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(SITE_KEY, ["section_plans.run_id", "section_plans.site_code"],
                                name="fk_section_parts_run_id_section_plans", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(*SITE_KEY, "section", name="pk_section_parts"),
    )
    op.create_table(
        "section_chunks",
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("site_code", sa.String(32), nullable=False),
        sa.Column("section", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            [*SITE_KEY, "section"],
            ["section_parts.run_id", "section_parts.site_code", "section_parts.section"],
            name="fk_section_chunks_run_id_section_parts", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(*SITE_KEY, "section", "seq", name="pk_section_chunks"),
    )


def downgrade() -> None:
    op.drop_table("section_chunks")
    op.drop_table("section_parts")
    op.drop_table("section_plans")
