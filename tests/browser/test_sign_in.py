"""Console sign-in in a real browser: a signed-out visit is sent to the sign-in page, a
wrong password is told on that page (not a JSON error a person cannot read), the right
one opens the console, and signing out ends it so /console sends back to sign-in."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.browser.helpers import (
    CONSOLE_PATH,
    LOGIN_PATH,
    WRONG_CREDENTIALS,
    StaffLogin,
    ensure_staff,
    sign_in,
    sign_out,
)
from tests.browser.live_server import LiveServer
from triage.auth.tables import Role

NAME = "tanaka"
PASSWORD = "correct horse battery"


def test_a_signed_out_visit_lands_on_sign_in_where_a_wrong_password_is_told(
    page: Page,
    live_server: LiveServer,
    session_factory: sessionmaker[Session],
    shots_dir: Path,
) -> None:
    """One server for both (a start is most of a browser test's time)."""
    ensure_staff(session_factory, NAME, PASSWORD, Role.RESPONDER)

    page.goto(CONSOLE_PATH)

    expect(page).to_have_url(live_server.base_url + LOGIN_PATH)
    expect(page.get_by_role("heading", name="職員サインイン")).to_be_visible()
    page.screenshot(path=str(shots_dir / "login.png"), full_page=True)

    with page.expect_response(
        lambda response: response.request.method == "POST" and response.url.endswith(LOGIN_PATH)
    ) as answer:
        sign_in(page, live_server.base_url, NAME, "not the password")

    assert answer.value.status == 401
    assert answer.value.headers["content-type"].startswith("text/html")
    expect(page).to_have_url(live_server.base_url + LOGIN_PATH)
    expect(page.get_by_text(WRONG_CREDENTIALS)).to_be_visible()
    # The form is there again, to try once more.
    expect(page.get_by_label("パスワード")).to_be_visible()
    page.screenshot(path=str(shots_dir / "login-wrong-password.png"), full_page=True)


def test_signing_in_opens_the_console_and_signing_out_closes_it(
    page: Page, live_server: LiveServer, staff_login: StaffLogin
) -> None:
    staff_login(page, live_server.base_url, NAME, PASSWORD)
    expect(page.get_by_text(NAME, exact=False).first).to_be_visible()

    sign_out(page)

    expect(page).to_have_url(live_server.base_url + LOGIN_PATH)
    page.goto(CONSOLE_PATH)
    expect(page).to_have_url(live_server.base_url + LOGIN_PATH)
