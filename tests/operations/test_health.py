"""Operator endpoints: liveness, readiness, metrics summed over API processes, and the
figures /metrics reads from the records at scrape time."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import post_inquiry
from triage.core.db import utcnow
from triage.inquiries.tables import Inquiry
from triage.operations.health import SLA_P1_SECONDS, SLA_P2_SECONDS, read_people_queues


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_the_openapi_schema_says_metrics_are_text_and_readyz_may_be_503(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/metrics"]["get"]["responses"]["200"]["content"]) == {"text/plain"}
    assert "503" in paths["/readyz"]["get"]["responses"]


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


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """The samples of one metric in a Prometheus text page, keyed by sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def _set_row(
    session_factory: sessionmaker[Session],
    inquiry_id: str,
    *,
    priority: str,
    route: str,
    status: str,
    age: timedelta,
    claimed_by: str | None = None,
) -> None:
    with session_factory() as session:
        session.execute(
            update(Inquiry)
            .where(Inquiry.id == inquiry_id)
            .values(
                priority=priority,
                route=route,
                status=status,
                claimed_by=claimed_by,
                received_at=utcnow() - age,
            )
        )
        session.commit()


def test_metrics_count_open_inquiries_and_sla_breaches_from_the_records(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    rows = {
        # name: (priority, route, status, age, claimed_by)
        "p1-late": ("P1", "urgent", "triaged", timedelta(minutes=6), None),
        "p1-fresh": ("P1", "urgent", "triaged", timedelta(minutes=2), None),
        "p1-held": ("P1", "urgent", "claimed", timedelta(hours=1), "aya"),
        "p1-done": ("P1", "urgent", "resolved", timedelta(hours=1), None),
        "p2-late": ("P2", "urgent", "triaged", timedelta(minutes=31), None),
        "p2-fresh": ("P2", "urgent", "triaged", timedelta(minutes=20), None),
        "p3-staff": ("P3", "staff", "triaged", timedelta(hours=2), None),
        "p3-answered": ("P3", "auto_reply", "answered", timedelta(hours=2), None),
    }
    for name, (priority, route, status, age, claimed_by) in rows.items():
        inquiry_id = post_inquiry(client, name)["id"]
        _set_row(
            session_factory,
            inquiry_id,
            priority=priority,
            route=route,
            status=status,
            age=age,
            claimed_by=claimed_by,
        )
    post_inquiry(client, "not triaged yet")  # received: the triage queue's, not people's

    text = client.get("/metrics").text

    assert samples(text, "triage_sla_breaches") == {
        (("priority", "P1"),): 1.0,
        (("priority", "P2"),): 1.0,
    }
    assert samples(text, "triage_open_inquiries") == {
        (("priority", "P1"), ("route", "urgent"), ("status", "claimed")): 1.0,
        (("priority", "P1"), ("route", "urgent"), ("status", "triaged")): 2.0,
        (("priority", "P2"), ("route", "urgent"), ("status", "triaged")): 2.0,
        (("priority", "P3"), ("route", "staff"), ("status", "triaged")): 1.0,
    }
    assert samples(text, "triage_dependency_up") == {
        (("dependency", "database"),): 1.0,
        (("dependency", "redis"),): 1.0,
    }
    assert samples(text, "triage_queue_depth")[(("queue", "triage"),)] == 9.0


def test_sla_starts_at_receipt_with_the_documented_defaults(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """At a fixed `now`, one second inside each SLA is no breach and one past it is."""
    assert (SLA_P1_SECONDS, SLA_P2_SECONDS) == (300, 1800)
    now = utcnow()
    for priority, sla in (("P1", SLA_P1_SECONDS), ("P2", SLA_P2_SECONDS)):
        for offset in (-1, 1):
            inquiry_id = post_inquiry(client, f"{priority} {offset}")["id"]
            with session_factory() as session:
                session.execute(
                    update(Inquiry)
                    .where(Inquiry.id == inquiry_id)
                    .values(
                        priority=priority,
                        route="urgent",
                        status="triaged",
                        received_at=now - timedelta(seconds=sla + offset),
                    )
                )
                session.commit()
    with session_factory() as session:
        queues = read_people_queues(session=session, now=now)
    assert queues.sla_breaches == {"P1": 1, "P2": 1}
    assert queues.open == {("urgent", "P1", "triaged"): 2, ("urgent", "P2", "triaged"): 2}


def test_metrics_report_a_database_that_does_not_answer(client: TestClient, tmp_path: Path) -> None:
    resources = client.app.state.resources  # type: ignore[attr-defined]
    working = resources.session_factory
    missing = create_engine(f"sqlite:///{tmp_path}/no/such/dir/triage.db")
    resources.session_factory = sessionmaker(bind=missing)
    try:
        response = client.get("/metrics")
    finally:
        resources.session_factory = working
        missing.dispose()
    assert response.status_code == 200
    assert samples(response.text, "triage_dependency_up") == {
        (("dependency", "database"),): 0.0,
        (("dependency", "redis"),): 1.0,
    }
    assert samples(response.text, "triage_sla_breaches") == {}


def test_metrics_report_a_redis_that_does_not_answer(client: TestClient) -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    resources = client.app.state.resources  # type: ignore[attr-defined]
    working = resources.redis
    resources.redis = redis.Redis(port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    try:
        response = client.get("/metrics")
    finally:
        resources.redis = working
    assert response.status_code == 200
    assert samples(response.text, "triage_dependency_up")[(("dependency", "redis"),)] == 0.0
    assert samples(response.text, "triage_queue_depth") == {}
