"""Situation values: a coordinator changes a fact once and every answer citing it says
the new value; an answer citing a value nobody set is never sent (a person answers)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from playbooks import service
from tests.console.test_pages import headers
from tests.helpers import bearer, make_staff
from tests.playbooks.factories import content
from triage.assessment.schemas import Assessment, Category, Engine, Priority
from triage.auth.tables import Role
from triage.routing.answers import Answers, DatabaseAnswers

TRUCKS = content(
    "water_trucks",
    categories=["water_food_supplies"],
    keywords={"ja": ["給水"], "en": ["water"]},
    answers={
        "ja": "給水車: {situation_water_trucks}",
        "en": "Water trucks: {situation_water_trucks}",
    },
)
QUESTION = Assessment(
    priority=Priority.ROUTINE,
    category=Category.WATER_FOOD_SUPPLIES,
    language="en",
    confidence=0.9,
    engine=Engine.RULES,
)


def test_an_answer_cites_the_current_value_in_the_citizens_language(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        service.create(TRUCKS, actor="mei", session=session)
        service.publish("water_trucks", 1, session=session, actor="mei")
        session.commit()
    answers = Answers(DatabaseAnswers.reading(session_factory), None)
    assert answers.choose(QUESTION, "where is water?") is None  # unset: a person answers

    mei = make_staff(session_factory, "mei", Role.COORDINATOR)
    client.post(
        "/console/situation",
        data={"name": "water_trucks", "value_ja": "駅前 10時〜", "value_en": "station, from 10:00"},
        headers=headers(mei),
    )
    fresh = Answers(DatabaseAnswers.reading(session_factory), None)
    chosen = fresh.choose(QUESTION, "where is water?")
    assert chosen is not None
    assert fresh.render(chosen, None).startswith("Water trucks: station, from 10:00")
    ja = fresh.choose(QUESTION.model_copy(update={"language": "vi"}), "water")  # no vi: ja-easy, ja
    assert ja is not None and "駅前 10時〜" in fresh.render(ja, None)

    changed = client.put(
        "/api/v1/situation/water_trucks",
        json={"values": {"ja": "東小学校 13時〜"}},
        headers=bearer(mei),
    )
    assert changed.status_code == 200 and changed.json()["updated_by"] == "mei"
    latest = Answers(DatabaseAnswers.reading(session_factory), None)
    chosen = latest.choose(QUESTION, "where is water?")
    assert chosen is not None and "東小学校 13時〜" in latest.render(chosen, None)
    page = client.get("/console/situation", headers=headers(mei)).text
    assert "{situation_water_trucks}" in page and "東小学校 13時〜" in page


def test_values_are_checked_and_only_coordinators_change_them(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    mei = make_staff(session_factory, "mei", Role.COORDINATOR)
    body = {"values": {"ja": "駅前"}}
    assert client.put("/api/v1/situation/water", json=body, headers=bearer(aya)).status_code == 403
    no_ja = client.put("/api/v1/situation/water", json={"values": {"en": "x"}}, headers=bearer(mei))
    assert no_ja.status_code == 422
    brace = client.put(
        "/api/v1/situation/water", json={"values": {"ja": "{x}"}}, headers=bearer(mei)
    )
    assert brace.status_code == 422
    assert client.put("/api/v1/situation/Water!", json=body, headers=bearer(mei)).status_code == 422
    assert client.delete("/api/v1/situation/water", headers=bearer(mei)).status_code == 404
