"""Incidents: reports of the same need, from any channel and language, folded into one.

An incident is its first report (the "primary"); merged reports carry its id in
`incident_id` and leave the queue, so one need is worked once. The primary takes the
most urgent priority of its reports (fail urgent: merging never lowers anything). A
wrong merge is undone with `split`: the report is on its own again, in its queue. Both
are written to every report's event log. Functions take `*, session`; the caller commits.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from triage.assessment.schemas import Priority, most_urgent
from triage.core.db import utcnow
from triage.core.errors import ConflictError, InvalidInputError
from triage.inquiries.service import OPEN_STATUSES, get_inquiry, record_event
from triage.inquiries.state import Actor
from triage.inquiries.tables import EventKind, Inquiry, InquiryStatus

MAX_MERGE = 50


def members(primary_id: str, *, session: Session) -> list[Inquiry]:
    """The reports merged into this incident, oldest first (the primary not included)."""
    return list(
        session.scalars(
            select(Inquiry)
            .where(Inquiry.incident_id == primary_id, Inquiry.id != primary_id)
            .order_by(Inquiry.received_at)
        ).all()
    )


def merge(primary_id: str, report_ids: list[str], actor: Actor, *, session: Session) -> Inquiry:
    """Fold `report_ids` into the incident of `primary_id`. Every report must be open and
    triaged, and none may be claimed by someone else: their work is not taken from them."""
    others = [i for i in dict.fromkeys(report_ids) if i != primary_id]
    if not others:  # 409 like any merge the present state refuses
        raise ConflictError("an inquiry cannot be merged into itself; name another one")
    if len(others) > MAX_MERGE:
        raise InvalidInputError(f"at most {MAX_MERGE} inquiries at once")
    primary = get_inquiry(primary_id, session=session)
    if primary.incident_id not in (None, primary.id):
        raise ConflictError(f"{primary_id} is itself merged into {primary.incident_id}")
    _check_open(primary)
    reports = [get_inquiry(i, session=session) for i in others]
    for report in reports:
        _check_open(report)
        if report.incident_id is not None:
            raise ConflictError(f"{report.id} is already part of an incident; split it first")
        if report.claimed_by not in (None, actor.name) and not actor.is_admin:
            raise ConflictError(f"{report.id} is claimed by {report.claimed_by}")
    ids = [r.id for r in reports]
    # Conditional, like every transition: a report that changed since it was read (claimed
    # by someone, resolved, merged elsewhere) makes the whole merge refuse.
    changed = session.execute(
        update(Inquiry)
        .where(
            Inquiry.id.in_(ids),
            Inquiry.incident_id.is_(None),
            Inquiry.status.in_(OPEN_STATUSES),
            or_(Inquiry.claimed_by.is_(None), Inquiry.claimed_by == actor.name)
            if not actor.is_admin
            else Inquiry.id.is_not(None),
        )
        .values(incident_id=primary.id, claimed_by=None, claim_active_at=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != len(ids):  # type: ignore[attr-defined]
        session.rollback()
        raise ConflictError("one of the inquiries changed meanwhile; reload and try again")
    raised = most_urgent(*(_priority(r) for r in [primary, *reports]))
    values: dict[str, object] = {"incident_id": primary.id, "updated_at": utcnow()}
    if primary.priority != raised.value:
        values["priority"] = raised.value
    session.execute(
        update(Inquiry)
        .where(Inquiry.id == primary.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    record_event(
        session,
        primary.id,
        EventKind.MERGED,
        actor=actor.name,
        detail={"reports": ids, "priority": raised.value},
    )
    for report_id in ids:
        record_event(
            session, report_id, EventKind.MERGED, actor=actor.name, detail={"into": primary.id}
        )
    session.flush()
    session.refresh(primary)
    return primary


def split(report_id: str, actor: Actor, *, session: Session) -> Inquiry:
    """Take a report out of its incident: on its own again, back in its queue. Splitting
    the primary takes every report out (the incident is undone)."""
    report = get_inquiry(report_id, session=session)
    if report.incident_id is None:
        raise ConflictError(f"{report_id} is not part of an incident")
    primary_id = report.incident_id
    if report.id == primary_id:
        freed = [m.id for m in members(primary_id, session=session)]
        targets = [*freed, primary_id]
    else:
        freed = [report.id]
        targets = freed
    session.execute(
        update(Inquiry)
        .where(Inquiry.id.in_(targets))
        .values(incident_id=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if report.id != primary_id and not members(primary_id, session=session):
        session.execute(
            update(Inquiry)
            .where(Inquiry.id == primary_id)
            .values(incident_id=None)
            .execution_options(synchronize_session=False)
        )
    for inquiry_id in freed:
        record_event(
            session, inquiry_id, EventKind.SPLIT, actor=actor.name, detail={"from": primary_id}
        )
    record_event(session, primary_id, EventKind.SPLIT, actor=actor.name, detail={"reports": freed})
    session.flush()
    session.refresh(report)
    return report


def _check_open(inquiry: Inquiry) -> None:
    if inquiry.status not in OPEN_STATUSES or inquiry.status == InquiryStatus.RECEIVED:
        raise ConflictError(f"cannot merge {inquiry.id}: it is {inquiry.status}")


def _priority(inquiry: Inquiry) -> Priority | None:
    return Priority(inquiry.priority) if inquiry.priority else None


DUPLICATE_WINDOW_HOURS = 12
MAX_DUPLICATES = 5


def likely_duplicates(inquiry: Inquiry, *, session: Session) -> list[Inquiry]:
    """Open reports that may be the same need: from the same sender, or about the same
    place (municipality code) and category, within `DUPLICATE_WINDOW_HOURS`, not yet part
    of an incident. Newest first; a person decides."""

    window = timedelta(hours=DUPLICATE_WINDOW_HOURS)
    same_need = [Inquiry.sender_hash == inquiry.sender_hash] if inquiry.sender_hash else []
    if inquiry.lgcode and inquiry.category:
        same_need.append(
            (Inquiry.lgcode == inquiry.lgcode) & (Inquiry.category == inquiry.category)
        )
    if not same_need:
        return []
    return list(
        session.scalars(
            select(Inquiry)
            .where(
                Inquiry.id != inquiry.id,
                Inquiry.incident_id.is_(None),
                Inquiry.status.in_(OPEN_STATUSES),
                Inquiry.status != InquiryStatus.RECEIVED,
                Inquiry.received_at.between(
                    inquiry.received_at - window, inquiry.received_at + window
                ),
                or_(*same_need),
            )
            .order_by(Inquiry.received_at.desc())
            .limit(MAX_DUPLICATES)
        ).all()
    )
