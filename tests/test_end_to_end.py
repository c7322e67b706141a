"""End to end with real worker processes (`triage worker QUEUE --burst`): post, work,
see the inquiry routed; lose the queue, sweep, see it processed anyway."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import bearer, make_staff, post_inquiry
from triage.auth.tables import Role
from triage.core.db import utcnow
from triage.core.settings import Settings
from triage.inquiries.tables import Inquiry

pytestmark = pytest.mark.slow


def run_worker(settings: Settings, redis_url: str, queue: str) -> None:
    env = {
        **os.environ,
        "TRIAGE_HOME": str(settings.home),
        "TRIAGE_DATABASE_URL": settings.resolved_database_url,
        "TRIAGE_REDIS_URL": redis_url,
        "TRIAGE_PUBLIC_URL": settings.public_url,
        "TRIAGE_LOG_LEVEL": "WARNING",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "triage.cli.main", "worker", queue, "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]


def run_sweep(settings: Settings, redis_url: str) -> str:
    env = {
        **os.environ,
        "TRIAGE_HOME": str(settings.home),
        "TRIAGE_DATABASE_URL": settings.resolved_database_url,
        "TRIAGE_REDIS_URL": redis_url,
        "TRIAGE_SWEEP_AFTER_SECONDS": "0",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "triage.cli.main", "sweep"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def test_posted_inquiries_are_triaged_and_routed_by_a_real_worker(
    client: TestClient, settings: Settings, redis_url: str, session_factory: sessionmaker[Session]
) -> None:
    urgent = post_inquiry(client, "家が倒壊して母が下敷きになっています。助けてください")
    routine = post_inquiry(client, "避難所はどこですか")
    thanks = post_inquiry(client, "ありがとうございました")

    run_worker(settings, redis_url, "triage")

    token = make_staff(session_factory, "aya", Role.RESPONDER)
    detail = client.get(f"/api/v1/inquiries/{urgent['id']}", headers=bearer(token)).json()
    assert detail["priority"] == "P1"
    assert detail["route"] == "urgent"
    assert detail["status"] == "triaged"
    assert [e["kind"] for e in detail["events"]] == ["received", "assessed", "routed"]
    assert detail["replies"] == []  # nothing urgent is auto-answered

    queue = client.get("/api/v1/inquiries?route=urgent", headers=bearer(token)).json()
    assert [item["id"] for item in queue["items"]] == [urgent["id"]]

    routine_detail = client.get(f"/api/v1/inquiries/{routine['id']}", headers=bearer(token)).json()
    assert routine_detail["priority"] == "P3"
    assert routine_detail["route"] in ("auto_reply", "staff")
    thanks_detail = client.get(f"/api/v1/inquiries/{thanks['id']}", headers=bearer(token)).json()
    assert thanks_detail["priority"] == "P4"


def test_a_wiped_redis_loses_nothing(
    client: TestClient,
    settings: Settings,
    redis_url: str,
    redis_conn: redis.Redis,
    session_factory: sessionmaker[Session],
) -> None:
    body = post_inquiry(client, "川の水があふれて車が流されそう、中に人がいます")
    redis_conn.flushdb()  # the job is gone
    with session_factory() as session:
        session.execute(update(Inquiry).values(enqueued_at=utcnow() - timedelta(minutes=5)))
        session.commit()

    assert run_sweep(settings, redis_url).strip() == "re-enqueued 1"
    run_worker(settings, redis_url, "triage")

    with session_factory() as session:
        inquiry = session.get(Inquiry, body["id"])
        assert inquiry is not None
        assert inquiry.route == "urgent"
        assert inquiry.priority == "P1"
