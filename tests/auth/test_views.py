"""Staff API authentication: bearer tokens, console sessions with CSRF, and roles."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import bearer, make_staff, post_inquiry
from triage.auth.tables import Role
from triage.inquiries.tables import Inquiry, InquiryStatus


def test_unauthenticated_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/inquiries")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_token_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/inquiries", headers=bearer("trg_nope")).status_code == 401


def test_wrong_role_is_403(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    token = make_staff(session_factory, "kazu", Role.COORDINATOR)
    assert client.get("/api/v1/inquiries", headers=bearer(token)).status_code == 403


def test_responder_and_admin_can_list(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    post_inquiry(client, "助けて")
    for name, role in (("aya", Role.RESPONDER), ("root", Role.ADMIN)):
        token = make_staff(session_factory, name, role)
        response = client.get("/api/v1/inquiries", headers=bearer(token))
        assert response.status_code == 200
        assert response.json()["total"] == 1


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def sign_in(client: TestClient, name: str, password: str) -> httpx.Response:
    """The console's sign-in as a browser does it: fetch the form, post it with its token."""
    form = client.get("/console/login")
    return client.post(
        "/console/login",
        data={"name": name, "password": password, "csrf_token": _csrf(form.text)},
        follow_redirects=False,
    )


def test_console_login_with_csrf_then_session_reads_api(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    response = sign_in(client, "aya", "correct horse")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert (
        "httponly" in cookie.lower()
        and "samesite=strict" in cookie.lower()
        and "secure" in cookie.lower()
    )
    assert client.get("/api/v1/inquiries").status_code == 200
    home = client.get("/console")
    assert "aya" in home.text


def test_console_login_without_csrf_is_refused(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    client.get("/console/login")
    response = client.post(
        "/console/login", data={"name": "aya", "password": "correct horse", "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert client.get("/api/v1/inquiries").status_code == 401


def test_wrong_password_is_401(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    response = sign_in(client, "aya", "wrong horse")
    assert response.status_code == 401
    assert "パスワードが違います" in response.text


def test_session_post_without_csrf_header_is_403(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    sign_in(client, "aya", "correct horse")
    inquiry = post_inquiry(client, "助けて")
    with session_factory() as session:
        session.execute(
            update(Inquiry).values(status=InquiryStatus.TRIAGED, priority="P1", route="urgent")
        )
        session.commit()
    assert client.post(f"/api/v1/inquiries/{inquiry['id']}/claim").status_code == 403
    home = client.get("/console")
    token = _csrf(home.text)
    response = client.post(
        f"/api/v1/inquiries/{inquiry['id']}/claim", headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 200
    assert response.json()["claimed_by"] == "aya"


def test_console_and_api_show_surge_mode(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    from triage.core.surge_flag import publish_surge_state

    token = make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    status = client.get("/api/v1/system", headers=bearer(token)).json()
    assert status["surge_active"] is False
    assert set(status["queue_depths"]) == {"triage", "outbound", "refine"}

    publish_surge_state(client.app.state.resources.redis, True)  # type: ignore[attr-defined]
    assert client.get("/api/v1/system", headers=bearer(token)).json()["surge_active"] is True
    sign_in(client, "aya", "correct horse")
    assert "サージモード中" in client.get("/console").text
    assert client.get("/api/v1/system").status_code == 200


def test_a_non_ascii_csrf_token_is_refused_not_a_crash(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    client.get("/console/login")
    response = client.post(
        "/console/login",
        data={"name": "aya", "password": "correct horse", "csrf_token": "トークン"},
    )
    assert response.status_code == 403


def test_the_openapi_schema_documents_the_sign_in_answers(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    login = paths["/console/login"]["post"]["responses"]
    assert {"303", "401", "403", "429", "503"} <= set(login)
    assert set(login["401"]["content"]) == {"text/html"}  # the sign-in page, with the reason
    logout = paths["/console/logout"]["post"]["responses"]
    assert "303" in logout and "200" not in logout and "content" not in logout["303"]


def test_a_signed_out_browser_is_sent_to_the_sign_in_page(client: TestClient) -> None:
    browser = client.get("/console", headers={"Accept": "text/html"}, follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["location"] == "/console/login"
    api = client.get("/console", headers={"Accept": "application/json"})
    assert api.status_code == 401


def test_a_wrong_password_keeps_the_name_typed_but_never_the_password(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    form = client.get("/console/login")
    refused = client.post(
        "/console/login",
        data={"name": "aya", "password": "wrong pony", "csrf_token": _csrf(form.text)},
    )
    assert refused.status_code == 401
    assert 'value="aya"' in refused.text and "wrong pony" not in refused.text
