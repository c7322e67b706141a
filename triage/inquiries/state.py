"""What a responder may do to an inquiry, and when: every change is a conditional
transition, and the allowed states are written down once, in `TRANSITIONS`.

A person can act once the inquiry is triaged (before that the triage job owns it:
claiming it then would stop it from ever being assessed and routed), never after it was
resolved or closed. Only the responder who holds the claim may release, reply or
resolve; an unclaimed inquiry may be answered or resolved by anyone; an admin may act
on anyone's. Each change is one UPDATE … WHERE status IN (…) AND claim allows, so two
people can never both win. Functions take `*, session`; the caller commits.

Settling a disputed verdict (`triage.inquiries.disputes`) is a transition too, whose
UPDATE also requires the inquiry to be disputed still: it is settled once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from triage.core.db import utcnow
from triage.core.errors import ConflictError
from triage.core.metrics import RECEIPT_TO_CLAIMED_SECONDS
from triage.inquiries.service import get_inquiry, record_event
from triage.inquiries.tables import EventKind, Inquiry, InquiryStatus


class Action(StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    REPLY = "reply"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    NOTE = "note"
    RECLASSIFY = "reclassify"
    # Settling a disputed verdict: keep the priority, or take the LLM's reading.
    SETTLE = "settle"
    ACCEPT_LLM_READING = "accept the LLM's reading of"


class Outcome(StrEnum):
    """How a resolved inquiry ended, in words the citizen's status page can use."""

    HELPED = "helped"  # a team went, or the need was met
    ANSWERED = "answered"  # the question was answered
    REFERRED = "referred"  # handed to 119/110, a hospital, another office
    NO_LONGER_NEEDED = "no_longer_needed"  # the citizen says it is solved
    UNREACHABLE = "unreachable"  # nobody could reach the citizen
    DUPLICATE = "duplicate"  # the same need is handled in another inquiry
    NO_ACTION = "no_action"  # nothing to do (chatter, a test, spam)


@dataclass(frozen=True)
class Transition:
    allowed_from: frozenset[InquiryStatus]
    # The claim this action needs: "free_or_mine" (unclaimed, or held by the actor),
    # "mine" (held by the actor), "any" (whoever holds it); an admin passes every one.
    claim: str
    event: EventKind
    disputed_only: bool = False  # applies only while the inquiry is disputed


_ACTIVE = frozenset({InquiryStatus.TRIAGED, InquiryStatus.ANSWERED, InquiryStatus.CLAIMED})

TRANSITIONS: dict[Action, Transition] = {
    Action.CLAIM: Transition(_ACTIVE, "free_or_mine", EventKind.CLAIMED),
    Action.RELEASE: Transition(frozenset({InquiryStatus.CLAIMED}), "mine", EventKind.RELEASED),
    Action.REPLY: Transition(_ACTIVE, "free_or_mine", EventKind.REPLIED),
    Action.RESOLVE: Transition(_ACTIVE, "free_or_mine", EventKind.RESOLVED),
    # A resolved inquiry comes back to its queue, unclaimed (the citizen wrote again, or
    # the outcome was wrong). A closed one (never meant for a person) stays closed.
    Action.REOPEN: Transition(frozenset({InquiryStatus.RESOLVED}), "any", EventKind.REOPENED),
    # A note is for the record: anyone may add one while the inquiry is open.
    Action.NOTE: Transition(_ACTIVE, "any", EventKind.NOTE),
    Action.RECLASSIFY: Transition(_ACTIVE, "free_or_mine", EventKind.RECLASSIFIED),
    Action.SETTLE: Transition(_ACTIVE, "free_or_mine", EventKind.SETTLED, disputed_only=True),
    Action.ACCEPT_LLM_READING: Transition(
        _ACTIVE, "free_or_mine", EventKind.RECLASSIFIED, disputed_only=True
    ),
}


@dataclass(frozen=True)
class Actor:
    name: str
    is_admin: bool = False


