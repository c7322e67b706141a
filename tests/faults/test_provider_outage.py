"""Twilio and LINE down for a long stretch (429, then 500, on every attempt; "minutes"
compressed by small retry intervals). The main test queues a staff reply per channel
through the API; a real `triage worker outbound` subprocess sends them. It proves:

(a) the retries back off: each gap between two requests at the fake provider follows
    that job's own schedule (its stored `retry_intervals`, within RQ's one-second
    scheduling); the schedule grows, and so do the gaps; it is the configured one plus
    jitter drawn per job, so the SMS and LINE jobs wait differently (seeded here);
(b) a 429 with `Retry-After: 30` is not honoured: neither sender reads the header
    (both treat a 429 like a 5xx), so the next attempt comes on the job's schedule;
(c) the eighth attempt (`delivery.MAX_REPLY_ATTEMPTS`) is the last, with no ninth: the
    reply is `failed` with "gave up after 8 attempts: …", its inquiry is back in front
    of staff (status `triaged`, route `staff`, a `reply_dead_lettered` event with the
    reason), the worker's `triage_replies_dead_lettered_total` counts it, and
    `GET /api/v1/replies/dead-letters` lists it;
(d) with the provider back, `POST /api/v1/replies/{id}/resend` delivers it exactly once
    (one more request at each fake), and a second resend is refused (409).
Two more tests keep defects found on the way fixed: the dead-letter list says why each
reply failed, and a resent automatic answer reaches the citizen (the copy is the
resending person's, so it is not held back as an automatic answer).

Why: providers throttle just when a disaster's traffic peaks. Retries must spread out,
end in bounded time and never drop a reply silently: staff see it and resend it, once.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import pytest
import redis
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from rq.job import Job
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from channels.base import InboundMessage
from tests.channels.payloads import (
    LINE_ACCESS_TOKEN,
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    TWILIO_FROM,
)
from tests.fakes.line_server import FakeLine
from tests.fakes.twilio_server import FakeTwilio
from tests.helpers import bearer, make_staff, wait_for
from triage.auth.tables import Role
from triage.core import queues
from triage.core.db import utcnow
from triage.core.queues import send_job_id
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries import delivery
from triage.inquiries.outbound import send_reply
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, Reply, ReplyStatus
from triage.intake.port import Accepted, Delivery, IntakePort

pytestmark = pytest.mark.slow

# Seven retries after the first try: the eighth attempt is the last (MAX_REPLY_ATTEMPTS).
RETRY_INTERVALS = (1, 1, 1, 2, 2, 3, 5)
RETRY_AFTER_SECONDS = 30
THROTTLED, BROKEN = 3, delivery.MAX_REPLY_ATTEMPTS - 3  # 429s first, then 500s
LINE_USER = "U4af4980629b1d1b1b1b1b1b1b1b1b1b1"
SMS_SENDER = "+819012345678"
Answer = tuple[int, dict[str, Any]]
# `triage worker`, with the senders imported up front: the first LINE send would import
# the LINE SDK (2 s of CPU, far more on a loaded machine) inside the gaps measured here.
WARM_WORKER = "import channels.line.outbound, channels.sms.outbound, triage.cli.main as m; m.main()"


def timed(
    handle: Callable[[BaseHTTPRequestHandler], Answer],
    times: list[float],
    request: BaseHTTPRequestHandler,
) -> Answer:
    """Note when the request came; a 429 answer carries `Retry-After` (30 s)."""
    times.append(time.monotonic())
    status, payload = handle(request)
    if status == 429:
        send_response = request.send_response

        def send_with_header(code: int, message: str | None = None) -> None:
            send_response(code, message)
            request.send_header("Retry-After", str(RETRY_AFTER_SECONDS))

        request.send_response = send_with_header  # type: ignore[method-assign]
    return status, payload


@dataclass
class TimedTwilio(FakeTwilio):
    times: list[float] = field(default_factory=list)

    def handle(self, request: BaseHTTPRequestHandler) -> Answer:
        return timed(super().handle, self.times, request)


@dataclass
class TimedLine(FakeLine):
    times: list[float] = field(default_factory=list)

    def handle(self, request: BaseHTTPRequestHandler) -> Answer:
        return timed(super().handle, self.times, request)


@pytest.fixture
def fake_twilio() -> Iterator[TimedTwilio]:
    server = TimedTwilio(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def fake_line() -> Iterator[TimedLine]:
    server = TimedLine(LINE_ACCESS_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def settings(settings: Settings, fake_twilio: TimedTwilio, fake_line: TimedLine) -> Settings:
    return settings.model_copy(
        update={
            "twilio_account_sid": TWILIO_ACCOUNT_SID,
            "twilio_auth_token": SecretStr(TWILIO_AUTH_TOKEN),
            "twilio_from": TWILIO_FROM,
            "twilio_api_base": fake_twilio.base_url,
            "line_channel_access_token": SecretStr(LINE_ACCESS_TOKEN),
            "line_api_base": fake_line.base_url,
            "job_retry_intervals": RETRY_INTERVALS,
        }
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dead_lettered(metrics_port: int) -> dict[tuple[str, str], float]:
    """A worker's `triage_replies_dead_lettered_total`, by (channel, status)."""
    text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
    return {
        (sample.labels["channel"], sample.labels["status"]): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "triage_replies_dead_lettered_total"
    }


