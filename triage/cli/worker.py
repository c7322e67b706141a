"""`triage worker QUEUE` and `triage sweep`."""

from __future__ import annotations

import logging

from rq import SimpleWorker

from triage.inquiries.sweeper import SweeperThread, sweep_once
from triage.log_format import configure_logging
from triage.queues import QueueName, get_queue
from triage.settings import get_settings
from triage.worker_context import WorkerContext, install_context

log = logging.getLogger(__name__)

WARM_UP_TEXT = "石川県七尾市の避難所はどこですか。家が浸水しています"


def run_worker(queue: QueueName, *, burst: bool = False) -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    context = WorkerContext.build(settings)
    install_context(context)
    if queue is QueueName.TRIAGE:
        # Load the model and gazetteer and build their lazy indexes once, up front, so
        # the first inquiry does not wait for them.
        context.pipeline.gazetteer.build_all_indexes()
        context.pipeline.run(WARM_UP_TEXT)
    elif queue is QueueName.REFINE:
        _ = context.assessment_engine
    sweeper: SweeperThread | None = None
    if queue is QueueName.TRIAGE and not burst:
        sweeper = SweeperThread(
            session_factory=context.session_factory, redis_conn=context.redis, settings=settings
        )
        sweeper.start()
    # Jobs run in this process, next to the loaded model and gazetteer. RQ's forking
    # Worker measured 550 ms a job here (a fresh horse per job copies the big heap)
    # against 15 ms. Crash safety does not depend on the fork: a job that kills this
    # process is retried by RQ's abandoned-job handling and, failing that, re-enqueued by
    # the sweeper from the database; the supervisor (demo, compose) restarts the process.
    rq_worker = SimpleWorker([get_queue(queue, context.redis)], connection=context.redis)
    log.info("worker starting", extra={"queue": str(queue), "burst": burst})
    try:
        # The scheduler runs the delayed retries (Retry intervals).
        rq_worker.work(burst=burst, with_scheduler=not burst, logging_level=settings.log_level)
    finally:
        if sweeper is not None:
            sweeper.stop()


def run_sweep_once() -> int:
    settings = get_settings()
    context = WorkerContext.build(settings)
    return sweep_once(
        session_factory=context.session_factory, redis_conn=context.redis, settings=settings
    )
