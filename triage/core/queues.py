"""RQ queues and how work is put on them. Jobs take ids and are safe to run twice.

Each worker process listens on exactly one queue: RQ is only crash-safe that way.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import UTC, datetime, timedelta

import redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from triage.core.queue_names import (
    QueueName as QueueName,  # re-exported: callers import it from here
)
from triage.core.worker_liveness import is_beaconed_worker, worker_is_alive

log = logging.getLogger(__name__)


ASSESS_JOB = "triage.inquiries.jobs.assess_inquiry"
SEND_REPLY_JOB = "triage.inquiries.jobs.send_reply"
SETTLE_REPLY_JOB = "triage.inquiries.jobs.settle_reply"
REFINE_DRAIN_JOB = "triage.inquiries.jobs.refine_pending"
ESCALATE_JOB = "triage.inquiries.jobs.send_escalation"
DEFAULT_RETRY_INTERVALS: tuple[int, ...] = (2, 10, 60)
# A job started by a worker without a liveness beacon (a plain `rq worker`) counts as
# abandoned after this long; `triage worker` jobs are judged by their worker's beacon.
STALE_STARTED_AFTER = timedelta(seconds=30)
RESULT_TTL_SECONDS = 300
# A failed job is kept a week, for the operator to see why.
FAILURE_TTL_SECONDS = 7 * 24 * 3600


def get_queue(name: QueueName, connection: redis.Redis) -> Queue:
    return Queue(str(name), connection=connection)


def assess_job_id(inquiry_id: str) -> str:
    return f"assess-{inquiry_id}"


def send_job_id(reply_id: int) -> str:
    return f"send-reply-{reply_id}"


def settle_job_id(reply_id: int) -> str:
    return f"settle-reply-{reply_id}"


def job_is_pending(connection: redis.Redis, job_id: str) -> bool:
    """True when the job is still waiting or running, so enqueuing again would duplicate it."""
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        return False
    status = job.get_status(refresh=False)
    if status == JobStatus.STARTED:
        return not job_was_abandoned(connection, job)
    if status == JobStatus.QUEUED:
        # Queued means waiting only while it is in its queue's list. A worker's dequeue
        # moves it to the intermediate list first; if Redis went down before the worker
        # started it, it stays "queued" there with nobody to run it (RQ's own clean-up
        # takes two 10-minute passes). The sweeper only asks after `sweep_after_seconds`,
        # far longer than a dequeue takes, so such a job is lost: enqueue it again.
        queue_key = f"rq:queue:{job.origin}"
        return connection.lpos(queue_key, job_id) is not None
    return status in (JobStatus.SCHEDULED, JobStatus.DEFERRED)


def job_was_abandoned(connection: redis.Redis, job: Job) -> bool:
    """A started job whose worker died: its beacon is gone (see worker_liveness). A job
    that is merely slow keeps its worker's beacon and is never run twice."""
    name = job.worker_name or ""
    if is_beaconed_worker(name):
        return not worker_is_alive(connection, name)
    started_at = job.started_at
    if started_at is None:
        return False
    if started_at.tzinfo is None:
        started_at = started_at.replace(tzinfo=UTC)
    return datetime.now(UTC) - started_at >= STALE_STARTED_AFTER


# Each retry waits its interval plus up to this share of it again, drawn per job: after
# a provider's outage of minutes, the waiting sends do not all come back in one second.
RETRY_JITTER = 0.5


def _retry(intervals: tuple[int, ...]) -> Retry:
    return Retry(max=len(intervals), interval=jittered(intervals))


def jittered(intervals: tuple[int, ...]) -> list[int]:
    """The intervals with random jitter (whole seconds: RQ schedules by the second)."""
    return [
        interval + round(random.uniform(0, interval * RETRY_JITTER)) if interval else 0
        for interval in intervals
    ]


def enqueue_assessment(
    connection: redis.Redis,
    inquiry_id: str,
    retry_intervals: tuple[int, ...] = DEFAULT_RETRY_INTERVALS,
) -> None:
    enqueue_assessments(connection, [inquiry_id], retry_intervals)


