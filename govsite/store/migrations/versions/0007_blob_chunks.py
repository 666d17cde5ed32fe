"""Blob chunks: snapshots stored in pieces, so no one value is a big site's whole blob.

Revision ID: 0007_blob_chunks
Revises: 0006_web
Create Date: 2026-11-24

New blobs keep their bytes in `blob_chunks` (4 MiB each, in `seq` order) and an empty
`blobs.data`. Blobs stored before stay as they are, whole in `blobs.data`, and are read as
before: `blobs` is not altered, because on SQLite that means rebuilding the table, which
copies every stored snapshot and has to drop a table the snapshots refer to.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_blob_chunks"
down_revision: str | None = "0006_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blob_chunks",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], ondelete="CASCADE",
                                name="fk_blob_chunks_sha256_blobs"),
        sa.PrimaryKeyConstraint("sha256", "seq", name="pk_blob_chunks"),
    )


def downgrade() -> None:
    """Put chunked blobs back whole into `blobs.data` (each one in memory in turn), then
    drop the chunks: the schema before 0007 reads `data` only."""
    connection = op.get_bind()
    blobs = sa.table("blobs", sa.column("sha256", sa.String()), sa.column("data", sa.LargeBinary()))
    chunks = sa.table("blob_chunks", sa.column("sha256", sa.String()), sa.column("seq", sa.Integer()),
                      sa.column("data", sa.LargeBinary()))
    shas = connection.scalars(sa.select(chunks.c.sha256).distinct()).all()
    for sha in shas:
        data = b"".join(connection.scalars(
            sa.select(chunks.c.data).where(chunks.c.sha256 == sha).order_by(chunks.c.seq)))
        connection.execute(blobs.update().where(blobs.c.sha256 == sha).values(data=data))
    op.drop_table("blob_chunks")
