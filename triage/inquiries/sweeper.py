"""The sweeper: the reason a lost job, a dead worker or a wiped Redis loses nothing.

The database is the source of truth. Any inquiry still `received` whose last enqueue is
older than `sweep_after_seconds`, and whose job is not waiting in Redis, is enqueued
again; likewise for replies stuck in `queued`. A reply still `sending` after
`reply_sending_timeout_seconds` lost its worker mid-send: it is never simply sent again,
but handed to the settle job, which asks the provider first. A queued reply that has used
every attempt is a dead letter: its inquiry goes back to staff. A claim whose holder
did nothing for `claim_lease_seconds` lapses: the inquiry is back in the queue. An
urgent inquiry past its SLA with nobody on it is announced to the on-call list once.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import redis
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from triage.core.db import session_scope, utcnow
from triage.core.metrics import SWEEPER_LAST_SUCCESS, SWEEPER_REQUEUED
from triage.core.queues import (
    QueueName,
    assess_job_id,
    enqueue_assessment,
    enqueue_escalation,
    enqueue_send_reply,
    enqueue_settle_reply,
    get_queue,
    job_is_pending,
    job_was_abandoned,
    reenqueue_job,
    send_job_id,
    settle_job_id,
)
from triage.core.settings import Settings
from triage.inquiries import delivery, escalation, service, state
from triage.inquiries.tables import Inquiry, Reply, ReplyStatus

log = logging.getLogger(__name__)

SWEEP_LOCK = "triage:sweeper-lock"


def sweep_once(
    *, session_factory: sessionmaker[Session], redis_conn: redis.Redis, settings: Settings
) -> int:
    """Re-enqueue stuck work once; returns how many jobs were enqueued again."""
    cutoff = utcnow() - timedelta(seconds=settings.sweep_after_seconds)
    requeued = requeue_abandoned_jobs(redis_conn, settings)
    with session_scope(session_factory) as session:
        waiting: list[str] = []
        for inquiry_id in service.unprocessed_inquiry_ids(cutoff, session=session):
            if job_is_pending(redis_conn, assess_job_id(inquiry_id)):
                # Waiting behind a backlog: enqueuing again would only duplicate it. It is
                # stamped as checked, so a long backlog does not hide the next page.
                waiting.append(inquiry_id)
                continue
            # Stamp first: if Redis is down the stamp is rolled back and we try next round.
            session.execute(
                update(Inquiry).where(Inquiry.id == inquiry_id).values(enqueued_at=utcnow())
            )
            enqueue_assessment(redis_conn, inquiry_id, settings.job_retry_intervals)
            session.commit()
            requeued += 1
        if waiting:
            session.execute(
                update(Inquiry).where(Inquiry.id.in_(waiting)).values(enqueued_at=utcnow())
            )
            session.commit()
        stuck_replies = session.scalars(
            select(Reply.id)
            .where(Reply.status == ReplyStatus.QUEUED, Reply.updated_at < cutoff)
            .where(Reply.attempts < delivery.MAX_REPLY_ATTEMPTS)
            .limit(500)
        ).all()
        for reply_id in stuck_replies:
            if job_is_pending(redis_conn, send_job_id(reply_id)):
                continue
            session.execute(update(Reply).where(Reply.id == reply_id).values(updated_at=utcnow()))
            enqueue_send_reply(redis_conn, reply_id, settings.job_retry_intervals)
            session.commit()
            requeued += 1
        for reply_id in delivery.stuck_sending(
            settings.reply_sending_timeout_seconds, session=session
        ):
            if job_is_pending(redis_conn, settle_job_id(reply_id)):
                continue
            enqueue_settle_reply(redis_conn, reply_id, settings.job_retry_intervals)
            requeued += 1
        for reply_id in delivery.out_of_attempts(session=session):
            reply = session.get(Reply, reply_id)
            if reply is not None:
                delivery.dead_letter(
                    reply,
                    f"not sent after {reply.attempts} attempts",
                    session=session,
                    status=ReplyStatus.FAILED,
                )
                session.commit()
        lapsed = state.lapse_idle_claims(settings.claim_lease_seconds, session=session)
        if lapsed:
            session.commit()
            log.info("idle claims lapsed", extra={"inquiry_ids": lapsed})
        breached = escalation.claim_breaches(settings, session=session)
        if breached:
            # Enqueued before the events commit: if Redis is down the events roll back and
            # the next sweep tries again (an alert may repeat, never vanish).
            for inquiry_id in breached:
                enqueue_escalation(redis_conn, inquiry_id, settings.job_retry_intervals)
            session.commit()
    if requeued:
        SWEEPER_REQUEUED.inc(requeued)
        log.warning("sweeper re-enqueued stuck work", extra={"count": requeued})
    # A sweep that raised leaves the stamp old: the "sweeper stalled" alert reads it.
    SWEEPER_LAST_SUCCESS.set_to_current_time()
    return requeued


def requeue_abandoned_jobs(redis_conn: redis.Redis, settings: Settings) -> int:
    """Jobs left "started" by a worker that died (its liveness beacon stopped) are run
    again at once, without waiting for `sweep_after_seconds`: an urgent message whose
    worker was killed is assessed again within a sweep interval plus the beacon's TTL.
    The jobs themselves are safe to run twice (conditional updates, claimed replies)."""
    requeued = 0
    for name in (QueueName.TRIAGE, QueueName.OUTBOUND):
        registry = get_queue(name, redis_conn).started_job_registry
        for entry in redis_conn.zrange(registry.key, 0, -1):
            raw = entry.decode() if isinstance(entry, bytes) else str(entry)
            job_id = registry.parse_job_id(raw)
            try:
                job = Job.fetch(job_id, connection=redis_conn)
            except NoSuchJobError:
                redis_conn.zrem(registry.key, raw)
                continue
            if job.get_status(refresh=False) != JobStatus.STARTED:
                continue
            if not job_was_abandoned(redis_conn, job):
                continue
            redis_conn.zrem(registry.key, raw)
            if reenqueue_job(redis_conn, job_id, settings.job_retry_intervals):
                log.warning("re-ran a job its dead worker left", extra={"job_id": job_id})
                requeued += 1
    return requeued


class SweeperThread(threading.Thread):
    """Runs `sweep_once` every interval; a Redis lock keeps it to one sweeper at a time
    across machines."""

    def __init__(
        self, *, session_factory: sessionmaker[Session], redis_conn: redis.Redis, settings: Settings
    ) -> None:
        super().__init__(name="triage-sweeper", daemon=True)
        self.session_factory = session_factory
        self.redis_conn = redis_conn
        self.settings = settings
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = self.settings.sweep_interval_seconds
        while not self.stopped.wait(interval):
            try:
                # Held well past a slow sweep's length, so a second sweeper never overlaps.
                lock = self.redis_conn.lock(SWEEP_LOCK, timeout=max(interval * 30, 300))
                if not lock.acquire(blocking=False):
                    continue
                try:
                    sweep_once(
                        session_factory=self.session_factory,
                        redis_conn=self.redis_conn,
                        settings=self.settings,
                    )
                finally:
                    lock.release()
            except Exception:  # the sweeper must outlive a Redis or database outage
                log.exception("sweep failed; will try again")

    def stop(self) -> None:
        self.stopped.set()
