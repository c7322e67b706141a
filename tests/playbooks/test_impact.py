"""Impact replay: what publishing a draft would change over the stored inquiries, through
the API and, as a property of the pure replay, that an unchanged playbook changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from playbooks import service
from playbooks.impact import StoredInquiry, outcomes, replay, stored_assessment
from playbooks.matcher import match
from playbooks.schemas import PlaybookContent
from playbooks.seed import default_playbooks
from tests.helpers import bearer, make_staff
from tests.playbooks.factories import content
from triage.app import create_app
from triage.assessment.schemas import FLAG_INJECTION, Category, Priority
from triage.auth.tables import Role
from triage.console.playbook_analysis import answerable
from triage.console.playbook_analysis_views import router as analysis_router
from triage.core.db import utcnow
from triage.core.settings import Settings
from triage.inquiries.service import new_inquiry_id
from triage.inquiries.tables import Inquiry, InquiryStatus
from triage.routing.decision import AUTO_REPLY_MIN_MATCH_SCORE

GAPS_PATH = "/api/v1/playbooks/gaps"


def with_analysis_routes(app: FastAPI) -> FastAPI:
    """The analysis routes first, as `triage.app` must include them (before the playbook
    routes, whose `/{playbook_id}` would take `/gaps`); a no-op once the app does."""
    if not any(getattr(route, "path", None) == GAPS_PATH for route in app.router.routes):
        count = len(app.router.routes)
        app.include_router(analysis_router)
        added = app.router.routes[count:]
        del app.router.routes[count:]
        app.router.routes[0:0] = added
    return app


@pytest.fixture
def client(settings: Settings, redis_conn: redis.Redis) -> Iterator[TestClient]:
    app = with_analysis_routes(create_app(settings, redis_conn=redis_conn))
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


def store(
    session_factory: sessionmaker[Session],
    text: str,
    *,
    priority: str = "P3",
    category: str = "evacuation_shelter",
    route: str = "staff",
    playbook_id: str | None = None,
    language: str = "ja",
    age_hours: float = 1,
    **assessment: Any,
) -> str:
    """A triaged inquiry as a worker leaves it; `assessment` adds to its JSON."""
    inquiry_id = new_inquiry_id()
    now = utcnow()
    with session_factory() as session:
        session.add(
            Inquiry(
                id=inquiry_id,
                public_token=f"t{inquiry_id}",
                channel="web",
                provider_message_id=f"test-{inquiry_id}",
                text=text,
                received_at=now - timedelta(hours=age_hours),
                attachments=[],
                conversation_id=inquiry_id,
                status=InquiryStatus.TRIAGED,
                priority=priority,
                category=category,
                language=language,
                route=route,
                playbook_id=playbook_id,
                assessment={"priority": priority, "verdicts": [], "flags": [], **assessment},
                created_at=now,
                updated_at=now,
            )
        )
        session.commit()
    return inquiry_id


def publish(session_factory: sessionmaker[Session], *playbooks: PlaybookContent) -> None:
    with session_factory() as session:
        for playbook in playbooks:
            service.create(playbook, actor="test", session=session)
            service.publish(playbook.id, 1, session=session)
        session.commit()


SHELTER = content(
    "shelter", categories=["evacuation_shelter"], keywords={"ja": ["避難所"]}, answers={"ja": "A"}
)
TENT = content(
    "tent", categories=["evacuation_shelter"], keywords={"ja": ["テント"]}, answers={"ja": "B"}
)
# The next version of "shelter": no longer about shelters, about tents and bedding.
DRAFT = content(
    "shelter",
    categories=["evacuation_shelter"],
    keywords={"ja": ["テント", "寝袋", "毛布"]},
    answers={"ja": "C"},
)


def impact(client: TestClient, token: str, draft: PlaybookContent, **extra: Any) -> Any:
    response = client.post(
        f"/api/v1/playbooks/{draft.id}/impact",
        json={"content": draft.model_dump(mode="json"), **extra},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_counts_and_samples_over_the_stored_inquiries(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    publish(session_factory, SHELTER, TENT)
    ids = {
        "stops": store(session_factory, "避難所はどこですか", playbook_id="shelter"),
        "changes": store(session_factory, "テントと寝袋はどこで借りられますか", playbook_id="tent"),
        "new": store(session_factory, "毛布が欲しいです", age_hours=2),
        "urgent": store(session_factory, "毛布がなく凍えそう", priority="P1", route="urgent"),
        "unrelated": store(session_factory, "停電はいつ直りますか", category="utilities"),
        # Possibly urgent by the model: a person looks, whatever matches.
        "held": store(session_factory, "毛布はありますか", urgent_probability=0.6),
        "old": store(session_factory, "毛布をください", age_hours=10 * 24),
    }
    token = make_staff(session_factory, "mei", Role.COORDINATOR)

    report = impact(client, token, DRAFT)

    assert (report["scanned"], report["new_playbook"], report["truncated"]) == (6, False, False)
    counts = {
        name: report[name]["count"]
        for name in (
            "would_answer",
            "changes_answer",
            "stops_answering",
            "urgent_touched",
            "urgent_answered",
        )
    }
    assert counts == {
        "would_answer": 2,
        "changes_answer": 1,
        "stops_answering": 1,
        "urgent_touched": 1,
        "urgent_answered": 0,
    }
    assert [s["inquiry_id"] for s in report["would_answer"]["samples"]] == [
        ids["changes"],
        ids["new"],
    ]
    (changed,) = report["changes_answer"]["samples"]
    assert changed == {
        "inquiry_id": ids["changes"],
        "excerpt": "テントと寝袋はどこで借りられますか",
        "language": "ja",
        "before": "tent",
        "after": "shelter",
        "recorded": "tent",
    }
    (stopped,) = report["stops_answering"]["samples"]
    assert (stopped["inquiry_id"], stopped["before"], stopped["after"]) == (
        ids["stops"],
        "shelter",
        None,
    )
    assert report["urgent_touched"]["samples"][0]["inquiry_id"] == ids["urgent"]

    wider = impact(client, token, DRAFT, days=14)
    assert (wider["scanned"], wider["would_answer"]["count"]) == (7, 3)
    newest = impact(client, token, DRAFT, limit=2)
    assert (newest["scanned"], newest["truncated"]) == (2, True)


def test_a_new_playbook_is_added_and_an_urgent_inquiry_with_its_keyword_is_counted(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    publish(session_factory, SHELTER)
    urgent = store(session_factory, "毛布がなく子どもが凍えています", priority="P1", route="urgent")
    store(session_factory, "毛布が欲しいです")
    token = make_staff(session_factory, "mei", Role.COORDINATOR)
    blankets = content(
        "blankets",
        categories=["evacuation_shelter"],
        keywords={"ja": ["毛布"]},
        answers={"ja": "D"},
    )

    report = impact(client, token, blankets)

    assert report["new_playbook"] is True
    assert report["would_answer"]["count"] == 1
    assert report["urgent_touched"]["count"] == 1
    assert report["urgent_touched"]["samples"][0]["inquiry_id"] == urgent
    assert report["urgent_answered"]["count"] == 0  # the matcher never answers a P1


def test_only_coordinators_and_the_draft_must_be_this_playbook(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    path = "/api/v1/playbooks/shelter/impact"
    body = {"content": DRAFT.model_dump(mode="json")}
    assert client.post(path, json=body).status_code == 401
    responder = make_staff(session_factory, "aya", Role.RESPONDER)
    assert client.post(path, json=body, headers=bearer(responder)).status_code == 403
    coordinator = bearer(make_staff(session_factory, "mei", Role.COORDINATOR))
    other = "/api/v1/playbooks/tent/impact"
    assert client.post(other, json=body, headers=coordinator).status_code == 422
    assert client.post(path, json={**body, "days": 91}, headers=coordinator).status_code == 422
    assert client.post(path, json={**body, "limit": 0}, headers=coordinator).status_code == 422


# --- the property: replaying the published version as the draft changes nothing ---

LIBRARY = default_playbooks()
WORDS = sorted({word for p in LIBRARY for words in p.keywords.values() for word in words})
FILLER = ["", "です", "はどこ", "ください", "?", " please ", "いつ", "助けて", "123"]


@st.composite
def replays(draw: st.DrawFn) -> tuple[PlaybookContent, list[StoredInquiry]]:
    """A published playbook and stored inquiries, many of them in its words and
    categories, so that it answers some, loses some to others and ties with others."""
    published = draw(st.sampled_from(LIBRARY))
    own = sorted({word for words in published.keywords.values() for word in words})
    found = []
    for number in range(draw(st.integers(0, 25))):
        parts = draw(
            st.lists(st.sampled_from(own) | st.sampled_from(WORDS + FILLER), min_size=1, max_size=4)
        )
        text = "".join(parts)
        assessment = stored_assessment(
            priority=draw(st.sampled_from([Priority.ROUTINE] * 3 + list(Priority))),
            category=draw(st.sampled_from(published.categories) | st.sampled_from(list(Category))),
            language=draw(st.sampled_from(["ja", "en", "vi"])),
            flags=[FLAG_INJECTION] if draw(st.integers(0, 9)) == 0 else [],
            urgent_probability=draw(st.none() | st.floats(0, 1)),
        )
        can = answerable(assessment, text)
        # What the pipeline records: the match, when routing sends it by itself.
        chosen = match(assessment, text, LIBRARY)
        sent = can and chosen is not None and chosen.score >= AUTO_REPLY_MIN_MATCH_SCORE
        recorded = chosen.playbook_id if sent and chosen else None
        found.append(StoredInquiry(f"i{number}", text, assessment, can, recorded))
    return published, found


@settings(max_examples=150, deadline=None, database=None)
@given(case=replays())
def test_replaying_the_published_version_changes_nothing(
    case: tuple[PlaybookContent, list[StoredInquiry]],
) -> None:
    published, inquiries = case
    # An equal copy, not the same object: the replay must compare content, not identity.
    draft = PlaybookContent.model_validate(published.model_dump(mode="json"))

    report = replay(draft, LIBRARY, inquiries, min_score=AUTO_REPLY_MIN_MATCH_SCORE)

    answered_now = {i.id for i in inquiries if i.recorded_playbook_id == draft.id}
    replayed = list(outcomes(draft, LIBRARY, inquiries, min_score=AUTO_REPLY_MIN_MATCH_SCORE))
    assert {o.inquiry.id for o in replayed if o.after == draft.id} == answered_now
    assert all(o.before == o.after for o in replayed)
    assert report.would_answer.count == len(answered_now)
    assert (report.changes_answer.count, report.stops_answering.count) == (0, 0)
    assert report.urgent_answered.count == 0
    assert report.new_playbook is False
    assert report.scanned == len(inquiries)
