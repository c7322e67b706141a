"""An inquiry and its replies are read as of one moment, never half before a triage.

Under PostgreSQL's READ COMMITTED (and SQLite outside a transaction) every statement
sees what was committed when it started. Reading the inquiry in one SELECT and its
replies in a second one let a worker's commit fall between them: the staff API and the
citizen's status page then showed an answer on an inquiry still "received" with no
route. This test commits a triage exactly between the statements of the read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import post_inquiry
from triage.assessment.schemas import Route
from triage.inquiries import replies, service
from triage.inquiries.tables import Inquiry, InquiryStatus


def _triage_from_another_connection(
    session_factory: sessionmaker[Session], inquiry_id: str
) -> None:
    """What the worker commits: the route and the automatic answer, in one transaction."""
    with session_factory() as other:
        other.execute(
            update(Inquiry)
            .where(Inquiry.id == inquiry_id)
            .values(status=InquiryStatus.ANSWERED, route=Route.AUTO_REPLY)
        )
        inquiry = other.get(Inquiry, inquiry_id)
        assert inquiry is not None
        replies.add_reply(inquiry, "避難所は七尾市役所です。", author="playbook", session=other)
        other.commit()


def _after_first_inquiry_select(engine: Engine, action: Callable[[], None]) -> Callable[..., None]:
    """Runs the action once, right after the first SELECT from inquiries on this engine."""
    fired = False

    def hook(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        nonlocal fired
        selects_inquiries = statement.lstrip().upper().startswith("SELECT") and (
            "FROM inquiries" in statement
        )
        if not fired and selects_inquiries:
            fired = True
            action()

    event.listen(engine, "after_cursor_execute", hook)
    return hook


def test_a_triage_committed_mid_read_is_seen_whole_or_not_at_all(
    client: TestClient, session_factory: sessionmaker[Session], db_engine: Engine
) -> None:
    inquiry_id = post_inquiry(client, "避難所はどこですか")["id"]
    public_token = ""
    with session_factory() as setup:
        stored = setup.get(Inquiry, inquiry_id)
        assert stored is not None
        public_token = stored.public_token

    readers: list[Callable[[Session], Inquiry]] = [
        lambda s: service.get_inquiry(inquiry_id, session=s, with_history=True),
        lambda s: service.get_inquiry_by_token(public_token, session=s),
    ]
    for read in readers:
        with session_factory() as reader:
            hook = _after_first_inquiry_select(
                db_engine, lambda: _triage_from_another_connection(session_factory, inquiry_id)
            )
            try:
                seen = read(reader)
            finally:
                event.remove(db_engine, "after_cursor_execute", hook)
            # Either the read came before the commit (no route, no reply) or after (both).
            assert (seen.route is None) == (not seen.replies), (seen.route, seen.replies)
        with session_factory() as reset:  # back to untriaged for the second reader
            reset.execute(
                update(Inquiry)
                .where(Inquiry.id == inquiry_id)
                .values(status=InquiryStatus.RECEIVED, route=None)
            )
            for reply in service.get_inquiry(inquiry_id, session=reset, with_history=True).replies:
                reset.delete(reply)
            reset.commit()
