"""Shelters for coordinators: reports through the console, the API and the CLI, every
report kept, a CSV import that skips bad rows, and answers that name only open shelters.

Forms are posted with a bearer token (the CSRF check applies to cookie sessions)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import bearer, make_staff, run_cli
from triage.app import create_app
from triage.auth.tables import Role
from triage.core.settings import Settings
from triage.geo.gazetteer import Gazetteer, load_gazetteer
from triage.geo.schemas import GeoLocation, LocationPrecision, LocationSource
from triage.geo.service import closed_shelter_ids, open_shelter_ids, set_shelter_status
from triage.geo.tables import ShelterStatus, ShelterStatusHistory
from triage.routing.answers import Answers, ChosenAnswer, DatabaseAnswers, nearest_shelter_facts

HTML = {"Accept": "text/html"}
# Three shelters in Nanao, closest first from a point at A (七尾市役所): names differ.
A, A_NAME = "E1720200047", "七尾市役所(4F)"
B, B_NAME = "E1720200046", "袖ケ江立体駐車場(4F)"
C = "E1720200109"
NEAR_A = (37.043114, 136.967453)


@pytest.fixture
def client(settings: Settings, redis_conn: redis.Redis) -> Iterator[TestClient]:
    """The app, with the shelters' router mounted if the factory does not yet mount it."""
    from triage.console.shelters import router

    app = create_app(settings, redis_conn=redis_conn)
    if not any(getattr(r, "path", None) == "/console/shelters" for r in app.routes):
        app.include_router(router)
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def coordinator(session_factory: sessionmaker[Session]) -> dict[str, str]:
    return {**bearer(make_staff(session_factory, "mei", Role.COORDINATOR)), **HTML}


def history(session_factory: sessionmaker[Session], shelter_id: str) -> list[tuple[str, str]]:
    with session_factory() as session:
        rows = session.scalars(
            select(ShelterStatusHistory)
            .where(ShelterStatusHistory.shelter_id == shelter_id)
            .order_by(ShelterStatusHistory.id)
        )
        return [(h.state, h.updated_by or "") for h in rows]


