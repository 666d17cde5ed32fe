"""`govsite monitor …`: the availability monitor's command line. Parse, call, print.

`govsite monitor --sites SITES.csv` (or `govsite monitor run --sites …`) runs the scheduler
until SIGTERM/SIGINT; `status` prints rolling figures from the store; `import` and `export`
move probe history in and out as the contract's CSV. The logic is in govsite/monitor.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from govsite.cli_common import DEFAULT_DB, fail, open_store

monitor_app = typer.Typer(
    help="可用性监测 — probe every registered home page on an even schedule, store each probe "
    "with its timings, alert when a site goes down and when it recovers. A census then reads "
    "the history with `govsite census --probes DB`.\n\n"
    "Start with `govsite monitor --sites sites.csv --db sqlite:///monitor.db`; see docs/monitor.md.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)
SMTP_PORT = 25
STATUS_LIMIT = 50

# Options shared by `govsite monitor` and `govsite monitor run` (one spelling, one help).
Sites = Annotated[Path | None, typer.Option("--sites", help="网站名录 SITES.csv/.xlsx (the census's format). Running, 关停 and 整合迁移 sites are probed.")]
Db = Annotated[str, typer.Option("--db", help="Store URL for the probes: sqlite:///file.db or postgresql+psycopg://…")]
Interval = Annotated[str, typer.Option("--interval", help="Time between two probes of one site (60m = 24 a day; V15-1 needs 20+). Probes of all sites are spread evenly over it.")]
Jitter = Annotated[bool, typer.Option("--jitter/--no-jitter", help="Start each probe up to 20% of the interval after its slot, at random.")]
Timeout = Annotated[str, typer.Option("--timeout", help="A probe fails when the page has not fully opened within this (V15-1: 15 s).")]
Confirm = Annotated[bool, typer.Option("--confirm/--no-confirm", help="Try a failed probe once more after --confirm-delay; only a repeated failure counts.")]
ConfirmDelay = Annotated[str, typer.Option("--confirm-delay", help="Wait before the confirming retry.")]
Resolve = Annotated[list[str] | None, typer.Option("--resolve", help="HOST[:PORT]=IP[:PORT], as for census. Repeatable.")]
Ca = Annotated[Path | None, typer.Option("--ca", help="Extra CA certificate (PEM) to trust.")]
Systems = Annotated[Path | None, typer.Option("--systems", help="CSV site_code,url[,name] of linked 在线申报/查询 systems to probe too (stored apart from home pages).")]
DownAfter = Annotated[int, typer.Option("--down-after", min=1, help="Consecutive failed probes that make a site down (one alert), before recovery (one alert).")]
Smtp = Annotated[str | None, typer.Option("--smtp", help="SMTP server HOST[:PORT] for e-mail alerts.")]
SmtpUser = Annotated[str | None, typer.Option("--smtp-user", help="SMTP login user (password from GOVSITE_SMTP_PASSWORD).")]
SmtpPassword = Annotated[str | None, typer.Option("--smtp-password", envvar="GOVSITE_SMTP_PASSWORD", help="SMTP password; prefer the environment variable.")]
Starttls = Annotated[bool, typer.Option("--smtp-starttls", help="Upgrade the SMTP connection with STARTTLS.")]
MailFrom = Annotated[str, typer.Option("--mail-from", help="Sender address of alert e-mails.")]
MailTo = Annotated[list[str] | None, typer.Option("--mail-to", help="Recipient of alert e-mails. Repeatable.")]
Webhook = Annotated[list[str] | None, typer.Option("--webhook", help="URL receiving each alert as a JSON POST. Repeatable.")]
MaxInFlight = Annotated[int, typer.Option("--max-in-flight", min=1, help="Probes in flight at most (bounds sockets).")]
Duration = Annotated[str | None, typer.Option("--duration", help="Stop by itself after this long (default: run until SIGTERM/Ctrl-C).")]
Speed = Annotated[float, typer.Option("--speed", min=0.001, help="Time compression for demos and tests: the clock runs this many times faster (3600 = an hour a second). Probes are stored with the compressed times.")]
Start = Annotated[str | None, typer.Option("--start", help="With --speed: the compressed clock's start, ISO 8601 (default: now).")]
Strict = Annotated[bool, typer.Option("--strict", help="Stop on any bad registry row instead of skipping it.")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    return fail(err_console, message, code)


def _duration(option: str, text: str) -> timedelta:
    from govsite.monitor.schedule import parse_duration

    try:
        span = parse_duration(text)
    except ValueError as exc:
        raise _fail(f"{option} {exc}") from None
    if span <= timedelta(0):
        raise _fail(f"{option} must be positive")
    return span


@monitor_app.callback(invoke_without_command=True)
def monitor(
    ctx: typer.Context, sites: Sites = None, db: Db = DEFAULT_DB, interval: Interval = "60m",
    jitter: Jitter = False, timeout: Timeout = "15s", confirm: Confirm = True,
    confirm_delay: ConfirmDelay = "5s", resolve: Resolve = None, ca: Ca = None,
    systems: Systems = None, down_after: DownAfter = 3, smtp: Smtp = None,
    smtp_user: SmtpUser = None, smtp_password: SmtpPassword = None, smtp_starttls: Starttls = False,
    mail_from: MailFrom = "govsite@localhost", mail_to: MailTo = None, webhook: Webhook = None,
    max_in_flight: MaxInFlight = 1000, duration: Duration = None, speed: Speed = 1.0,
    start: Start = None, strict: Strict = False,
) -> None:
    """Availability monitor (可用性监测): `govsite monitor --sites SITES.csv` runs it.

    Same as `govsite monitor run`; see the subcommands for status, import and export.

    Example, hourly probes of a registry into a PostgreSQL store, alerts by mail:

        govsite monitor --sites sites.csv --db postgresql+psycopg://govsite@db/govsite \\
            --smtp mail.example.gov.cn --mail-to ops@example.gov.cn
    """
    if ctx.invoked_subcommand is not None:
        return
    options = dict(locals())
    del options["ctx"]
    _run(**options)


@monitor_app.command("run")
def run(
    sites: Sites = None, db: Db = DEFAULT_DB, interval: Interval = "60m", jitter: Jitter = False,
    timeout: Timeout = "15s", confirm: Confirm = True, confirm_delay: ConfirmDelay = "5s",
    resolve: Resolve = None, ca: Ca = None, systems: Systems = None, down_after: DownAfter = 3,
    smtp: Smtp = None, smtp_user: SmtpUser = None, smtp_password: SmtpPassword = None,
    smtp_starttls: Starttls = False, mail_from: MailFrom = "govsite@localhost",
    mail_to: MailTo = None, webhook: Webhook = None, max_in_flight: MaxInFlight = 1000,
    duration: Duration = None, speed: Speed = 1.0, start: Start = None, strict: Strict = False,
) -> None:
    """Run the scheduler until SIGTERM/Ctrl-C (then: finish probes in flight, flush, exit 0).

    Every probe is stored (time, DNS/connect/TLS/first-byte/total ms, status, bytes, error
    class). A restart resumes the schedule where the store left off: no slot twice, and no
    gap but the time it was stopped.

    Example, a week of probes in under three minutes on a local fleet (demo):

        govsite monitor run --sites sites.csv --db sqlite:///week.db --interval 60m \\
            --speed 3600 --start 2026-11-17T00:00+08:00 --duration 7d \\
            --resolve www.hdq.gov.cn=127.0.0.1:8080
    """
    _run(**dict(locals()))


def _run(*, sites: Path | None, db: str, interval: str, jitter: bool, timeout: str,
         confirm: bool, confirm_delay: str, resolve: list[str] | None, ca: Path | None,
         systems: Path | None, down_after: int, smtp: str | None, smtp_user: str | None,
         smtp_password: str | None, smtp_starttls: bool, mail_from: str,
         mail_to: list[str] | None, webhook: list[str] | None, max_in_flight: int,
         duration: str | None, speed: float, start: str | None, strict: bool) -> None:
    from govsite.collect import parse_resolve
    from govsite.monitor import Alerter, Monitor, MonitorSettings, ProbeSettings, home_targets
    from govsite.monitor.targets import TargetFileError, load_systems_csv
    from govsite.registry import RegistryError, load_registry

    if sites is None:
        raise _fail("--sites is required: the registry whose sites to probe")
    try:
        loaded = load_registry(sites, strict=strict)
        targets = home_targets(loaded.sites)
        if systems is not None:
            targets += load_systems_csv(systems, loaded.sites)
        for spec in resolve or []:
            parse_resolve(spec)
    except (RegistryError, TargetFileError, ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    for error in loaded.errors:
        err_console.print(f"[yellow]名录错误[/] {error}", soft_wrap=True)
    if not targets:
        raise _fail("名录中没有可监测的网站")
    if ca is not None and not ca.is_file():
        raise _fail(f"--ca {ca}: 文件不存在")
    settings = MonitorSettings(
        interval=_duration("--interval", interval), jitter=jitter, max_in_flight=max_in_flight,
        probe=ProbeSettings(
            timeout_s=_duration("--timeout", timeout).total_seconds(), confirm=confirm,
            confirm_delay_s=_duration("--confirm-delay", confirm_delay).total_seconds(),
            resolve=tuple(resolve or ()), ca_file=str(ca) if ca else None,
            max_connections=max_in_flight),
    )
    alerter = Alerter(sinks=_sinks(smtp, smtp_user, smtp_password, smtp_starttls, mail_from,
                                   mail_to or [], webhook or []), down_after=down_after)
    clock = _clock(speed, start)
    stop_after = _duration("--duration", duration) if duration else None
    # The monitor's own lines (alerts, storage trouble) at INFO; libraries only when it matters.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("govsite.monitor").setLevel(logging.INFO)
    store = open_store(db)
    spacing = settings.interval.total_seconds() / len(targets)
    console.print(f"可用性监测：{len(targets)} 个目标，每 {interval} 一轮，约每 {spacing:.3g} 秒一次探测；"
                  f"存储 {db}；告警 {len(alerter.sinks)} 个通道。按 Ctrl-C 或发送 SIGTERM 停止。",
                  soft_wrap=True)
    monitor_ = Monitor(targets, store, settings, clock=clock, alerter=alerter)
    summary = asyncio.run(_serve(monitor_, stop_after))
    console.print(f"已停止：探测 {summary.probes} 次，失败 {summary.failures} 次，"
                  f"迟到超过1秒 {summary.late} 次，新存储 {summary.stored} 条，告警 {summary.alerts} 条。",
                  soft_wrap=True)


async def _serve(monitor_: Any, stop_after: timedelta | None) -> Any:
    """Run the monitor with SIGTERM/SIGINT (and --duration) wired to a clean stop."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, monitor_.stop)
    if stop_after is not None:
        loop.call_later(monitor_.clock.real_seconds(stop_after), monitor_.stop)
    return await monitor_.run()


