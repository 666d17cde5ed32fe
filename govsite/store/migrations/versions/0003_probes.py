"""Availability probes written by `govsite monitor` or imported from CSV.

Revision ID: 0003_probes
Revises: 0002
Create Date: 2026-11-25

One row per probe, keyed by (site_code, url, slot): the slot is the schedule position the
probe filled, so a restarted monitor cannot store a slot twice and a re-imported file adds
nothing. Indexed by (site_code, time) for the census, which reads one site's window at a
time. The revision id carries a name (unlike 0001/0002) because later revisions name it as
their parent.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_probes"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "probes",
        sa.Column("site_code", sa.String(32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("slot", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(64), nullable=False),
        sa.Column("elapsed_ms", sa.Float(), nullable=True),
        sa.Column("dns_ms", sa.Float(), nullable=True),
        sa.Column("connect_ms", sa.Float(), nullable=True),
        sa.Column("tls_ms", sa.Float(), nullable=True),
        sa.Column("ttfb_ms", sa.Float(), nullable=True),
        sa.Column("bytes", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("site_code", "url", "slot", name="pk_probes"),
    )
    op.create_index("ix_probes_site_code_time", "probes", ["site_code", "time"])


def downgrade() -> None:
    op.drop_index("ix_probes_site_code_time", table_name="probes")
    op.drop_table("probes")
