"""SLA escalation: an urgent inquiry nobody has claimed within its priority's SLA (P1 5
minutes, P2 30 by default) is announced to the on-call list (`oncall_contacts`: an HQ
role's phone or LINE account) by SMS or LINE push, once, and the record says so.

The sweeper finds the breaches and writes the `escalated` event before it enqueues the
job (the event is the claim: the next sweep does not announce it again); the job sends
to every contact. The message names the priority, the wait and the console link, never
the citizen's words or contact (APPI: the on-call phone is not the console).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from channels.base import ChannelError, OutboundReply
from channels.registry import sender_for
from triage.assessment.schemas import Priority, Route
from triage.core.db import session_scope, utcnow
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries.service import get_inquiry, record_event
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus

log = logging.getLogger(__name__)

MAX_PER_SWEEP = 50


def claim_breaches(settings: Settings, *, session: Session) -> list[str]:
    """Urgent inquiries past their SLA, unclaimed and not yet escalated: each gets its
    `escalated` event now (the caller commits, then enqueues the announcements)."""
    if not settings.oncall_contacts:
        return []
    now = utcnow()
    limits = {
        Priority.LIFE_THREAT.value: settings.sla_p1_claim_seconds,
        Priority.URGENT_NEED.value: settings.sla_p2_claim_seconds,
    }
    past_sla = or_(
        *(
            and_(Inquiry.priority == p, Inquiry.received_at < now - timedelta(seconds=s))
            for p, s in limits.items()
        )
    )
    announced = exists().where(
        InquiryEvent.inquiry_id == Inquiry.id, InquiryEvent.kind == EventKind.ESCALATED
    )
    found = session.scalars(
        select(Inquiry.id)
        .where(
            Inquiry.route == Route.URGENT,
            Inquiry.status == InquiryStatus.TRIAGED,
            Inquiry.claimed_by.is_(None),
            past_sla,
            ~announced,
        )
        .order_by(Inquiry.priority, Inquiry.received_at)
        .limit(MAX_PER_SWEEP)
    ).all()
    for inquiry_id in found:
        record_event(
            session,
            inquiry_id,
            EventKind.ESCALATED,
            detail={"contacts": len(settings.oncall_contacts)},
        )
    return list(found)


def escalation_text(inquiry: Inquiry, settings: Settings) -> str:
    waited = int((utcnow() - inquiry.received_at).total_seconds() // 60)
    link = f"{settings.public_url.rstrip('/')}/console/inquiries/{inquiry.id}"
    return (
        f"【SLA超過】{inquiry.priority} の問い合わせが {waited} 分、未担当です。"
        f"至急コンソールで担当してください。 {link}"
    )


def notify_oncall(inquiry_id: str, *, resources: Resources) -> int:
    """Send the announcement to every on-call contact; returns how many took it. One
    contact that fails does not stop the others (each failure is logged)."""
    settings = resources.settings
    with session_scope(resources.session_factory) as session:
        inquiry = get_inquiry(inquiry_id, session=session)
        if inquiry.status != InquiryStatus.TRIAGED or inquiry.claimed_by is not None:
            return 0  # someone took it meanwhile
        text = escalation_text(inquiry, settings)
    delivered = 0
    for contact in settings.oncall_contacts:
        channel, _, address = contact.partition(":")
        try:
            sender_for(channel, settings).send(
                OutboundReply(channel=channel, recipient=address, text=text)
            )
        except ChannelError as error:
            log.error(
                "on-call announcement failed",
                extra={"inquiry_id": inquiry_id, "channel": channel, "error": type(error).__name__},
            )
            continue
        delivered += 1
    log.warning(
        "SLA breach announced",
        extra={
            "inquiry_id": inquiry_id,
            "delivered": delivered,
            "contacts": len(settings.oncall_contacts),
        },
    )
    return delivered