def enqueue_assessments(
    connection: redis.Redis,
    inquiry_ids: list[str],
    retry_intervals: tuple[int, ...] = DEFAULT_RETRY_INTERVALS,
) -> None:
    """One round trip for any number of inquiries: RQ saves each job and pushes its id in
    our pipeline (one MULTI/EXEC) instead of two pipelines of its own per job."""
    if not inquiry_ids:
        return
    queue = get_queue(QueueName.TRIAGE, connection)
    retry = _retry(retry_intervals)
    with connection.pipeline() as pipeline:
        for inquiry_id in inquiry_ids:
            queue.enqueue_call(
                ASSESS_JOB,
                args=(inquiry_id,),
                job_id=assess_job_id(inquiry_id),
                retry=retry,
                result_ttl=RESULT_TTL_SECONDS,
                failure_ttl=FAILURE_TTL_SECONDS,
                pipeline=pipeline,
            )
        pipeline.execute()


def enqueue_send_reply(
    connection: redis.Redis,
    reply_id: int,
    retry_intervals: tuple[int, ...] = DEFAULT_RETRY_INTERVALS,
) -> None:
    get_queue(QueueName.OUTBOUND, connection).enqueue_call(
        SEND_REPLY_JOB,
        args=(reply_id,),
        job_id=send_job_id(reply_id),
        retry=_retry(retry_intervals),
        result_ttl=RESULT_TTL_SECONDS,
        failure_ttl=FAILURE_TTL_SECONDS,
    )


def enqueue_settle_reply(
    connection: redis.Redis,
    reply_id: int,
    retry_intervals: tuple[int, ...] = DEFAULT_RETRY_INTERVALS,
) -> None:
    """Settle a reply whose outcome is unknown (see triage/inquiries/outbound.py)."""
    get_queue(QueueName.OUTBOUND, connection).enqueue_call(
        SETTLE_REPLY_JOB,
        args=(reply_id,),
        job_id=settle_job_id(reply_id),
        retry=_retry(retry_intervals),
        result_ttl=RESULT_TTL_SECONDS,
        failure_ttl=FAILURE_TTL_SECONDS,
    )


def escalate_job_id(inquiry_id: str) -> str:
    return f"escalate-{inquiry_id}"


def enqueue_escalation(
    connection: redis.Redis,
    inquiry_id: str,
    retry_intervals: tuple[int, ...] = DEFAULT_RETRY_INTERVALS,
) -> None:
    """Tell the on-call list that this urgent inquiry breached its SLA."""
    get_queue(QueueName.OUTBOUND, connection).enqueue_call(
        ESCALATE_JOB,
        args=(inquiry_id,),
        job_id=escalate_job_id(inquiry_id),
        retry=_retry(retry_intervals),
        result_ttl=RESULT_TTL_SECONDS,
        failure_ttl=FAILURE_TTL_SECONDS,
    )


def reenqueue_job(
    connection: redis.Redis, job_id: str, retry_intervals: tuple[int, ...] = DEFAULT_RETRY_INTERVALS
) -> bool:
    """Enqueue one of our jobs again by its id (a fresh job of the same id). False for
    an id that is none of ours."""
    kind, _, key = job_id.rpartition("-")
    if kind == "assess":
        enqueue_assessment(connection, key, retry_intervals)
    elif kind == "send-reply" and key.isdigit():
        enqueue_send_reply(connection, int(key), retry_intervals)
    elif kind == "settle-reply" and key.isdigit():
        enqueue_settle_reply(connection, int(key), retry_intervals)
    else:
        return False
    return True


def enqueue_refine_drain(connection: redis.Redis) -> None:
    """One job that refines every waiting inquiry; see triage/inquiries/refinement.py."""
    get_queue(QueueName.REFINE, connection).enqueue_call(
        REFINE_DRAIN_JOB, job_id=f"refine-drain-{uuid.uuid4().hex}", result_ttl=60, timeout=3600
    )
