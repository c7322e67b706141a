"""Console sign-in and sign-out. Sessions are signed cookies; forms carry a CSRF token.

A sign-in attempt is throttled per account and per client address before its password
is hashed (429 with Retry-After), and hashed only when one of the process's few hashing
slots is free (else 503 with Retry-After): see `triage.auth.throttle` and
`triage.auth.hashing`. Signing out ends the session on the server too (the epoch).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from triage.auth import service
from triage.auth.deps import (
    CSRF_FORM_FIELD,
    CSRF_SESSION_KEY,
    SESSION_EPOCH_KEY,
    SESSION_USER_KEY,
    CurrentStaff,
    csrf_token_for,
    csrf_token_matches,
)
from triage.auth.hashing import PasswordHashingBusyError
from triage.auth.throttle import LoginThrottle
from triage.core.client_address import client_address
from triage.core.deps import ResourcesDep, SessionDep
from triage.core.errors import AuthenticationError
from triage.core.templating import templates

router = APIRouter(tags=["console"])

RETRY_LATER = "サインインの試行が多すぎます。しばらく待ってから、もう一度お試しください。"
BUSY = "サインインが混み合っています。少し待ってから、もう一度お試しください。"

# A refused sign-in answers the sign-in page again, with the reason on it.
_LOGIN_PAGE = {"content": {"text/html": {"schema": {"type": "string"}}}}
LOGIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    303: {"description": "signed in: on to /console"},
    401: {"description": "wrong name or password", **_LOGIN_PAGE},
    403: {"description": "missing or stale CSRF token (reload the page)", **_LOGIN_PAGE},
    429: {"description": "too many attempts; Retry-After says when to try again", **_LOGIN_PAGE},
    503: {"description": "every password-hashing slot is busy; Retry-After", **_LOGIN_PAGE},
}


def _login_page(
    request: Request,
    error: str | None,
    status_code: int = 200,
    retry_after: int | None = None,
    name: str = "",
) -> Response:
    """The sign-in page; after a refusal it keeps the name typed (never the password)."""
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"csrf_token": csrf_token_for(request), "error": error, "name": name},
        status_code=status_code,
    )
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


@router.get("/console/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return _login_page(request, None)


@router.post("/console/login", response_class=HTMLResponse, responses=LOGIN_RESPONSES)
def login(
    request: Request,
    session: SessionDep,
    resources: ResourcesDep,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(alias=CSRF_FORM_FIELD)] = "",
) -> Response:
    if not csrf_token_matches(request, csrf_token):
        return _login_page(
            request, "画面を再読み込みしてから、もう一度お試しください。", status_code=403
        )
    settings = resources.settings
    wait = LoginThrottle.for_settings(resources.redis, settings).retry_after(
        account=name, address=client_address(request, settings.trusted_proxies)
    )
    if wait is not None:
        return _login_page(request, RETRY_LATER, status_code=429, retry_after=wait, name=name)
    try:
        user = service.authenticate_password(name, password, session=session)
    except PasswordHashingBusyError as error:
        return _login_page(request, BUSY, status_code=503, retry_after=error.retry_after, name=name)
    except AuthenticationError:
        return _login_page(request, "名前またはパスワードが違います。", status_code=401, name=name)
    session.commit()
    # A fresh session on sign-in (no fixation), with a fresh CSRF token.
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    request.session[SESSION_EPOCH_KEY] = user.session_epoch
    request.session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return RedirectResponse("/console", status_code=303)


@router.post(
    "/console/logout",
    response_class=RedirectResponse,
    status_code=303,
    responses={
        401: {"description": "not signed in"},
        403: {"description": "a console session without the CSRF token"},
    },
)
def logout(request: Request, staff: CurrentStaff, session: SessionDep) -> Response:
    """Ends this session and every other console session of the account: a copy of the
    cookie made before sign-out no longer works."""
    service.end_sessions(staff)
    session.commit()
    request.session.clear()
    return RedirectResponse("/console/login", status_code=303)
