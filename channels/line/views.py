"""The LINE webhook: verify the whole body, store every event, then answer 200.

LINE waits about two seconds for the answer, so nothing here calls LINE: welcomes and
replies go out from the outbound queue. Each event is stored on its own, deduplicated
by its webhookEventId, so a redelivered batch (deliveryContext.isRedelivery) makes no
duplicates even when part of the first delivery was stored.
"""

from __future__ import annotations

import logging
from typing import Annotated

import redis
from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from rq import Retry

from channels.base import InboundMessage, PayloadError, SignatureError
from channels.body import BodyTooLargeError, read_capped_body
from channels.line import CHANNEL
from channels.line.inbound import Follow, Ignored, LineEvent, Unfollow, parse_events
from channels.line.jobs import SEND_WELCOME_JOB
from triage.core.db import session_scope
from triage.core.deps import ResourcesDep
from triage.core.log_format import mask_contact
from triage.core.queues import QueueName, get_queue
from triage.core.resources import Resources
from triage.intake.port import Delivery, IntakeDep, IntakePort, opt_in, opt_out

log = logging.getLogger(__name__)
router = APIRouter(tags=["webhooks"])

WEBHOOK_PATH = "/webhooks/line"
MAX_BODY_BYTES = 1024 * 1024


@router.post(WEBHOOK_PATH, summary="LINE Messaging API webhook")
async def line_webhook(
    request: Request,
    resources: ResourcesDep,
    intake: IntakeDep,
    x_line_signature: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    settings = resources.settings
    if settings.line_channel_secret is None:
        raise HTTPException(503, "the LINE channel is not configured (TRIAGE_LINE_CHANNEL_SECRET)")
    try:
        body = await read_capped_body(request, MAX_BODY_BYTES)
    except BodyTooLargeError as error:
        raise HTTPException(413, "the body is larger than any LINE webhook") from error
    try:
        events = parse_events(
            body, x_line_signature, settings.line_channel_secret.get_secret_value()
        )
    except SignatureError as error:
        log.warning("refused a LINE webhook", extra={"reason": str(error)})
        raise HTTPException(403, "invalid signature") from error
    except PayloadError as error:
        raise HTTPException(400, str(error)) from error
    await run_in_threadpool(_handle_events, events, resources, intake)
    return JSONResponse({})


def _handle_events(events: list[LineEvent], resources: Resources, intake: IntakePort) -> None:
    """Store each event in turn. If the database fails midway the webhook answers 500,
    LINE redelivers the batch, and the events already stored are deduplicated."""
    for event in events:
        if isinstance(event, InboundMessage):
            (result,) = intake.accept([Delivery(event)])
            if isinstance(result, Exception):
                raise result
        elif isinstance(event, Follow):
            _follow(event, resources)
        elif isinstance(event, Unfollow):
            _set_opt_out(event.user_id, resources, opted_out=True)
        elif isinstance(event, Ignored):
            log.info("LINE event acknowledged, not stored", extra={"event_type": event.event_type})


def _follow(event: Follow, resources: Resources) -> None:
    _set_opt_out(event.user_id, resources, opted_out=False)
    try:
        get_queue(QueueName.OUTBOUND, resources.redis).enqueue_call(
            SEND_WELCOME_JOB,
            args=(event.user_id, event.reply_token, event.at.isoformat()),
            job_id=f"line-welcome-{event.user_id}-{int(event.at.timestamp())}",
            retry=Retry(
                max=len(resources.settings.job_retry_intervals),
                interval=list(resources.settings.job_retry_intervals),
            ),
            result_ttl=300,
            failure_ttl=24 * 3600,
        )
    except redis.RedisError:
        # A welcome is a courtesy, not a record: losing it loses no inquiry.
        log.warning("could not queue a LINE welcome", extra={"user": mask_contact(event.user_id)})


def _set_opt_out(user_id: str, resources: Resources, *, opted_out: bool) -> None:
    with session_scope(resources.session_factory) as session:
        if opted_out:
            opt_out(CHANNEL, user_id, "unfollow", session=session)
        else:
            opt_in(CHANNEL, user_id, session=session)
        session.commit()
    log.info("LINE follow state", extra={"user": mask_contact(user_id), "opted_out": opted_out})
