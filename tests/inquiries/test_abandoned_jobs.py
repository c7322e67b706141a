"""A job left "started" by a worker that died is run again at the next sweep; a job
whose worker is alive (merely slow) is never run twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis
from fastapi.testclient import TestClient
from rq.job import Job
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import post_inquiry
from triage.core.job_failures import TriageWorker
from triage.core.queues import QueueName, assess_job_id, get_queue
from triage.core.resources import Resources, resources_installed
from triage.core.settings import Settings
from triage.core.worker_liveness import LivenessBeacon, worker_name_for
from triage.inquiries.sweeper import sweep_once
from triage.inquiries.tables import Inquiry


def take_job_and_die(redis_conn: redis.Redis, job_id: str, worker_name: str) -> None:
    """What a worker killed mid-job leaves behind: the job out of the queue, marked
    started by that worker, in the started registry."""
    queue = get_queue(QueueName.TRIAGE, redis_conn)
    worker = TriageWorker([queue], connection=redis_conn, name=worker_name)
    job = Job.fetch(job_id, connection=redis_conn)
    queue.remove(job)
    worker.prepare_execution(job)
    worker.prepare_job_execution(job)


def sweep(resources: Resources) -> int:
    return sweep_once(
        session_factory=resources.session_factory,
        redis_conn=resources.redis,
        settings=resources.settings,
    )


def routed(session_factory: sessionmaker[Session], inquiry_id: str) -> str | None:
    with session_factory() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None
        return inquiry.route


def work(resources: Resources) -> None:
    with resources_installed(resources):
        queue = get_queue(QueueName.TRIAGE, resources.redis)
        TriageWorker([queue], connection=resources.redis).work(burst=True)


def test_the_job_of_a_dead_worker_is_run_again_at_once(
    client: TestClient,
    resources: Resources,
    redis_conn: redis.Redis,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    """Its inquiry was enqueued a moment ago (well inside sweep_after_seconds): the
    sweeper does not wait for that; the dead worker's beacon is enough."""
    inquiry_id = post_inquiry(client, "家が倒壊して母が下敷きになっています")["id"]
    take_job_and_die(redis_conn, assess_job_id(inquiry_id), worker_name_for("triage"))

    assert sweep(resources) == 1
    work(resources)
    assert routed(session_factory, inquiry_id) == "urgent"
    assert sweep(resources) == 0  # nothing left behind


def test_the_job_of_a_live_slow_worker_is_left_alone(
    client: TestClient, resources: Resources, redis_conn: redis.Redis
) -> None:
    name = worker_name_for("triage")
    beacon = LivenessBeacon(redis_conn, name)
    beacon.beat()
    inquiry_id = post_inquiry(client, "家が倒壊して母が下敷きになっています")["id"]
    take_job_and_die(redis_conn, assess_job_id(inquiry_id), name)
    job = Job.fetch(assess_job_id(inquiry_id), connection=redis_conn)
    job.started_at = datetime.now(UTC) - timedelta(minutes=10)  # slow, not dead
    job.save()

    assert sweep(resources) == 0
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 0


def test_a_plain_rq_worker_gets_thirty_seconds_before_its_job_is_run_again(
    client: TestClient, resources: Resources, redis_conn: redis.Redis
) -> None:
    """A worker without a beacon (plain `rq worker`) cannot be told dead from slow, so
    its started job is only re-run once it is clearly older than any triage job."""
    inquiry_id = post_inquiry(client, "家が倒壊して母が下敷きになっています")["id"]
    take_job_and_die(redis_conn, assess_job_id(inquiry_id), "some-rq-worker")
    assert sweep(resources) == 0
    job = Job.fetch(assess_job_id(inquiry_id), connection=redis_conn)
    job.started_at = datetime.now(UTC) - timedelta(seconds=31)
    job.save()
    assert sweep(resources) == 1
