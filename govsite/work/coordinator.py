"""The coordinator of `census --workers`: one task per site, then wait on the store.

It creates the run (or reopens it, for `--resume`) with everything a worker needs in the
run's options (`runplan`, plus the Redis the workers share limits and claims in), enqueues
one task per site that has no result yet, and polls the store's result count until every site
has one; then it finishes the run and writes the reports over all sites, as a local census
does. A task that raised is not delivered again; its failure record (`claims`) lets the
coordinator stop waiting once every missing site has failed, finish the run as failed and say
which sites and why: `--resume` enqueues them again.

The coordinator may be killed at any time: the queued tasks go on, and `--resume` picks the
run up from the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from kombu.exceptions import OperationalError
from redis import Redis
from redis.exceptions import RedisError

from govsite.census import CensusPlan, pending_sites, stored_run_results
from govsite.results import RunResults
from govsite.sites import Site
from govsite.store.models import RUN_FAILED, RUN_FINISHED
from govsite.work.app import QUEUE, TASK, make_app
from govsite.work.claims import clear_failures, read_failures
from govsite.work.runstate import count_done, reopen_run

# How often the store's result count is read: a site takes seconds at the very least.
POLL_S = 0.5


class CoordinatorError(Exception):
    """The run could not be carried out on the workers (the message is for the user)."""


class SitesFailed(CoordinatorError):
    """Every site still without a result has a failed task."""

    def __init__(self, run_id: str, failures: dict[str, str]) -> None:
        self.run_id = run_id
        self.failures = failures
        lines = "；".join(f"{code}：{why}" for code, why in sorted(failures.items()))
        super().__init__(f"{len(failures)} 个网站审计失败（{lines}），可用 --resume {run_id} 重试")


def run_on_workers(plan: CensusPlan, broker: str, *, limiter: str, run_id: str | None = None,
                   on_progress: Callable[[int, int], None] | None = None) -> RunResults:
    """Audit `plan` on the workers of `broker`; with `run_id`, finish that run instead.

    `on_progress(done, total)` is called at every poll of the store.
    """
    store = plan.store
    if run_id is None:
        run_id = store.create_run(profile=plan.profile.id, as_of=plan.as_of,
                                  options={**plan.options, "limiter": limiter})
        store.add_sites(run_id, plan.sites)
    else:
        reopen_run(store, run_id, limiter=limiter)
    redis = Redis.from_url(limiter)
    try:
        clear_failures(redis, run_id)
        _enqueue(broker, run_id, pending_sites(plan, run_id))
        _wait(plan, run_id, redis, on_progress)
    except (OperationalError, RedisError) as exc:
        store.finish_run(run_id, RUN_FAILED)
        raise CoordinatorError(f"无法连接队列或 Redis：{exc}") from exc
    except BaseException:
        store.finish_run(run_id, RUN_FAILED)
        raise
    finally:
        redis.close()
    store.finish_run(run_id, RUN_FINISHED)
    return stored_run_results(plan, run_id)


def _enqueue(broker: str, run_id: str, sites: Sequence[Site]) -> None:
    app = make_app(broker)
    try:
        with app.producer_or_acquire() as producer:
            for site in sites:
                app.send_task(TASK, args=(run_id, site.site_code), queue=QUEUE, producer=producer)
    finally:
        app.close()


def _wait(plan: CensusPlan, run_id: str, redis: Redis,
          on_progress: Callable[[int, int], None] | None) -> None:
    total = len(plan.sites)
    while True:
        done = count_done(plan.store, run_id, plan.profile.id)
        if on_progress is not None:
            on_progress(done, total)
        if done >= total:
            return
        failures = read_failures(redis, run_id)
        if failures:
            missing = {s.site_code for s in pending_sites(plan, run_id)}
            failed = {code: why for code, why in failures.items() if code in missing}
            if failed and len(failed) == len(missing):
                raise SitesFailed(run_id, failed)
        time.sleep(POLL_S)
