"""A failed job's traceback, kept for days in RQ's failed registry and logged, keeps
where it failed and what kind of error it was, never what the citizen wrote."""

from __future__ import annotations

import logging
import traceback

import pytest
import redis
from pydantic import BaseModel
from rq import Queue

from triage.core.job_failures import TriageWorker, scrubbed_exception, scrubbed_traceback

PHONE = "+81 90-1234-5678"
WORDS = "七尾市で家が倒れて母が下敷きになっています"
EMAIL = "aya@example.jp"


class Contact(BaseModel):
    age: int


def failing_job(inquiry_id: str) -> None:
    """Fails the way real code does: a message built from the citizen's data."""
    try:
        Contact.model_validate({"age": f"{WORDS} {PHONE}"})
    except ValueError as error:
        raise RuntimeError(f"could not read {inquiry_id}: {WORDS} ({PHONE}, {EMAIL})") from error


def _failure_text() -> str:
    try:
        failing_job("inq-1")
    except RuntimeError as error:
        return "".join(traceback.format_exception(error))
    raise AssertionError("the job did not fail")


def test_values_are_withheld_and_the_frames_kept() -> None:
    original = _failure_text()
    assert WORDS in original and PHONE in original  # what RQ would have stored

    scrubbed = scrubbed_traceback(original)
    for secret in (WORDS, PHONE, EMAIL, "1234"):
        assert secret not in scrubbed
    assert "in failing_job" in scrubbed
    assert "pydantic_core._pydantic_core.ValidationError" in scrubbed
    assert "RuntimeError: could not read inq-1: …" in scrubbed
    assert "The above exception was the direct cause" in scrubbed
    assert "more line(s) of the message withheld" in scrubbed  # pydantic's input_value=


def test_a_database_error_keeps_its_kind_and_loses_the_row() -> None:
    message = (
        '(psycopg.errors.NotNullViolation) null value in column "text" of relation '
        '"inquiries" violates not-null constraint\n'
        "DETAIL:  Failing row contains (abc, +819012345678, 35.6895, 139.6917).\n"
        "[SQL: INSERT INTO inquiries (id, sender) VALUES (%(id)s, %(sender)s)]"
    )
    error = RuntimeError(message)
    scrubbed = scrubbed_exception(error)
    assert "RuntimeError: (psycopg.errors.NotNullViolation) null value in column" in scrubbed
    assert "+819012345678" not in scrubbed and "35.6895" not in scrubbed


def test_the_worker_stores_and_logs_the_scrubbed_traceback(
    redis_conn: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    queue = Queue("scrub-test", connection=redis_conn)
    job = queue.enqueue(failing_job, "inq-2")
    with caplog.at_level(logging.ERROR, logger="rq.worker"):
        TriageWorker([queue], connection=redis_conn).work(burst=True)

    job.refresh()
    assert job.is_failed
    assert job.id in queue.failed_job_registry.get_job_ids()
    stored = job.latest_result()
    assert stored is not None and stored.exc_string is not None
    logged = caplog.text
    for text in (stored.exc_string, logged):
        assert "in failing_job" in text
        for secret in (WORDS, PHONE, EMAIL):
            assert secret not in text