def _clock(speed: float, start: str | None) -> Any:
    from govsite.monitor import CompressedClock, RealClock

    if start is not None and speed == 1.0:
        raise _fail("--start only makes sense with --speed")
    if speed == 1.0:
        return RealClock()
    try:
        origin = datetime.fromisoformat(start) if start else datetime.now(UTC)
    except ValueError:
        raise _fail(f"--start {start!r} is not an ISO 8601 time") from None
    if origin.tzinfo is None:
        raise _fail(f"--start {start!r} needs a UTC offset, e.g. 2026-11-17T00:00+08:00")
    return CompressedClock(origin, speed)


def _sinks(smtp: str | None, user: str | None, password: str | None, starttls: bool,
           sender: str, recipients: list[str], webhooks: list[str]) -> list[Any]:
    from govsite.monitor import SmtpSink, WebhookSink

    sinks: list[Any] = []
    if smtp:
        host, _, port = smtp.rpartition(":") if ":" in smtp else (smtp, "", str(SMTP_PORT))
        if not port.isdigit() or not host:
            raise _fail(f"--smtp {smtp!r}: expected HOST[:PORT]")
        if not recipients:
            raise _fail("--smtp needs at least one --mail-to")
        sinks.append(SmtpSink(host=host, port=int(port), sender=sender, recipients=recipients,
                              username=user, password=password, starttls=starttls))
    elif recipients:
        raise _fail("--mail-to needs --smtp")
    for url in webhooks:
        if not url.startswith(("http://", "https://")):
            raise _fail(f"--webhook {url!r}: expected an http(s) URL")
        sinks.append(WebhookSink(url=url))
    return sinks