def claim_inquiry(inquiry_id: str, actor: Actor | str, *, session: Session) -> Inquiry:
    """Take an inquiry."""
    # Whether nobody held it: only such a claim is a receipt→claimed wait (a repeated
    # click or an admin taking over is not).
    held_by = session.scalar(select(Inquiry.claimed_by).where(Inquiry.id == inquiry_id))
    inquiry = _apply(
        Action.CLAIM,
        inquiry_id,
        _actor(actor),
        {
            "claimed_by": _actor(actor).name,
            "status": InquiryStatus.CLAIMED,
            "claim_active_at": utcnow(),
        },
        session=session,
    )
    if held_by is None:
        waited = (utcnow() - inquiry.received_at).total_seconds()
        RECEIPT_TO_CLAIMED_SECONDS.labels(priority=inquiry.priority or "none").observe(
            max(0.0, waited)
        )
    return inquiry


def release_inquiry(inquiry_id: str, actor: Actor | str, *, session: Session) -> Inquiry:
    """Give a claimed inquiry back to the queue it came from."""
    return _apply(
        Action.RELEASE,
        inquiry_id,
        _actor(actor),
        {"claimed_by": None, "status": InquiryStatus.TRIAGED, "claim_active_at": None},
        session=session,
    )


def reopen_inquiry(
    inquiry_id: str, actor: Actor | str, *, session: Session, note: str | None = None
) -> Inquiry:
    """Bring a resolved inquiry back to its queue, unclaimed."""
    return _apply(
        Action.REOPEN,
        inquiry_id,
        _actor(actor),
        {"status": InquiryStatus.TRIAGED, "claimed_by": None, "claim_active_at": None},
        session=session,
        detail={"note": note} if note else {},
    )


def add_note(inquiry_id: str, actor: Actor | str, text: str, *, session: Session) -> Inquiry:
    """A note on the record (kept on the inquiry's event log, shown to every responder);
    the holder's note keeps the claim alive."""
    return _apply(
        Action.NOTE,
        inquiry_id,
        _actor(actor),
        _touch(inquiry_id, actor, session),
        session=session,
        detail={"text": text},
    )


def reclassify(
    inquiry_id: str,
    actor: Actor | str,
    *,
    session: Session,
    reason: str,
    priority: str | None = None,
    category: str | None = None,
    settles_dispute: bool = False,
) -> Inquiry:
    """A person's correction of priority or category, with the reason; the machine's
    values stay in the event (a correction the model can learn from). With
    `settles_dispute` it is the settlement of a disputed verdict: refused unless the
    inquiry is disputed, and the dispute is cleared."""
    before = get_inquiry(inquiry_id, session=session)
    values: dict[str, object] = {"disputed": False} if settles_dispute else {}
    detail: dict[str, object] = {"reason": reason}
    if priority is not None and priority != before.priority:
        values["priority"] = priority
        detail["priority"] = {"from": before.priority, "to": priority}
    if category is not None and category != before.category:
        values["category"] = category
        detail["category"] = {"from": before.category, "to": category}
    return _apply(
        Action.ACCEPT_LLM_READING if settles_dispute else Action.RECLASSIFY,
        inquiry_id,
        _actor(actor),
        {**values, **_touch(inquiry_id, actor, session)},
        session=session,
        detail=detail,
    )


def keep_disputed_priority(
    inquiry_id: str, actor: Actor | str, *, session: Session, detail: dict[str, object]
) -> Inquiry:
    """Settle a disputed verdict as it stands: the priority stays, the dispute is cleared
    (`triage.inquiries.disputes`); refused unless the inquiry is disputed."""
    return _apply(
        Action.SETTLE,
        inquiry_id,
        _actor(actor),
        {"disputed": False, **_touch(inquiry_id, actor, session)},
        session=session,
        detail=detail,
    )


def _touch(inquiry_id: str, actor: Actor | str, session: Session) -> dict[str, object]:
    """The holder acted: the lease starts again (someone else's action does not)."""
    held_by = session.scalar(select(Inquiry.claimed_by).where(Inquiry.id == inquiry_id))
    return {"claim_active_at": utcnow()} if held_by == _actor(actor).name else {}


def check_may_reply(inquiry_id: str, actor: Actor | str, *, session: Session) -> Inquiry:
    """A staff reply is allowed now; a triaged inquiry becomes answered (a claimed one
    stays with its responder). The caller queues the reply in the same transaction."""
    inquiry = get_inquiry(inquiry_id, session=session)
    answered = inquiry.status == InquiryStatus.TRIAGED
    values: dict[str, object] = {"status": InquiryStatus.ANSWERED} if answered else {}
    values.update(_touch(inquiry_id, actor, session))
    return _apply(Action.REPLY, inquiry_id, _actor(actor), values, session=session, event=False)


