"""The overview: how the night is going, on one screen.

Open items per queue and priority, the median and worst wait of what nobody holds yet,
SLA breaches, inquiries per hour over the last day (a chart drawn as plain SVG by the
server, with the same figures as a table for screen readers), surge mode, job queue
depths and undelivered replies.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import redis
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from triage.assessment.schemas import Route
from triage.core.db import utcnow
from triage.inquiries import delivery
from triage.inquiries.service import OPEN_STATUSES
from triage.inquiries.tables import Inquiry, InquiryStatus
from triage.operations.health import read_people_queues
from triage.operations.system_status import SystemStatus, system_status

HOURS = 24
MAX_WAITS_READ = 5000


@dataclass(frozen=True)
class HourCount:
    start: datetime
    count: int


@dataclass(frozen=True)
class Overview:
    open_by_priority: dict[str, dict[str, int]]  # queue -> priority -> open
    unclaimed_waits: list[int]  # seconds, of open urgent items nobody holds
    sla_breaches: dict[str, int]
    per_hour: list[HourCount]
    dead_letters: int
    system: SystemStatus | None  # None: Redis does not answer
    generated_at: datetime = field(default_factory=utcnow)

    @property
    def median_wait(self) -> int | None:
        return int(statistics.median(self.unclaimed_waits)) if self.unclaimed_waits else None

    @property
    def worst_wait(self) -> int | None:
        return max(self.unclaimed_waits) if self.unclaimed_waits else None

    @property
    def busiest_hour(self) -> int:
        return max((h.count for h in self.per_hour), default=0)


def read_overview(*, session: Session, redis_conn: redis.Redis, llm_enabled: bool) -> Overview:
    now = utcnow()
    people = read_people_queues(session=session, now=now)
    open_by: dict[str, dict[str, int]] = {Route.URGENT.value: {}, Route.STAFF.value: {}}
    for (route, priority, _status), count in people.open.items():
        bucket = open_by.setdefault(route, {})
        bucket[priority] = bucket.get(priority, 0) + count
    received = session.scalars(
        select(Inquiry.received_at)
        .where(
            Inquiry.route == Route.URGENT,
            Inquiry.status == InquiryStatus.TRIAGED,
            Inquiry.claimed_by.is_(None),
            Inquiry.status.in_(OPEN_STATUSES),
        )
        .limit(MAX_WAITS_READ)
    ).all()
    waits = [max(0, int((now - at).total_seconds())) for at in received]
    try:
        system: SystemStatus | None = system_status(redis_conn, llm_enabled)
    except redis.RedisError:
        system = None
    return Overview(
        open_by_priority=open_by,
        unclaimed_waits=waits,
        sla_breaches=people.sla_breaches,
        per_hour=_per_hour(now, session=session),
        dead_letters=len(delivery.dead_letters(session=session, limit=1000)),
        system=system,
    )


def _per_hour(now: datetime, *, session: Session) -> list[HourCount]:
    """Inquiries received in each of the last 24 hours: one query, a SUM per hour."""
    top = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    starts = [top - timedelta(hours=HOURS - i) for i in range(HOURS)]
    columns = [
        func.sum(
            case(
                (
                    (Inquiry.received_at >= start)
                    & (Inquiry.received_at < start + timedelta(hours=1)),
                    1,
                ),
                else_=0,
            )
        )
        for start in starts
    ]
    counts = session.execute(select(*columns).where(Inquiry.received_at >= starts[0])).one()
    return [HourCount(start, int(n or 0)) for start, n in zip(starts, counts, strict=True)]
