"""What the console's queue shows: open inquiries in the order they should be worked,
each with why it is there and how long it has waited against its SLA.

Order: not yet triaged first (it may be urgent), then P1 → P4, an undisputed verdict
before a disputed one (`triage.inquiries.disputes`), then the longest wait.
Merged reports are shown once, on their incident's first report. A page holds
`PAGE_SIZE` rows and a total, so 5,000 open inquiries cost one indexed page and a count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from triage.assessment.schemas import Priority, Route
from triage.core.db import utcnow
from triage.core.settings import Settings
from triage.inquiries.service import OPEN_STATUSES, urgency_order
from triage.inquiries.tables import Inquiry, InquiryStatus

PAGE_SIZE = 100
QUEUES = (Route.URGENT.value, Route.STAFF.value, "all")
EXCERPT_CHARACTERS = 160


@dataclass(frozen=True)
class QueueFilters:
    queue: str = Route.URGENT.value  # urgent, staff, or all open ones
    lgcode: str | None = None
    category: str | None = None
    channel: str | None = None
    language: str | None = None
    status: str | None = None
    page: int = 1

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (those set), for links and the live feed."""
        values = {
            "queue": self.queue,
            "lgcode": self.lgcode,
            "category": self.category,
            "channel": self.channel,
            "language": self.language,
            "status": self.status,
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class Reason:
    engine: str  # rules, local_model, llm, or "flag"
    text: str


@dataclass(frozen=True)
class QueueRow:
    id: str
    priority: str | None
    category: str | None
    status: str
    route: str | None
    channel: str
    language: str | None
    place: str | None
    excerpt: str
    received_at: datetime
    waited_seconds: int
    sla_seconds: int | None  # None: no claim SLA for this priority
    claimed_by: str | None
    lease_left_seconds: int | None
    reasons: list[Reason] = field(default_factory=list)
    disputed: bool = False  # the LLM reads it the other way; nobody has settled it yet
    reports: int = 1  # with the reports merged into it

    @property
    def sla_left_seconds(self) -> int | None:
        if self.sla_seconds is None or self.claimed_by is not None:
            return None
        return self.sla_seconds - self.waited_seconds

    @property
    def breached(self) -> bool:
        left = self.sla_left_seconds
        return left is not None and left < 0


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    filters: QueueFilters
    counts: dict[str, int]  # open per queue (urgent, staff), for the tabs

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def sla_seconds(settings: Settings) -> dict[str, int]:
    return {
        Priority.LIFE_THREAT.value: settings.sla_p1_claim_seconds,
        Priority.URGENT_NEED.value: settings.sla_p2_claim_seconds,
    }


def _visible() -> Any:
    """Open, and not folded into another inquiry's incident."""
    return (
        Inquiry.status.in_(OPEN_STATUSES),
        or_(Inquiry.incident_id.is_(None), Inquiry.incident_id == Inquiry.id),
    )


def _filtered(filters: QueueFilters) -> Any:
    query = select(Inquiry).where(*_visible())
    if filters.queue in (Route.URGENT.value, Route.STAFF.value):
        query = query.where(Inquiry.route == filters.queue)
    for column, value in (
        (Inquiry.lgcode, filters.lgcode),
        (Inquiry.category, filters.category),
        (Inquiry.channel, filters.channel),
        (Inquiry.language, filters.language),
        (Inquiry.status, filters.status),
    ):
        if value:
            query = query.where(column == value)
    return query


def read_page(filters: QueueFilters, *, session: Session, settings: Settings) -> QueuePage:
    query = _filtered(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    offset = (max(1, filters.page) - 1) * PAGE_SIZE
    inquiries = session.scalars(query.order_by(*urgency_order()).limit(PAGE_SIZE).offset(offset))
    found = list(inquiries.all())
    reports = _report_counts([i.id for i in found], session=session)
    now = utcnow()
    rows = [queue_row(i, settings=settings, now=now, reports=reports.get(i.id, 0)) for i in found]
    return QueuePage(rows, total, filters, open_counts(session=session))


def open_counts(*, session: Session) -> dict[str, int]:
    counted = session.execute(
        select(Inquiry.route, func.count())
        .where(*_visible(), Inquiry.route.in_([Route.URGENT.value, Route.STAFF.value]))
        .group_by(Inquiry.route)
    ).all()
    counts = {Route.URGENT.value: 0, Route.STAFF.value: 0}
    counts.update({str(route): int(n) for route, n in counted})
    return counts


def _report_counts(ids: list[str], *, session: Session) -> dict[str, int]:
    if not ids:
        return {}
    counted = session.execute(
        select(Inquiry.incident_id, func.count())
        .where(Inquiry.incident_id.in_(ids), Inquiry.id != Inquiry.incident_id)
        .group_by(Inquiry.incident_id)
    ).all()
    return {str(incident): int(n) for incident, n in counted}


def queue_row(
    inquiry: Inquiry, *, settings: Settings, now: datetime | None = None, reports: int = 0
) -> QueueRow:
    now = now or utcnow()
    waited = int((now - inquiry.received_at).total_seconds())
    lease_left = None
    if inquiry.status == InquiryStatus.CLAIMED and inquiry.claim_active_at is not None:
        idle = (now - inquiry.claim_active_at).total_seconds()
        lease_left = int(settings.claim_lease_seconds - idle)
    return QueueRow(
        id=inquiry.id,
        priority=inquiry.priority,
        category=inquiry.category,
        status=inquiry.status,
        route=inquiry.route,
        channel=inquiry.channel,
        language=inquiry.language,
        place=place_label(inquiry.location),
        excerpt=_excerpt(inquiry.text),
        received_at=inquiry.received_at,
        waited_seconds=max(0, waited),
        sla_seconds=sla_seconds(settings).get(inquiry.priority or ""),
        claimed_by=inquiry.claimed_by,
        lease_left_seconds=lease_left,
        reasons=reasons_of(inquiry.assessment),
        disputed=inquiry.disputed,
        reports=1 + reports,
    )


def place_label(location: dict[str, Any] | None) -> str | None:
    if not location:
        return None
    parts = [location.get("prefecture"), location.get("municipality"), location.get("town")]
    label = "".join(p for p in parts if p)
    return label or location.get("text") or None


def _excerpt(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_CHARACTERS else text[: EXCERPT_CHARACTERS - 1] + "…"


def reasons_of(assessment: dict[str, Any] | None, limit: int = 4) -> list[Reason]:
    """Why it is in this queue: the flags, then each layer's first reasons."""
    if not assessment:
        return [Reason("flag", "not yet assessed")]
    found = [Reason("flag", flag) for flag in assessment.get("flags", [])]
    for verdict in assessment.get("verdicts", []):
        engine = str(verdict.get("engine", ""))
        for text in verdict.get("reasons", [])[:2]:
            found.append(Reason(engine, str(text)))
        probability = verdict.get("urgent_probability")
        if engine == "local_model" and probability is not None:
            found.append(Reason(engine, f"urgent {float(probability):.0%}"))
    return found[:limit]
