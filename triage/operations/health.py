"""Liveness, readiness and metrics endpoints for operators.

`/metrics` serves the API processes' own counters and, read at scrape time, what the
records and the queues say: RQ queue depths, the inquiries waiting for people by route,
priority and status, and the urgent ones past their service level (one grouped query
per scrape, no per-message work). Every API replica reports the same scrape-time
figures: aggregate them with `max`, not `sum`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import redis
from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import and_, case, func, or_, select, text
from sqlalchemy.orm import Session, sessionmaker

from triage.assessment.schemas import Priority, Route
from triage.core.db import utcnow
from triage.core.deps import ResourcesDep
from triage.core.queues import QueueName, get_queue
from triage.inquiries.tables import Inquiry, InquiryStatus

# How long an urgent inquiry may wait, from receipt, before a responder claims it.
# Defaults until the responder console makes them configurable (its own issue).
SLA_P1_SECONDS = 5 * 60  # life threat: five minutes
SLA_P2_SECONDS = 30 * 60  # urgent need: thirty minutes
SLA_SECONDS = {Priority.LIFE_THREAT: SLA_P1_SECONDS, Priority.URGENT_NEED: SLA_P2_SECONDS}

# Routes that put an inquiry in front of people, and the statuses in which it is still
# theirs (not resolved, not closed).
PEOPLE_ROUTES = (Route.URGENT, Route.STAFF)
OPEN_STATUSES = (InquiryStatus.TRIAGED, InquiryStatus.CLAIMED, InquiryStatus.ANSWERED)

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up. Says nothing about dependencies, on purpose."""
    return {"status": "ok"}


def _check_dependencies(runtime_: object) -> dict[str, str]:
    from triage.core.resources import Resources

    assert isinstance(runtime_, Resources)
    checks: dict[str, str] = {}
    try:
        with runtime_.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # readiness reports any failure, it never raises
        checks["database"] = f"error: {type(error).__name__}"
    try:
        runtime_.redis.ping()
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = f"error: {type(error).__name__}"
    return checks


@router.get("/readyz", responses={503: {"description": "the database or Redis does not answer"}})
async def readyz(resources: ResourcesDep) -> JSONResponse:
    """Ready when the database and Redis both answer."""
    checks = await run_in_threadpool(_check_dependencies, resources)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status_code=200 if ready else 503
    )


def _process_metrics() -> bytes:
    """This process's metrics, or every API process's when they share a directory."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()


@dataclass
class PeopleQueues:
    """Inquiries in front of people, by (route, priority, status), and the urgent ones
    still unclaimed past their service level, by priority."""

    open: dict[tuple[str, str, str], int] = field(default_factory=dict)
    sla_breaches: dict[str, int] = field(default_factory=dict)


def read_people_queues(*, session: Session, now: datetime | None = None) -> PeopleQueues:
    """One grouped COUNT over the open urgent and staff inquiries (index on route,
    priority). A breach: route urgent, still `triaged` (nobody holds it), and received
    longer ago than its priority's SLA."""
    now = now or utcnow()
    past_sla = or_(
        *(
            and_(Inquiry.priority == priority, Inquiry.received_at < now - timedelta(seconds=s))
            for priority, s in SLA_SECONDS.items()
        )
    )
    breached = and_(
        Inquiry.route == Route.URGENT, Inquiry.status == InquiryStatus.TRIAGED, past_sla
    )
    rows = session.execute(
        select(
            Inquiry.route,
            Inquiry.priority,
            Inquiry.status,
            func.count(),
            func.sum(case((breached, 1), else_=0)),
        )
        .where(Inquiry.route.in_(PEOPLE_ROUTES), Inquiry.status.in_(OPEN_STATUSES))
        .group_by(Inquiry.route, Inquiry.priority, Inquiry.status)
    ).all()
    queues = PeopleQueues(sla_breaches={str(p): 0 for p in SLA_SECONDS})
    for route, priority, status, count, breaches in rows:
        label = priority or "none"
        queues.open[(route, label, status)] = int(count)
        if breaches:
            queues.sla_breaches[label] = queues.sla_breaches.get(label, 0) + int(breaches)
    return queues


class _ScrapeTimeFigures(Collector):
    """What the database and Redis say now, as gauges; a part that does not answer is
    reported down (`triage_dependency_up`) and its figures are left out."""

    def __init__(self, session_factory: sessionmaker[Session], redis_conn: redis.Redis) -> None:
        self._session_factory = session_factory
        self._redis = redis_conn

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "triage_dependency_up",
            "1 when the part answered this scrape (database, redis), else 0",
            labels=["dependency"],
        )
        yield from self._from_database(up)
        yield from self._from_redis(up)
        yield up

    def _from_database(self, up: GaugeMetricFamily) -> Iterator[Metric]:
        try:
            with self._session_factory() as session:
                queues = read_people_queues(session=session)
        except Exception:  # a scrape reports an outage, it never fails on one
            up.add_metric(["database"], 0)
            return
        up.add_metric(["database"], 1)
        waiting = GaugeMetricFamily(
            "triage_open_inquiries",
            "Inquiries routed to people (urgent, staff) and not resolved, by status",
            labels=["route", "priority", "status"],
        )
        for (route, priority, status), count in sorted(queues.open.items()):
            waiting.add_metric([route, priority, status], count)
        yield waiting
        breaches = GaugeMetricFamily(
            "triage_sla_breaches",
            f"Urgent inquiries nobody has claimed past their SLA "
            f"(P1 {SLA_P1_SECONDS} s, P2 {SLA_P2_SECONDS} s from receipt)",
            labels=["priority"],
        )
        for priority, count in sorted(queues.sla_breaches.items()):
            breaches.add_metric([priority], count)
        yield breaches

    def _from_redis(self, up: GaugeMetricFamily) -> Iterator[Metric]:
        try:
            self._redis.ping()
        except Exception:
            up.add_metric(["redis"], 0)
            return
        up.add_metric(["redis"], 1)
        depth = GaugeMetricFamily(
            "triage_queue_depth", "Jobs waiting in each RQ queue", labels=["queue"]
        )
        failed = GaugeMetricFamily(
            "triage_queue_failed_jobs",
            "Jobs in each RQ queue's failed registry (every retry used)",
            labels=["queue"],
        )
        for name in QueueName:
            try:
                queue = get_queue(name, self._redis)
                depth.add_metric([str(name)], queue.count)
                failed.add_metric(
                    [str(name)], queue.failed_job_registry.get_job_count(cleanup=False)
                )
            except Exception:
                continue
        yield depth
        yield failed


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(resources: ResourcesDep) -> Response:
    """Prometheus metrics: this process's (or every API process's) counters, plus what
    the database and Redis say at scrape time."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ScrapeTimeFigures(resources.session_factory, resources.redis))
    body = _process_metrics() + generate_latest(registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
