"""Worker processes' metrics: each `triage worker` serves its own on a port, and the
counters it keeps (routing waits, claims, the LLM's latency, errors and circuit) move
when the work really happens."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import openai
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from playbooks.seed import seed_default_playbooks
from tests.fakes.openai_server import FakeOpenAIServer
from tests.helpers import bearer, make_staff, post_inquiry
from triage.assessment.llm import CircuitBreaker, LLMAssessor, LLMUnavailable
from triage.auth.tables import Role
from triage.core.db import utcnow
from triage.core.metrics import REPLIES_DEAD_LETTERED, serve_worker_metrics, stop_worker_metrics
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries import flows
from triage.inquiries.tables import Inquiry, InquiryStatus
from triage.routing.answers import DatabaseAnswers
from triage.routing.pipeline import TriagePipeline


def value(name: str, **labels: str) -> float:
    """This process's current value of one sample (0 before it was ever set)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The metrics server ------------------------------------------------------------------


def test_the_worker_metrics_server_serves_this_processes_counters() -> None:
    server = serve_worker_metrics(0, addr="127.0.0.1")
    assert server is not None
    try:
        REPLIES_DEAD_LETTERED.labels(channel="sms", status="failed").inc()
        expected = value("triage_replies_dead_lettered_total", channel="sms", status="failed")
        page = httpx.get(f"http://127.0.0.1:{server.server_port}/metrics", timeout=10).text
    finally:
        stop_worker_metrics(server)
    assert f'triage_replies_dead_lettered_total{{channel="sms",status="failed"}} {expected}' in page
    for name in (
        "triage_receipt_to_routed_seconds",
        "triage_receipt_to_claimed_seconds",
        "triage_llm_call_seconds",
        "triage_llm_errors_total",
        "triage_llm_circuit_open",
        "triage_replies_outcome_unknown_total",
        "triage_sweeper_requeued_total",
        "triage_sweeper_last_success_timestamp_seconds",
    ):
        assert f"# TYPE {name} " in page


def test_a_port_already_taken_leaves_the_worker_working() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert serve_worker_metrics(taken.getsockname()[1], addr="127.0.0.1") is None


def test_the_port_setting_is_off_unless_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TRIAGE_WORKER_METRICS_PORT", raising=False)
    assert Settings(home=tmp_path).worker_metrics_port is None
    monkeypatch.setenv("TRIAGE_WORKER_METRICS_PORT", "9101")
    assert Settings(home=tmp_path).worker_metrics_port == 9101


