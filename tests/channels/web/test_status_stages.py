"""The citizen's status page says where the inquiry stands, as the record says it.

One urgent inquiry is followed through the staff API as a responder works it: received →
urgent (with what to do while waiting) → a responder's words → resolved with its
outcome → reopened; a routine one is answered by a playbook and never says "please
wait for an answer" above the answer it already gave; a closed chatter message says no
action is needed. The page's JSON view carries the same stage, and the live feed sends
the page's changing part when the record changes.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from channels.web.status import _read
from playbooks.seed import seed_default_playbooks
from tests.helpers import bearer, make_staff, post_inquiry
from triage.auth.tables import Role
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries import flows
from triage.inquiries.citizen_stage import CitizenStage, citizen_stage
from triage.routing.answers import DatabaseAnswers
from triage.routing.pipeline import TriagePipeline


@pytest.fixture
def pipeline(settings: Settings, session_factory: sessionmaker[Session]) -> TriagePipeline:
    seed_default_playbooks(settings)
    return TriagePipeline.load(settings, DatabaseAnswers.reading(session_factory))


def _token(status_url: str) -> str:
    return status_url.rsplit("/", 1)[-1]


def _sent_and_triaged(
    client: TestClient, resources: Resources, pipeline: TriagePipeline, text: str
) -> str:
    """A citizen's message through the API and the triage worker; its status token."""
    posted = post_inquiry(client, text)
    flows.triage_inquiry(posted["id"], resources=resources, pipeline=pipeline)
    return _token(posted["status_url"])


def _stage(client: TestClient, token: str) -> str:
    view = client.get(f"/status/{token}", headers={"Accept": "application/json"}).json()
    stage: str = view["stage"]
    return stage


def test_an_urgent_inquiry_through_every_stage(
    client: TestClient,
    session_factory: sessionmaker[Session],
    resources: Resources,
    pipeline: TriagePipeline,
) -> None:
    staff = bearer(make_staff(session_factory, "rin", Role.RESPONDER))
    posted = post_inquiry(client, "家が潰れて父が下敷きになっています")
    token = _token(posted["status_url"])
    assert _stage(client, token) == "received"
    page = client.get(f"/status/{token}?lang=en").text
    assert "being checked now" in page

    flows.triage_inquiry(posted["id"], resources=resources, pipeline=pipeline)
    assert _stage(client, token) == "urgent"
    page = client.get(f"/status/{token}?lang=en").text
    assert "treated as urgent" in page and "While you wait" in page
    assert "119" in page and "battery" in page
    assert "Your answer is below" not in page

    inquiry = f"/api/v1/inquiries/{posted['id']}"
    assert client.post(f"{inquiry}/claim", headers=staff).status_code == 200
    said = client.post(f"{inquiry}/reply", json={"text": "救助隊が向かっています"}, headers=staff)
    assert said.status_code == 202, said.text
    page = client.get(f"/status/{token}").text
    assert "救助隊が向かっています" in page
    assert _stage(client, token) == "urgent"  # still urgent until it is resolved

    done = client.post(f"{inquiry}/resolve", json={"outcome": "helped"}, headers=staff)
    assert done.status_code == 200, done.text
    assert _stage(client, token) == "resolved"
    page = client.get(f"/status/{token}?lang=en").text
    assert "finished" in page and "Help was given" in page
    assert "担当者が確認しています" not in client.get(f"/status/{token}").text

    assert (
        client.post(f"{inquiry}/reopen", json={"note": "まだ母が中に"}, headers=staff).status_code
        == 200
    )
    assert _stage(client, token) == "reopened"


def test_a_routine_answer_is_not_told_to_wait_for_an_answer(
    client: TestClient, resources: Resources, pipeline: TriagePipeline
) -> None:
    token = _sent_and_triaged(client, resources, pipeline, "給水所はどこですか")
    assert _stage(client, token) == "answered"
    page = client.get(f"/status/{token}?lang=en").text
    assert "The answer is below" in page
    assert "will answer here" not in page


def test_a_closed_message_says_no_action_is_needed(
    client: TestClient, resources: Resources, pipeline: TriagePipeline
) -> None:
    token = _sent_and_triaged(client, resources, pipeline, "本当にありがとうございました！")
    assert _stage(client, token) == "closed"


def test_the_live_feed_sends_the_changing_part_when_the_record_changes(
    client: TestClient,
    session_factory: sessionmaker[Session],
    resources: Resources,
    pipeline: TriagePipeline,
) -> None:
    posted = post_inquiry(client, "家が潰れて父が下敷きになっています")
    token = _token(posted["status_url"])
    before = _read(session_factory, token, "en")
    assert before is not None and "being checked now" in before[1]
    assert _read(session_factory, token, "en") == before  # nothing changed: same version
    flows.triage_inquiry(posted["id"], resources=resources, pipeline=pipeline)
    after = _read(session_factory, token, "en")
    assert after is not None and after[0] != before[0]
    assert "treated as urgent" in after[1]
    assert _read(session_factory, "no-such-link", "en") is None
    assert client.get("/status/no-such-link/live").status_code == 404


@pytest.mark.parametrize(
    ("status", "route", "events", "stage"),
    [
        ("received", None, ["received"], CitizenStage.RECEIVED),
        ("triaged", "urgent", ["received", "routed"], CitizenStage.URGENT),
        ("answered", "urgent", ["received", "routed", "replied"], CitizenStage.URGENT),
        ("triaged", "staff", ["received", "routed"], CitizenStage.WITH_PERSON),
        ("answered", "auto_reply", ["received", "routed"], CitizenStage.ANSWERED),
        ("resolved", "urgent", ["resolved"], CitizenStage.RESOLVED),
        ("triaged", "urgent", ["resolved", "reopened"], CitizenStage.REOPENED),
        ("answered", "staff", ["resolved", "reopened", "replied"], CitizenStage.ANSWERED),
        ("closed", "closed", ["received", "routed"], CitizenStage.CLOSED),
    ],
)
def test_stages(status: str, route: str | None, events: list[str], stage: CitizenStage) -> None:
    assert citizen_stage(status, route, events) is stage


def test_pages_stay_light_for_a_weak_mobile_connection(
    client: TestClient, resources: Resources, pipeline: TriagePipeline
) -> None:
    """HTML with its inline CSS and script, no other request: under 30 KB (issue 14)."""
    token = _sent_and_triaged(client, resources, pipeline, "家が潰れて父が下敷きになっています")
    for path in ("/?lang=ja", "/?lang=ne", f"/status/{token}?lang=vi", f"/status/{token}"):
        page = client.get(path)
        assert page.status_code == 200
        assert len(page.content) < 30_000, (path, len(page.content))
        assert "<link" not in page.text and "src=" not in page.text  # nothing else to fetch


def test_an_open_live_feed_holds_no_database_connection(
    client: TestClient, db_engine: Engine
) -> None:
    """Found in review: the feed took a request-scoped session, which FastAPI closes only
    after the response, so every open status page held a pooled connection for up to
    ten minutes (a few dozen pages would starve intake)."""
    posted = post_inquiry(client, "避難所はどこですか")
    token = _token(posted["status_url"])
    pool = db_engine.pool
    with client.stream("GET", f"/status/{token}/live?lang=en") as feed:
        lines = feed.iter_lines()
        first = next(line for line in lines if line.startswith("event:"))
        assert first == "event: status"
        assert pool.checkedout() == 0  # type: ignore[attr-defined]
