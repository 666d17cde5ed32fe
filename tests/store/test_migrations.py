"""The schema comes from the migrations alone, and matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from govsite.store import Store
from govsite.store.models import Base

TABLES = {"runs", "sites", "blobs", "snapshots", "results", "findings"}


def test_migrate_from_empty_creates_every_table(store_url: str) -> None:
    with Store(store_url) as store:
        assert not TABLES & set(inspect(store.engine).get_table_names())
        store.migrate()
        store.migrate()  # a second run is a no-op, as at every census start
        assert set(inspect(store.engine).get_table_names()) == TABLES | {"alembic_version"}
        with store.engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).all() == [
                ("0001",)
            ]


def test_models_and_migrations_agree(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
