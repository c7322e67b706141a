"""The coordinator's playbook editor: edit in the browser's form, errors next to their
field, stale translations marked until confirmed, preview as citizens get it, publish
(asking first about stale answers), roll back, and every step recorded with who."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from playbooks import service
from tests.console.test_pages import headers
from tests.helpers import bearer, make_staff
from tests.playbooks.factories import content
from triage.auth.tables import Role

WATER = content(
    "water_trucks",
    title_ja="給水車",
    categories=["water_food_supplies"],
    keywords={"ja": ["給水"], "en": ["water"]},
    answers={"ja": "給水車は駅前に来ます。", "en": "Water trucks come to the station."},
)


def _seed(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        service.create(WATER, actor="seed", session=session)
        service.publish("water_trucks", 1, session=session, actor="seed")
        session.commit()


def _form(**changes: str) -> dict[str, str]:
    fields = {
        "title_ja": "給水車",
        "categories": "water_food_supplies",
        "answer_ja": "給水車は駅前に来ます。",
        "answer_en": "Water trucks come to the station.",
        "keywords_ja": "給水",
        "keywords_en": "water",
        "action": "save",
    }
    return fields | changes


def test_edit_japanese_marks_english_for_review_and_publish_asks_first(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _seed(session_factory)
    mei = make_staff(session_factory, "mei", Role.COORDINATOR)
    page = "/console/playbooks/water_trucks"
    client.post(
        page,
        data=_form(answer_ja="給水車は東小学校に来ます。", note="場所変更"),
        headers=headers(mei),
    )
    shown = client.get(page, headers=headers(mei)).text
    assert 'id="stale"' in shown and "<strong>en</strong>" in shown
    assert "給水車は東小学校に来ます。" in shown and "119" in shown  # the preview, with footer

    refused = client.post(f"{page}/publish", data={"version": "2"}, headers=headers(mei))
    assert "may be out of date: en" in refused.text
    assert (
        client.get("/api/v1/playbooks/water_trucks", headers=bearer(mei)).json()[
            "published_version"
        ]
        == 1
    )

    client.post(f"{page}/publish", data={"version": "2", "stale": "fallback"}, headers=headers(mei))
    with session_factory() as session:
        (served,) = service.published_playbooks(session=session)
    assert served.answers == {"ja": "給水車は東小学校に来ます。"}  # the old English withheld

    client.post(f"{page}/confirm", data={"languages": "en"}, headers=headers(mei))
    assert client.get("/api/v1/playbooks/water_trucks/stale", headers=bearer(mei)).json() == {
        "stale": []
    }
    client.post(f"{page}/publish", data={"version": "1"}, headers=headers(mei))  # roll back
    with session_factory() as session:
        (served,) = service.published_playbooks(session=session)
    assert served.answers["ja"] == "給水車は駅前に来ます。"
    kinds = [
        (e["kind"], e["version"], e["actor"], e["detail"].get("rollback"))
        for e in client.get("/api/v1/playbooks/water_trucks/events", headers=bearer(mei)).json()
    ]
    assert kinds[:3] == [
        ("published", 1, "mei", True),
        ("confirmed", 2, "mei", None),
        ("published", 2, "mei", False),
    ]
    diff = client.get(f"{page}/diff?a=1&b=2", headers=headers(mei)).text
    assert "東小学校" in diff and "駅前" in diff


def test_errors_are_shown_next_to_their_field_and_nothing_is_saved(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _seed(session_factory)
    mei = make_staff(session_factory, "mei", Role.COORDINATOR)
    page = "/console/playbooks/water_trucks"
    bad = client.post(
        page,
        data=_form(answer_en="Go to {nearest_shelter_name}."),
        headers=headers(mei),
    )
    assert bad.status_code == 422
    assert 'id="err-no_location_en"' in bad.text  # a location variable needs a no-place text
    assert "Go to {nearest_shelter_name}." in bad.text  # what was typed is kept
    versions = client.get("/api/v1/playbooks/water_trucks/versions", headers=bearer(mei)).json()
    assert len(versions) == 1
    no_japanese = client.post(page, data=_form(answer_ja=""), headers=headers(mei))
    assert 'id="err-answer_ja"' in no_japanese.text
    preview = client.post(
        page, data=_form(answer_ja="試しの文", action="preview"), headers=headers(mei)
    )
    assert "試しの文" in preview.text and "未保存" in preview.text
    assert (
        len(client.get("/api/v1/playbooks/water_trucks/versions", headers=bearer(mei)).json()) == 1
    )


def test_responders_cannot_edit_or_publish(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _seed(session_factory)
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    assert client.get("/console/playbooks", headers=headers(aya)).status_code == 403
    assert (
        client.post(
            "/console/playbooks/water_trucks/publish", data={"version": "1"}, headers=headers(aya)
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/playbooks/water_trucks/publish", json={"version": 1}, headers=bearer(aya)
        ).status_code
        == 403
    )
    mei = make_staff(session_factory, "mei", Role.COORDINATOR)
    listed = client.get("/console/playbooks?q=給水", headers=headers(mei)).text
    assert "water_trucks" in listed
    assert (
        "water_trucks" not in client.get("/console/playbooks?q=blanket", headers=headers(mei)).text
    )
    created = client.post(
        "/console/playbooks",
        data={"playbook_id": "school_reopening", "title_ja": "学校の再開"},
        headers=headers(mei),
        follow_redirects=False,
    )
    assert created.headers["location"] == "/console/playbooks/school_reopening"


def test_the_impact_replay_shows_what_a_draft_would_answer_before_it_is_saved(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    from tests.console.test_pages import triaged
    from tests.helpers import post_inquiry

    _seed(session_factory)
    mei = make_staff(session_factory, "mei", Role.COORDINATOR)
    routine = post_inquiry(client, "給水所の毛布はありますか")["id"]
    triaged(session_factory, routine, "P3", "staff", category="water_food_supplies", language="ja")
    urgent = post_inquiry(client, "毛布がなく低体温で動けない人がいます")["id"]
    triaged(session_factory, urgent, "P1", "urgent", category="medical", language="ja")
    page = "/console/playbooks/water_trucks"
    shown = client.post(
        page, data=_form(keywords_ja="給水\n毛布", action="impact"), headers=headers(mei)
    )
    assert 'id="impact"' in shown.text and "給水所の毛布はありますか" in shown.text
    assert "緊急に自動で答えてしまう" in shown.text
    assert (
        len(client.get("/api/v1/playbooks/water_trucks/versions", headers=bearer(mei)).json()) == 1
    )


def test_the_gaps_page_groups_unanswered_questions_and_starts_a_draft(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    from tests.console.test_pages import triaged
    from tests.helpers import post_inquiry

    mei = make_staff(session_factory, "mei", Role.COORDINATOR)
    for text in ("仮設トイレはどこにありますか", "近くの仮設トイレはどこにありますか？"):
        inquiry_id = post_inquiry(client, text)["id"]
        triaged(
            session_factory, inquiry_id, "P3", "staff", category="information_other", language="ja"
        )
    page = client.get("/console/playbooks/gaps", headers=headers(mei)).text
    assert "2 件" in page and "仮設トイレはどこにありますか" in page
    drafted = client.post(
        "/console/playbooks/gaps/draft",
        data={
            "category": "information_other",
            "examples": ["仮設トイレはどこにありますか", "仮設トイレの場所を知りたい"],
        },
        headers=headers(mei),
        follow_redirects=False,
    )
    assert drafted.headers["location"].startswith("/console/playbooks/gap_")
    assert (
        "仮設トイレの場所を知りたい"
        in client.get(drafted.headers["location"], headers=headers(mei)).text
    )
