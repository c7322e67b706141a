"""Console sign-in and sign-out. Sessions are signed cookies; forms carry a CSRF token."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from triage.auth import service
from triage.deps import CSRF_FORM_FIELD, SESSION_USER_KEY, CurrentStaff, RuntimeDep, SessionDep
from triage.errors import AuthenticationError
from triage.system_status import system_status
from triage.templating import templates

router = APIRouter(tags=["console"])


def csrf_token_for(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf_token")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf_token"] = token
    return str(token)


@router.get("/console/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return templates.TemplateResponse(
        request, "login.html", {"csrf_token": csrf_token_for(request), "error": None}
    )


@router.post("/console/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(alias=CSRF_FORM_FIELD)] = "",
) -> Response:
    expected = request.session.get("csrf_token", "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf_token.encode()):
        return templates.TemplateResponse(
            request,
            "login.html",
            {
                "csrf_token": csrf_token_for(request),
                "error": "画面を再読み込みしてから、もう一度お試しください。",
            },
            status_code=403,
        )
    try:
        user = service.authenticate_password(name, password, session=session)
    except AuthenticationError:
        return templates.TemplateResponse(
            request,
            "login.html",
            {"csrf_token": csrf_token_for(request), "error": "名前またはパスワードが違います。"},
            status_code=401,
        )
    session.commit()
    # A fresh session on sign-in (no fixation), with a fresh CSRF token.
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    request.session["csrf_token"] = secrets.token_urlsafe(32)
    return RedirectResponse("/console", status_code=303)


@router.post("/console/logout")
def logout(request: Request, _staff: CurrentStaff) -> Response:
    request.session.clear()
    return RedirectResponse("/console/login", status_code=303)


@router.get("/console", response_class=HTMLResponse)
def console_home(request: Request, staff: CurrentStaff, runtime: RuntimeDep) -> Response:
    """Home until the responder console lands: who is signed in, surge state, links."""
    status = system_status(runtime.redis, runtime.settings.llm_enabled)
    return templates.TemplateResponse(
        request,
        "console_home.html",
        {"staff": staff, "csrf_token": csrf_token_for(request), "system": status},
    )
