"""Operator endpoints: liveness, readiness, and metrics summed over API processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from tests.helpers import post_inquiry


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_readyz_is_503_when_redis_is_gone(client: TestClient) -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    resources = client.app.state.resources  # type: ignore[attr-defined]
    working = resources.redis
    resources.redis = redis.Redis(port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    try:
        ready = client.get("/readyz")
    finally:
        resources.redis = working
    assert ready.status_code == 503
    assert ready.json()["redis"].startswith("error")


def test_metrics_count_intake_and_queue_depth(client: TestClient) -> None:
    post_inquiry(client, "水がほしい")
    text = client.get("/metrics").text
    assert 'triage_queue_depth{queue="triage"} 1' in text
    assert "triage_inquiries_received_total" in text


COUNT_ONE = """
from triage.core.metrics import INQUIRIES_RECEIVED
INQUIRIES_RECEIVED.labels(channel="web").inc()
"""

READ_ALL = """
from triage.operations.health import _process_metrics
print(_process_metrics().decode())
"""


def test_metrics_are_summed_over_api_processes(tmp_path: Path) -> None:
    """With several uvicorn workers, whichever answers /metrics reports every process."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", COUNT_ONE], env=env, check=True, timeout=60)
    result = subprocess.run(
        [sys.executable, "-c", READ_ALL],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert 'triage_inquiries_received_total{channel="web"} 2.0' in result.stdout