@pytest.fixture
def worker_process(
    settings: Settings, redis_url: str
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`triage worker outbound` (not burst) with TRIAGE_WORKER_METRICS_PORT set."""
    port = free_port()
    env = {
        **os.environ,
        "TRIAGE_HOME": str(settings.home),
        "TRIAGE_DATABASE_URL": settings.resolved_database_url,
        "TRIAGE_REDIS_URL": redis_url,
        "TRIAGE_WORKER_METRICS_PORT": str(port),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "triage.cli.main", "worker", "outbound"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its RQ scheduler too is stopped with the group
    )
    try:
        yield process, port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def test_a_running_worker_process_serves_its_metrics_on_the_configured_port(
    worker_process: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = worker_process
    page = None
    for _ in range(600):  # wait for it to start (imports, connections), not a timing claim
        if process.poll() is not None:
            break
        try:
            page = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            break
        except httpx.TransportError:
            time.sleep(0.1)
    assert process.poll() is None, "the worker exited"
    assert page is not None, "the worker never answered on its metrics port"
    assert "# TYPE triage_replies_dead_lettered_total counter" in page
    assert "triage_sweeper_requeued_total 0.0" in page


# Waits from receipt ------------------------------------------------------------------


@pytest.fixture
def pipeline(settings: Settings, session_factory: sessionmaker[Session]) -> TriagePipeline:
    seed_default_playbooks(settings)
    return TriagePipeline.load(settings, DatabaseAnswers.reading(session_factory))


def _received_ago(session_factory: sessionmaker[Session], inquiry_id: str, age: timedelta) -> None:
    with session_factory() as session:
        session.execute(
            update(Inquiry).where(Inquiry.id == inquiry_id).values(received_at=utcnow() - age)
        )
        session.commit()


def test_receipt_to_routed_is_observed_by_priority(
    client: TestClient,
    resources: Resources,
    session_factory: sessionmaker[Session],
    pipeline: TriagePipeline,
) -> None:
    inquiry_id = post_inquiry(client, "家が倒壊して母が下敷きになっています")["id"]
    _received_ago(session_factory, inquiry_id, timedelta(seconds=90))
    name = "triage_receipt_to_routed_seconds"
    before = {
        "count": value(f"{name}_count", priority="P1"),
        "sum": value(f"{name}_sum", priority="P1"),
        "le60": value(f"{name}_bucket", priority="P1", le="60.0"),
        "le120": value(f"{name}_bucket", priority="P1", le="120.0"),
    }

    flows.triage_inquiry(inquiry_id, resources=resources, pipeline=pipeline)
    flows.triage_inquiry(inquiry_id, resources=resources, pipeline=pipeline)  # a duplicate job

    assert value(f"{name}_count", priority="P1") == before["count"] + 1
    assert value(f"{name}_sum", priority="P1") - before["sum"] >= 90
    assert value(f"{name}_bucket", priority="P1", le="60.0") == before["le60"]
    assert value(f"{name}_bucket", priority="P1", le="120.0") == before["le120"] + 1


def test_receipt_to_claimed_is_observed_once_per_claim_of_an_unheld_inquiry(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    ken = make_staff(session_factory, "ken", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "母と連絡が取れません")["id"]
    with session_factory() as session:
        session.execute(
            update(Inquiry)
            .where(Inquiry.id == inquiry_id)
            .values(
                priority="P2",
                route="urgent",
                status=InquiryStatus.TRIAGED,
                received_at=utcnow() - timedelta(minutes=3),
            )
        )
        session.commit()
    name = "triage_receipt_to_claimed_seconds"
    count, total = value(f"{name}_count", priority="P2"), value(f"{name}_sum", priority="P2")
    claim = f"/api/v1/inquiries/{inquiry_id}/claim"

    assert client.post(claim, headers=bearer(aya)).status_code == 200
    assert value(f"{name}_count", priority="P2") == count + 1
    assert value(f"{name}_sum", priority="P2") - total >= 180

    assert client.post(claim, headers=bearer(aya)).status_code == 200  # a second click
    assert client.post(claim, headers=bearer(ken)).status_code == 409  # held by aya
    assert value(f"{name}_count", priority="P2") == count + 1

    assert client.post(f"/api/v1/inquiries/{inquiry_id}/release", headers=bearer(aya)).is_success
    assert client.post(claim, headers=bearer(ken)).status_code == 200  # back in the queue
    assert value(f"{name}_count", priority="P2") == count + 2


# The LLM -----------------------------------------------------------------------------


@pytest.fixture
def llm_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


def assessor(server: FakeOpenAIServer, *, timeout: float = 5.0, **kwargs: object) -> LLMAssessor:
    """An assessor without the SDK's retries; a client per event loop (one per call here)."""

    def client() -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(
            base_url=server.base_url, api_key="test", timeout=timeout, max_retries=0
        )

    return LLMAssessor(client, "fake-model", timeout_seconds=timeout, **kwargs)  # type: ignore[arg-type]


def assess(llm: LLMAssessor) -> bool:
    """One call; whether it gave a verdict."""
    try:
        asyncio.run(llm.assess("給水はいつ"))
    except LLMUnavailable:
        return False
    return True


def errors(kind: str) -> float:
    return value("triage_llm_errors_total", kind=kind)


def test_an_answered_call_is_timed_and_counts_no_error(llm_server: FakeOpenAIServer) -> None:
    calls, sent_errors = value("triage_llm_call_seconds_count"), value("triage_llm_errors_total")
    assert assess(assessor(llm_server))
    assert value("triage_llm_call_seconds_count") == calls + 1
    assert value("triage_llm_errors_total") == sent_errors
    assert value("triage_llm_circuit_open") == 0


@pytest.mark.parametrize(
    ("mode", "kind"),
    [
        ("error500", "http_status"),
        ("invalid_json", "invalid_answer"),
        ("off_schema", "invalid_answer"),
    ],
)
def test_a_failed_call_is_timed_and_counted_by_kind(
    llm_server: FakeOpenAIServer, mode: str, kind: str
) -> None:
    llm_server.mode = mode
    calls, before = value("triage_llm_call_seconds_count"), errors(kind)
    assert not assess(assessor(llm_server))
    assert value("triage_llm_call_seconds_count") == calls + 1
    assert errors(kind) == before + 1


def test_a_timeout_is_counted_as_such(llm_server: FakeOpenAIServer) -> None:
    llm_server.delay_seconds = 1.0
    before = errors("timeout")
    assert not assess(assessor(llm_server, timeout=0.2))
    assert errors("timeout") == before + 1


def test_an_unreachable_endpoint_is_a_connection_error() -> None:
    client = openai.AsyncOpenAI(
        base_url=f"http://127.0.0.1:{free_port()}/v1", api_key="test", max_retries=0
    )
    before = errors("connection")
    assert not assess(LLMAssessor(client, "fake-model", timeout_seconds=5))
    assert errors("connection") == before + 1


def test_the_circuit_gauge_follows_the_breaker(llm_server: FakeOpenAIServer) -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=30, clock=lambda: now[0])
    llm = assessor(llm_server, breaker=breaker)
    llm_server.mode = "error500"

    assert not assess(llm)
    assert value("triage_llm_circuit_open") == 0  # one failure: still closed
    assert not assess(llm)
    assert value("triage_llm_circuit_open") == 1

    sent, refused = len(llm_server.requests), errors("circuit_open")
    assert not assess(llm)
    assert errors("circuit_open") == refused + 1
    assert len(llm_server.requests) == sent  # refused without a call

    llm_server.mode = "normal"
    now[0] += 30  # the cool-down passes: one trial, and it succeeds
    assert assess(llm)
    assert value("triage_llm_circuit_open") == 0


def test_calls_over_the_budget_are_counted(llm_server: FakeOpenAIServer) -> None:
    llm = assessor(llm_server, budget_per_minute=1)
    before = errors("budget")
    assert assess(llm)
    assert not assess(llm)
    assert errors("budget") == before + 1
