"""Ask back for a place, once, when an urgent inquiry cannot be dispatched to a point.

Responders dispatch by place: an urgent inquiry whose best location is a municipality
(or nothing) costs minutes. Whether to ask is routing's decision
(`triage.routing.decision`, from the route and the channel's capabilities); this module
asks once per conversation, in the citizen's language, with the fixed text from
`triage.geo.geotag.ask_back_text` (never model-written); on LINE the reply carries a
"send my location" button. Their answer arrives as a new message in the same thread, and
a finer place it carries is copied onto the inquiry the responders are working.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from playbooks.render import footer
from triage.geo.geotag import ask_back_text
from triage.geo.schemas import GeoLocation, LocationPrecision
from triage.inquiries import service
from triage.inquiries.replies import add_reply
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, Reply
from triage.inquiries.threads import location_is_coarse

FINE_PRECISIONS = frozenset({LocationPrecision.TOWN, LocationPrecision.POINT})
ASK_BACK_AUTHOR = "system"


def already_asked(inquiry: Inquiry, *, session: Session) -> bool:
    conversation = inquiry.conversation_id or inquiry.id
    asked = session.scalar(
        select(InquiryEvent.id)
        .join(Inquiry, Inquiry.id == InquiryEvent.inquiry_id)
        .where(Inquiry.conversation_id == conversation)
        .where(InquiryEvent.kind == EventKind.ASKED_LOCATION)
        .limit(1)
    )
    return asked is not None


def ask_for_location(inquiry: Inquiry, language: str, *, session: Session) -> Reply | None:
    """Queue the location question unless this conversation was asked before."""
    if already_asked(inquiry, session=session):
        return None
    reply = add_reply(
        inquiry,
        # Every automatic message says a person follows up and to call 119/110 (policy 4).
        f"{ask_back_text(language)}\n{footer(language)}",
        author=ASK_BACK_AUTHOR,
        session=session,
        language=language,
        ask_location=True,
    )
    service.record_event(
        session, inquiry.id, EventKind.ASKED_LOCATION, detail={"reply_id": reply.id}
    )
    return reply


def merge_location_into_thread(
    inquiry: Inquiry, location: GeoLocation | None, *, session: Session
) -> None:
    """A follow-up message that names a finer place improves the inquiry it continues."""
    if location is None or location.precision not in FINE_PRECISIONS:
        return
    root_id = inquiry.conversation_id
    if root_id is None or root_id == inquiry.id:
        return
    root = session.get(Inquiry, root_id)
    if root is None or not location_is_coarse(root):
        return
    root.location = location.model_dump(mode="json")
    root.lgcode = location.lgcode
    service.record_event(
        session,
        root.id,
        EventKind.LOCATION_UPDATED,
        detail={"from_inquiry": inquiry.id, "precision": str(location.precision)},
    )
