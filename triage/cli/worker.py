"""`triage worker QUEUE` and `triage sweep`."""

from __future__ import annotations

import logging

from triage.core.job_failures import TriageWorker
from triage.core.log_format import configure_logging
from triage.core.metrics import serve_worker_metrics
from triage.core.queues import QueueName, get_queue
from triage.core.resources import Resources, install_resources
from triage.core.scheduler_thread import SchedulerThread
from triage.core.settings import get_settings
from triage.core.worker_liveness import LivenessBeacon, worker_name_for
from triage.inquiries.jobs import pipeline_for
from triage.inquiries.sweeper import SweeperThread, sweep_once

log = logging.getLogger(__name__)

# One Japanese and one Latin-script message: the first loads the model's and the place
# finders' lazy parts, the second the Latin-script language identifier (~0.3 s), which
# the first English or Portuguese inquiry would otherwise wait for.
WARM_UP_TEXTS = (
    "石川県七尾市の避難所はどこですか。家が浸水しています",
    "Where is the nearest shelter in Sendai? Our house is flooded",
)


def run_worker(queue: QueueName, *, burst: bool = False) -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    if settings.worker_metrics_port is not None:
        # This process's own counters (routed, LLM, sends, sweeps) for Prometheus.
        serve_worker_metrics(settings.worker_metrics_port)
    resources = Resources.build(settings)
    install_resources(resources)
    if queue in (QueueName.TRIAGE, QueueName.REFINE):
        # Load the model and gazetteer and build their lazy indexes once, up front, so
        # the first inquiry does not wait for them.
        pipeline = pipeline_for(resources)
        pipeline.gazetteer.build_all_indexes()
        for text in WARM_UP_TEXTS:
            pipeline.run(text)
    sweeper: SweeperThread | None = None
    if queue is QueueName.TRIAGE and not burst:
        sweeper = SweeperThread(
            session_factory=resources.session_factory, redis_conn=resources.redis, settings=settings
        )
        sweeper.start()
    # Jobs run in this process, next to the loaded model and gazetteer. RQ's forking
    # Worker measured 550 ms a job here (a fresh horse per job copies the big heap)
    # against 15 ms. Crash safety does not depend on the fork: a job that kills this
    # process is retried by RQ's abandoned-job handling and, failing that, re-enqueued by
    # the sweeper from the database; the supervisor (demo, compose) restarts the process.
    rq_worker = TriageWorker(
        [get_queue(queue, resources.redis)],
        connection=resources.redis,
        name=worker_name_for(str(queue)),
    )
    # The sweeper re-runs a job whose worker's beacon stopped (see worker_liveness).
    beacon = LivenessBeacon(resources.redis, rq_worker.name)
    beacon.start()
    # The scheduler moves delayed retries (Retry intervals) into the queue when due; a
    # thread of this process, never a fork that would outlive it (see scheduler_thread).
    scheduler = None if burst else SchedulerThread(rq_worker.queues, resources.redis)
    if scheduler is not None:
        scheduler.start()
    log.info("worker starting", extra={"queue": str(queue), "burst": burst})
    try:
        rq_worker.work(burst=burst, with_scheduler=False, logging_level=settings.log_level)
    finally:
        beacon.stop()
        if scheduler is not None:
            scheduler.stop()
        if sweeper is not None:
            sweeper.stop()


def run_sweep_once() -> int:
    settings = get_settings()
    resources = Resources.build(settings)
    return sweep_once(
        session_factory=resources.session_factory, redis_conn=resources.redis, settings=settings
    )
