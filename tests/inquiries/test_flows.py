"""Triage of one stored inquiry, applied to the record: the outcome written once, and
fail urgent when automatic triage keeps failing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from playbooks.seed import seed_default_playbooks
from tests.helpers import post_inquiry
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries import flows
from triage.inquiries.service import get_inquiry
from triage.inquiries.tables import Inquiry
from triage.routing.answers import DatabaseAnswers
from triage.routing.pipeline import TriagePipeline


@pytest.fixture
def pipeline(settings: Settings, session_factory: sessionmaker[Session]) -> TriagePipeline:
    seed_default_playbooks(settings)
    return TriagePipeline.load(settings, DatabaseAnswers.reading(session_factory))


def out_of_attempts(session_factory: sessionmaker[Session], inquiry_id: str) -> None:
    with session_factory() as session:
        session.execute(
            update(Inquiry)
            .where(Inquiry.id == inquiry_id)
            .values(attempts=flows.MAX_TRIAGE_ATTEMPTS)
        )
        session.commit()


@pytest.mark.parametrize(
    ("text", "priority", "category"),
    [
        ("家が倒壊して母が下敷きになっています", "P1", "rescue"),  # the rules say P1
        ("給水所はどこですか", "P2", "other"),  # routine: a person still looks, as P2
    ],
)
def test_after_the_last_failed_attempt_the_most_urgent_local_verdict_is_kept(
    client: TestClient,
    resources: Resources,
    session_factory: sessionmaker[Session],
    pipeline: TriagePipeline,
    text: str,
    priority: str,
    category: str,
) -> None:
    inquiry_id = post_inquiry(client, text)["id"]
    out_of_attempts(session_factory, inquiry_id)

    flows.triage_inquiry(inquiry_id, resources=resources, pipeline=pipeline)

    with session_factory() as session:
        inquiry = get_inquiry(inquiry_id, session=session, with_history=True)
        assert (inquiry.priority, inquiry.category, inquiry.route) == (priority, category, "urgent")
        assert inquiry.status == "triaged"
        failed = [e for e in inquiry.events if e.kind == "triage_failed"]
        assert len(failed) == 1 and failed[0].detail["priority"] == priority
        assert inquiry.replies == []  # nothing automatic goes out


class BrokenEngine:
    """An assessment that crashes on every call: the reason triage keeps failing."""

    llm = None

    def assess_local(self, text: str, *, language_hint: str | None = None) -> None:
        raise RuntimeError("the model file is corrupt")


def test_when_even_the_local_layers_fail_a_person_sees_it_as_p2(
    client: TestClient,
    resources: Resources,
    session_factory: sessionmaker[Session],
    pipeline: TriagePipeline,
) -> None:
    inquiry_id = post_inquiry(client, "家が倒壊して母が下敷きになっています")["id"]
    broken = TriagePipeline(BrokenEngine(), pipeline.gazetteer, pipeline.answers)  # type: ignore[arg-type]
    for _ in range(flows.MAX_TRIAGE_ATTEMPTS):
        with pytest.raises(RuntimeError):
            flows.triage_inquiry(inquiry_id, resources=resources, pipeline=broken)

    flows.triage_inquiry(inquiry_id, resources=resources, pipeline=broken)

    with session_factory() as session:
        inquiry = get_inquiry(inquiry_id, session=session)
        assert (inquiry.priority, inquiry.route, inquiry.attempts) == (
            "P2",
            "urgent",
            flows.MAX_TRIAGE_ATTEMPTS + 1,
        )


def test_a_duplicate_job_changes_nothing(
    client: TestClient,
    resources: Resources,
    session_factory: sessionmaker[Session],
    pipeline: TriagePipeline,
) -> None:
    inquiry_id = post_inquiry(client, "七尾市の避難所はどこですか")["id"]
    flows.triage_inquiry(inquiry_id, resources=resources, pipeline=pipeline)
    flows.triage_inquiry(inquiry_id, resources=resources, pipeline=pipeline)
    with session_factory() as session:
        inquiry = get_inquiry(inquiry_id, session=session, with_history=True)
        assert inquiry.route == "auto_reply" and inquiry.attempts == 1
        assert len(inquiry.replies) == 1
        (answer,) = inquiry.replies  # traceable to the exact approved text
        assert (answer.playbook_id, answer.playbook_version) == ("shelter_location", 1)
        assert [e.kind for e in inquiry.events].count("routed") == 1
