"""Replies to citizens: queued here, sent by the outbound job (`outbound`, with the
states in `delivery`, which also takes the providers' delivery reports).
Functions take `*, session`; the caller commits."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from triage.core.db import utcnow
from triage.core.errors import NotFoundError
from triage.inquiries.service import record_event
from triage.inquiries.tables import EventKind, Inquiry, Reply, ReplyStatus

# Authors of replies the machine wrote from approved text (a playbook, the fixed
# acknowledgement); "system" (the location question) and staff replies are not answers.
PLAYBOOK_AUTHOR = "playbook"
AUTOMATIC_ANSWER_AUTHORS = frozenset({PLAYBOOK_AUTHOR})


def add_reply(
    inquiry: Inquiry,
    text: str,
    *,
    author: str,
    session: Session,
    language: str | None = None,
    playbook_id: str | None = None,
    playbook_version: int | None = None,
    ask_location: bool = False,
    client_key: str | None = None,
    machine_drafted: bool = False,
) -> Reply:
    """Queue a reply to the citizen on the channel they used; the outbound job sends it."""
    reply = Reply(
        inquiry_id=inquiry.id,
        channel=inquiry.channel,
        text=text,
        language=language,
        author=author,
        playbook_id=playbook_id,
        playbook_version=playbook_version,
        ask_location=ask_location,
        client_key=client_key,
    )
    session.add(reply)
    session.flush()
    record_event(
        session,
        inquiry.id,
        EventKind.REPLIED,
        actor=author,
        detail={"reply_id": reply.id, "playbook_id": playbook_id}
        | ({"playbook_version": playbook_version} if playbook_version else {})
        | ({"machine_drafted": True} if machine_drafted else {}),
    )
    return reply


def find_by_client_key(inquiry_id: str, client_key: str, *, session: Session) -> Reply | None:
    """The reply a staff client already made with this Idempotency-Key, if any."""
    return session.scalars(
        select(Reply).where(Reply.inquiry_id == inquiry_id, Reply.client_key == client_key)
    ).one_or_none()


def get_reply(reply_id: int, *, session: Session) -> Reply:
    reply = session.get(Reply, reply_id)
    if reply is None:
        raise NotFoundError(f"reply {reply_id} not found")
    return reply


def cancel_automatic_answers(inquiry_id: str, reason: str, *, session: Session) -> list[int]:
    """Cancel every automatic answer to this inquiry that has not gone out yet (it was
    raised to P1/P2 after routing: a person answers now). Returns the cancelled ids."""
    cancelled = list(
        session.scalars(
            update(Reply)
            .where(
                Reply.inquiry_id == inquiry_id,
                Reply.status == ReplyStatus.QUEUED,
                Reply.author.in_(AUTOMATIC_ANSWER_AUTHORS),
            )
            .values(status=ReplyStatus.CANCELLED, error=reason, updated_at=utcnow())
            .returning(Reply.id)
            .execution_options(synchronize_session=False)
        ).all()
    )
    for reply_id in cancelled:
        record_event(
            session,
            inquiry_id,
            EventKind.REPLY_CANCELLED,
            detail={"reply_id": reply_id, "reason": reason},
        )
    return cancelled
