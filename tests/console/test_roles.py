"""Every staff endpoint and console page refuses anonymous and wrong-role callers, and
only the claim holder (or an admin) may reply to, release or resolve an item."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.console.test_pages import triaged
from tests.helpers import bearer, make_staff, post_inquiry
from triage.app import all_routers
from triage.auth.tables import Role
from triage.core.settings import Settings

# Answered to anyone on purpose: the citizen side, sign-in, health, the docs.
PUBLIC_PREFIXES = ("/api/v1/inquiries/status", "/console/login", "/console/static")
WORK_PREFIXES = ("/api/v1/inquiries", "/api/v1/replies", "/console")
# The coordinator's own pages (the playbook editor, shelter status): refused to
# responders instead (tests/console/test_playbook_editor.py, test_shelters.py).
COORDINATOR_PREFIXES = ("/console/playbooks", "/console/shelters", "/console/situation")


def _staff_routes(settings: Settings) -> list[tuple[str, str]]:
    found = []
    for route in (r for router in all_routers() for r in router.routes):
        if not isinstance(route, APIRoute) or not route.path.startswith(WORK_PREFIXES):
            continue
        if route.path.startswith(PUBLIC_PREFIXES) or route.path == "/console/logout":
            continue
        path = route.path.replace("{inquiry_id}", "0" * 32).replace("{reply_id}", "1")
        for method in sorted(route.methods - {"HEAD"}):
            found.append((method, path))
    return found


def test_every_staff_route_is_checked(settings: Settings) -> None:
    routes = _staff_routes(settings)
    assert ("POST", "/api/v1/inquiries/next") in routes
    assert ("GET", "/console/map.json") in routes
    assert len(routes) >= 25


@pytest.mark.parametrize("role", [None, Role.COORDINATOR])
def test_anonymous_and_coordinators_are_refused_everywhere(
    client: TestClient,
    settings: Settings,
    session_factory: sessionmaker[Session],
    role: Role | None,
) -> None:
    """POST /api/v1/inquiries (the citizen's own) is the one public write there."""
    headers = {} if role is None else bearer(make_staff(session_factory, "mei", role))
    for method, path in _staff_routes(settings):
        if (method, path) == ("POST", "/api/v1/inquiries"):
            continue
        if role is Role.COORDINATOR and path.startswith(COORDINATOR_PREFIXES):
            continue
        answer = client.request(method, path, headers=headers, follow_redirects=False)
        expected = 401 if role is None else 403
        assert answer.status_code == expected, (method, path, answer.status_code)


def test_only_the_holder_or_an_admin_may_reply_release_or_resolve(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    ken = make_staff(session_factory, "ken", Role.RESPONDER)
    boss = make_staff(session_factory, "boss", Role.ADMIN)
    inquiry_id = post_inquiry(client, "助けて")["id"]
    triaged(session_factory, inquiry_id, "P1", "urgent")
    base = f"/api/v1/inquiries/{inquiry_id}"
    assert client.post(f"{base}/claim", headers=bearer(aya)).status_code == 200
    for action, body in (
        ("reply", {"text": "x"}),
        ("release", None),
        ("resolve", {"outcome": "helped"}),
        ("reclassify", {"priority": "P4", "reason": "x"}),
        ("claim", None),
    ):
        refused = client.post(f"{base}/{action}", json=body, headers=bearer(ken))
        assert refused.status_code == 409, action
        assert "aya" in refused.json()["detail"]
    # A note is for the record: anyone may add one. An admin may take over.
    assert (
        client.post(f"{base}/notes", json={"text": "見ています"}, headers=bearer(ken)).status_code
        == 200
    )
    assert (
        client.post(f"{base}/resolve", json={"outcome": "helped"}, headers=bearer(boss)).status_code
        == 200
    )
    after = client.post(f"{base}/reply", json={"text": "late"}, headers=bearer(aya))
    assert after.status_code == 409  # no replies after resolve


def test_admins_see_and_export_the_audit_log_and_responders_do_not(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    boss = make_staff(session_factory, "boss", Role.ADMIN)
    inquiry_id = post_inquiry(client, "確認してください", contact="+819012340000")["id"]
    triaged(session_factory, inquiry_id, "P3", "staff")
    client.post(f"/api/v1/inquiries/{inquiry_id}/contact", headers=bearer(aya))
    client.post(
        f"/api/v1/inquiries/{inquiry_id}/reclassify",
        json={"category": "other", "reason": "雑談"},
        headers=bearer(aya),
    )
    assert client.get("/api/v1/audit.csv", headers=bearer(aya)).status_code == 403
    assert client.get("/console/audit", headers=bearer(aya)).status_code == 403
    exported = client.get("/api/v1/audit.csv", headers=bearer(boss))
    lines = exported.text.strip().splitlines()
    assert lines[0] == "id,at_jst,at_utc,actor,kind,inquiry_id,detail"
    assert [line.split(",")[3:5] for line in lines[1:]] == [
        ["aya", "contact_revealed"],
        ["aya", "reclassified"],
    ]
    assert "+09:00" in lines[1] and "雑談" in lines[2]
    assert "+819012340000" not in exported.text  # who looked is recorded, not what they saw
    everything = client.get("/api/v1/audit.csv?everything=true", headers=bearer(boss)).text
    assert ",system,received," in everything
    page = client.get("/console/audit", headers={**bearer(boss), "Accept": "text/html"}).text
    assert "contact_revealed" in page and "雑談" in page
