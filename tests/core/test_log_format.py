"""Logs are JSON and never carry message text or phone numbers at INFO."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from triage.core.log_format import JsonFormatter, mask_contact


def test_mask_contact_keeps_only_the_ends() -> None:
    assert mask_contact("+819012345678") == "+81*******678"
    assert mask_contact("") == ""
    assert mask_contact("12345") == "*****"


def test_formatter_writes_json_with_extra_fields() -> None:
    record = logging.makeLogRecord(
        {"msg": "inquiry received", "levelname": "INFO", "inquiry_id": "abc"}
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "inquiry received"
    assert entry["inquiry_id"] == "abc"


def test_intake_logs_ids_not_text_or_numbers(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        client.post(
            "/api/v1/inquiries", json={"text": "秘密の本文 助けて", "contact": "+819012345678"}
        )
    formatted = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "inquiry received" in formatted
    assert "秘密の本文" not in formatted
    assert "9012345678" not in formatted
