"""`/api/v1/playbooks`: coordinators (and admins) edit, version, publish and retire playbooks.

HTTP only: validation is the schemas', persistence the service's. Responses are `*Read`
schemas, never rows.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from playbooks import service
from playbooks.schemas import (
    PlaybookConfirm,
    PlaybookCreate,
    PlaybookEventRead,
    PlaybookPublish,
    PlaybookRead,
    PlaybookStatus,
    PlaybookUpdate,
    PlaybookVersionRead,
)
from triage.auth.deps import Coordinator
from triage.core.deps import SessionDep

router = APIRouter(
    prefix="/api/v1/playbooks",
    tags=["playbooks"],
    responses={
        401: {"description": "no valid bearer token or console session"},
        403: {"description": "not a coordinator or an admin (or a console POST without CSRF)"},
    },
)
# The routes' other answers, each a `{"detail": "..."}` body unless a schema says more.
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such playbook or version"}}
NOT_JSON: dict[int | str, dict[str, Any]] = {400: {"description": "the body is not JSON"}}
ID_CHANGED: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "the body does not validate, or the new version changes the id",
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
    }
}


@router.get("")
def list_playbooks(
    session: SessionDep,
    _staff: Coordinator,
    status_filter: Annotated[PlaybookStatus | None, Query(alias="status")] = None,
) -> list[PlaybookRead]:
    return service.list_playbooks(session=session, status=status_filter)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={**NOT_JSON, 409: {"description": "a playbook with this id exists"}},
)
def create_playbook(body: PlaybookCreate, session: SessionDep, staff: Coordinator) -> PlaybookRead:
    """A new playbook as draft version 1; it reaches citizens only once published."""
    created = service.create(body.content, actor=staff.name, session=session, note=body.note)
    session.commit()
    return created


@router.get("/{playbook_id}", responses=NOT_FOUND)
def get_playbook(playbook_id: str, session: SessionDep, _staff: Coordinator) -> PlaybookRead:
    return service.get(playbook_id, session=session, with_versions=True)


@router.get("/{playbook_id}/versions", responses=NOT_FOUND)
def list_versions(
    playbook_id: str, session: SessionDep, _staff: Coordinator
) -> list[PlaybookVersionRead]:
    service.get(playbook_id, session=session)  # 404 for an unknown id, not an empty list
    return service.versions(playbook_id, session=session)


@router.put("/{playbook_id}", responses={**NOT_JSON, **NOT_FOUND, **ID_CHANGED})
def update_playbook(
    playbook_id: str, body: PlaybookUpdate, session: SessionDep, staff: Coordinator
) -> PlaybookRead:
    """A new version; the published one is unchanged until this one is published."""
    updated = service.update(
        playbook_id, body.content, actor=staff.name, session=session, note=body.note
    )
    session.commit()
    return updated


STALE: dict[int | str, dict[str, Any]] = {
    409: {"description": "some answers may be out of date; confirm them or say stale=send|fallback"}
}


@router.post("/{playbook_id}/publish", responses={**NOT_JSON, **NOT_FOUND, **STALE})
def publish_playbook(
    playbook_id: str, body: PlaybookPublish, session: SessionDep, staff: Coordinator
) -> PlaybookRead:
    """Serve a version to citizens (an earlier one rolls back); recorded with who and why.
    Every worker answers with it within about a second."""
    published = service.publish(
        playbook_id,
        body.version,
        session=session,
        actor=staff.name,
        note=body.note,
        stale=body.stale,
    )
    session.commit()
    return published


@router.post("/{playbook_id}/retire", responses=NOT_FOUND)
def retire_playbook(playbook_id: str, session: SessionDep, staff: Coordinator) -> PlaybookRead:
    """Stop serving it (unpublish); recorded with who."""
    retired = service.retire(playbook_id, session=session, actor=staff.name)
    session.commit()
    return retired


@router.post("/{playbook_id}/confirm", responses={**NOT_JSON, **NOT_FOUND})
def confirm_languages(
    playbook_id: str, body: PlaybookConfirm, session: SessionDep, staff: Coordinator
) -> dict[str, list[str]]:
    """These languages' answers are still right in the latest version; answers the
    languages still needing review."""
    still = service.confirm_languages(
        playbook_id, body.languages, session=session, actor=staff.name
    )
    session.commit()
    return {"stale": still}


@router.get("/{playbook_id}/stale", responses=NOT_FOUND)
def stale_languages(
    playbook_id: str, session: SessionDep, _staff: Coordinator
) -> dict[str, list[str]]:
    """The languages of the latest version whose answer may be out of date."""
    row = service.get(playbook_id, session=session)
    return {"stale": service.stale_languages_of(playbook_id, row.current_version, session=session)}


@router.get("/{playbook_id}/events", responses=NOT_FOUND)
def playbook_events(
    playbook_id: str, session: SessionDep, _staff: Coordinator
) -> list[PlaybookEventRead]:
    """Who published, retired, rolled back or confirmed what, newest first."""
    service.get(playbook_id, session=session)
    return [
        PlaybookEventRead.model_validate(e) for e in service.events(playbook_id, session=session)
    ]
