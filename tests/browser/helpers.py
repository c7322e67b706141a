"""What browser tests do through the console's own forms: sign in, sign out.

Accounts are made directly in the database the live server uses (there is no sign-up
page, and `triage users add` would cost a process start); signing in then goes through
the real /console/login form, CSRF token and session cookie included, as a person would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session, sessionmaker

from triage.auth import service as auth_service
from triage.auth.tables import Role

if TYPE_CHECKING:
    from playwright.sync_api import Page

LOGIN_PATH = "/console/login"
CONSOLE_PATH = "/console"
WRONG_CREDENTIALS = "名前またはパスワードが違います。"  # triage/auth/views.py


class StaffLogin(Protocol):
    """The `staff_login` fixture: make (or reset) an account, then sign in with it."""

    def __call__(
        self,
        page: Page,
        base_url: str,
        name: str,
        password: str,
        role: Role = Role.RESPONDER,
    ) -> None: ...


def ensure_staff(
    session_factory: sessionmaker[Session], name: str, password: str, role: Role
) -> None:
    """An account with this password: created, or given the password if it exists (a
    test may sign in again after a restart, or as the same person in a second browser)."""
    with session_factory() as session:
        user = auth_service.user_by_name(name, session=session)
        if user is None:
            auth_service.create_user(name, role, session=session, password=password)
        else:
            auth_service.set_password(user, password)
        session.commit()


def sign_in(page: Page, base_url: str, name: str, password: str) -> None:
    """Fill in and submit the sign-in form; where it lands is for the caller to check.
    Fields are found by their labels, as a screen reader would find them."""
    page.goto(base_url + LOGIN_PATH)
    page.get_by_label("名前").fill(name)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="サインイン").click()
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    """Press the console's sign-out button (any page that has the sign-out form)."""
    page.locator(f'form[action="{CONSOLE_PATH}/logout"] [type="submit"]').click()
    page.wait_for_load_state()


def bound_staff_login(session_factory: sessionmaker[Session]) -> StaffLogin:
    """`staff_login` on one test's database."""

    def staff_login(
        page: Page,
        base_url: str,
        name: str,
        password: str,
        role: Role = Role.RESPONDER,
    ) -> None:
        from playwright.sync_api import expect

        ensure_staff(session_factory, name, password, role)
        sign_in(page, base_url, name, password)
        expect(page, f"signing in as {name} did not reach the console").to_have_url(
            base_url + CONSOLE_PATH
        )

    return staff_login
