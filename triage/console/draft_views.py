"""Asking for a machine draft: in the console (the inquiry page again, the draft in the
reply box, labelled) and in the API. Only with an LLM configured; a person sends it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from triage.auth.deps import Responder
from triage.console.deps import ConsoleResponder
from triage.console.drafts import DraftUnavailableError, NoLLMConfiguredError, draft_reply
from triage.console.suggestions import suggested_answers
from triage.console.views import inquiry_context, render_page
from triage.core.deps import ResourcesDep, SessionDep
from triage.core.resources import Resources
from triage.inquiries import service
from triage.inquiries.schemas import DraftRead
from triage.inquiries.views import NOT_FOUND

router = APIRouter()


def _draft(inquiry_id: str, *, session: Session, resources: Resources) -> str:
    inquiry = service.get_inquiry(inquiry_id, session=session)
    material = suggested_answers(inquiry, session_factory=resources.session_factory)
    return draft_reply(inquiry, material, resources.settings)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/draft",
    tags=["staff"],
    response_model=DraftRead,
    responses={
        **NOT_FOUND,
        401: {"description": "no valid bearer token or console session"},
        403: {"description": "not a responder or an admin"},
        409: {"description": "this deployment has no LLM: write the reply yourself"},
        503: {"description": "the LLM did not answer usably: write the reply yourself"},
    },
)
def draft(
    inquiry_id: str, session: SessionDep, _staff: Responder, resources: ResourcesDep
) -> DraftRead:
    """A machine draft of a reply, from the published playbooks and the situation data:
    for a person to edit and send with `machine_drafted: true`. Never sent by itself."""
    try:
        return DraftRead(draft=_draft(inquiry_id, session=session, resources=resources))
    except NoLLMConfiguredError as error:
        raise HTTPException(409, str(error)) from None
    except DraftUnavailableError as error:
        raise HTTPException(503, str(error)) from None


@router.post(
    "/console/inquiries/{inquiry_id}/draft", response_class=HTMLResponse, include_in_schema=False
)
def draft_in_console(
    inquiry_id: str,
    request: Request,
    session: SessionDep,
    staff: ConsoleResponder,
    resources: ResourcesDep,
) -> Response:
    try:
        text, error = _draft(inquiry_id, session=session, resources=resources), None
    except DraftUnavailableError as refused:
        text, error = None, str(refused)
    context = inquiry_context(
        inquiry_id,
        request,
        staff,
        session=session,
        resources=resources,
        draft=text,
        draft_error=error,
    )
    return render_page(request, "console/inquiry.html", context)
