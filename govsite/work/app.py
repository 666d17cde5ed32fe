"""The Celery application of govsite's workers: one broker, one queue, no result backend.

Results land in the store, where the coordinator counts them, so Celery keeps none. A task is
acknowledged only after it ran (acks_late) and handed back when its worker process dies
(reject_on_worker_lost), so a killed worker's site is audited by another; the task's claim and
result check (`tasks`) make that second delivery harmless. Each worker takes one task at a time
per process (prefetch 1): a site is minutes of work, and a task prefetched by a worker that
dies waits for redelivery instead of being audited elsewhere.
"""

from __future__ import annotations

from celery import Celery

QUEUE = "govsite.audit"
TASK = "govsite.audit_site"
# One section of a site split by section (`split`), on the same queue.
SECTION_TASK = "govsite.audit_section"
WORKERS_SCHEME = "celery://"
REDIS_SCHEMES = ("redis://", "rediss://")
BROKER_SCHEMES = (*REDIS_SCHEMES, "amqp://", "amqps://", "pyamqp://")
# RabbitMQ redelivers a task as soon as its worker's connection drops. Redis cannot tell: it
# restores an unacknowledged task after this timeout. It must exceed the longest site audit
# (else a running task is delivered again and its duplicate waits on the site's claim);
# `census --resume` re-enqueues missing sites at once in any case.
VISIBILITY_TIMEOUT_S = 3600
# The app's configuration key that tells tasks which store to write to.
STORE_URL_KEY = "govsite_store_url"


def broker_url(spec: str) -> str:
    """The broker of `--workers celery://BROKER` (a bare broker URL is accepted too)."""
    url = spec.removeprefix(WORKERS_SCHEME)
    if not url.startswith(BROKER_SCHEMES):
        raise ValueError(
            f"无法识别的队列地址 {spec!r}：应为 celery://redis://主机:6379/0 "
            "或 celery://amqp://用户:密码@主机:5672//")
    return url


def default_limiter(broker: str) -> str | None:
    """The Redis that workers share their host limits in: the broker itself when it is Redis."""
    return broker if broker.startswith(REDIS_SCHEMES) else None


def make_app(broker: str, *, store_url: str | None = None) -> Celery:
    """The app for `broker`; workers also get `store_url`, the store their tasks write to."""
    from govsite.work.tasks import register

    app = Celery("govsite", broker=broker, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_S},
    )
    app.conf[STORE_URL_KEY] = store_url
    register(app)
    return app
