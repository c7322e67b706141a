"""kill -9 of the API in the middle of a burst: every request answered 2xx is in the
database (acknowledged means committed) and gets routed; requests cut off got no 2xx."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import wait_for
from triage.core.job_failures import TriageWorker
from triage.core.queues import QueueName, get_queue
from triage.core.resources import Resources, resources_installed
from triage.core.settings import Settings
from triage.inquiries.tables import Inquiry

pytestmark = pytest.mark.slow

BURST = 1000
KILL_AFTER = 300  # accepted answers before the kill


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_every_acknowledged_post_survives_a_killed_api(
    settings: Settings,
    resources: Resources,
    redis_url: str,
    redis_conn: redis.Redis,
    session_factory: sessionmaker[Session],
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "TRIAGE_HOME": str(settings.home),
        "TRIAGE_DATABASE_URL": settings.resolved_database_url,
        "TRIAGE_REDIS_URL": redis_url,
        "TRIAGE_SECRET_KEY": "test-secret-key-for-sessions-0123456789",
        "TRIAGE_RATE_LIMIT_PER_IP": "100000/minute",
        "TRIAGE_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "triage.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    accepted: list[str] = []
    lock = threading.Lock()

    def ready() -> bool:
        try:
            return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def post(number: int) -> None:
        try:
            response = httpx.post(
                f"{base}/api/v1/inquiries", json={"text": f"給水所はどこですか {number}"}, timeout=5
            )
        except httpx.HTTPError:
            return  # cut off by the kill: never acknowledged
        if response.status_code == 202:
            with lock:
                accepted.append(response.json()["id"])
                if len(accepted) == KILL_AFTER:
                    os.kill(server.pid, signal.SIGKILL)

    try:
        wait_for(ready, 60, "the API answered /readyz")
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(post, range(BURST)))
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=10)

    assert len(accepted) >= KILL_AFTER  # it was killed mid-burst, after these
    with session_factory() as session:
        stored = set(session.scalars(select(Inquiry.id)).all())
    assert set(accepted) <= stored  # every 2xx was committed
    with resources_installed(resources):
        queue = get_queue(QueueName.TRIAGE, redis_conn)
        TriageWorker([queue], connection=redis_conn).work(burst=True)
    with session_factory() as session:
        unrouted = session.scalars(
            select(Inquiry.id).where(Inquiry.id.in_(accepted), Inquiry.route.is_(None))
        ).all()
    assert unrouted == []
