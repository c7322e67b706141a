"""`triage users add`, `issue-token`, `revoke-token`: roles, password from stdin, token on
the last line, and revoking every token of an account."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import bearer, run_cli
from triage.core.settings import Settings


def test_token_is_printed_on_the_last_line_and_works(
    settings: Settings, client: TestClient
) -> None:
    result = run_cli(settings, "users", "add", "aya", "--role", "responder", "--token")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("trg_")
    response = client.get("/api/v1/inquiries", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_password_from_stdin_signs_in(settings: Settings, client: TestClient) -> None:
    result = run_cli(
        settings,
        "users",
        "add",
        "ken",
        "--role",
        "coordinator",
        "--password-stdin",
        stdin="long enough pw\n",
    )
    assert result.returncode == 0, result.stderr
    page = client.get("/console/login").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/console/login",
        data={"name": "ken", "password": "long enough pw", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_bad_role_and_duplicate_name_fail_clearly(settings: Settings) -> None:
    bad = run_cli(settings, "users", "add", "aya", "--role", "boss", "--token")
    assert bad.returncode == 2 and "unknown role" in bad.stderr
    assert run_cli(settings, "users", "add", "aya", "--role", "admin", "--token").returncode == 0
    again = run_cli(settings, "users", "add", "aya", "--role", "admin", "--token")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_revoke_token_stops_every_token_of_the_account(
    settings: Settings, client: TestClient
) -> None:
    added = run_cli(settings, "users", "add", "bot", "--role", "admin", "--token")
    issued = run_cli(settings, "users", "issue-token", "bot")
    assert issued.returncode == 0, issued.stderr
    assert "expires" in issued.stderr
    tokens = [r.stdout.strip().splitlines()[-1] for r in (added, issued)]
    assert tokens[0] != tokens[1]
    for token in tokens:
        assert client.get("/api/v1/inquiries", headers=bearer(token)).status_code == 200

    revoked = run_cli(settings, "users", "revoke-token", "bot")
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked 2 tokens of bot" in revoked.stdout
    for token in tokens:
        assert client.get("/api/v1/inquiries", headers=bearer(token)).status_code == 401


def test_token_commands_for_an_unknown_account_fail_clearly(settings: Settings) -> None:
    for command in ("revoke-token", "issue-token"):
        result = run_cli(settings, "users", command, "nobody")
        assert result.returncode == 1 and "no user 'nobody'" in result.stderr
