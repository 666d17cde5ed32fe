"""Celery workers end to end: real `govsite worker` processes, real brokers, PostgreSQL.

The fleet server's log is the witness. Politeness: two workers (four pool processes) audit
two registered sites on one host plus others; every host must see its request starts at least
the interval apart and never more requests in flight than its concurrency, over Redis and over
RabbitMQ. Kills: a coordinator or a worker is killed with SIGKILL mid-run, and `census
--resume` with workers must finish the run without auditing again any site already stored,
with the findings of an uninterrupted census.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from govsite.fleet.model import Fleet
from govsite.store.models import RUN_FAILED, RUN_FINISHED, RUN_RUNNING
from govsite.store.store import Store
from govsite.work.runstate import count_done, done_codes
from work.cluster import (
    AS_OF,
    TimedFleetServer,
    auditors,
    gaps_around_shortest,
    govsite_process,
    govsite_run,
    kill,
    max_in_flight,
    requests_per_second,
    start_gaps,
    start_worker,
    stop,
    wait_for,
    write_registry,
)
from work.conftest import ON_POSTGRESQL, RESUME_CODES, census_args
from work.test_resume import check_resumed

INTERVAL_S = 0.2
CONCURRENCY = 2
# Arrival times at the server, not start times at the client: one request may be delayed on
# its way (a busy CPU) after it took its turn, and the next arrive on time.
TOLERANCE_S = 0.06
# Every answer this late, so that requests to one host overlap unless something stops them.
ANSWER_DELAY_S = 0.3
SHARED_HOST = "fgw.hdq.gov.cn"
# Two registered sites on one host, crawled by two pool processes at once; and a third site.
POLITE_SITES = {"1101050002": "http://fgw.hdq.gov.cn/",
                "1101050003": "http://fgw.hdq.gov.cn/xxgk/tzgg/index.html",
                "4401060001": "http://www.dhkjy.gov.cn/"}
POLITE_ARGS = ("--as-of", AS_OF.isoformat(), "--max-pages", "5", "--max-depth", "2",
               "--host-interval", str(INTERVAL_S), "--host-concurrency", str(CONCURRENCY),
               "--timeout", "10")


@contextmanager
def workers(broker: str, db: str, tmp_path: Path, n: int = 2) -> Iterator[list[Any]]:
    """`n` worker processes of two pool processes each, stopped at the end."""
    procs = [start_worker(broker, db, tmp_path / f"worker{i}.log", tmp_path) for i in range(n)]
    try:
        yield procs
    finally:
        for proc in procs:
            stop(proc)


def worker_logs(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.glob("worker*.log"))


@ON_POSTGRESQL
@pytest.mark.parametrize("broker_name", ["redis", "amqp"])
def test_every_host_keeps_its_manners_across_workers(
        broker_name: str, store: Store, redis_url: str, fleet: tuple[Fleet, Path],
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    broker = request.getfixturevalue(f"{broker_name}_url")
    built, _ = fleet
    registry = write_registry(tmp_path / "sites.csv", built, POLITE_SITES, POLITE_SITES)
    with TimedFleetServer(built, delay_s=ANSWER_DELAY_S) as server, \
            workers(broker, store.url, tmp_path):
        resolve = [a for spec in server.resolve_args() for a in ("--resolve", spec)]
        census = govsite_run(["census", "--sites", str(registry), "--db", store.url,
                              "--out", str(tmp_path / "out"), "--workers", f"celery://{broker}",
                              "--limiter", redis_url, *POLITE_ARGS, *resolve], tmp_path)
        assert census.returncode == 0, census.stdout + census.stderr
        log, spans = list(server.request_log), list(server.spans)
    run = store.latest_run()
    assert run is not None and run.status == RUN_FINISHED
    assert count_done(store, run.id, run.profile) == len(POLITE_SITES)
    # The host was shared by two processes, not merely by two sites of one process.
    by = auditors(worker_logs(tmp_path))
    assert by["1101050002"] != by["1101050003"], by

    gaps, in_flight, per_second = start_gaps(log), max_in_flight(spans), requests_per_second(log)
    print(f"\n{broker_name}: {len(log)} requests; {SHARED_HOST}: {per_second[SHARED_HOST]} "
          f"requests in the busiest second (interval {INTERVAL_S} s allows "
          f"{int(1 / INTERVAL_S) + 1}), shortest gap {gaps[SHARED_HOST]:.3f} s, "
          f"at most {in_flight[SHARED_HOST]} in flight (limit {CONCURRENCY})")
    assert sum(h == SHARED_HOST for h, *_ in log) > 50
    assert in_flight[SHARED_HOST] >= CONCURRENCY, "the test must make requests overlap"
    too_close = {h: round(g, 3) for h, g in gaps.items() if g < INTERVAL_S - TOLERANCE_S}
    assert not too_close, f"request starts closer than {INTERVAL_S} s: {too_close}; " + "; ".join(
        f"{h}: gaps {gaps_around_shortest(log, h)}" for h in too_close)
    too_many = {h: n for h, n in in_flight.items() if n > CONCURRENCY}
    assert not too_many, f"more than {CONCURRENCY} requests in flight: {too_many}"


def wait_some_done(store: Store, at_least: int, procs: list[Any], logs: list[Path]) -> str:
    """Wait until the run has `at_least` results (and not all); returns its id."""

    def enough() -> bool:
        run = store.latest_run()
        return run is not None and count_done(store, run.id, run.profile) >= at_least

    wait_for(f"{at_least} stored results", enough, 240, procs, logs)
    run = store.latest_run()
    assert run is not None
    assert count_done(store, run.id, run.profile) < len(RESUME_CODES), "killed too late"
    return run.id


def resume_on_workers(store: Store, run_id: str, broker: str, redis_url: str,
                      tmp_path: Path) -> tuple[set[str], float, float]:
    """`census --resume RUN --workers …`; returns the sites done before it, when it started
    and how long it took."""
    done_before = done_codes(store, run_id, store.get_run(run_id).profile)
    resumed_at = time.monotonic()
    resume = govsite_run(["census", "--resume", run_id, "--db", store.url,
                          "--workers", f"celery://{broker}", "--limiter", redis_url], tmp_path)
    seconds = time.monotonic() - resumed_at
    assert resume.returncode == 0, resume.stdout + resume.stderr
    return done_before, resumed_at, seconds


@ON_POSTGRESQL
def test_a_killed_coordinator_is_resumed_on_the_workers(
        store: Store, amqp_url: str, redis_url: str, fleet: tuple[Fleet, Path],
        fleet_server: TimedFleetServer, baseline: tuple[dict[str, Any], Path],
        tmp_path: Path) -> None:
    """RabbitMQ as broker: the coordinator dies, its queued tasks go on, the resume
    re-enqueues what is missing and waits for it."""
    _, registry = fleet
    args = census_args(fleet_server, registry, store.url, tmp_path / "out")
    args += ["--workers", f"celery://{amqp_url}", "--limiter", redis_url]
    with workers(amqp_url, store.url, tmp_path) as procs:
        coordinator = govsite_process(args, tmp_path / "coordinator.log", tmp_path)
        run_id = wait_some_done(store, 1, [coordinator, *procs],
                                [tmp_path / "coordinator.log", *worker_logs(tmp_path)])
        kill(coordinator)
        assert store.get_run(run_id).status == RUN_RUNNING
        done_before, resumed_at, seconds = resume_on_workers(store, run_id, amqp_url, redis_url,
                                                             tmp_path)
        check_resumed(store, run_id, fleet_server, resumed_at, done_before, baseline[0])
    print(f"\ncoordinator killed with {len(done_before)}/{len(RESUME_CODES)} sites done; "
          f"resume on the workers finished in {seconds:.1f} s")


@ON_POSTGRESQL
def test_a_killed_worker_is_made_good_by_resume(
        store: Store, redis_url: str, fleet: tuple[Fleet, Path],
        fleet_server: TimedFleetServer, baseline: tuple[dict[str, Any], Path],
        tmp_path: Path) -> None:
    """Redis as broker: a worker dies with sites in hand. Redis gives its tasks back only
    after the visibility timeout, so the operator stops the waiting coordinator (the run
    ends failed) and resumes; the dead worker's claims lapse and its sites are audited."""
    _, registry = fleet
    args = census_args(fleet_server, registry, store.url, tmp_path / "out")
    args += ["--workers", f"celery://{redis_url}"]
    with workers(redis_url, store.url, tmp_path) as procs:
        coordinator = govsite_process(args, tmp_path / "coordinator.log", tmp_path)
        logs = [tmp_path / "coordinator.log", *worker_logs(tmp_path)]
        run_id = wait_some_done(store, 1, [coordinator, *procs], logs)

        def busy(log: Path) -> bool:
            text = log.read_text(errors="replace")
            return text.count("] received") > text.count("] succeeded")

        wait_for("the first worker holding a site", lambda: busy(logs[1]), 120, procs, logs)
        kill(procs[0])
        coordinator.send_signal(signal.SIGINT)
        coordinator.wait(60)
        assert store.get_run(run_id).status == RUN_FAILED
        procs.append(start_worker(redis_url, store.url, tmp_path / "worker9.log", tmp_path))
        done_before, resumed_at, seconds = resume_on_workers(store, run_id, redis_url, redis_url,
                                                             tmp_path)
        check_resumed(store, run_id, fleet_server, resumed_at, done_before, baseline[0])
    print(f"\nworker killed with {len(done_before)}/{len(RESUME_CODES)} sites done; "
          f"resume on the workers finished in {seconds:.1f} s (its claims lapse within 30 s)")


