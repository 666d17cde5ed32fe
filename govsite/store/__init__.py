"""Storage of runs, registry rows, snapshots and results (SQLite or PostgreSQL).

SQLAlchemy 2 models in `models`, Alembic migrations in `migrations/` (applied by
`Store.migrate()`, no alembic.ini needed), the `Store` API in `store`, connection
settings in `engine`, and row conversions in `rows`.
"""

from govsite.store.engine import sqlite_url
from govsite.store.models import RUN_FAILED, RUN_FINISHED, RUN_RUNNING
from govsite.store.store import RunInfo, Store

__all__ = ["RUN_FAILED", "RUN_FINISHED", "RUN_RUNNING", "RunInfo", "Store", "sqlite_url"]
