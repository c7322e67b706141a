"""Channel tests run with Twilio and LINE credentials configured (test values)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from tests.channels.payloads import (
    LINE_ACCESS_TOKEN,
    LINE_CHANNEL_SECRET,
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    TWILIO_FROM,
)
from triage.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "twilio_account_sid": TWILIO_ACCOUNT_SID,
            "twilio_auth_token": SecretStr(TWILIO_AUTH_TOKEN),
            "twilio_from": TWILIO_FROM,
            "line_channel_secret": SecretStr(LINE_CHANNEL_SECRET),
            "line_channel_access_token": SecretStr(LINE_ACCESS_TOKEN),
        }
    )