@ON_POSTGRESQL
def test_failing_tasks_end_the_run_and_resume_retries_them(
        store: Store, redis_url: str, fleet: tuple[Fleet, Path], fleet_server: TimedFleetServer,
        tmp_path: Path) -> None:
    """A file the run names is gone when the worker loads the plan: every task fails, and the
    coordinator says which sites and why (exit code 1, run failed) instead of waiting for
    ever. With the file back, `--resume` finishes the run."""
    built, _ = fleet
    registry = write_registry(tmp_path / "sites.csv", built, ["4401060001", "bm34000002"])
    lexicon = tmp_path / "extra.yaml"
    lexicon.write_text("", encoding="utf-8")
    args = census_args(fleet_server, registry, store.url, tmp_path / "out")
    args += ["--lexicon", str(lexicon), "--workers", f"celery://{redis_url}"]
    log = tmp_path / "coordinator.log"
    coordinator = govsite_process(args, log, tmp_path)
    wait_for("the run", lambda: store.latest_run() is not None, 120, [coordinator], [log])
    lexicon.unlink()
    with workers(redis_url, store.url, tmp_path, n=1):
        wait_for("the coordinator to give up", lambda: coordinator.poll() is not None, 180,
                 logs=[log, *worker_logs(tmp_path)])
        text = log.read_text()
        assert coordinator.returncode == 1, text
        assert "4401060001" in text and "bm34000002" in text and "extra.yaml" in text
        run = store.latest_run()
        assert run is not None and run.status == RUN_FAILED
        lexicon.write_text("", encoding="utf-8")
        resume_on_workers(store, run.id, redis_url, redis_url, tmp_path)
    assert store.get_run(run.id).status == RUN_FINISHED
    assert count_done(store, run.id, run.profile) == 2


def test_stale_tasks_of_another_store_are_dropped(tmp_path: Path) -> None:
    """A task whose run is not in the worker's store is acknowledged and dropped."""
    from govsite.work.tasks import UNKNOWN_RUN, audit_stored_site

    with Store(f"sqlite:///{tmp_path / 'govsite.db'}") as store:
        store.migrate()
        assert audit_stored_site(store.url, "20260101-000000-abcdef", "1101050002") == UNKNOWN_RUN