def resolve_inquiry(
    inquiry_id: str,
    actor: Actor | str,
    *,
    session: Session,
    outcome: Outcome | None = None,
    note: str | None = None,
) -> Inquiry:
    detail: dict[str, object] = {}
    if outcome is not None:
        detail["outcome"] = str(outcome)
    if note:
        detail["note"] = note
    return _apply(
        Action.RESOLVE,
        inquiry_id,
        _actor(actor),
        {"status": InquiryStatus.RESOLVED, "claim_active_at": None},
        session=session,
        detail=detail,
    )


def _actor(actor: Actor | str) -> Actor:
    return actor if isinstance(actor, Actor) else Actor(actor)


def _claim_allows(transition: Transition, actor: Actor) -> ColumnElement[bool] | None:
    if actor.is_admin or transition.claim == "any":
        return None
    if transition.claim == "mine":
        return Inquiry.claimed_by == actor.name
    return or_(Inquiry.claimed_by.is_(None), Inquiry.claimed_by == actor.name)


def _apply(
    action: Action,
    inquiry_id: str,
    actor: Actor,
    values: dict[str, object],
    *,
    session: Session,
    detail: dict[str, object] | None = None,
    event: bool = True,
) -> Inquiry:
    transition = TRANSITIONS[action]
    statement = update(Inquiry).where(
        Inquiry.id == inquiry_id, Inquiry.status.in_(transition.allowed_from)
    )
    claim = _claim_allows(transition, actor)
    if claim is not None:
        statement = statement.where(claim)
    if transition.disputed_only:
        statement = statement.where(Inquiry.disputed.is_(True))
    changed = session.execute(
        statement.values(**values, updated_at=utcnow()).execution_options(synchronize_session=False)
    )
    inquiry = get_inquiry(inquiry_id, session=session)
    if changed.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        raise ConflictError(_refusal(action, transition, inquiry, actor))
    session.refresh(inquiry)
    if event:
        record_event(session, inquiry.id, transition.event, actor=actor.name, detail=detail or {})
    return inquiry


def _refusal(action: Action, transition: Transition, inquiry: Inquiry, actor: Actor) -> str:
    """Why the transition was refused, in words a responder can act on."""
    if inquiry.status == InquiryStatus.RECEIVED:
        return "still being triaged; try again in a few seconds"
    if inquiry.status not in transition.allowed_from:
        return f"cannot {action} an inquiry that is {inquiry.status}"
    if transition.disputed_only and not inquiry.disputed:
        return "not disputed any more: someone settled it"
    if inquiry.claimed_by and inquiry.claimed_by != actor.name:
        return f"already claimed by {inquiry.claimed_by}"
    return f"only the responder who claimed it can {action} it"


def lapse_idle_claims(lease_seconds: float, *, session: Session) -> list[str]:
    """Claims whose holder did nothing for `lease_seconds` go back to the queue (a
    responder who went home, or whose laptop died, must not sit on an urgent item).
    Conditional on the claim still being idle, so an action that lands meanwhile wins."""
    cutoff = utcnow() - timedelta(seconds=lease_seconds)
    idle = session.execute(
        select(Inquiry.id, Inquiry.claimed_by).where(
            Inquiry.status == InquiryStatus.CLAIMED, Inquiry.claim_active_at < cutoff
        )
    ).all()
    lapsed = []
    for inquiry_id, holder in idle:
        changed = session.execute(
            update(Inquiry)
            .where(
                Inquiry.id == inquiry_id,
                Inquiry.status == InquiryStatus.CLAIMED,
                Inquiry.claim_active_at < cutoff,
            )
            .values(
                status=InquiryStatus.TRIAGED,
                claimed_by=None,
                claim_active_at=None,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount:  # type: ignore[attr-defined]
            record_event(
                session,
                inquiry_id,
                EventKind.CLAIM_LAPSED,
                detail={"holder": holder, "idle_seconds": lease_seconds},
            )
            lapsed.append(inquiry_id)
    return lapsed
