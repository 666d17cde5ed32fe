"""Fixtures of the scale-out tests: the servers, one fleet, and an uninterrupted census of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from govsite.fleet.generate import build_fleet, write_fleet
from govsite.fleet.model import Fleet
from govsite.store.store import Store
from work.cluster import (
    AMQP_URL,
    AS_OF,
    REDIS_URL,
    TimedFleetServer,
    amqp_available,
    govsite_run,
    outcome,
    redis_available,
    require_service,
    write_registry,
)

# Every site of the fleet but the portal, which the others all link to: so a request to one of
# these hosts can only come from auditing that very site (the resume tests count them).
RESUME_CODES = ("1101050002", "1101050003", "1101050004", "1101050005", "1101050006",
                "1101050007", "1101050008", "1101050009", "4401060001", "bm34000002")
# Small and quick, but every stage of collect runs: crawl, link checks, search, security.
CENSUS_ARGS = ("--as-of", AS_OF.isoformat(), "--max-pages", "10", "--max-depth", "3",
               "--host-interval", "0.02", "--timeout", "10")


@pytest.fixture
def redis_url() -> str:
    require_service(f"Redis at {REDIS_URL}", redis_available)
    return REDIS_URL


@pytest.fixture
def amqp_url() -> str:
    require_service(f"RabbitMQ at {AMQP_URL}", amqp_available)
    return AMQP_URL


# The worker tests' store: the `store` fixture (tests/conftest.py) on PostgreSQL only, in a
# schema of the test's own, migrated before any worker starts (workers never migrate).
ON_POSTGRESQL = pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)


@pytest.fixture(scope="session")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Fleet, Path]:
    """The demo fleet and the registry of RESUME_CODES."""
    out = tmp_path_factory.mktemp("work-fleet")
    built = build_fleet(as_of=AS_OF, n_sites=12)
    write_fleet(built, out / "fleet")
    return built, write_registry(out / "resume-sites.csv", built, RESUME_CODES)


def census_args(server: TimedFleetServer, registry: Path, db: str, out: Path) -> list[str]:
    resolve = [arg for spec in server.resolve_args() for arg in ("--resolve", spec)]
    return ["census", "--sites", str(registry), "--db", db, "--out", str(out), *CENSUS_ARGS,
            *resolve]


@pytest.fixture(scope="session")
def fleet_server(fleet: tuple[Fleet, Path]) -> Iterator[TimedFleetServer]:
    """One server for the session: a stored run's --resolve options keep pointing at it."""
    with TimedFleetServer(fleet[0]) as server:
        yield server


@pytest.fixture(scope="session")
def baseline(fleet: tuple[Fleet, Path], fleet_server: TimedFleetServer,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """What an uninterrupted local census of RESUME_CODES finds, the yardstick of every
    resume, and the SQLite file it was stored in."""
    _, registry = fleet
    work = tmp_path_factory.mktemp("baseline")
    db = work / "baseline.db"
    census = govsite_run(census_args(fleet_server, registry, f"sqlite:///{db}", work / "out"), work)
    assert census.returncode == 0, census.stdout + census.stderr
    with Store(f"sqlite:///{db}") as store:
        run = store.latest_run()
        assert run is not None
        return outcome(store.load_site_results(run.id, run.profile)), db
