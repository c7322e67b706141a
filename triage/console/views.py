"""The responder console's pages (server-rendered; every action has an API twin)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from triage.auth.deps import CurrentStaff, csrf_token_for
from triage.core.deps import ResourcesDep
from triage.core.templating import templates
from triage.operations.system_status import system_status

router = APIRouter(tags=["console"])


@router.get("/console", response_class=HTMLResponse)
def console_home(request: Request, staff: CurrentStaff, resources: ResourcesDep) -> Response:
    """Home until the responder console lands: who is signed in, surge state, links."""
    status = system_status(resources.redis, resources.settings.llm_enabled)
    return templates.TemplateResponse(
        request,
        "console_home.html",
        {"staff": staff, "csrf_token": csrf_token_for(request), "system": status},
    )
