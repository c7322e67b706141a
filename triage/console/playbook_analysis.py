"""Reading stored inquiries for the playbook analyses: impact replay and gaps.

The comparisons are pure and live with the playbooks (`playbooks.impact`,
`playbooks.gaps`); reading inquiries is this layer's, since playbooks may not import the
inquiry store. Each analysis reads in one query, only the columns it needs (the
assessment's few fields by JSON path, not the whole document), newest first, bounded.
Anonymised rows have no words left and are not read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from playbooks import service
from playbooks.gaps import GapGroup, GapInquiry, group_gaps
from playbooks.impact import ImpactReport, StoredInquiry, replay, stored_assessment
from playbooks.matcher import match
from playbooks.schemas import PlaybookContent
from triage.assessment.combine import failed_layers
from triage.assessment.schemas import Assessment, Priority, Route
from triage.core.db import utcnow
from triage.inquiries.tables import Inquiry
from triage.routing.decision import AUTO_REPLY_MIN_MATCH_SCORE, RouteContext, has_words, route_for

REPLAY_DAYS = 7
REPLAY_LIMIT = 10_000
GAP_HOURS = 24
GAP_LIMIT = 2_000


def answerable(assessment: Assessment, text: str) -> bool:
    """Routing would send a confident playbook match for this inquiry by itself: the
    same policy as first triage (`triage.routing.decision.route_for`), with a match
    assumed, and no assessment layer failed (the pipeline chooses no playbook then).
    A follow-up in a conversation a person had is not known here and counts as new."""
    if failed_layers(assessment):
        return False
    context = RouteContext(playbook_match_score=1.0, has_words=has_words(text))
    return route_for(assessment, context) is Route.AUTO_REPLY


def read_replay_inquiries(
    *,
    session: Session,
    days: int = REPLAY_DAYS,
    limit: int = REPLAY_LIMIT,
    now: datetime | None = None,
) -> list[StoredInquiry]:
    """The triaged P1-P3 inquiries of the last `days`, newest first, at most `limit`.
    P4 ones are not read: routing closes them with the acknowledgement, never a
    playbook's answer, and a draft's keywords in them reach nobody urgent."""
    since = (now or utcnow()) - timedelta(days=days)
    assessment = Inquiry.assessment
    query = (
        select(
            Inquiry.id,
            Inquiry.text,
            Inquiry.priority,
            Inquiry.category,
            Inquiry.language,
            Inquiry.playbook_id,
            assessment["flags"].label("flags"),
            assessment["urgent_probability"].as_float().label("urgent_probability"),
        )
        .where(
            Inquiry.received_at >= since,
            Inquiry.priority.in_([Priority.LIFE_THREAT, Priority.URGENT_NEED, Priority.ROUTINE]),
            Inquiry.category.is_not(None),
            Inquiry.anonymised_at.is_(None),
        )
        .order_by(Inquiry.received_at.desc(), Inquiry.id)
        .limit(limit)
    )
    found: list[StoredInquiry] = []
    for row in session.execute(query):
        try:
            rebuilt = stored_assessment(
                priority=row.priority,
                category=row.category,
                language=row.language,
                flags=row.flags if isinstance(row.flags, list) else (),
                urgent_probability=row.urgent_probability,
            )
        except ValueError:
            continue  # not a priority or category of ours: nothing to replay
        text = row.text or ""
        found.append(
            StoredInquiry(row.id, text, rebuilt, answerable(rebuilt, text), row.playbook_id)
        )
    return found


def impact_of(
    draft: PlaybookContent,
    *,
    session: Session,
    days: int = REPLAY_DAYS,
    limit: int = REPLAY_LIMIT,
    now: datetime | None = None,
) -> ImpactReport:
    """What publishing `draft` would change over the last `days` of inquiries."""
    published = service.published_playbooks(session=session)
    inquiries = read_replay_inquiries(session=session, days=days, limit=limit, now=now)
    return replay(draft, published, inquiries, min_score=AUTO_REPLY_MIN_MATCH_SCORE)


def read_gap_inquiries(
    *,
    session: Session,
    hours: int = GAP_HOURS,
    limit: int = GAP_LIMIT,
    now: datetime | None = None,
) -> list[GapInquiry]:
    """Routine inquiries of the last `hours` that went to staff without a playbook,
    newest first, at most `limit`."""
    since = (now or utcnow()) - timedelta(hours=hours)
    query = (
        select(
            Inquiry.id,
            Inquiry.text,
            Inquiry.language,
            Inquiry.category,
            Inquiry.received_at,
            Inquiry.assessment["translation_ja"].as_string().label("translation_ja"),
        )
        .where(
            Inquiry.received_at >= since,
            Inquiry.priority == Priority.ROUTINE,
            Inquiry.route == Route.STAFF,
            Inquiry.playbook_id.is_(None),
            Inquiry.anonymised_at.is_(None),
        )
        .order_by(Inquiry.received_at.desc(), Inquiry.id)
        .limit(limit)
    )
    return [
        GapInquiry(
            id=row.id,
            text=row.text,
            language=row.language or "ja",
            category=row.category,
            received_at=row.received_at,
            translation_ja=row.translation_ja or None,
        )
        for row in session.execute(query)
        if row.text and has_words(row.text)
    ]


def gaps(
    *,
    session: Session,
    hours: int = GAP_HOURS,
    limit: int = GAP_LIMIT,
    now: datetime | None = None,
) -> tuple[int, list[GapGroup]]:
    """(inquiries read, their groups). An inquiry that a playbook published since would
    now answer is no longer a gap and is left out."""
    found = read_gap_inquiries(session=session, hours=hours, limit=limit, now=now)
    published = service.published_playbooks(session=session)
    open_gaps = [inquiry for inquiry in found if not _answered_now(inquiry, published)]
    return len(found), group_gaps(open_gaps)


def _answered_now(inquiry: GapInquiry, published: list[PlaybookContent]) -> bool:
    try:
        rebuilt = stored_assessment(
            priority=Priority.ROUTINE,
            category=inquiry.category or "",
            language=inquiry.language,
        )
    except ValueError:
        return False
    found = match(rebuilt, inquiry.text, published)
    return found is not None and found.score >= AUTO_REPLY_MIN_MATCH_SCORE
