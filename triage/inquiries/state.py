"""A responder's hold on an inquiry: claim, release, resolve. Conditional updates, so
two people can never both win. Functions take `*, session`; the caller commits."""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from triage.core.db import utcnow
from triage.core.errors import ConflictError
from triage.inquiries.service import get_inquiry, record_event
from triage.inquiries.tables import EventKind, Inquiry, InquiryStatus

# A person can take an inquiry once it is triaged; before that the triage job owns it
# (claiming it then would stop it from ever being assessed and routed).
CLAIMABLE_STATUSES = (InquiryStatus.TRIAGED, InquiryStatus.ANSWERED, InquiryStatus.CLAIMED)


def claim_inquiry(inquiry_id: str, staff_name: str, *, session: Session) -> Inquiry:
    """Take an inquiry. A conditional update, so two responders can never both win."""
    claimed = session.execute(
        update(Inquiry)
        .where(Inquiry.id == inquiry_id, Inquiry.status.in_(CLAIMABLE_STATUSES))
        .where(or_(Inquiry.claimed_by.is_(None), Inquiry.claimed_by == staff_name))
        .values(claimed_by=staff_name, status=InquiryStatus.CLAIMED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    inquiry = get_inquiry(inquiry_id, session=session)
    if claimed.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        if inquiry.claimed_by and inquiry.claimed_by != staff_name:
            raise ConflictError(f"already claimed by {inquiry.claimed_by}")
        if inquiry.status == InquiryStatus.RECEIVED:
            raise ConflictError("still being triaged; try again in a few seconds")
        raise ConflictError(f"inquiry is {inquiry.status}")
    session.refresh(inquiry)
    record_event(session, inquiry.id, EventKind.CLAIMED, actor=staff_name)
    return inquiry


def release_inquiry(inquiry_id: str, staff_name: str, *, session: Session) -> Inquiry:
    """Give a claimed inquiry back to the queue it came from."""
    released = session.execute(
        update(Inquiry)
        .where(Inquiry.id == inquiry_id, Inquiry.status == InquiryStatus.CLAIMED)
        .where(Inquiry.claimed_by == staff_name)
        .values(claimed_by=None, status=InquiryStatus.TRIAGED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    inquiry = get_inquiry(inquiry_id, session=session)
    if released.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        raise ConflictError("only the responder who claimed it can release it")
    session.refresh(inquiry)
    record_event(session, inquiry.id, EventKind.RELEASED, actor=staff_name)
    return inquiry


def resolve_inquiry(
    inquiry_id: str, staff_name: str, *, session: Session, note: str | None = None
) -> Inquiry:
    inquiry = get_inquiry(inquiry_id, session=session)
    if inquiry.status == InquiryStatus.RESOLVED:
        raise ConflictError("already resolved")
    inquiry.status = InquiryStatus.RESOLVED
    record_event(
        session,
        inquiry.id,
        EventKind.RESOLVED,
        actor=staff_name,
        detail={"note": note} if note else {},
    )
    return inquiry
