"""The citizen's status page: `GET /status/{token}`, HTML for people, JSON by `Accept`."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from channels.web.templating import templates
from channels.web.texts import texts_for
from triage.core.deps import SessionDep
from triage.intake.port import CitizenStatus, citizen_view

router = APIRouter(tags=["citizen"])


@router.get(
    "/status/{public_token}",
    response_model=CitizenStatus,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}},
        404: {"description": "no inquiry at this link"},
    },
)
def citizen_status(
    public_token: str, request: Request, session: SessionDep, lang: str | None = None
) -> Response:
    """HTML for people (ja, en or easy Japanese by `?lang=`); JSON by `Accept`."""
    view = citizen_view(public_token, session=session)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(view.status.model_dump(mode="json"))
    chosen, texts = texts_for(lang)
    context = {
        "inquiry": view.status,
        "received_at": view.inquiry.received_at,
        "t": texts,
        "lang": chosen,
        "thread": view.thread,
        "public_token": public_token,
        "nonce": uuid.uuid4().hex,
    }
    return templates.TemplateResponse(request, "status.html", context)
