"""`/api/v1/playbooks/...` analyses for coordinators: what a draft would change before it
is published (impact replay), and the routine questions no playbook answers (gaps),
each with the start of a playbook for it.

Here rather than in `playbooks/` because both read stored inquiries, which the
playbooks package may not import. Include this router before `playbooks.views.router`:
`GET /api/v1/playbooks/gaps` would otherwise be taken for the playbook with id "gaps".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from playbooks import service
from playbooks.gaps import GapDraftRequest, GapGroup, draft_for_gap
from playbooks.impact import ImpactReport
from playbooks.schemas import PlaybookContent, PlaybookRead
from playbooks.views import ID_CHANGED, NOT_JSON
from triage.auth.deps import Coordinator
from triage.console import playbook_analysis
from triage.core.db import utcnow
from triage.core.deps import SessionDep
from triage.core.errors import InvalidInputError

router = APIRouter(
    prefix="/api/v1/playbooks",
    tags=["playbooks"],
    responses={
        401: {"description": "no valid bearer token or console session"},
        403: {"description": "not a coordinator or an admin (or a console POST without CSRF)"},
    },
)
MAX_DAYS = 90
MAX_HOURS = 7 * 24


class ImpactRequest(BaseModel):
    content: PlaybookContent = Field(description="the draft; its id is the path's")
    days: int = Field(default=playbook_analysis.REPLAY_DAYS, ge=1, le=MAX_DAYS)
    limit: int = Field(
        default=playbook_analysis.REPLAY_LIMIT, ge=1, le=playbook_analysis.REPLAY_LIMIT
    )


class ImpactRead(ImpactReport):
    since: datetime = Field(description="the oldest arrival replayed")
    days: int
    limit: int
    truncated: bool = Field(description="`limit` inquiries were read: older ones were not")


class GapsRead(BaseModel):
    hours: int
    since: datetime
    scanned: int = Field(description="routine inquiries that went to staff without a playbook")
    truncated: bool = Field(description="the newest inquiries only were read")
    groups: list[GapGroup] = Field(description="the most asked first, then the most recent")


@router.post("/{playbook_id}/impact", responses={**NOT_JSON, **ID_CHANGED})
def impact(
    playbook_id: str, body: ImpactRequest, session: SessionDep, _staff: Coordinator
) -> ImpactRead:
    """Replay the last `days` of stored inquiries with the draft published in place of
    this playbook's published version (or added, for a playbook not published yet):
    which it would answer, whose answer changes, which it stops answering, and the
    urgent ones its keywords reach (never answered: `urgent_answered` must be 0).
    Nothing is saved."""
    if body.content.id != playbook_id:
        raise InvalidInputError("the draft's id must be the playbook's id")
    now = utcnow()
    report = playbook_analysis.impact_of(
        body.content, session=session, days=body.days, limit=body.limit, now=now
    )
    return ImpactRead(
        **report.model_dump(),
        since=now - timedelta(days=body.days),
        days=body.days,
        limit=body.limit,
        truncated=report.scanned >= body.limit,
    )


@router.get("/gaps")
def gaps(
    session: SessionDep,
    _staff: Coordinator,
    hours: Annotated[int, Query(ge=1, le=MAX_HOURS)] = playbook_analysis.GAP_HOURS,
) -> GapsRead:
    """Routine inquiries of the last `hours` that no playbook answered (they went to
    staff), grouped by similar wording across languages, the most asked first. Each
    group's `draft` is the body that starts a playbook for it."""
    now = utcnow()
    scanned, groups = playbook_analysis.gaps(session=session, hours=hours, now=now)
    return GapsRead(
        hours=hours,
        since=now - timedelta(hours=hours),
        scanned=scanned,
        truncated=scanned >= playbook_analysis.GAP_LIMIT,
        groups=groups,
    )


CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "a draft for these examples exists already"}
}


@router.post("/gaps/draft", status_code=status.HTTP_201_CREATED, responses={**NOT_JSON, **CONFLICT})
def draft_for_gaps(body: GapDraftRequest, session: SessionDep, staff: Coordinator) -> PlaybookRead:
    """The "write a playbook for this" action: a new draft (id `gap_…`) titled with the first
    example, for the group's category, with a placeholder answer and no keywords; the
    version note lists the examples as its test questions. Publish it once written."""
    content, note = draft_for_gap(body)
    created = service.create(content, actor=staff.name, session=session, note=note)
    session.commit()
    return created
