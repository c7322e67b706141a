"""FastAPI dependencies, as `Annotated` aliases so views read plainly."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from typing import Annotated

import redis
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from triage.auth import service as auth_service
from triage.auth.tables import Role, StaffUser
from triage.errors import AuthenticationError, PermissionDeniedError
from triage.runtime import Runtime

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
SESSION_USER_KEY = "staff_user_id"


async def get_runtime(request: Request) -> Runtime:
    """`async` although it never awaits: FastAPI runs a plain `def` dependency in the
    thread pool, a hop that cost every request more CPU than the rest of the lookup."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    session = runtime.session_factory()
    try:
        yield session
    finally:
        session.close()


async def get_redis(runtime: RuntimeDep) -> redis.Redis:
    return runtime.redis


SessionDep = Annotated[Session, Depends(get_session)]
RedisDep = Annotated[redis.Redis, Depends(get_redis)]


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


async def get_current_staff(request: Request, session: SessionDep) -> StaffUser:
    """Bearer token (API clients) or the console's session cookie (people).

    Cookie-authenticated requests that change state must carry the session's CSRF token;
    bearer requests cannot be forged cross-site, so they need none.
    """
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return auth_service.user_for_token(authorization[7:].strip(), session=session)
    user_id = request.session.get(SESSION_USER_KEY) if "session" in request.scope else None
    if user_id is None:
        raise AuthenticationError("sign in or send a bearer token")
    user = session.get(StaffUser, user_id)
    if user is None or not user.active:
        raise AuthenticationError("account disabled")
    if request.method not in SAFE_METHODS:
        expected = request.session.get("csrf_token")
        given = await _csrf_token_from(request)
        if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
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
