"""Browsers get a script policy without inline-script blanket (the form's one script
carries the response's nonce), no framing, no sniffing, no referrer, and no caching of
the form, status pages, console or APIs."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import bearer, make_staff, post_inquiry
from triage.auth.tables import Role


def script_nonces(html: str) -> list[str]:
    return re.findall(r'<script nonce="([^"]+)">', html)


def test_the_form_script_runs_by_nonce_not_by_unsafe_inline(client: TestClient) -> None:
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "<script>" not in page.text  # every script carries a nonce
    (nonce,) = script_nonces(page.text)
    assert f"'nonce-{nonce}'" in script_src
    assert "frame-ancestors 'none'" in policy
    # A new nonce for every response.
    assert script_nonces(client.get("/").text) != [nonce]


def test_pages_cannot_be_framed_sniffed_or_leak_a_referrer(client: TestClient) -> None:
    for path in ("/", "/console/login", "/healthz"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_form_status_console_and_apis_are_never_stored(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accepted = post_inquiry(client, "水")
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    responses = [
        client.get("/"),  # its one-time nonce must not be served to two people
        client.get("/?lang=en"),
        client.get(accepted["status_url"].removeprefix("https://triage.example.jp")),
        client.get("/console/login"),
        client.get("/console", follow_redirects=False),
        client.get("/api/v1/inquiries", headers=bearer(token)),
        client.post("/api/v1/inquiries", json={"text": "水"}),
    ]
    for response in responses:
        assert response.headers["cache-control"] == "no-store", response.request.url


def test_the_api_docs_keep_their_scripts(client: TestClient) -> None:
    policy = client.get("/docs").headers["content-security-policy"]
    assert policy == "frame-ancestors 'none'"
