"""The responder console's pages (server-rendered; every action has an API twin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from triage.auth.deps import csrf_token_for, get_current_staff
from triage.auth.tables import StaffUser
from triage.core.deps import ResourcesDep, SessionDep
from triage.core.errors import AuthenticationError
from triage.core.templating import templates
from triage.operations.system_status import system_status

router = APIRouter(tags=["console"])

LOGIN_PATH = "/console/login"


async def console_staff(
    request: Request, session: SessionDep, resources: ResourcesDep
) -> StaffUser:
    """The signed-in staff member; a signed-out browser is sent to the sign-in page
    (DESIGN.md), an API client still gets its 401."""
    try:
        return await get_current_staff(request, session, resources)
    except AuthenticationError:
        if "text/html" in request.headers.get("accept", ""):
            raise HTTPException(303, "sign in first", headers={"Location": LOGIN_PATH}) from None
        raise


ConsoleStaff = Annotated[StaffUser, Depends(console_staff)]


@router.get("/console", response_class=HTMLResponse)
def console_home(request: Request, staff: ConsoleStaff, resources: ResourcesDep) -> Response:
    """Home until the responder console lands: who is signed in, surge state, links."""
    status = system_status(resources.redis, resources.settings.llm_enabled)
    return templates.TemplateResponse(
        request,
        "console_home.html",
        {"staff": staff, "csrf_token": csrf_token_for(request), "system": status},
    )
