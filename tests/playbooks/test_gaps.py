"""Gaps: routine questions that went to staff for want of a playbook, grouped by wording
across languages, and the action that starts a playbook for a group."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from playbooks.gaps import PLACEHOLDER_ANSWER, GapInquiry, group_gaps
from tests.helpers import bearer, make_staff
from tests.playbooks.factories import content
from tests.playbooks.test_impact import GAPS_PATH, publish, store, with_analysis_routes
from triage.app import create_app
from triage.auth.tables import Role
from triage.core.settings import Settings


@pytest.fixture
def client(settings: Settings, redis_conn: redis.Redis) -> Iterator[TestClient]:
    app = with_analysis_routes(create_app(settings, redis_conn=redis_conn))
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


TOILET_JA = "仮設トイレはどこにありますか"


def store_toilet_questions(session_factory: sessionmaker[Session]) -> dict[str, str]:
    category = {"category": "information_other"}
    return {
        "ja1": store(session_factory, TOILET_JA, age_hours=3, **category),
        "ja2": store(
            session_factory, "近くの仮設トイレはどこにありますか？", age_hours=2, **category
        ),
        "en": store(
            session_factory,
            "Where is the temporary toilet?",
            language="en",
            translation_ja="仮設トイレはどこですか",
            age_hours=1,
            **category,
        ),
        "other": store(session_factory, "ゴミの回収日はいつですか", age_hours=0.5, **category),
        # Not gaps: answered by a playbook, urgent, or older than the window.
        "answered": store(
            session_factory, TOILET_JA, route="auto_reply", playbook_id="toilets", **category
        ),
        "urgent": store(session_factory, "トイレで父が倒れた", priority="P1", route="urgent"),
        "old": store(session_factory, TOILET_JA, age_hours=30, **category),
    }


def test_the_same_question_in_two_languages_is_one_gap_ranked_first(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    ids = store_toilet_questions(session_factory)
    token = bearer(make_staff(session_factory, "mei", Role.COORDINATOR))

    found = client.get(GAPS_PATH, headers=token)

    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["hours"], body["scanned"], body["truncated"]) == (24, 4, False)
    first, second = body["groups"]
    assert first["count"] == 3
    assert first["inquiry_ids"] == [ids["en"], ids["ja2"], ids["ja1"]]  # the newest first
    assert first["languages"] == ["en", "ja"]
    assert first["category"] == "information_other"
    assert first["examples"][0] == "Where is the temporary toilet?"
    assert first["first_seen"] < first["last_seen"]
    assert (second["count"], second["inquiry_ids"]) == (1, [ids["other"]])

    wider = client.get(f"{GAPS_PATH}?hours=48", headers=token).json()
    assert wider["groups"][0]["count"] == 4
    assert client.get(f"{GAPS_PATH}?hours=0", headers=token).status_code == 422


def test_a_playbook_published_since_closes_the_gap(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    store_toilet_questions(session_factory)
    publish(
        session_factory,
        content(
            "toilets",
            categories=["information_other"],
            keywords={"ja": ["仮設トイレ"], "en": ["toilet"]},
        ),
    )
    token = bearer(make_staff(session_factory, "mei", Role.COORDINATOR))

    groups = client.get(GAPS_PATH, headers=token).json()["groups"]

    assert [g["examples"] for g in groups] == [["ゴミの回収日はいつですか"]]


def test_write_a_playbook_for_this_starts_a_draft_with_the_examples_as_test_questions(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    store_toilet_questions(session_factory)
    token = bearer(make_staff(session_factory, "mei", Role.COORDINATOR))
    group = client.get(GAPS_PATH, headers=token).json()["groups"][0]

    created = client.post(f"{GAPS_PATH}/draft", json=group["draft"], headers=token)

    assert created.status_code == 201, created.text
    draft = created.json()
    assert draft["id"].startswith("gap_")
    assert (draft["status"], draft["published_version"]) == ("draft", None)
    assert draft["content"]["title_ja"] == "Where is the temporary toilet?"
    assert draft["content"]["categories"] == ["information_other"]
    assert draft["content"]["answers"] == {"ja": PLACEHOLDER_ANSWER}
    assert draft["content"]["keywords"] == {}
    # The playbook routes still answer under the same prefix.
    stored = client.get(f"/api/v1/playbooks/{draft['id']}", headers=token).json()
    (version,) = stored["versions"]
    assert version["created_by"] == "mei"
    for example in group["examples"]:
        assert example in version["note"]
    assert TOILET_JA in version["note"] and "仮設トイレ" in version["note"]

    again = client.post(f"{GAPS_PATH}/draft", json=group["draft"], headers=token)
    assert again.status_code == 409
    blank = {"examples": ["  "], "category": "information_other"}
    assert client.post(f"{GAPS_PATH}/draft", json=blank, headers=token).status_code == 422


def test_only_coordinators_see_gaps_or_start_drafts(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    assert client.get(GAPS_PATH).status_code == 401
    responder = bearer(make_staff(session_factory, "aya", Role.RESPONDER))
    assert client.get(GAPS_PATH, headers=responder).status_code == 403
    body = {"examples": [TOILET_JA], "category": "information_other"}
    assert client.post(f"{GAPS_PATH}/draft", json=body, headers=responder).status_code == 403


def test_grouping_puts_unlike_questions_apart_and_ranks_by_count_then_recency() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)

    def asked(number: int, text: str, minutes: int) -> GapInquiry:
        return GapInquiry(
            f"g{number}", text, "ja", "information_other", now - timedelta(minutes=minutes)
        )

    groups = group_gaps(
        [
            asked(1, "ゴミの回収日はいつですか", 50),
            asked(2, "ガソリンスタンドは営業していますか", 5),
            asked(3, "ゴミの回収日はいつですか？", 40),
            asked(4, "携帯の充電ができる場所はありますか", 1),
            asked(5, "!", 2),
        ]
    )

    assert [g.inquiry_ids for g in groups] == [["g3", "g1"], ["g4"], ["g5"], ["g2"]]
    assert group_gaps([]) == []