def serves_metrics(metrics_port: int) -> bool:
    try:
        dead_lettered(metrics_port)
    except httpx.HTTPError:
        return False
    return True


@pytest.fixture
def outbound_worker(settings: Settings, redis_url: str) -> Iterator[int]:
    """A `triage worker outbound` subprocess; yields the port of its metrics."""
    port = free_port()
    env = {
        **os.environ,
        "TRIAGE_HOME": str(settings.home),
        "TRIAGE_DATABASE_URL": settings.resolved_database_url,
        "TRIAGE_REDIS_URL": redis_url,
        "TRIAGE_LOG_LEVEL": "WARNING",
        "TRIAGE_TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TRIAGE_TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TRIAGE_TWILIO_FROM": TWILIO_FROM,
        "TRIAGE_TWILIO_API_BASE": str(settings.twilio_api_base),
        "TRIAGE_LINE_CHANNEL_ACCESS_TOKEN": LINE_ACCESS_TOKEN,
        "TRIAGE_LINE_API_BASE": str(settings.line_api_base),
        "TRIAGE_WORKER_METRICS_PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", WARM_WORKER, "worker", "outbound"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: serves_metrics(port), 60, "the outbound worker started")
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def staff_reply(
    resources: Resources, client: TestClient, token: str, channel: str, sender: str
) -> tuple[str, int]:
    """An inquiry on `channel` routed to staff, answered by a responder through the API
    (which queues the send). Returns the inquiry's id and the reply's."""
    message = InboundMessage(
        channel=channel,
        provider_message_id=f"{channel}-outage-1",
        sender=sender,
        text="給水車はいつ来ますか",
        received_at=utcnow(),
    )
    (accepted,) = IntakePort(resources).accept([Delivery(message)])
    assert isinstance(accepted, Accepted)
    with resources.session_factory() as session:
        session.execute(
            update(Inquiry)
            .where(Inquiry.id == accepted.inquiry_id)
            .values(status="triaged", route="staff", priority="P3")
        )
        session.commit()
    response = client.post(
        f"/api/v1/inquiries/{accepted.inquiry_id}/reply",
        json={"text": "給水車は15時に七尾駅前に来ます。"},
        headers=bearer(token),
    )
    assert response.status_code == 202, response.text
    (reply,) = [r for r in response.json()["replies"] if r["author"] == "aya"]
    return accepted.inquiry_id, int(reply["id"])


def stored(session_factory: sessionmaker[Session], reply_id: int) -> Reply:
    with session_factory() as session:
        reply = session.get(Reply, reply_id)
        assert reply is not None
        return reply


def assert_backed_off(times: list[float], schedule: list[int]) -> None:
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) == len(schedule) == len(RETRY_INTERVALS)
    for gap, wait in zip(gaps, schedule, strict=True):
        # RQ schedules by the whole second and its scheduler looks once a second; the
        # upper margin leaves room for a loaded machine (one worker runs both jobs).
        assert wait - 1 < gap < wait + 3, (gaps, schedule)
    assert gaps[-1] > gaps[0], gaps  # backing off, not a fixed pace
    assert max(gaps[:THROTTLED]) < RETRY_AFTER_SECONDS  # (b): Retry-After is not read


