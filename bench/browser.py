"""The `--browser` pass's cost: pages/min with axe-core at concurrency 1, 2, 4 and peak RSS.

    .venv/bin/python bench/browser.py [--pages 24]

A local server (its own process, so it does not share our event loop) serves N template pages,
each with a few known axe violations. For each concurrency one `BrowserAudit` (one headless
Chromium) audits all N pages plus the home page's screenshot and 375 px render, as a census
does for one site. Peak RSS sums this process and every child (Chromium's browser, renderer,
GPU and utility processes, Playwright's node driver), sampled every 50 ms. Chromium's launch is
timed apart. Prints a table and writes bench/out/browser.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import time
from pathlib import Path
from typing import Any

import psutil

from govsite.collect.browser import BrowserAudit
from govsite.collect.settings import CollectSettings
from govsite.sites import Site
from govsite.snapshot import Page, SiteSnapshot

HOST = "www.bench.gov.cn"
PAGE = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>第{n}页</title></head>'
        '<body><div id="hd"><img src="/logo.png"><button></button><a href="/">首页</a></div>'
        '<main><h1>政务公开 第{n}页</h1>{rows}</main>'
        '<p style="color:#bbb">版权所有 北京市测试区人民政府</p></body></html>')
ROW = '<p>关于印发《{n}号文件》的通知 <span style="color:#ccc">2026-11-{d:02d}</span></p>'


def serve(pages: int, queue: mp.Queue, stop: mp.Event) -> None:
    """Child process: an aiohttp server with pages /p0.html … on 127.0.0.1."""
    from aiohttp import web

    async def main() -> None:
        body = {f"/p{n}.html": PAGE.format(n=n, rows="".join(ROW.format(n=i, d=i % 28 + 1)
                                                              for i in range(40)))
                for n in range(pages)}

        async def handle(request: web.Request) -> web.Response:
            text = body.get(request.path) or body["/p0.html"]
            return web.Response(text=text, content_type="text/html", charset="utf-8")

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        queue.put(runner.addresses[0][1])
        while not stop.is_set():
            await asyncio.sleep(0.1)
        await runner.cleanup()

    asyncio.run(main())


def snapshot(pages: int) -> SiteSnapshot:
    """A crawled site as the browser pass sees it: the pages' URLs (their HTML is not reused)."""
    site = Site(name="基准测试站", site_code="1100000099", url=f"http://{HOST}/p0.html")
    crawled = [Page(url=f"http://{HOST}/p{n}.html", final_url=f"http://{HOST}/p{n}.html",
                    status=200, fetched_at="", content_type="text/html", html="<html></html>",
                    depth=0 if n == 0 else 1) for n in range(pages)]
    return SiteSnapshot(site=site, fetched_at="", home=crawled[0], pages=crawled)


async def rss_peak(stop: asyncio.Event, peak: list[int]) -> None:
    """Sample this process plus all its children (Chromium, the Playwright driver)."""
    me = psutil.Process()
    while not stop.is_set():
        total = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        peak[0] = max(peak[0], total)
        await asyncio.sleep(0.05)


async def one(port: int, pages: int, concurrency: int) -> dict[str, Any]:
    settings = CollectSettings(browser=True, browser_pages=pages, browser_concurrency=concurrency,
                               resolve=(f"{HOST}=127.0.0.1:{port}",))
    from govsite.collect.resolve import parse_resolve

    audit = BrowserAudit(settings, [parse_resolve(s) for s in settings.resolve])
    stop, peak = asyncio.Event(), [0]
    sampler = asyncio.create_task(rss_peak(stop, peak))
    try:
        started = time.perf_counter()
        failed = await audit._start()
        if failed is not None:
            raise SystemExit(f"browser not available: {failed}")
        launch = time.perf_counter() - started
        started = time.perf_counter()
        rec = await audit.run(snapshot(pages))
        elapsed = time.perf_counter() - started
    finally:
        await audit.close()
        stop.set()
        await sampler
    errors = [p for p in rec["pages"] if p["error"]]
    if errors:
        raise SystemExit(f"page errors: {errors[:2]}")
    violations = sum(len(p["violations"]) for p in rec["pages"])
    return {"concurrency": concurrency, "pages": pages, "seconds": round(elapsed, 2),
            "pages_per_min": round(pages / elapsed * 60, 1), "launch_s": round(launch, 2),
            "peak_rss_mb": round(peak[0] / 2**20), "violations": violations,
            "screenshot_kb": round(rec["screenshot"]["bytes"] / 1024) if rec["screenshot"] else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=24)
    args = parser.parse_args()
    queue: mp.Queue = mp.Queue()
    stop = mp.Event()
    server = mp.Process(target=serve, args=(args.pages, queue, stop), daemon=True)
    server.start()
    try:
        port = queue.get(timeout=30)
        rows = [asyncio.run(one(port, args.pages, c)) for c in (1, 2, 4)]
    finally:
        stop.set()
        server.join(5)
    print(f"{'conc':>4} {'pages':>5} {'s':>7} {'pages/min':>9} {'launch s':>8} {'peak RSS MB':>11}")
    for r in rows:
        print(f"{r['concurrency']:>4} {r['pages']:>5} {r['seconds']:>7} {r['pages_per_min']:>9} "
              f"{r['launch_s']:>8} {r['peak_rss_mb']:>11}")
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "browser.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
