"""Alembic environment for the govsite store.

`Store.migrate()` passes its open connection in `config.attributes["connection"]`, so the
migration runs in the caller's transaction with the store's SQLite settings. Developers
may also run the `alembic` command from the repository root (alembic.ini there names a
development database), e.g. `alembic revision --autogenerate -m "…"`; review what it
writes, and never import the models into a migration: a migration must stay as written.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from govsite.store.engine import make_engine
from govsite.store.models import Base

config = context.config


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """`alembic upgrade --sql`: print the DDL for a DBA instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
