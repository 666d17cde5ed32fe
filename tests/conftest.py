"""Fixtures shared by every test package: real stores on SQLite and on PostgreSQL.

PostgreSQL is taken from GOVSITE_TEST_PG_URL (default: the local trust-auth server). Each
test gets its own schema, dropped afterwards. When the server is missing the PostgreSQL
half is skipped with the reason, except under CI=true, where it fails: CI must prove both.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirun import run_govsite
from sqlalchemy import create_engine, text

from govsite.store import Store, sqlite_url

PG_URL = os.environ.get("GOVSITE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_schema() -> Iterator[str]:
    """A fresh schema on the test server, as a store URL whose search_path points into it."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # any failure to connect means "no server here"
        admin.dispose()
        message = f"PostgreSQL not available at {PG_URL}: {exc.__class__.__name__}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    schema = f"govsite_test_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL on each database: tests using it run twice."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "nested" / "store.db")
    else:
        yield from _pg_schema()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_store_url(request: pytest.FixtureRequest,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`store_url` for module-scoped fixtures (a whole census): the module runs on each database."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp("store") / "store.db")
    else:
        yield from _pg_schema()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as opened:
        opened.migrate()
        yield opened


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One `govsite demo` run (what `make demo` does: two quarters, re-check, 通报), shared.

    Tests that change the store copy `OUT/demo` first.
    """
    out = tmp_path_factory.mktemp("demo")
    demo = run_govsite("demo", "--out", str(out / "demo"), cwd=out)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    return out, demo.stdout
