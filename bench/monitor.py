"""One monitor sweep of 30,000 home pages on loopback: probes/s, lateness, peak RSS.

    .venv/bin/python bench/monitor.py [--sites 30000] [--interval 240] [--ports 4]

The goal (issue 5): one sweep of 30,000 home pages completes in ≤ 5 minutes with ≤ 1 % of
probes starting more than 1 s after their planned time. The home pages are served by a
minimal aiohttp server in a separate process (it would otherwise share the monitor's core)
on a few loopback ports, answering any Host; every site is its own virtual host, reached
through the monitor's `--resolve` map, so every probe is a real DNS-map lookup, a fresh TCP
connection, a request and a full body read, stored in a SQLite store like a real run.

The interval is sized so the 30,000 probes fall due within 4 minutes; the run stops at the
end of that interval, once every site has had its one slot. Prints one table and writes
bench/out/monitor.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from govsite.monitor import Monitor, MonitorSettings, ProbeSettings, RealClock, Target
from govsite.probes import ProbeRecord
from govsite.store import Store, sqlite_url

# A home page of a typical county portal's size once compressed away: enough bytes that the
# body read is real, small enough that loopback bandwidth is not what is measured.
PAGE = ("<html><head><meta charset='utf-8'><title>人民政府门户网站</title></head><body>"
        + "<p>政务公开 新闻动态 通知公告 办事服务 互动交流</p>" * 120 + "</body></html>").encode()
GOAL_SWEEP_S = 300
GOAL_LATE_SHARE = 0.01


def serve(ports: int, queue: mp.Queue, stop: mp.Event) -> None:
    """Child process: answer every request on `ports` loopback ports with PAGE."""
    from aiohttp import web

    async def main() -> None:
        async def home(_: web.Request) -> web.Response:
            return web.Response(body=PAGE, content_type="text/html", charset="utf-8")

        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", home)
        runner = web.AppRunner(app, access_log=None, keepalive_timeout=0)
        await runner.setup()
        for _ in range(ports):
            await web.TCPSite(runner, "127.0.0.1", 0, backlog=4096).start()
        queue.put([address[1] for address in runner.addresses])
        while not stop.is_set():
            await asyncio.sleep(0.2)
        await runner.cleanup()

    asyncio.run(main())


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


async def sweep(targets: list[Target], ports: list[int], store: Store, interval: timedelta,
                max_in_flight: int) -> dict[str, float]:
    resolve = tuple(f"{t.url.split('/')[2]}=127.0.0.1:{ports[i % len(ports)]}"
                    for i, t in enumerate(targets))
    lateness: list[float] = []
    failures: list[ProbeRecord] = []

    def on_probe(record: ProbeRecord, late_s: float) -> None:
        lateness.append(late_s)
        if not record.ok:
            failures.append(record)

    settings = MonitorSettings(interval=interval, max_in_flight=max_in_flight,
                               probe=ProbeSettings(resolve=resolve, max_connections=max_in_flight))
    clock = RealClock()
    monitor = Monitor(targets, store, settings, clock=clock, on_probe=on_probe)
    started = time.perf_counter()
    run = asyncio.create_task(monitor.run())
    while monitor.summary.started_at is None:
        await asyncio.sleep(0.01)
    # One sweep: every target's first slot lies within one interval of the start.
    end = monitor.summary.started_at + interval - timedelta(milliseconds=1)
    await clock.wait_until(end, asyncio.Event())
    monitor.stop()
    summary = await run
    seconds = time.perf_counter() - started
    lateness.sort()
    p99 = lateness[min(len(lateness) - 1, int(0.99 * len(lateness)))] if lateness else 0.0
    late = sum(1 for value in lateness if value > 1.0)
    return {
        "sites": len(targets),
        "probes": summary.probes,
        "stored": summary.stored,
        "failures": len(failures),
        "sweep_s": round(seconds, 1),
        "probes_per_s": round(summary.probes / seconds, 1),
        "lateness_p50_ms": round(1000 * lateness[len(lateness) // 2], 2) if lateness else 0.0,
        "lateness_p99_ms": round(1000 * p99, 2),
        "lateness_max_ms": round(1000 * summary.max_lateness_s, 2),
        "late_over_1s": late,
        "late_share": round(late / max(1, len(lateness)), 5),
        "first_errors": sorted({f.error for f in failures})[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=30_000)
    parser.add_argument("--interval", type=float, default=240.0, help="seconds per sweep")
    parser.add_argument("--ports", type=int, default=4)
    parser.add_argument("--max-in-flight", type=int, default=1000)
    args = parser.parse_args()

    queue: mp.Queue = mp.Queue()
    stop = mp.Event()
    server = mp.Process(target=serve, args=(args.ports, queue, stop), daemon=True)
    server.start()
    ports = queue.get(timeout=60)
    work = Path(tempfile.mkdtemp(prefix="govsite-bench-monitor-"))
    targets = [Target(site_code=f"{1101050000 + i:010d}", url=f"http://www.s{i}.bench.gov.cn/")
               for i in range(args.sites)]
    try:
        with Store(sqlite_url(work / "monitor.db")) as store:
            store.migrate()
            figures = asyncio.run(sweep(targets, ports, store,
                                        timedelta(seconds=args.interval), args.max_in_flight))
            figures["rows_in_store"] = store.count_probes()
    finally:
        stop.set()
        server.join(timeout=10)
    figures.update(interval_s=args.interval, ports=len(ports),
                   peak_rss_mb=round(peak_rss_mb(), 1),
                   server_peak_rss_mb=round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1))
    figures["goal_met"] = bool(figures["sweep_s"] <= GOAL_SWEEP_S
                               and figures["late_share"] <= GOAL_LATE_SHARE
                               and figures["probes"] >= args.sites)
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    out = Path(__file__).resolve().parent / "out" / "monitor.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    sys.exit(0 if figures["goal_met"] else 1)


if __name__ == "__main__":
    main()
