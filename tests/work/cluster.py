"""A real little cluster for the scale-out tests: services, the fleet, processes, request logs.

Redis, RabbitMQ and PostgreSQL are the machine's own servers (as in CI); workers and
coordinators are `govsite` subprocesses, killed with signals like real ones; the fleet is
served on 127.0.0.1 by `FleetServer`, whose log is the evidence of what each host received.
"""

from __future__ import annotations

import asyncio
import csv
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from govsite.fleet.model import Fleet
from govsite.fleet.server import FleetServer
from govsite.fleet.write import REGISTRY_HEADER
from govsite.results import SiteResult

REDIS_URL = os.environ.get("GOVSITE_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
AMQP_URL = os.environ.get("GOVSITE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
AS_OF = date(2026, 11, 23)


def require_service(name: str, check: Callable[[], object]) -> None:
    """Skip (fail under CI=true) when a server the test needs does not answer."""
    try:
        check()
    except Exception as exc:  # any failure to connect means "no server here"
        message = f"{name} not available: {exc.__class__.__name__}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def redis_available(url: str = REDIS_URL) -> None:
    from redis import Redis

    with Redis.from_url(url, socket_connect_timeout=3) as client:
        client.ping()


def amqp_available(url: str = AMQP_URL) -> None:
    from kombu import Connection

    with Connection(url, connect_timeout=3) as connection:
        connection.ensure_connection(max_retries=1)


class TimedFleetServer(FleetServer):
    """The fleet server, also keeping when each answer was handed back (requests in flight
    per host) and, with `delay_s`, answering that much later, so that requests overlap."""

    def __init__(self, fleet: Fleet, delay_s: float = 0.0) -> None:
        super().__init__(fleet)
        self.delay_s = delay_s
        self.spans: list[tuple[str, float, float]] = []
        self._spans_lock = threading.Lock()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        try:
            response = await super()._handle(request)
            await asyncio.sleep(self.delay_s)
            return response
        finally:
            host = (request.host or "").split(":", 1)[0].lower()
            with self._spans_lock:
                self.spans.append((host, started, time.monotonic()))


def write_registry(path: Path, fleet: Fleet, codes: Iterable[str],
                   urls: dict[str, str] | None = None) -> Path:
    """A registry CSV of the fleet's rows for `codes`, with some home URLs replaced (`urls`):
    two registered sites on one host make two workers crawl that host at once."""
    rows = {r["site_code"]: r for r in fleet.registry_rows}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REGISTRY_HEADER.values())
        for code in codes:
            row = {**rows[code], "url": (urls or {}).get(code, rows[code]["url"])}
            writer.writerow(row[key] for key in REGISTRY_HEADER)
    return path


def _default_sigint() -> None:
    """SIGINT reaches the child as Ctrl-C from a terminal would. A shell without job control
    starts background commands with SIGINT ignored, children inherit that, and a Python started
    so never raises KeyboardInterrupt: a test suite run in the background (`make test &`)
    would then see a coordinator deaf to its Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def govsite_process(args: list[str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """`govsite ARGS` in its own session (so a kill reaches its children), output to `log`."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "govsite", *args], cwd=cwd, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=_default_sigint)


def start_worker(broker: str, db: str, log: Path, cwd: Path,
                 concurrency: int = 2) -> subprocess.Popen[bytes]:
    return govsite_process(["worker", "--broker", broker, "--db", db,
                            "--concurrency", str(concurrency), "--loglevel", "INFO"], log, cwd)


def kill(proc: subprocess.Popen[bytes]) -> None:
    """kill -9 the process and everything it started (a worker's pool processes too)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def stop(proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Stop politely (SIGTERM: a worker finishes its task), then by force."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        kill(proc)


def wait_for(what: str, predicate: Callable[[], bool], timeout: float,
             procs: Iterable[subprocess.Popen[bytes]] = (), logs: Iterable[Path] = ()) -> float:
    """Poll until `predicate()`; returns the seconds it took. Fails early when one of
    `procs` exits, with the tail of the `logs`."""
    started = time.monotonic()
    procs, logs = list(procs), list(logs)
    while not predicate():
        dead = [p for p in procs if p.poll() is not None]
        if dead or time.monotonic() - started > timeout:
            tails = "\n".join(f"--- {log}\n{log.read_text(errors='replace')[-3000:]}" for log in logs)
            why = f"exited with {dead[0].returncode}" if dead else f"not within {timeout} s"
            pytest.fail(f"waiting for {what}: {why}\n{tails}")
        time.sleep(0.2)
    return time.monotonic() - started


def start_gaps(log: list[tuple[str, str, str, float]]) -> dict[str, float]:
    """Per host: the shortest time between two request arrivals (hosts with 2+ requests)."""
    times: dict[str, list[float]] = defaultdict(list)
    for host, _path, _method, at in log:
        times[host].append(at)
    return {host: min(b - a for a, b in zip(sorted(t), sorted(t)[1:], strict=False))
            for host, t in times.items() if len(t) > 1}


def gaps_around_shortest(log: list[tuple[str, str, str, float]], host: str) -> list[float]:
    """The host's arrival gaps around its shortest one: a late arrival shows as a long gap just
    before a short one (the two adding up to two intervals), a broken limit does not."""
    times = sorted(at for h, _path, _method, at in log if h == host)
    gaps = [round(b - a, 3) for a, b in zip(times, times[1:], strict=False)]
    at = gaps.index(min(gaps))
    return gaps[max(0, at - 3):at + 4]


def max_in_flight(spans: list[tuple[str, float, float]]) -> dict[str, int]:
    """Per host: the most requests the server was answering at one moment."""
    events: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for host, start, end in spans:
        events[host] += [(start, 1), (end, -1)]
    most: dict[str, int] = {}
    for host, marks in events.items():
        now = peak = 0
        for _at, step in sorted(marks, key=lambda m: (m[0], m[1])):  # ends before starts on ties
            now += step
            peak = max(peak, now)
        most[host] = peak
    return most


def auditors(logs: Iterable[Path]) -> dict[str, str]:
    """Site code → the worker process that stored its result (log file and pool process)."""
    done = re.compile(r"(ForkPoolWorker-\d+)\] site (\S+) of run \S+: done")
    return {m[2]: f"{log.name}/{m[1]}" for log in logs
            for m in done.finditer(log.read_text(errors="replace"))}


def requests_after(log: list[tuple[str, str, str, float]], since: float) -> Counter[str]:
    """Requests per host that arrived after `since` (time.monotonic())."""
    return Counter(host for host, _path, _method, at in log if at > since)


def outcome(results: Iterable[SiteResult]) -> dict[str, tuple[str, Counter[tuple[Any, ...]]]]:
    """Per site: its verdict and the multiset of its findings' (rule, url, target)."""
    return {r.site.site_code: (r.verdict, Counter((f.rule, f.url, f.target) for f in r.findings))
            for r in results}


def requests_per_second(log: list[tuple[str, str, str, float]]) -> dict[str, int]:
    """Per host: the most request arrivals within any one second."""
    times: dict[str, list[float]] = defaultdict(list)
    for host, _path, _method, at in log:
        times[host].append(at)
    most: dict[str, int] = {}
    for host, marks in times.items():
        marks.sort()
        first = 0
        for last, at in enumerate(marks):
            while at - marks[first] > 1.0:
                first += 1
            most[host] = max(most.get(host, 0), last - first + 1)
    return most


def govsite_run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`govsite ARGS` to its end, output kept."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "govsite", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
