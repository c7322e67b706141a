"""Channel tests run with Twilio and LINE credentials configured (test values), and the
provider APIs pointed at small local fake servers that check the real request shapes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import redis
from pydantic import SecretStr

from playbooks.seed import seed_default_playbooks
from tests.channels.payloads import (
    LINE_ACCESS_TOKEN,
    LINE_CHANNEL_SECRET,
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    TWILIO_FROM,
)
from tests.fakes.line_server import FakeLine
from tests.fakes.twilio_server import FakeTwilio
from triage.core.job_failures import TriageWorker
from triage.core.queues import QueueName, get_queue
from triage.core.resources import Resources, resources_installed
from triage.core.settings import Settings


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def fake_line() -> Iterator[FakeLine]:
    server = FakeLine(LINE_ACCESS_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def settings(settings: Settings, fake_twilio: FakeTwilio, fake_line: FakeLine) -> Settings:
    return settings.model_copy(
        update={
            "twilio_account_sid": TWILIO_ACCOUNT_SID,
            "twilio_auth_token": SecretStr(TWILIO_AUTH_TOKEN),
            "twilio_from": TWILIO_FROM,
            "twilio_api_base": fake_twilio.base_url,
            "line_channel_secret": SecretStr(LINE_CHANNEL_SECRET),
            "line_channel_access_token": SecretStr(LINE_ACCESS_TOKEN),
            "line_api_base": fake_line.base_url,
        }
    )


@pytest.fixture
def work(
    settings: Settings, resources: Resources, redis_conn: redis.Redis
) -> Iterator[Callable[[], None]]:
    """Runs every queued job (triage, then outbound) in this process until none is left."""
    seed_default_playbooks(settings)
    queues = [get_queue(QueueName.TRIAGE, redis_conn), get_queue(QueueName.OUTBOUND, redis_conn)]

    def run() -> None:
        TriageWorker(queues, connection=redis_conn).work(burst=True)

    with resources_installed(resources):
        yield run
