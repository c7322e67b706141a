"""The staff API's other actions: next most urgent, reopen, note, reclassify, settle a
disputed verdict, merge and split incidents, and looking at a contact. The console's
forms call the same functions (`triage.inquiries.staff_actions`, `state`, `disputes`,
`incidents`): everything the console does, an integrating system (a fire department's
dispatch) can do here.
"""

from __future__ import annotations

from fastapi import APIRouter

from triage.auth.deps import Responder
from triage.auth.tables import Role, StaffUser
from triage.core.deps import SessionDep
from triage.inquiries import disputes, incidents, staff_actions, state
from triage.inquiries.schemas import (
    ContactRead,
    InquiryDetail,
    MergeRequest,
    NoteCreate,
    ReclassifyRequest,
    ReopenRequest,
    SettleRequest,
)
from triage.inquiries.views import CONFLICT, NOT_FOUND, NOT_JSON, detail_of
from triage.inquiries.views import router as _base

router = APIRouter(tags=["staff"], responses=_base.responses)


def _actor(staff: StaffUser) -> state.Actor:
    return state.Actor(staff.name, is_admin=staff.role == Role.ADMIN)


@router.post(
    "/api/v1/inquiries/next",
    response_model=InquiryDetail,
    responses={
        404: {"description": "nothing is waiting: every open inquiry is claimed or answered"},
        **CONFLICT,
    },
)
def claim_next(session: SessionDep, staff: Responder) -> InquiryDetail:
    """Claim the most urgent inquiry nobody holds (urgent queue first, then staff)."""
    inquiry = staff_actions.claim_next(_actor(staff), session=session)
    return detail_of(inquiry.id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/reopen",
    response_model=InquiryDetail,
    responses={**NOT_JSON, **NOT_FOUND, **CONFLICT},
)
def reopen(
    inquiry_id: str, session: SessionDep, staff: Responder, body: ReopenRequest | None = None
) -> InquiryDetail:
    """A resolved inquiry back in its queue, unclaimed."""
    state.reopen_inquiry(
        inquiry_id, _actor(staff), session=session, note=(body or ReopenRequest()).note
    )
    session.commit()
    return detail_of(inquiry_id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/notes",
    response_model=InquiryDetail,
    responses={**NOT_JSON, **NOT_FOUND, **CONFLICT},
)
def add_note(
    inquiry_id: str, body: NoteCreate, session: SessionDep, staff: Responder
) -> InquiryDetail:
    """A note for the record, shown to every responder (never sent to the citizen)."""
    state.add_note(inquiry_id, _actor(staff), body.text, session=session)
    session.commit()
    return detail_of(inquiry_id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/reclassify",
    response_model=InquiryDetail,
    responses={**NOT_JSON, **NOT_FOUND, **CONFLICT},
)
def reclassify(
    inquiry_id: str, body: ReclassifyRequest, session: SessionDep, staff: Responder
) -> InquiryDetail:
    """Change priority or category, with the reason (kept with the machine's values)."""
    state.reclassify(
        inquiry_id,
        _actor(staff),
        session=session,
        reason=body.reason,
        priority=body.priority.value if body.priority else None,
        category=body.category.value if body.category else None,
    )
    session.commit()
    return detail_of(inquiry_id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/settle",
    response_model=InquiryDetail,
    responses={
        **NOT_JSON,
        **NOT_FOUND,
        409: {"description": "not disputed (or settled already), or not open to this responder"},
    },
)
def settle(
    inquiry_id: str, body: SettleRequest, session: SessionDep, staff: Responder
) -> InquiryDetail:
    """Settle a disputed verdict (the LLM and the local layers disagree on whether a
    person is needed now): `local` keeps the priority, `llm` reclassifies to the LLM's
    priority and category. The inquiry stays with staff; nothing is sent to the citizen."""
    disputes.settle_dispute(inquiry_id, _actor(staff), body.accept, session=session)
    session.commit()
    return detail_of(inquiry_id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/merge",
    response_model=InquiryDetail,
    responses={**NOT_JSON, **NOT_FOUND, **CONFLICT},
)
def merge(
    inquiry_id: str, body: MergeRequest, session: SessionDep, staff: Responder
) -> InquiryDetail:
    """Fold other reports of the same need into this inquiry's incident. They leave the
    queue; this one takes the most urgent priority; a reply reaches every reporter."""
    incidents.merge(inquiry_id, body.inquiry_ids, _actor(staff), session=session)
    session.commit()
    return detail_of(inquiry_id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/split",
    response_model=InquiryDetail,
    responses={**NOT_FOUND, **CONFLICT},
)
def split(inquiry_id: str, session: SessionDep, staff: Responder) -> InquiryDetail:
    """Undo a merge: this report is on its own again (the incident's first report: all are)."""
    incidents.split(inquiry_id, _actor(staff), session=session)
    session.commit()
    return detail_of(inquiry_id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/contact", response_model=ContactRead, responses=NOT_FOUND
)
def reveal_contact(inquiry_id: str, session: SessionDep, staff: Responder) -> ContactRead:
    """The sender's whole contact; the record says who looked, and when."""
    return ContactRead(
        sender=staff_actions.reveal_contact(inquiry_id, _actor(staff), session=session)
    )
