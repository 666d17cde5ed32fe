"""Scale model: census throughput with 1, 2 and 4 Celery worker processes on one machine.

    .venv/bin/python bench/scale.py [--sites 16] [--pages 40] [--workers 1,2,4,8]
                                    [--host-interval 0.2] [--host-concurrency 1]

At polite rates (by default one request in flight per host and 0.2 s between request starts,
the census's own defaults being stricter still) a site's audit is mostly waiting, so each
worker process adds a site's worth of throughput until the CPU is saturated: the figures show
where that happens on this machine. `--host-interval 0 --host-concurrency 4` measures the
opposite case, a CPU-bound census with no politeness floor.

The fleet is served from a separate process; each measurement gets a fresh PostgreSQL schema
(127.0.0.1:5432, user postgres, db test) and a flushed Redis database (broker and shared host
limiter), starts N `govsite worker --concurrency 1` processes (one site at a time each), and
times `govsite census --workers celery://redis://…` from submission to the written reports.
Prints pages/s, the speed-up over one worker, the CPU share of the workers and of the fleet
server (of all cores), and each worker's peak RSS (the memory one concurrently audited site
costs), and writes bench/out/scale.json. docs/scaling.md turns
the figures into a worker count for a national census.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
from census import serve
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("GOVSITE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("GOVSITE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
GOVSITE = [sys.executable, "-m", "govsite"]
SAMPLE_S = 0.2
# Workers load the rules (the content lexicons take seconds) before they take tasks.
WORKER_START_S = 30.0


def fresh_schema() -> tuple[str, str]:
    """A new schema on the bench server: (store URL pointing into it, schema name)."""
    schema = f"govsite_scale_{secrets.token_hex(4)}"
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str) -> None:
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'drop schema "{schema}" cascade'))
    engine.dispose()


def flush_redis() -> None:
    from redis import Redis

    with Redis.from_url(REDIS_URL) as client:
        client.flushdb()


def tree_rss(proc: psutil.Process) -> int:
    try:
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
    except psutil.NoSuchProcess:
        return 0


def tree_cpu(proc: psutil.Process) -> float:
    try:
        parts = [proc, *proc.children(recursive=True)]
        return sum(p.cpu_times().user + p.cpu_times().system for p in parts)
    except psutil.NoSuchProcess:
        return 0.0


def wait_ready(log: Path, count: int, limit_s: float) -> None:
    """Until every worker's log says it is ready (Celery prints "ready." once it consumes)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        ready = sum(1 for i in range(count) if "ready." in (log / f"w{i}.log").read_text(errors="replace"))
        if ready == count:
            return
        time.sleep(0.5)
    raise SystemExit(f"workers not ready after {limit_s:.0f} s: see {log}")


def measure(n_workers: int, fleet: dict[str, Any], work: Path, limits: list[str],
            server: psutil.Process) -> dict[str, Any]:
    """One census of the fleet on `n_workers` worker processes."""
    store, schema = fresh_schema()
    flush_redis()
    logs = work / f"logs-{n_workers}"
    logs.mkdir(parents=True, exist_ok=True)
    workers = []
    try:
        for i in range(n_workers):
            out = (logs / f"w{i}.log").open("w")
            workers.append(subprocess.Popen(
                [*GOVSITE, "worker", "--broker", REDIS_URL, "--db", store, "--concurrency", "1",
                 "--loglevel", "INFO"], stdout=out, stderr=subprocess.STDOUT))
        wait_ready(logs, n_workers, WORKER_START_S * max(1, n_workers))
        handles = [psutil.Process(w.pid) for w in workers]
        cpu_before = sum(tree_cpu(h) for h in handles)
        server_before = tree_cpu(server)
        args = [*GOVSITE, "census", "--sites", fleet["sites_csv"], "--workers", f"celery://{REDIS_URL}",
                "--db", store, "--out", str(work / f"out-{n_workers}"), "--no-security",
                *limits]
        for spec in fleet["resolve"]:
            args += ["--resolve", spec]
        started = time.monotonic()
        census = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peaks = [0] * n_workers
        while census.poll() is None:
            peaks = [max(p, tree_rss(h)) for p, h in zip(peaks, handles, strict=True)]
            time.sleep(SAMPLE_S)
        seconds = time.monotonic() - started
        if census.returncode != 0:
            raise SystemExit(f"census failed: {census.stderr.read().decode(errors='replace')[-2000:]}")
        cpu = sum(tree_cpu(h) for h in handles) - cpu_before
        server_cpu = tree_cpu(server) - server_before
        results = json.loads((work / f"out-{n_workers}" / "results.json").read_text(encoding="utf-8"))
        pages = sum(s["stats"].get("pages", 0) for s in results["sites"])
        longest = max(float(s["stats"].get("seconds") or 0) for s in results["sites"])
        return {"workers": n_workers, "sites": len(results["sites"]), "pages": pages,
                "seconds": round(seconds, 1), "pages_per_s": round(pages / seconds, 1),
                "longest_site_s": round(longest, 1),
                "worker_cpu_s": round(cpu, 1), "cpu_share": round(cpu / seconds / os.cpu_count(), 2),
                "server_cpu_share": round(server_cpu / seconds / os.cpu_count(), 2),
                "peak_rss_mb_per_worker": round(max(peaks) / 2**20)}
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
        drop_schema(schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=16)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--host-interval", type=float, default=0.2)
    parser.add_argument("--host-concurrency", type=int, default=1)
    args = parser.parse_args()
    limits = ["--host-interval", str(args.host_interval),
              "--host-concurrency", str(args.host_concurrency)]
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        queue: mp.Queue = mp.Queue()
        stop = mp.Event()
        server = mp.Process(target=serve, args=(args.sites, args.pages, tmp, queue, stop), daemon=True)
        server.start()
        fleet = queue.get(timeout=600)
        rows = [measure(n, fleet, Path(tmp), limits, psutil.Process(server.pid)) for n in counts]
        stop.set()
        server.join(timeout=10)
    base = rows[0]["pages_per_s"]
    print(f"{'workers':>7} {'sites':>5} {'pages':>6} {'s':>7} {'pages/s':>8} {'speed-up':>8} "
          f"{'CPU share':>9} {'server CPU':>10} {'RSS MB/worker':>13}")
    for row in rows:
        row["speedup"] = round(row["pages_per_s"] / base, 2)
        print(f"{row['workers']:>7} {row['sites']:>5} {row['pages']:>6} {row['seconds']:>7} "
              f"{row['pages_per_s']:>8} {row['speedup']:>8} {row['cpu_share']:>9} "
              f"{row['server_cpu_share']:>10} "
              f"{row['peak_rss_mb_per_worker']:>13}")
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "scale.json").write_text(json.dumps({"cpus": os.cpu_count(), "sites": args.sites,
                                                "pages_per_site": args.pages,
                                                "host_interval_s": args.host_interval,
                                                "host_concurrency": args.host_concurrency,
                                                "rows": rows},
                                               indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
