"""The command line of scale-out: `govsite worker`, and how `census` resumes or uses workers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from govsite.cli_common import DEFAULT_DB, fail, open_store
from govsite.progress import RichProgress

if TYPE_CHECKING:
    from govsite.census import CensusPlan
    from govsite.results import RunResults

# Worker processes, each auditing one site at a time. A site mostly waits on its hosts'
# request interval, not on the CPU, so a few processes per core keep a machine busy.
DEFAULT_CONCURRENCY = 4

console = Console()


def worker(
    broker: Annotated[str, typer.Option(
        "--broker", help="Broker URL: redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672// "
        "(the same as census --workers, whose celery:// prefix may be kept).")],
    db: Annotated[str, typer.Option(
        "--db", help="Store URL the coordinator's runs are in (PostgreSQL when workers run on "
        "several machines).")] = DEFAULT_DB,
    concurrency: Annotated[int, typer.Option(
        "--concurrency", help="Sites audited at once: worker processes, one site each.")]
    = DEFAULT_CONCURRENCY,
    loglevel: Annotated[str, typer.Option(
        "--loglevel", help="Celery log level: DEBUG, INFO, WARNING or ERROR.")] = "INFO",
) -> None:
    """Audit sites for `govsite census --workers`: a Celery worker on govsite's queue.

    Each task audits one site of a stored run with the run's own settings, profile and files,
    and writes its snapshot and result to the store; every host's request interval and
    concurrency hold across all workers (Redis). Stop it with Ctrl-C; a killed worker's site
    is audited again by another worker or by `census --resume`.

    Example: govsite worker --broker redis://10.0.0.2:6379/0 --db postgresql+psycopg://govsite@10.0.0.2/govsite
    """
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from govsite.store.store import Store
    from govsite.work.app import QUEUE, broker_url, make_app
    from govsite.work.tasks import warm_up

    try:
        broker = broker_url(broker)
    except ValueError as exc:
        raise fail(console, str(exc)) from None
    try:
        with Store(db) as store, store.engine.connect() as connection:
            connection.execute(text("select 1"))
    except SQLAlchemyError as exc:
        raise fail(console, f"无法连接数据库 {db}：{exc}") from None
    app = make_app(broker, store_url=db)
    warm_up()
    app.worker_main([
        "worker", "--queues", QUEUE, f"--concurrency={max(1, concurrency)}", "--pool=prefork",
        f"--loglevel={loglevel}", "--without-gossip", "--without-mingle",
        "--hostname", f"govsite-{os.getpid()}@%h",
    ])


def plan_of_run(run_id: str, db: str, out: Path | None) -> CensusPlan:
    """`census --resume RUN`: the run's own plan (registry rows, profile, settings, files)."""
    from govsite.content.lexicon import LexiconError
    from govsite.probes import ProbeFileError
    from govsite.profile import ProfileError
    from govsite.rules.taxonomy import OverrideError
    from govsite.work.runplan import load_plan

    store = open_store(db)
    try:
        return load_plan(store, run_id, out=out)
    except KeyError:
        raise fail(console, f"数据库 {db} 中没有运行 {run_id}") from None
    except (ProfileError, OverrideError, LexiconError, ProbeFileError, OSError, ValueError) as exc:
        raise fail(console, f"运行 {run_id} 的设置无法加载：{exc}") from None


def workers_target(workers: str | None, limiter: str | None) -> tuple[str, str] | None:
    """`--workers`/`--limiter` checked before anything runs: (broker, limiter Redis) or None."""
    from govsite.work.app import broker_url, default_limiter

    if workers is None:
        return None
    try:
        broker = broker_url(workers)
    except ValueError as exc:
        raise fail(console, str(exc)) from None
    shared = limiter or default_limiter(broker)
    if shared is None:
        raise fail(console, "队列不是 Redis 时须用 --limiter redis://… 指定 worker 共享限速的 Redis")
    return broker, shared


def carry_out(plan: CensusPlan, *, resume: str | None, target: tuple[str, str] | None) -> RunResults:
    """Audit `plan` in this process or on the workers of `target` (`workers_target`), as a new
    run or finishing the run `resume`."""
    from govsite.census import pending_sites, resume_census, run_census
    from govsite.work.app import QUEUE
    from govsite.work.coordinator import CoordinatorError, SitesFailed, run_on_workers

    if target is None:
        if resume is None:
            with RichProgress(console, len(plan.sites)) as progress:
                return run_census(plan, progress)
        todo = pending_sites(plan, resume)
        console.print(f"续跑 {resume}：{len(plan.sites)} 个网站中 {len(todo)} 个尚无结果")
        with RichProgress(console, len(todo)) as progress:
            return resume_census(plan, resume, progress)
    broker, limiter = target
    console.print(f"由 worker 审计（队列 {QUEUE}）；启动 worker：govsite worker --broker … --db …")
    with RichProgress(console, len(plan.sites)) as bar:
        try:
            return run_on_workers(
                plan, broker, limiter=limiter, run_id=resume,
                on_progress=lambda done, _total: bar.progress.update(bar.overall, completed=done))
        except CoordinatorError as exc:
            # Sites that failed: the census ran (1). No broker or Redis: it could not run (2).
            raise fail(console, str(exc), code=1 if isinstance(exc, SitesFailed) else 2) from None