@monitor_app.command()
def status(
    db: Db = DEFAULT_DB,
    sites: Annotated[Path | None, typer.Option("--sites", help="Registry, for names and to mark 关停 sites that still answer.")] = None,
    site: Annotated[list[str] | None, typer.Option("--site", help="Only this site code. Repeatable.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="监测时间点 of the rule window; the 24h/7d/30d figures then end with that day too (default: today, now).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Rows shown, worst first (0: all).")] = STATUS_LIMIT,
) -> None:
    """Uptime 24h/7d/30d, the rule window's failure ratio and latency percentiles, per site.

    The 规则窗口 column is what `availability.unreachable` would conclude for --as-of:
    否决 (≥ 5 %), 有失败, 正常, or 未测 when some day has fewer than 20 probes.

    Example: govsite monitor status --db sqlite:///monitor.db --sites sites.csv --limit 20
    """
    from govsite.monitor.stats import fleet_stats
    from govsite.registry import load_registry
    from govsite.rules.availability import CST

    now = datetime.now(UTC)
    day = _date("--as-of", as_of) if as_of else now.astimezone(CST).date()
    if as_of:
        # Figures as they stood at the end of that day (also what a compressed demo needs).
        now = min(now, datetime.combine(day + timedelta(days=1), datetime.min.time(), CST))
    registry = load_registry(sites).sites if sites else []
    rows = fleet_stats(open_store(db), now=now, as_of=day, sites=registry,
                       site_codes=site or None)
    if not rows:
        console.print("存储中没有探测记录。")
        return
    console.print(_status_table(rows[: limit or None], day))
    if limit and len(rows) > limit:
        console.print(f"（共 {len(rows)} 个目标，只显示最差的 {limit} 个；--limit 0 显示全部）")


WINDOW_ZH = {"veto": "[red]否决[/]", "failing": "[yellow]有失败[/]", "ok": "[green]正常[/]",
             "not_measured": "[dim]未测[/]"}


def _status_table(rows: list[Any], day: date) -> Table:
    from govsite.monitor.stats import PERCENTILES, china_time
    from govsite.sites import STATUS_CLOSED, STATUS_MERGED

    table = Table(title=f"可用性监测（规则窗口：截至 {day} 的7天，北京时间）", box=box.SIMPLE_HEAD)
    systems = any(row.kind != "home" for row in rows)
    # Codes, times and figures never wrap; names and the window verdict give way on a narrow
    # terminal (everything fits on one line from about 130 columns).
    table.add_column("标识码", no_wrap=True, min_width=10)
    table.add_column("网站", min_width=8, max_width=16, overflow="fold")
    if systems:
        table.add_column("目标", no_wrap=True)
    table.add_column("最近探测", no_wrap=True)
    table.add_column("当前", no_wrap=True)
    for name in ("24小时", "7天", "30天"):
        table.add_column(name, justify="right", no_wrap=True, min_width=6)
    table.add_column("规则窗口", min_width=10)
    table.add_column("时延P50/90/99ms", justify="right", min_width=8)
    for row in rows:
        closed = row.registry_status in (STATUS_CLOSED, STATUS_MERGED)
        window = row.window
        ratio = "" if window.ratio is None else f" {window.ratio:.2%}"
        judged = f"{WINDOW_ZH[window.status]} {window.failures}/{window.probes}{ratio}"
        if closed:
            # A closed site is not judged for availability: down is what it should be.
            judged = "[dim]不适用（已关停）[/]"
        target = ["首页" if row.kind == "home" else "在线系统"] if systems else []
        table.add_row(
            row.site_code, row.name or "—", *target,
            china_time(row.last.time) if row.last else "—", _current(row.last, closed),
            *(_uptime(row.uptime[p]) for p in ("24h", "7d", "30d")), judged,
            "/".join("—" if row.latency_ms[q] is None else f"{row.latency_ms[q]:.0f}"
                     for q in PERCENTILES),
        )
    return table


def _current(last: Any, closed: bool) -> str:
    """The newest probe's outcome, read against the registry (a closed site should be down)."""
    if last is None:
        return "—"
    if last.error == "blocked":
        return "[yellow]被拦截[/]"
    if closed:
        return "[red]关停仍可访问[/]" if last.ok else "[dim]已关停[/]"
    return "[green]可访问[/]" if last.ok else f"[red]{last.error or last.status}[/]"


def _uptime(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _date(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{option} 应为 YYYY-MM-DD，收到 {text!r}") from None


@monitor_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Probe CSV: site_code,url,time,ok,elapsed_ms,status,error (+ govsite's optional columns).")],
    db: Db = DEFAULT_DB,
) -> None:
    """Bring probe history from another monitor into the store (all rows or none).

    Every row is checked first; any bad row is reported with file, line and column and
    nothing is imported. Rows already in the store (same site, URL and time) are skipped,
    so importing a file twice is harmless.

    Example: govsite monitor import old-monitor.csv --db sqlite:///monitor.db
    """
    from govsite.monitor.history import import_csv
    from govsite.probes import ProbeFileError

    if not file.is_file():
        raise _fail(f"{file}: 文件不存在")
    try:
        result = import_csv(open_store(db), file)
    except ProbeFileError as exc:
        for problem in str(exc).splitlines():
            err_console.print(f"[red]探测记录错误[/] {problem}", soft_wrap=True)
        raise _fail("未导入任何记录") from None
    console.print(f"读取 {result.rows} 行，新增 {result.added} 条，已存在 {result.duplicates} 条。")


@monitor_app.command()
def export(
    db: Db = DEFAULT_DB,
    out: Annotated[Path, typer.Option("--out", help="CSV file to write; - for standard output.")] = Path("-"),
    since: Annotated[str | None, typer.Option("--since", help="First China-time day to export, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last China-time day to export (inclusive), YYYY-MM-DD.")] = None,
    site: Annotated[list[str] | None, typer.Option("--site", help="Only this site code. Repeatable.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="home or system (default: both).")] = None,
) -> None:
    """Write stored probes as the contract's CSV (what `import` and `census --probes` read).

    Example: govsite monitor export --db sqlite:///monitor.db --since 2026-11-17 --out week.csv
    """
    from govsite.monitor.history import export_csv
    from govsite.probes import KINDS
    from govsite.rules.availability import CST

    if kind is not None and kind not in KINDS:
        raise _fail(f"--kind must be one of {', '.join(KINDS)}")
    start = datetime.combine(_date("--since", since), datetime.min.time(), CST) if since else None
    end = (datetime.combine(_date("--until", until) + timedelta(days=1), datetime.min.time(), CST)
           if until else None)
    store = open_store(db)
    options = {"start": start, "end": end, "site_codes": site or None, "kind": kind}
    if str(out) == "-":
        count = export_csv(store, sys.stdout, **options)
    else:
        with out.open("w", encoding="utf-8", newline="") as handle:
            count = export_csv(store, handle, **options)
        err_console.print(f"导出 {count} 条探测记录到 {out}")