def test_an_outage_backs_off_dead_letters_and_a_resend_delivers_once(
    client: TestClient,
    resources: Resources,
    redis_conn: redis.Redis,
    session_factory: sessionmaker[Session],
    fake_twilio: TimedTwilio,
    fake_line: TimedLine,
    outbound_worker: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(queues, "random", random.Random(7))  # the jitter, made repeatable
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    for fake in (fake_twilio, fake_line):
        fake.fail_next(429, THROTTLED)
        fake.fail_next(500, BROKEN)
    sms_inquiry, sms_reply = staff_reply(resources, client, token, "sms", SMS_SENDER)
    line_inquiry, line_reply = staff_reply(resources, client, token, "line", LINE_USER)
    replies = {sms_reply: sms_inquiry, line_reply: line_inquiry}

    def dead() -> bool:
        return all(stored(session_factory, r).status == ReplyStatus.FAILED for r in replies)

    wait_for(dead, 90, "both replies were dead-lettered")
    time.sleep(2)  # time enough for a ninth attempt, were one scheduled

    # (a), (b): the gaps follow each job's own schedule, which grows, with jitter.
    schedules = [
        Job.fetch(send_job_id(r), connection=redis_conn).retry_intervals or [] for r in replies
    ]
    for schedule in schedules:
        for wait, base in zip(schedule, RETRY_INTERVALS, strict=True):
            assert base <= wait <= base + round(base * queues.RETRY_JITTER)
    assert schedules[0] != schedules[1]
    assert any(list(RETRY_INTERVALS) != s for s in schedules)
    assert_backed_off(fake_twilio.times, schedules[0])
    assert_backed_off(fake_line.times, schedules[1])

    # (c): eight attempts and no more; back with staff with the reason; counted; listed.
    assert (fake_twilio.calls, len(fake_line.calls)) == (8, 8)
    assert (fake_twilio.sent, fake_line.delivered) == ([], [])
    with session_factory() as session:
        for reply_id, inquiry_id in replies.items():
            reply = session.get(Reply, reply_id)
            assert reply is not None and reply.attempts == delivery.MAX_REPLY_ATTEMPTS
            assert (reply.error or "").startswith("gave up after 8 attempts: ")
            assert "500" in (reply.error or "")
            inquiry = session.get(Inquiry, inquiry_id)
            assert inquiry is not None and (inquiry.status, inquiry.route) == ("triaged", "staff")
            events = session.scalars(
                select(InquiryEvent.detail).where(
                    InquiryEvent.inquiry_id == inquiry_id,
                    InquiryEvent.kind == EventKind.REPLY_DEAD_LETTERED,
                )
            ).all()
            assert events == [{"reply_id": reply_id, "reason": reply.error, "status": "failed"}]
    assert dead_lettered(outbound_worker) == {("sms", "failed"): 1.0, ("line", "failed"): 1.0}
    listed = client.get("/api/v1/replies/dead-letters", headers=bearer(token)).json()
    assert sorted((r["id"], r["status"]) for r in listed) == sorted((r, "failed") for r in replies)

    # (d): the providers are back; a resend goes out once, and only once.
    resent: dict[int, int] = {}
    for reply_id in replies:
        response = client.post(f"/api/v1/replies/{reply_id}/resend", headers=bearer(token))
        assert response.status_code == 202, response.text
        resent[reply_id] = int(response.json()["id"])
        again = client.post(f"/api/v1/replies/{reply_id}/resend", headers=bearer(token))
        assert again.status_code == 409
    wait_for(
        lambda: all(stored(session_factory, r).status == ReplyStatus.SENT for r in resent.values()),
        60,
        "the resent replies were sent",
    )
    time.sleep(1)  # a duplicate send, were one queued, would have arrived by now
    assert (fake_twilio.calls, len(fake_line.calls)) == (9, 9)
    assert (len(fake_twilio.sent), len(fake_line.delivered)) == (1, 1)
    assert (fake_twilio.sent[0].to, fake_line.delivered[0].body["to"]) == (SMS_SENDER, LINE_USER)
    assert stored(session_factory, resent[sms_reply]).provider_message_id == fake_twilio.sent[0].sid
    assert client.get("/api/v1/replies/dead-letters", headers=bearer(token)).json() == []


def dead_letter_now(
    resources: Resources, client: TestClient, fake_line: TimedLine, token: str, *, author: str
) -> int:
    """A LINE reply refused for good (400): a dead letter at once, in this process."""
    inquiry_id, _ = staff_reply(resources, client, token, "line", LINE_USER)
    with resources.session_factory() as session:
        if author == "playbook":  # an automatic answer to an inquiry the machine closed
            session.execute(
                update(Inquiry)
                .where(Inquiry.id == inquiry_id)
                .values(status="answered", route="auto_reply")
            )
        session.execute(update(Reply).where(Reply.inquiry_id == inquiry_id).values(author=author))
        session.commit()
        reply_id = session.scalars(select(Reply.id).where(Reply.inquiry_id == inquiry_id)).one()
    fake_line.fail_next(400)
    send_reply(reply_id, resources=resources)
    assert stored(resources.session_factory, reply_id).status == ReplyStatus.FAILED
    return reply_id


def test_the_dead_letter_list_says_why_each_reply_failed(
    client: TestClient,
    resources: Resources,
    session_factory: sessionmaker[Session],
    fake_line: TimedLine,
) -> None:
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    reply_id = dead_letter_now(resources, client, fake_line, token, author="aya")
    (listed,) = client.get("/api/v1/replies/dead-letters", headers=bearer(token)).json()
    assert listed["id"] == reply_id
    assert "400" in str(listed.get("error"))


def test_a_resent_automatic_answer_reaches_the_citizen(
    client: TestClient,
    resources: Resources,
    session_factory: sessionmaker[Session],
    fake_line: TimedLine,
) -> None:
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    reply_id = dead_letter_now(resources, client, fake_line, token, author="playbook")
    response = client.post(f"/api/v1/replies/{reply_id}/resend", headers=bearer(token))
    assert response.status_code == 202
    copy = int(response.json()["id"])
    send_reply(copy, resources=resources)
    assert stored(session_factory, copy).status == ReplyStatus.SENT
    assert len(fake_line.delivered) == 1
