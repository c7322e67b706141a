"""Situation values (`/console/situation`, `/api/v1/situation`, coordinators): the facts
answers cite as `{situation_<name>}`, changed once here instead of in every answer.
Every worker answers with a change from the next inquiry (the published generation)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from playbooks import situation
from playbooks.schemas import SUPPORTED_LANGUAGES
from triage.auth.deps import Coordinator
from triage.console.deps import ConsoleCoordinator
from triage.console.views import page_context, render_page
from triage.core.deps import SessionDep
from triage.core.errors import InvalidInputError

router = APIRouter()
NAME = Annotated[str, Path(pattern=situation.NAME_PATTERN)]
RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid bearer token or console session"},
    403: {"description": "not a coordinator or an admin"},
}


class SituationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    values: dict[str, str] = Field(description="per language; ja always")
    updated_at: datetime
    updated_by: str


class SituationWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    values: dict[str, Annotated[str, Field(max_length=situation.MAX_VALUE)]] = Field(
        description="per language; ja required", max_length=len(SUPPORTED_LANGUAGES)
    )


@router.get("/api/v1/situation", tags=["playbooks"], responses=RESPONSES)
def list_values(session: SessionDep, _staff: Coordinator) -> list[SituationRead]:
    return [SituationRead.model_validate(row) for row in situation.all_values(session=session)]


@router.put(
    "/api/v1/situation/{name}",
    tags=["playbooks"],
    responses={
        **RESPONSES,
        400: {"description": "the body is not JSON"},
        422: {
            "description": "the body does not validate, or a text is refused (no ja, a brace)",
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/HTTPValidationError"},
                            {
                                "type": "object",
                                "properties": {"detail": {"type": "string"}},
                                "required": ["detail"],
                            },
                        ]
                    }
                }
            },
        },
    },
)
def put_value(
    name: NAME, body: SituationWrite, session: SessionDep, staff: Coordinator
) -> SituationRead:
    """Set a value; answers citing `{situation_<name>}` use it from the next inquiry."""
    row = situation.set_value(name, body.values, session=session, actor=staff.name)
    session.commit()
    return SituationRead.model_validate(row)


@router.delete(
    "/api/v1/situation/{name}",
    tags=["playbooks"],
    status_code=204,
    responses={**RESPONSES, 404: {"description": "no such value"}},
)
def delete_value(name: NAME, session: SessionDep, _staff: Coordinator) -> Response:
    """Remove a value: answers citing it go to a person until it is set again."""
    situation.delete_value(name, session=session)
    session.commit()
    return Response(status_code=204)


@router.get("/console/situation", response_class=HTMLResponse, include_in_schema=False)
def situation_page(request: Request, session: SessionDep, staff: ConsoleCoordinator) -> Response:
    context = page_context(
        request,
        staff,
        rows=situation.all_values(session=session),
        languages=SUPPORTED_LANGUAGES,
    )
    return render_page(request, "console/situation.html", context)


@router.post("/console/situation", include_in_schema=False)
async def save_from_console(
    request: Request, session: SessionDep, staff: ConsoleCoordinator
) -> Response:
    form = await request.form()
    name = str(form.get("name", "")).strip()
    values = {
        language: str(form.get(f"value_{language}", ""))[: situation.MAX_VALUE]
        for language in SUPPORTED_LANGUAGES
    }
    try:
        situation.set_value(name, values, session=session, actor=staff.name)
    except InvalidInputError as refused:
        request.session["flash"] = {"text": str(refused), "error": True}
        return RedirectResponse("/console/situation", status_code=303)
    session.commit()
    request.session["flash"] = {
        "text": f"{{situation_{name}}} を更新しました / saved",
        "error": False,
    }
    return RedirectResponse("/console/situation", status_code=303)
