"""Connecting to the store's database: SQLite (embedded default) or PostgreSQL.

Kept apart from `store.py` because the Alembic environment needs the same connection
settings when a developer runs migrations by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

# Seconds a SQLite writer waits for another to finish before giving up. A census writes one
# snapshot per site, each in a short transaction; 30 s only runs out if something is stuck.
SQLITE_BUSY_TIMEOUT_S = 30


def sqlite_url(path: Path) -> str:
    """The store URL for a SQLite file (the embedded default)."""
    return f"sqlite:///{Path(path)}"


def make_engine(url: str) -> Engine:
    """An engine for `url`, set up for concurrent use on SQLite.

    SQLite gets WAL (readers never block the writer), a busy timeout, foreign keys, and
    `BEGIN IMMEDIATE` for every transaction: a deferred transaction that reads and then
    writes fails at once with "database is locked" when another connection wrote in
    between, whatever the timeout, while an immediate one simply waits its turn. This is
    SQLAlchemy's documented recipe for pysqlite.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    memory = parsed.database in (None, "", ":memory:")
    if not memory:
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        # An in-memory database lives in one connection; a pool would hand out empty ones.
        **({"poolclass": StaticPool} if memory else {}),
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # pysqlite must not emit its own BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe under WAL; FULL only adds fsyncs
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