def test_a_coordinator_marks_a_shelter_closed_and_the_history_keeps_both(
    client: TestClient, session_factory: sessionmaker[Session], coordinator: dict[str, str]
) -> None:
    found = client.get("/console/shelters?q=七尾市役所", headers=coordinator)
    assert found.status_code == 200
    assert A_NAME in found.text and f'action="/console/shelters/{A}"' in found.text

    posted = client.post(
        f"/console/shelters/{A}",
        data={"state": "closed", "capacity": "300", "note": "断水のため", "q": "七尾"},
        headers=coordinator,
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == "/console/shelters?q=%E4%B8%83%E5%B0%BE"
    page = client.get(posted.headers["location"], headers=coordinator).text
    assert "更新しました" in page  # the flash
    assert f'id="shelter-{A}" data-state="closed"' in page and "断水のため" in page

    answer = client.put(
        f"/api/v1/shelters/{A}",
        json={"state": "open", "capacity": 300, "evacuees": 120},
        headers=coordinator,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["state"], body["evacuees"], body["name"]) == ("open", 120, A_NAME)
    assert [h["state"] for h in body["history"]] == ["open", "closed"]  # newest first
    assert history(session_factory, A) == [("closed", "mei"), ("open", "mei")]

    listed = client.get("/api/v1/shelters", headers=coordinator).json()
    assert [s["shelter_id"] for s in listed] == [A]  # without a query: reported ones only
    page = client.get(f"/console/shelters/{A}", headers=coordinator).text
    assert "断水のため" in page and page.count("<td>mei</td>") == 2
    wrong = client.post(f"/console/shelters/{A}", data={"state": "gone"}, headers=coordinator)
    assert "入力を確認してください" in wrong.text
    assert history(session_factory, A)[-1] == ("open", "mei")  # nothing recorded


def test_responders_and_anonymous_are_refused(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    responder = bearer(make_staff(session_factory, "aya", Role.RESPONDER))
    calls = [
        ("GET", "/console/shelters", {}),
        ("GET", f"/console/shelters/{A}", {}),
        ("POST", f"/console/shelters/{A}", {"data": {"state": "closed"}}),
        ("POST", "/console/shelters/import", {"data": {"csv_text": f"shelter_id\n{A}"}}),
        ("GET", "/api/v1/shelters", {}),
        ("GET", f"/api/v1/shelters/{A}", {}),
        ("PUT", f"/api/v1/shelters/{A}", {"json": {"state": "closed"}}),
        ("POST", "/api/v1/shelters/import", {"json": {"csv": f"shelter_id\n{A}"}}),
    ]
    for method, path, body in calls:
        anonymous = client.request(method, path, follow_redirects=False, **body)
        assert anonymous.status_code == 401, (method, path)
        refused = client.request(method, path, headers=responder, **body)
        assert refused.status_code == 403, (method, path)
    signed_out = client.get("/console/shelters", headers=HTML, follow_redirects=False)
    assert signed_out.status_code == 303  # a browser is sent to sign in
    with session_factory() as session:
        assert session.scalars(select(ShelterStatus)).all() == []


def test_unknown_shelters_are_404(client: TestClient, coordinator: dict[str, str]) -> None:
    assert client.get("/api/v1/shelters/E0000000000", headers=coordinator).status_code == 404
    put = client.put("/api/v1/shelters/E0000000000", json={"state": "open"}, headers=coordinator)
    assert put.status_code == 404
    form = client.post("/console/shelters/E0000000000", data={"state": "open"}, headers=coordinator)
    assert form.status_code == 404
    assert client.get("/console/shelters/E0000000000", headers=coordinator).status_code == 404
    bad = client.put(f"/api/v1/shelters/{A}", json={"state": "maybe"}, headers=coordinator)
    assert bad.status_code == 422


CSV = f"""shelter_id,name,municipality,state,capacity,evacuees,note
{A},,,open,300,120,
{B},,,full,80,80,満員
,七尾市役所（4F）,七尾市,closed,,,
{C},,,sideways,,,
,中央公民館,,open,,,
E0000000000,,,open,,,
{C},,,open,,,a note, with an unquoted comma
"""


def test_a_csv_import_applies_the_good_rows_and_reports_the_bad_lines(
    client: TestClient, session_factory: sessionmaker[Session], coordinator: dict[str, str]
) -> None:
    answer = client.post(
        "/api/v1/shelters/import",
        content=CSV.encode(),
        headers={**coordinator, "Content-Type": "text/csv"},
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["imported"] == [A, B, A]  # line 4 names A (full-width parentheses)
    assert [p["line"] for p in result["invalid"]] == [5, 8]
    assert "sideways" in result["invalid"][0]["reason"]
    assert [p["line"] for p in result["unmatched"]] == [6, 7]
    assert "shelters named 中央公民館" in result["unmatched"][0]["reason"]  # never guessed
    with session_factory() as session:
        assert closed_shelter_ids(session=session) == {A, B}
        full = session.get(ShelterStatus, B)
        assert full is not None and (full.state, full.is_open, full.note) == ("full", False, "満員")

    form = client.post(
        "/console/shelters/import",
        data={"csv_text": f"shelter_id,state\n{C},open\nnope,open\n"},
        headers=coordinator,
    )
    assert "取り込み 1 件" in form.text and "2行目" not in form.text and "3行目" in form.text
    as_json = client.post(
        "/api/v1/shelters/import", json={"csv": "state\nopen\n"}, headers=coordinator
    )
    assert as_json.status_code == 422  # no shelter_id or name column: refused whole
    other = client.post(
        "/api/v1/shelters/import", content=b"x", headers={**coordinator, "Content-Type": "text/xml"}
    )
    assert other.status_code == 415


def test_a_csv_that_csv_cannot_read_is_refused_and_old_mac_line_ends_are_read(
    client: TestClient, session_factory: sessionmaker[Session], coordinator: dict[str, str]
) -> None:
    """Found by the fuzz test: a bare CR raised csv.Error, a 500. Now a CR-only file (an
    old Mac spreadsheet) is read, and one csv cannot read at all is a 422 with a reason."""
    csv_headers = {**coordinator, "Content-Type": "text/csv"}
    bare_cr = client.post(
        "/api/v1/shelters/import",
        content=f"shelter_id,state\r{C},closed\r".encode(),
        headers=csv_headers,
    )
    assert bare_cr.status_code == 200, bare_cr.text
    assert bare_cr.json()["imported"] == [C]
    with session_factory() as session:
        assert C in closed_shelter_ids(session=session)
    too_long = "shelter_id,note\n" + C + ',"' + "x" * 200_000 + '"\n'
    refused = client.post("/api/v1/shelters/import", content=too_long.encode(), headers=csv_headers)
    assert refused.status_code == 422, refused.text
    assert "not a readable CSV" in refused.text


def test_full_shelters_count_as_closed(session: Session) -> None:
    set_shelter_status(A, session=session, state="full", capacity=80, evacuees=80)
    set_shelter_status(B, True, session=session)  # the older call still works
    set_shelter_status(C, False, session=session)
    session.commit()
    assert closed_shelter_ids(session=session) == {A, C}
    assert open_shelter_ids(session=session) == {B}
    row = session.get(ShelterStatus, A)
    assert row is not None and not row.is_open and row.current_state == "full"
    assert len(session.scalars(select(ShelterStatusHistory)).all()) == 3


def test_the_cli_sets_and_imports(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    done = run_cli(settings, "shelters", "set", A, "--status", "full", "--capacity", "300")
    assert done.returncode == 0, done.stderr
    assert A_NAME in done.stdout
    assert run_cli(settings, "shelters", "set", A, "--status", "ajar").returncode != 0
    assert run_cli(settings, "shelters", "set", "E0000000000", "--status", "open").returncode == 1

    file = tmp_path / "today.csv"
    file.write_text(f"shelter_id,state,evacuees\n{B},open,12\nE0000000000,open,\n", "utf-8")
    imported = run_cli(settings, "shelters", "import", str(file))
    assert imported.returncode == 0, imported.stderr
    assert "imported 1, unmatched 1, invalid 0" in imported.stdout
    assert "line 3: unmatched" in imported.stderr
    with session_factory() as session:
        assert closed_shelter_ids(session=session) == {A}
        assert open_shelter_ids(session=session) == {B}
    assert history(session_factory, A) == [("full", "cli")]


def _shelter_answer(session_factory: sessionmaker[Session], gazetteer: Gazetteer) -> str:
    """The seeded shelter playbook written out for a citizen standing at A, as a worker
    that has just (re)loaded the published state would."""
    answers = Answers(DatabaseAnswers.reading(session_factory), gazetteer)
    playbook = next(p for p in answers.source.state().playbooks if p.id == "shelter_location")
    return answers.render(ChosenAnswer(playbook, playbook.id, 1.0, "ja"), _at_a())


def _at_a() -> GeoLocation:
    return GeoLocation(
        lat=NEAR_A[0],
        lon=NEAR_A[1],
        municipality="七尾市",
        precision=LocationPrecision.POINT,
        source=LocationSource.CHANNEL_GPS,
        confidence=1.0,
    )


def test_answers_name_the_nearest_open_shelter_and_when_it_was_reported(
    client: TestClient, session_factory: sessionmaker[Session], coordinator: dict[str, str]
) -> None:
    from playbooks.seed import default_playbooks, seed_missing

    with session_factory() as session:
        seed_missing(default_playbooks(), session=session)
        session.commit()
    gazetteer = load_gazetteer()
    assert A_NAME in _shelter_answer(session_factory, gazetteer)

    client.put(f"/api/v1/shelters/{A}", json={"state": "closed"}, headers=coordinator)
    text = _shelter_answer(session_factory, gazetteer)
    assert A_NAME not in text and B_NAME in text
    client.put(f"/api/v1/shelters/{B}", json={"state": "full"}, headers=coordinator)
    assert B_NAME not in _shelter_answer(session_factory, gazetteer)

    client.put(f"/api/v1/shelters/{B}", json={"state": "open"}, headers=coordinator)
    state = DatabaseAnswers.reading(session_factory).state()
    facts = nearest_shelter_facts(
        _at_a(),
        gazetteer=gazetteer,
        closed_ids=state.closed_shelter_ids,
        updated_at=state.shelter_updated_at,
    )
    assert facts["nearest_shelter_name"] == B_NAME
    reported = state.shelter_updated_at[B].astimezone(ZoneInfo("Asia/Tokyo"))
    expected = f"{reported.month}月{reported.day}日 {reported:%H:%M}"  # Japan time
    assert facts["shelter_status_updated_at"] == expected
    assert re.fullmatch(r"\d{1,2}月\d{1,2}日 \d\d:\d\d", expected)
    # A shelter nobody reported on is named "as designated", with no time.
    assert "shelter_status_updated_at" not in nearest_shelter_facts(_at_a(), gazetteer=gazetteer)
