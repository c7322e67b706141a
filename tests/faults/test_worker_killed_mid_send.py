"""kill -9 of the outbound worker while Twilio holds the message: the citizen gets
exactly one SMS. The row stays "sending"; the sweeper hands it to the settle job, which
finds the message in Twilio's list instead of sending it again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from channels.base import InboundMessage
from tests.channels.payloads import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM
from tests.fakes.json_api import STALL
from tests.fakes.twilio_server import FakeTwilio
from tests.helpers import wait_for
from triage.core.db import utcnow
from triage.core.queues import enqueue_send_reply
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries import replies, service
from triage.inquiries.tables import Inquiry, Reply, ReplyStatus
from triage.intake.port import Accepted, Delivery, IntakePort

pytestmark = pytest.mark.slow


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).start()
    server.stall_seconds = 30  # the worker is killed while Twilio holds its request
    yield server
    server.stop()


def worker(
    settings: Settings, redis_url: str, fake: FakeTwilio, queue: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TRIAGE_HOME": str(settings.home),
        "TRIAGE_DATABASE_URL": settings.resolved_database_url,
        "TRIAGE_REDIS_URL": redis_url,
        "TRIAGE_LOG_LEVEL": "WARNING",
        "TRIAGE_TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TRIAGE_TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TRIAGE_TWILIO_FROM": TWILIO_FROM,
        "TRIAGE_TWILIO_API_BASE": fake.base_url,
        "TRIAGE_OUTBOUND_TIMEOUT_SECONDS": "60",
        "TRIAGE_REPLY_SENDING_TIMEOUT_SECONDS": "1",
        "TRIAGE_SWEEP_INTERVAL_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "triage.cli.main", "worker", queue],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_send_cut_off_by_kill_9_reaches_the_citizen_once(
    settings: Settings,
    resources: Resources,
    redis_url: str,
    redis_conn: redis.Redis,
    session_factory: sessionmaker[Session],
    fake_twilio: FakeTwilio,
) -> None:
    message = InboundMessage(
        channel="sms",
        provider_message_id="SMkill9",
        sender="+819012345678",
        text="母と連絡が取れません",
        received_at=utcnow(),
    )
    (accepted,) = IntakePort(resources).accept([Delivery(message)])
    assert isinstance(accepted, Accepted)
    with session_factory() as session:
        session.execute(
            update(Inquiry)
            .where(Inquiry.id == accepted.inquiry_id)
            .values(status="triaged", route="urgent", priority="P2")
        )
        inquiry = service.get_inquiry(accepted.inquiry_id, session=session)
        reply = replies.add_reply(inquiry, "担当者が向かいます。", author="aya", session=session)
        session.commit()
        reply_id = reply.id
    redis_conn.delete("rq:queue:triage")  # no triage job: only the reply matters here
    fake_twilio.fail_next(STALL)
    enqueue_send_reply(redis_conn, reply_id)

    processes = [worker(settings, redis_url, fake_twilio, "outbound")]
    try:
        wait_for(lambda: len(fake_twilio.sent) == 1, 60, "Twilio took the message")
        os.kill(processes[0].pid, signal.SIGKILL)
        processes[0].wait(timeout=10)
        processes += [
            worker(settings, redis_url, fake_twilio, "triage"),  # runs the sweeper
            worker(settings, redis_url, fake_twilio, "outbound"),  # runs the settle job
        ]

        def settled() -> bool:
            with session_factory() as session:
                row = session.get(Reply, reply_id)
                return row is not None and row.status == ReplyStatus.SENT

        wait_for(settled, 60, "the reply was settled as sent")
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)

    assert len(fake_twilio.sent) == 1  # exactly one SMS reached the citizen
    assert fake_twilio.lookups >= 1
    with session_factory() as session:
        row = session.get(Reply, reply_id)
        assert row is not None and row.provider_message_id == fake_twilio.sent[0].sid
