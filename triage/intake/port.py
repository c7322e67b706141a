"""The intake port: the one way a channel hands messages to the service, and the few
things a channel may ask of it afterwards.

`IntakePort.accept(deliveries)` validates, lets a retry through, applies the abuse
limits, stores (committed), enqueues triage and returns one result per delivery. A batch
of one is a batch: SMS and LINE call it with one message, the web channel with whatever
its group commit collected. `await IntakePort.submit(delivery)` is the async door to
the same function: concurrent requests share one trip to the thread pool and one commit
(`triage.intake.group_commit`).

Store first, then enqueue, then acknowledge: if Redis is down the inquiries are still
stored and acknowledged, and the sweeper enqueues them when Redis is back. A database
that is down raises, so the caller must not acknowledge.

Channels import this module and `triage.core`, nothing else of `triage` (an
import-linter contract in `pyproject.toml`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import redis
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.base import InboundMessage
from triage.core.db import session_scope
from triage.core.errors import InvalidInputError, NotFoundError, RateLimitedError
from triage.core.metrics import (
    ENQUEUE_FAILURES,
    INQUIRIES_DUPLICATE,
    INQUIRIES_RECEIVED,
    INTAKE_SECONDS,
)
from triage.core.queues import enqueue_assessments
from triage.core.resources import Resources
from triage.inquiries import service
from triage.inquiries.citizen_stage import citizen_stage, resolution_outcome
from triage.inquiries.delivery import record_delivery_status
from triage.inquiries.optout import opt_in, opt_out
from triage.inquiries.schemas import CitizenReply, CitizenStatus
from triage.inquiries.tables import Inquiry, InquiryEvent
from triage.inquiries.threads import (
    add_to_thread,
    conversation,
    may_continue_a_thread,
    open_inquiry_for,
)
from triage.intake.dedup import keyed_dedup_id
from triage.intake.group_commit import GroupCommit
from triage.intake.ratelimit import InquiryRateLimiter
from triage.intake.rows import (
    Stored,
    find_stored,
    inquiry_values,
    store_in_thread,
    store_new_many,
)

__all__ = [
    "Accepted",
    "CitizenStatus",
    "CitizenView",
    "Delivery",
    "IntakeDep",
    "IntakePort",
    "LimitKeys",
    "citizen_view",
    "keyed_dedup_id",
    "opt_in",
    "opt_out",
    "record_delivery_status",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LimitKeys:
    """Who a web message counts against for the abuse limits."""

    ip: str | None
    sender: str | None


@dataclass(frozen=True)
class Delivery:
    message: InboundMessage
    # The web channel's abuse limits; None for provider webhooks, whose signature is
    # verified and whose retries must never be refused.
    limit: LimitKeys | None = None
    # False when the provider message id was made up for this request (no
    # Idempotency-Key): nothing can be stored under it yet, so no lookup is needed.
    may_be_a_retry: bool = True


@dataclass(frozen=True)
class Accepted:
    inquiry_id: str
    public_token: str  # of the conversation: the citizen's status link
    created: bool  # False: a retry or duplicate of a stored delivery
    # False for a message that only adds to an open inquiry (a location or a photo with
    # no words): it is stored and shown in the thread, but there is nothing to triage.
    needs_triage: bool = True


Result = Accepted | Exception


class IntakePort:
    def __init__(self, resources: Resources, limiter: InquiryRateLimiter | None = None) -> None:
        self._resources = resources
        settings = resources.settings
        self._limiter = limiter or InquiryRateLimiter.for_settings(resources.redis, settings)
        self._group: GroupCommit[Delivery, Accepted] | None = None

    async def start(self) -> None:
        """Start the group commit (it needs the running event loop: the app's lifespan)."""
        settings = self._resources.settings
        self._group = GroupCommit(
            self.accept,
            max_batch=settings.intake_batch_max,
            max_wait=settings.intake_batch_wait_ms / 1000,
        )

    async def close(self) -> None:
        """Store what is waiting and wait for the batches in flight."""
        if self._group is not None:
            await self._group.close()

    async def submit(self, delivery: Delivery) -> Accepted:
        """Accept one delivery, batched with concurrent ones; raises its own error."""
        if self._group is None:
            (result,) = await run_in_threadpool(self.accept, [delivery])
            if isinstance(result, Exception):
                raise result
            return result
        return await self._group.submit(delivery)

    def accept(self, deliveries: Sequence[Delivery]) -> list[Result]:
        """One result per delivery, in order: `Accepted`, or the error for that one
        (too long, over the limit, an unknown status link, a row the database refused)."""
        started = time.perf_counter()
        results: list[Result | None] = [self._invalid(d.message) for d in deliveries]
        self._answer_retries(deliveries, results)
        self._apply_limits(deliveries, results)
        new = [i for i, r in enumerate(results) if r is None]
        fresh = [i for i in new if not may_continue_a_thread(deliveries[i].message)]
        for index, stored in zip(fresh, self._store_fresh(deliveries, fresh), strict=True):
            results[index] = stored
        for index in new:
            if results[index] is None:
                results[index] = self._store_continuation(deliveries[index].message)
        done = [r if r is not None else RuntimeError("not handled") for r in results]
        self._enqueue([r for r in done if isinstance(r, Accepted)])
        self._count(deliveries, done, time.perf_counter() - started)
        return done

    def _invalid(self, message: InboundMessage) -> InvalidInputError | None:
        limit = self._resources.settings.max_text_length
        if len(message.text) > limit:
            return InvalidInputError(
                f"text is {len(message.text)} characters long; the limit is {limit}"
            )
        return None

    def _answer_retries(self, deliveries: Sequence[Delivery], results: list[Result | None]) -> None:
        """A retry of a limited delivery already stored is answered, never refused."""
        candidates = [
            i
            for i, d in enumerate(deliveries)
            if results[i] is None and d.limit is not None and d.may_be_a_retry
        ]
        already = find_stored(self._resources.engine, [_key(deliveries[i]) for i in candidates])
        for index in candidates:
            first = already.get(_key(deliveries[index]))
            if first is not None:
                results[index] = Accepted(first.inquiry_id, first.public_token, created=False)

    def _apply_limits(self, deliveries: Sequence[Delivery], results: list[Result | None]) -> None:
        # A double-clicked form puts one delivery twice in a batch: it is counted once,
        # and every copy shares the first copy's verdict.
        first_of: dict[tuple[str, str], int] = {}
        for index, delivery in enumerate(deliveries):
            if results[index] is None and delivery.limit is not None:
                first_of.setdefault(_key(delivery), index)
        limited = list(first_of.values())
        waits = self._limiter.retry_after_many(
            [(deliveries[i].limit.ip, deliveries[i].limit.sender) for i in limited]  # type: ignore[union-attr]
        )
        wait_of = {_key(deliveries[i]): wait for i, wait in zip(limited, waits, strict=True)}
        for index, delivery in enumerate(deliveries):
            wait = wait_of.get(_key(delivery)) if results[index] is None else None
            if wait is not None:
                results[index] = RateLimitedError(wait)

    def _store_fresh(self, deliveries: Sequence[Delivery], indexes: list[int]) -> list[Result]:
        """Deliveries that start their own conversation: one multi-row insert, one commit."""
        if not indexes:
            return []
        rows = [inquiry_values(deliveries[i].message, service.new_inquiry_id()) for i in indexes]
        return [_accepted(s) for s in store_new_many(self._resources.engine, rows)]

    def _store_continuation(self, message: InboundMessage) -> Result:
        """A delivery that may continue an open conversation (its own transaction)."""
        try:
            with session_scope(self._resources.session_factory) as session:
                return _store_in_conversation(message, session=session)
        except (InvalidInputError, NotFoundError) as error:  # e.g. an unknown status link
            return error

    def _enqueue(self, accepted: list[Accepted]) -> None:
        ids = [a.inquiry_id for a in accepted if a.created and a.needs_triage]
        try:
            enqueue_assessments(
                self._resources.redis, ids, self._resources.settings.job_retry_intervals
            )
        except redis.RedisError:
            ENQUEUE_FAILURES.inc(len(ids))
            log.error("enqueue failed; the sweeper will retry", extra={"inquiry_ids": ids})

    def _count(self, deliveries: Sequence[Delivery], results: list[Result], elapsed: float) -> None:
        for delivery, result in zip(deliveries, results, strict=True):
            if not isinstance(result, Accepted):
                continue
            channel = delivery.message.channel
            if not result.created:
                INQUIRIES_DUPLICATE.labels(channel=channel).inc()
                continue
            INQUIRIES_RECEIVED.labels(channel=channel).inc()
            INTAKE_SECONDS.observe(elapsed)
            event = "inquiry received" if result.needs_triage else "message added to an inquiry"
            log.info(event, extra={"inquiry_id": result.inquiry_id, "channel": channel})


def _key(delivery: Delivery) -> tuple[str, str]:
    return (delivery.message.channel, delivery.message.provider_message_id)


def _accepted(stored: Stored | Exception) -> Result:
    if isinstance(stored, Exception):
        return stored
    return Accepted(stored.inquiry_id, stored.public_token, created=stored.created)


def _store_in_conversation(message: InboundMessage, *, session: Session) -> Accepted:
    thread = open_inquiry_for(message, session=session)
    # Words are triaged on their own (a follow-up can be more urgent than the first
    # message); a bare location or photo only adds to the open inquiry.
    adds_only = thread is not None and not message.text.strip()
    values = inquiry_values(
        message,
        service.new_inquiry_id(),
        conversation_id=thread.conversation_id if thread is not None else None,
        adds_only=adds_only,
    )
    stored = store_in_thread(session, values)
    if not stored.created:
        session.rollback()
        return Accepted(stored.inquiry_id, stored.public_token, created=False)
    if thread is not None:
        add_to_thread(session, thread, stored.inquiry_id, message, adds_only=adds_only)
    session.commit()
    if thread is not None and adds_only:
        return Accepted(stored.inquiry_id, thread.public_token, created=True, needs_triage=False)
    return Accepted(stored.inquiry_id, stored.public_token, created=True)


def get_intake(request: Request) -> IntakePort:
    intake: IntakePort = request.app.state.intake
    return intake


IntakeDep = Annotated[IntakePort, Depends(get_intake)]


@dataclass(frozen=True)
class CitizenView:
    """What the citizen's status page shows: their own conversation, nothing else."""

    status: CitizenStatus
    inquiry: Inquiry
    thread: list[Inquiry]


def citizen_view(public_token: str, *, session: Session) -> CitizenView:
    """The conversation behind a status link (NotFoundError for an unknown link).
    Replies to every message of it show: a reply to a follow-up too."""
    inquiry = service.get_inquiry_by_token(public_token, session=session)
    messages = conversation(inquiry, session=session)
    replies = sorted((r for m in messages for r in m.replies), key=lambda r: r.created_at)
    events = [
        (str(kind), dict(detail or {}))
        for kind, detail in session.execute(
            select(InquiryEvent.kind, InquiryEvent.detail)
            .where(InquiryEvent.inquiry_id == inquiry.id)
            .order_by(InquiryEvent.id)
        )
    ]
    status = CitizenStatus(
        id=inquiry.id,
        status=inquiry.status,
        route=inquiry.route,
        stage=citizen_stage(inquiry.status, inquiry.route, [kind for kind, _ in events]),
        outcome=resolution_outcome(events) if inquiry.status == "resolved" else None,
        replies=[
            CitizenReply(
                text=r.text,
                at=r.created_at,
                author=r.author if r.author in ("playbook", "system") else "staff",
            )
            for r in replies
            if r.status != "cancelled"
        ],
    )
    return CitizenView(status, inquiry, [m for m in messages if m.text.strip()])
