"""kill -9 of a worker in the middle of a job: the job is run again within about 30 s
(its liveness beacon stops; the next sweep re-runs it), and the inquiry is routed once.

To catch the worker mid-job deterministically, the test holds a lock on the inquiry's
row (PostgreSQL: SELECT … FOR UPDATE; SQLite: an exclusive transaction), so the job
blocks inside its first write; then the worker is killed and the lock let go."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from fastapi.testclient import TestClient
from rq.job import Job, JobStatus
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import post_inquiry, wait_for
from triage.core.queues import assess_job_id
from triage.core.settings import Settings
from triage.inquiries.tables import Inquiry, InquiryEvent

pytestmark = pytest.mark.slow


def start_worker(settings: Settings, redis_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TRIAGE_HOME": str(settings.home),
        "TRIAGE_DATABASE_URL": settings.resolved_database_url,
        "TRIAGE_REDIS_URL": redis_url,
        "TRIAGE_LOG_LEVEL": "WARNING",
        "TRIAGE_SWEEP_INTERVAL_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "triage.cli.main", "worker", "triage"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def row_locked(engine: Engine, inquiry_id: str) -> Iterator[None]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            connection.execute(
                text("SELECT id FROM inquiries WHERE id = :id FOR UPDATE"), {"id": inquiry_id}
            )
        try:
            yield
        finally:
            connection.rollback()


def test_a_job_whose_worker_was_killed_is_run_again_and_routes_once(
    client: TestClient,
    settings: Settings,
    redis_url: str,
    redis_conn: redis.Redis,
    db_engine: Engine,
    session_factory: sessionmaker[Session],
) -> None:
    inquiry_id = post_inquiry(client, "家が倒壊して母が下敷きになっています")["id"]
    first = start_worker(settings, redis_url)
    second: subprocess.Popen[bytes] | None = None
    try:
        with row_locked(db_engine, inquiry_id):

            def started() -> bool:
                job = Job.fetch(assess_job_id(inquiry_id), connection=redis_conn)
                return job.get_status() == JobStatus.STARTED

            wait_for(started, 60, "the worker picked the job up")
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        second = start_worker(settings, redis_url)

        def routed() -> bool:
            with session_factory() as session:
                inquiry = session.get(Inquiry, inquiry_id)
                return inquiry is not None and inquiry.route is not None

        # The beacon's TTL (15 s) plus a sweep interval plus the second worker's start-up;
        # before the beacon a started job was left alone for two minutes.
        wait_for(routed, 60, "the inquiry was routed after the kill")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)

    with session_factory() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None and (inquiry.priority, inquiry.route) == ("P1", "urgent")
        kinds = session.scalars(
            select(InquiryEvent.kind).where(InquiryEvent.inquiry_id == inquiry_id)
        ).all()
        assert kinds.count("routed") == 1
