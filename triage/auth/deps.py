"""Who is asking: staff identity for the console and the staff API, with one CSRF check.

Bearer tokens (API clients; refused once revoked or `TRIAGE_API_TOKEN_TTL_DAYS` old) or
the console's signed session cookie (people). The cookie carries the account's session
epoch from sign-in; signing out (or a new password) moves the epoch on, so an old
cookie, even one copied before sign-out, is refused. Cookie-authenticated requests that
change state must carry the session's CSRF token; bearer requests cannot be forged
cross-site, so they need none.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from triage.auth import service as auth_service
from triage.auth.tables import Role, StaffUser
from triage.core.deps import ResourcesDep, SessionDep
from triage.core.errors import AuthenticationError, PermissionDeniedError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
CSRF_SESSION_KEY = "csrf_token"
SESSION_USER_KEY = "staff_user_id"
SESSION_EPOCH_KEY = "session_epoch"


def csrf_token_for(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return str(token)


def csrf_token_matches(request: Request, given: str | None) -> bool:
    """The one CSRF comparison: the token sent equals the session's, in constant time."""
    expected = request.session.get(CSRF_SESSION_KEY)
    if not expected or not given:
        return False
    return hmac.compare_digest(str(expected).encode(), given.encode())


async def _csrf_token_from(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FORM_FIELD)
        return value if isinstance(value, str) else None
    return None


async def get_current_staff(
    request: Request, session: SessionDep, resources: ResourcesDep
) -> StaffUser:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return auth_service.user_for_token(
            authorization[7:].strip(),
            session=session,
            max_age=timedelta(days=resources.settings.api_token_ttl_days),
        )
    user_id = request.session.get(SESSION_USER_KEY) if "session" in request.scope else None
    if user_id is None:
        raise AuthenticationError("sign in or send a bearer token")
    user = session.get(StaffUser, user_id)
    if user is None or not user.active:
        raise AuthenticationError("account disabled")
    if request.session.get(SESSION_EPOCH_KEY) != user.session_epoch:
        request.session.clear()
        raise AuthenticationError("signed out; sign in again")
    if request.method not in SAFE_METHODS and not csrf_token_matches(
        request, await _csrf_token_from(request)
    ):
        raise PermissionDeniedError("missing or wrong CSRF token")
    return user


CurrentStaff = Annotated[StaffUser, Depends(get_current_staff)]


def require_roles(*roles: Role) -> Callable[[StaffUser], StaffUser]:
    """A dependency that admits only the given roles (admins are always admitted)."""
    allowed = {*roles, Role.ADMIN}

    def check(user: CurrentStaff) -> StaffUser:
        if user.role not in allowed:
            raise PermissionDeniedError(f"role {user.role} may not do this")
        return user

    return check


Responder = Annotated[StaffUser, Depends(require_roles(Role.RESPONDER))]
Coordinator = Annotated[StaffUser, Depends(require_roles(Role.COORDINATOR))]
