"""govsite command line: parse, call, print. No logic lives here (design.md)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from govsite import __version__
from govsite.cli_common import DEFAULT_DB, fail, open_store
from govsite.cli_evaluate import register as register_period_commands
from govsite.cli_messages import messages_app
from govsite.cli_monitor import monitor_app
from govsite.cli_review import review_app
from govsite.cli_web import serve, users_app
from govsite.collect import CollectSettings, parse_resolve
from govsite.content.lexicon import LexiconError, load_user_lexicons
from govsite.evaluate.period import parse_period, period_of
from govsite.probes import ProbeFileError
from govsite.profile import ProfileError, load_profile
from govsite.progress import RichProgress, problems_table, summary_table, verdict_line
from govsite.results import RunResults
from govsite.rules.base import all_rules
from govsite.rules.taxonomy import OverrideError, load_overrides
from govsite.work.command import worker

app = typer.Typer(
    help="govsite — 政府网站普查与绩效评估. Census government websites by the national "
    "checklist, with evidence for every point.\n\nStart with `govsite demo`, then `govsite "
    "census --help`.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(monitor_app, name="monitor")
app.add_typer(review_app, name="review")
app.add_typer(users_app, name="users")
app.command("serve")(serve)
app.command("worker")(worker)
app.add_typer(messages_app, name="messages")
register_period_commands(app)
console = Console()


def _fail(message: str, code: int = 2) -> typer.Exit:
    return fail(console, message, code)


def _as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"--as-of 应为 YYYY-MM-DD，收到 {text!r}") from None


def _print_summary(run: RunResults, out: Path | None) -> None:
    names = {r.meta.id: r.meta.name_zh for r in all_rules()}
    console.print(summary_table(run, names))
    console.print(problems_table(run, names))
    console.print(verdict_line(run))
    if out is not None:
        console.print(f"结果：[bold]{out / 'results.json'}[/]  报告：[bold]{out / 'report.html'}[/]")
    console.print(f"运行编号 run id：[bold]{run.run_id}[/]")


@app.command()
def census(
    sites: Annotated[Path | None, typer.Option("--sites", help="网站名录 SITES.csv (UTF-8 or GBK) or .xlsx with the contract's columns. Required unless --resume.")] = None,
    profile: Annotated[str, typer.Option(help="gb2019, gb2015, or a profile YAML file.")] = "gb2019",
    as_of: Annotated[str | None, typer.Option("--as-of", help="监测时间点 YYYY-MM-DD; freshness windows count back from it. Default: today.")] = None,
    period: Annotated[str | None, typer.Option("--period", help="考核周期 this run counts for, e.g. 2026Q3 (evaluate, sample and report ask for a period). Default: the quarter of --as-of.")] = None,
    resolve: Annotated[list[str], typer.Option("--resolve", help="HOST[:PORT]=IP[:PORT]: send HOST's requests to that address, keeping Host header, SNI and URLs (like curl). Repeatable.")] = [],  # noqa: B006
    ca: Annotated[Path | None, typer.Option("--ca", help="Extra CA certificate (PEM) to trust, for intranets.")] = None,
    probes: Annotated[str | None, typer.Option("--probes", help="Availability history: a CSV (site_code,url,time,ok,elapsed_ms,status,error) or the store URL `govsite monitor` wrote to (sqlite:///monitor.db, postgresql+psycopg://…). Without it availability is not measured.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Directory for results.json and report.html. Default: out/census (with --resume: the run's own).")] = None,
    db: Annotated[str, typer.Option("--db", help="Store URL: sqlite:///file.db (default) or postgresql+psycopg://…")] = DEFAULT_DB,
    strict: Annotated[bool, typer.Option("--strict", help="Stop on any bad registry row instead of skipping it.")] = False,
    columns: Annotated[Path | None, typer.Option("--columns", help="Column override YAML (host → path → type/name/ignore); see docs/columns.md.")] = None,
    lexicon: Annotated[list[Path], typer.Option("--lexicon", help="Extra content lexicon (YAML or TSV: serious errors, typo pairs, banned words, allow phrases); see docs/content.md. Repeatable.")] = [],  # noqa: B006
    max_pages: Annotated[int, typer.Option(help="Pages crawled per site at most.")] = CollectSettings.max_pages,
    max_depth: Annotated[int, typer.Option(help="Link depth from the home page.")] = CollectSettings.max_depth,
    host_concurrency: Annotated[int, typer.Option(help="Requests in flight per host at most.")] = CollectSettings.host_concurrency,
    host_interval: Annotated[float, typer.Option(help="Seconds between request starts on one host at least.")] = CollectSettings.host_interval_s,
    site_concurrency: Annotated[int, typer.Option(help="Sites crawled at once.")] = CollectSettings.site_concurrency,
    timeout: Annotated[float, typer.Option(help="Seconds per request.")] = CollectSettings.timeout_s,
    robots: Annotated[bool, typer.Option("--robots/--no-robots", help="Obey robots.txt (default: obey).")] = True,
    security: Annotated[bool, typer.Option("--security/--no-security", help="Run the passive security probe (TLS, headers, a fixed list of paths; docs/security.md).")] = True,
    browser: Annotated[bool, typer.Option("--browser", help="Also open sampled pages (home, each column, a few articles) in headless Chromium: axe-core accessibility checks, a 375 px render, and screenshots of the home page and of the pages behind each veto (docs/accessibility.md).")] = False,
    browser_pages: Annotated[int, typer.Option("--browser-pages", help="With --browser: pages per site opened at most (home first, then columns, then articles).")] = CollectSettings.browser_pages,
    browser_articles: Annotated[int, typer.Option("--browser-articles", help="With --browser: article pages per site in the sample, spread over the site.")] = CollectSettings.browser_articles,
    chromium: Annotated[str, typer.Option("--chromium", help="Chromium executable for --browser.")] = CollectSettings.chromium_path,
    resume: Annotated[str | None, typer.Option("--resume", help="Finish the interrupted run RUN: audit only its sites without a stored result, then report all. Its registry, profile, settings and files are the run's own (the options above are ignored); see docs/scaling.md.")] = None,
    workers: Annotated[str | None, typer.Option("--workers", help="Audit on Celery workers (`govsite worker`) instead of in this process: celery://redis://127.0.0.1:6379/0 or celery://amqp://guest:guest@127.0.0.1:5672//.")] = None,
    limiter: Annotated[str | None, typer.Option("--limiter", help="With --workers: the Redis (redis://…) the workers share host limits and site claims in. Default: the broker when it is Redis.")] = None,
    split_pages: Annotated[int, typer.Option("--split-pages", help="With --workers: crawl a site in sections (栏目 directories), one task each, when its latest snapshot in an earlier run had at least N pages. 0: never split. See docs/scaling.md.")] = 0,
) -> None:
    """Audit every site of a registry: crawl once, judge with rules, score by profile.

    Writes OUT/results.json (the public contract) and OUT/report.html, and keeps the
    snapshots in the store so `govsite rescore` can judge them again offline.

    Example, a fleet with real *.gov.cn names served on a test network:

        govsite census --sites sites.csv --as-of 2026-11-23 \\
            --resolve www.hdq.gov.cn=10.0.0.5:8080 --out out/2026Q4
    """
    from sqlalchemy.exc import SQLAlchemyError

    from govsite.census import CensusPlan
    from govsite.monitor.history import open_probes
    from govsite.registry import RegistryError, load_registry
    from govsite.work.command import carry_out, plan_of_run, workers_target
    from govsite.work.runplan import DEFAULT_OUT, run_options

    target = workers_target(workers, limiter)
    if resume is not None:
        plan = plan_of_run(resume, db, out)
        run = carry_out(plan, resume=resume, target=target)
        _print_summary(run, plan.out)
        return
    if sites is None:
        raise _fail("缺少 --sites 网站名录（续跑已有运行请用 --resume RUN）")
    out = out or DEFAULT_OUT
    try:
        loaded = load_registry(sites, strict=strict)
    except (RegistryError, OSError) as exc:
        raise _fail(str(exc)) from None
    for err in loaded.errors:
        console.print(f"[yellow]名录错误[/] {err}")
    if not loaded.sites:
        raise _fail("名录中没有可普查的网站")
    day = _as_of(as_of)
    try:
        run_period = period_of(day) if period is None else "{}Q{}".format(*parse_period(period))
        for spec in resolve:
            parse_resolve(spec)
        prof = load_profile(profile)
        history = open_probes(probes, as_of=day, options=prof.options) if probes else None
        overrides = load_overrides(columns) if columns else {}
        lexicons = load_user_lexicons(lexicon)
    except (ValueError, ProfileError, ProbeFileError, OSError, SQLAlchemyError) as exc:
        raise _fail(str(exc)) from None
    if ca is not None and not ca.is_file():
        raise _fail(f"--ca {ca}: 文件不存在")
    settings = dataclasses.replace(
        CollectSettings(), resolve=tuple(resolve), ca_file=str(ca) if ca else None,
        max_pages=max_pages, max_depth=max_depth, host_concurrency=host_concurrency,
        host_interval_s=host_interval, site_concurrency=site_concurrency, timeout_s=timeout,
        obey_robots=robots, probe_security=security, browser=browser, browser_pages=browser_pages,
        browser_articles=browser_articles, chromium_path=chromium)
    plan = CensusPlan(
        sites=loaded.sites, profile=prof, as_of=day, store=open_store(db),
        settings=settings, out=out, probes=history, column_overrides=overrides, lexicons=lexicons,
        options={"period": run_period, "sites": str(sites), "resolve": list(resolve), "max_pages": max_pages,
                 "version": __version__, **run_options(profile=profile, settings=settings, columns=columns,
                                                       lexicons=lexicon, probes=probes, out=out,
                                                       split_pages=split_pages)},
    )
    if split_pages and target is None:
        console.print("[yellow]--split-pages 仅在 --workers 时生效：本次在本进程内逐站审计[/]")
    console.print(f"普查 {len(plan.sites)} 个网站，指标体系 {prof.name_zh}，监测时间点 {plan.as_of}")
    run = carry_out(plan, resume=None, target=target)
    _print_summary(run, out)


@app.command()
def rescore(
    run: Annotated[str | None, typer.Option("--run", help="Run id to re-judge (default: the latest run in the store).")] = None,
    profile: Annotated[str, typer.Option(help="gb2019, gb2015, or a profile YAML file.")] = "gb2019",
    as_of: Annotated[str | None, typer.Option("--as-of", help="监测时间点; default: the run's own.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Directory for the new results.json and report.html.")] = None,
    db: Annotated[str, typer.Option("--db", help="Store URL of the run.")] = DEFAULT_DB,
    columns: Annotated[Path | None, typer.Option("--columns", help="Column override YAML; see docs/columns.md.")] = None,
    lexicon: Annotated[list[Path], typer.Option("--lexicon", help="Extra content lexicon (YAML or TSV); see docs/content.md. Repeatable.")] = [],  # noqa: B006
) -> None:
    """Judge a stored census again — new profile, new rules — without touching the network.

    Example: govsite rescore --run 3f2a9c1d --profile gb2015 --out out/gb2015
    """
    from govsite.census import rescore as do_rescore

    store = open_store(db)
    info = store.get_run(run) if run else store.latest_run()
    if info is None:
        raise _fail(f"store {db} has no run {run or ''}".strip())
    try:
        prof = load_profile(profile)
        overrides = load_overrides(columns) if columns else {}
        lexicons = load_user_lexicons(lexicon)
    except (ProfileError, OverrideError, LexiconError) as exc:
        raise _fail(str(exc)) from None
    result = do_rescore(store, info.id, prof, _as_of(as_of) if as_of else info.as_of,
                        out=out or Path("out") / f"rescore-{info.id}-{prof.id}",
                        column_overrides=overrides, lexicons=lexicons)
    _print_summary(result, out or Path("out") / f"rescore-{info.id}-{prof.id}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Where the demo fleet, store and reports go.")] = Path("out/demo"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="监测时间点 for the generated fleet (default: today).")] = None,
    sites: Annotated[int, typer.Option(help="Number of generated sites (12 or more carry every planted defect).")] = 14,
    browser: Annotated[bool, typer.Option("--browser", help="Also run the Chromium pass (axe-core, screenshots) in both censuses; several minutes more.")] = False,
) -> None:
    """A centre's quarter on the bundled demo fleet: generated gov-like sites on 127.0.0.1.

    Builds the fleet (GBK and UTF-8 sites, dated lists, footers, attachments, planted
    defects), serves it by virtual host on a loopback port and runs two gb2019 censuses with
    --resolve for every host: last quarter's, and this quarter's after three units repaired
    their sites. Then re-checks last quarter's findings (整改复核), evaluates both quarters and
    writes OUT/results.json, OUT/report.html and the 通报 (OUT/通报-PERIOD.docx/.xlsx/.html).
    """
    from govsite.demo import run_demo

    day = _as_of(as_of)
    outcome = run_demo(out, day, n_sites=sites, browser=browser,
                       progress=lambda label, total: _labelled_progress(label, total))
    _print_summary(outcome.run, out)
    console.print("整改复核（上季度问题）：" + "，".join(f"{k} {v}" for k, v in outcome.recheck.counts.items()))
    for kind in ("docx", "xlsx", "html"):
        console.print(f"通报（{kind}）：{outcome.files[kind]}")
    console.print(f"演示名录与真值：{outcome.files['sites']}  {outcome.files['truth']}")


def _labelled_progress(label: str, total: int) -> RichProgress:
    console.print(label)
    return RichProgress(console, total)


@app.command()
def rules() -> None:
    """List every rule: ID, 中文名, and the clause it enforces."""
    from rich.table import Table

    table = Table(title="govsite 规则")
    for col in ("规则", "中文名", "依据"):
        table.add_column(col)
    for reg in all_rules():
        table.add_row(reg.meta.id, reg.meta.name_zh, ", ".join(reg.meta.tags))
    console.print(table)


@app.command()
def docs(
    out: Annotated[Path, typer.Option("--out", help="The docs directory to write into.")] = Path("docs"),
) -> None:
    """Regenerate docs/rules.md and docs/profiles.md from rule metadata and profiles."""
    from govsite.docgen import write_docs

    for path in write_docs(out):
        console.print(f"wrote {path}")


@app.callback(invoke_without_command=True)
def main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"govsite {__version__}")
        raise typer.Exit()
