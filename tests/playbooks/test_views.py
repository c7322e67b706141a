from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from playbooks.schemas import MAX_VERSION
from tests.helpers import bearer, make_staff
from tests.playbooks.factories import content
from triage.auth.tables import Role


def body(playbook_id: str = "test_pb", **overrides: Any) -> dict[str, Any]:
    return {"content": content(playbook_id, **overrides).model_dump(mode="json")}


def test_roles(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    assert client.get("/api/v1/playbooks").status_code == 401
    responder = make_staff(session_factory, "resp", Role.RESPONDER)
    assert client.get("/api/v1/playbooks", headers=bearer(responder)).status_code == 403
    assert (
        client.post("/api/v1/playbooks", json=body(), headers=bearer(responder)).status_code == 403
    )
    admin = make_staff(session_factory, "admin", Role.ADMIN)
    assert client.get("/api/v1/playbooks", headers=bearer(admin)).status_code == 200


def test_crud(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    headers = bearer(make_staff(session_factory, "coord", Role.COORDINATOR))
    created = client.post("/api/v1/playbooks", json=body(), headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft"
    assert client.post("/api/v1/playbooks", json=body(), headers=headers).status_code == 409

    updated = client.put(
        "/api/v1/playbooks/test_pb",
        json={**body(answers={"ja": "新しい回答"}), "note": "言い回し"},
        headers=headers,
    )
    assert updated.status_code == 200
    assert (updated.json()["current_version"], updated.json()["published_version"]) == (2, None)

    published = client.post(
        "/api/v1/playbooks/test_pb/publish", json={"version": 2}, headers=headers
    )
    assert published.json()["status"] == "published"
    assert published.json()["published_version"] == 2

    got = client.get("/api/v1/playbooks/test_pb", headers=headers).json()
    assert [v["version"] for v in got["versions"]] == [1, 2]
    assert got["versions"][1]["created_by"] == "coord" and got["versions"][1]["note"] == "言い回し"
    assert got["content"]["answers"]["ja"] == "新しい回答"

    listed = client.get("/api/v1/playbooks?status=published", headers=headers).json()
    assert [p["id"] for p in listed] == ["test_pb"]

    retired = client.post("/api/v1/playbooks/test_pb/retire", headers=headers)
    assert retired.json()["status"] == "retired"
    assert client.get("/api/v1/playbooks?status=published", headers=headers).json() == []


def test_errors(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    headers = bearer(make_staff(session_factory, "coord", Role.COORDINATOR))
    assert client.get("/api/v1/playbooks/nope", headers=headers).status_code == 404
    assert client.get("/api/v1/playbooks/nope/versions", headers=headers).status_code == 404
    bad = {"content": {**body()["content"], "answers": {"ja": "{oops}"}}}
    assert client.post("/api/v1/playbooks", json=bad, headers=headers).status_code == 422
    client.post("/api/v1/playbooks", json=body(), headers=headers)
    assert (
        client.put("/api/v1/playbooks/test_pb", json=body("other"), headers=headers).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/playbooks/test_pb/publish", json={"version": 9}, headers=headers
        ).status_code
        == 404
    )


def test_a_version_too_large_for_the_column_is_refused_not_a_crash(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """Found by the OpenAPI fuzz: 2**63 overflowed SQLite's INTEGER (500), and on
    PostgreSQL anything past 2**31 - 1 would have."""
    headers = bearer(make_staff(session_factory, "coord", Role.COORDINATOR))
    client.post("/api/v1/playbooks", json=body(), headers=headers)
    for version in (MAX_VERSION + 1, 2**63, 2**64):
        refused = client.post(
            "/api/v1/playbooks/test_pb/publish", json={"version": version}, headers=headers
        )
        assert refused.status_code == 422, refused.text
    largest = client.post(
        "/api/v1/playbooks/test_pb/publish", json={"version": MAX_VERSION}, headers=headers
    )
    assert largest.status_code == 404  # looked up: there is no such version


def test_a_nul_character_is_refused_not_a_crash(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """Found by the OpenAPI fuzz on PostgreSQL: a NUL in a publish note was a 500 (its text
    columns refuse NUL). Notes, titles and answers with one are a 422 on every database."""
    headers = bearer(make_staff(session_factory, "coord", Role.COORDINATOR))
    assert client.post("/api/v1/playbooks", json=body(), headers=headers).status_code == 201
    note = client.post(
        "/api/v1/playbooks/test_pb/publish", json={"version": 1, "note": "a\x00b"}, headers=headers
    )
    assert note.status_code == 422, note.text
    assert "NUL" in note.text
    answer = body("nul_pb")
    answer["content"]["answers"]["ja"] = "避難所は\x00市役所です"
    assert client.post("/api/v1/playbooks", json=answer, headers=headers).status_code == 422
    title = body("nul_title")
    title["content"]["title_ja"] = "避難所\x00"
    assert client.post("/api/v1/playbooks", json=title, headers=headers).status_code == 422


def test_the_openapi_schema_documents_what_the_routes_answer(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"401", "403", "404"} <= set(
        paths["/api/v1/playbooks/{playbook_id}"]["get"]["responses"]
    )
    assert {"400", "409"} <= set(paths["/api/v1/playbooks"]["post"]["responses"])
    update = paths["/api/v1/playbooks/{playbook_id}"]["put"]["responses"]["422"]
    # Field errors (a list) and "a playbook's id cannot change" (a sentence).
    shapes = update["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/HTTPValidationError"} in shapes
    assert any(s.get("properties", {}).get("detail") == {"type": "string"} for s in shapes)
