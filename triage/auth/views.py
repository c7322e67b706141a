"""Console sign-in and sign-out. Sessions are signed cookies; forms carry a CSRF token."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from triage.auth import service
from triage.auth.deps import (
    CSRF_FORM_FIELD,
    CSRF_SESSION_KEY,
    SESSION_USER_KEY,
    CurrentStaff,
    csrf_token_for,
    csrf_token_matches,
)
from triage.core.deps import SessionDep
from triage.core.errors import AuthenticationError
from triage.core.templating import templates

router = APIRouter(tags=["console"])


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
    if not csrf_token_matches(request, csrf_token):
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
    request.session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return RedirectResponse("/console", status_code=303)


@router.post("/console/logout")
def logout(request: Request, _staff: CurrentStaff) -> Response:
    request.session.clear()
    return RedirectResponse("/console/login", status_code=303)
