"""The citizen web form (`/`) and follow-ups from the status page.

Plain HTML forms that work with JavaScript off; a small script adds "use my location".
Both post into the same intake as the JSON API, with the same abuse limits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from channels.base import GeoPoint, InboundMessage
from channels.web import CHANNEL
from channels.web.ratelimit import InquiryRateLimiter
from channels.web.texts import texts_for
from triage.db import session_scope, utcnow
from triage.deps import RuntimeDep
from triage.inquiries.dedup import keyed_dedup_id
from triage.inquiries.group_commit import GroupCommit
from triage.inquiries.intake import receive_inbound, receive_new_batch
from triage.inquiries.service import (
    AcceptResult,
    check_text_length,
    find_by_provider_id,
    may_continue_a_thread,
)
from triage.inquiries.store import find_stored
from triage.runtime import Runtime
from triage.templating import templates

router = APIRouter(tags=["citizen"])


def rate_limiter(app: FastAPI, runtime: Runtime) -> InquiryRateLimiter:
    """One limiter per app, sharing counters through the runtime's Redis."""
    limiter: InquiryRateLimiter | None = getattr(app.state, "inquiry_rate_limiter", None)
    if limiter is None:
        limiter = InquiryRateLimiter(
            runtime.redis,
            per_ip=runtime.settings.rate_limit_per_ip,
            per_sender=runtime.settings.rate_limit_per_sender,
        )
        app.state.inquiry_rate_limiter = limiter
    return limiter


@dataclass(frozen=True)
class NewWebMessage:
    """A web or API message that starts a conversation, waiting for its group commit."""

    message: InboundMessage
    ip: str | None
    sender_key: str | None
    may_be_a_retry: bool


NewMessageGroupCommit = GroupCommit[NewWebMessage, AcceptResult]


def start_group_commit(app: FastAPI, runtime: Runtime) -> NewMessageGroupCommit:
    """The app's group commit of new web messages; called in its lifespan."""
    group = NewMessageGroupCommit(
        partial(_limit_and_receive_many, runtime, rate_limiter(app, runtime)),
        max_batch=runtime.settings.intake_batch_max,
        max_wait=runtime.settings.intake_batch_wait_ms / 1000,
    )
    app.state.new_web_messages = group
    return group


class RateLimitedError(Exception):
    """Over the IP or sender limit; the view answers 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def _already_stored(runtime: Runtime, provider_message_id: str) -> bool:
    with session_scope(runtime.session_factory) as session:
        return find_by_provider_id(CHANNEL, provider_message_id, session=session) is not None


def _limit_and_receive(
    runtime: Runtime,
    limiter: InquiryRateLimiter,
    message: InboundMessage,
    *,
    ip: str | None,
    sender_key: str | None,
    may_be_a_retry: bool,
) -> AcceptResult:
    """Everything blocking (database, Redis) in one trip to the thread pool."""
    if not (may_be_a_retry and _already_stored(runtime, message.provider_message_id)):
        wait = limiter.retry_after(ip=ip, sender=sender_key)
        if wait is not None:
            raise RateLimitedError(wait)
    return receive_inbound(
        message,
        session_factory=runtime.session_factory,
        redis_conn=runtime.redis,
        settings=runtime.settings,
    )


def _limit_and_receive_many(
    runtime: Runtime, limiter: InquiryRateLimiter, batch: list[NewWebMessage]
) -> list[AcceptResult | Exception]:
    """`_limit_and_receive` for a batch of new messages, in one trip to the thread pool:
    one lookup of retries already stored, one limiter round trip, one commit, one enqueue."""
    results: list[AcceptResult | Exception | None] = [None] * len(batch)
    keys = [(m.message.channel, m.message.provider_message_id) for m in batch]
    retries = [key for key, new in zip(keys, batch, strict=True) if new.may_be_a_retry]
    already = find_stored(runtime.engine, retries)
    for index, new in enumerate(batch):
        first = already.get(keys[index])
        if new.may_be_a_retry and first is not None:
            results[index] = AcceptResult(first.inquiry_id, first.public_token, created=False)
    # A double-clicked form puts one delivery twice in a batch: it is counted once, and
    # every copy shares the first copy's verdict.
    first_of: dict[tuple[str, str], int] = {}
    for index, result in enumerate(results):
        if result is None:
            first_of.setdefault(keys[index], index)
    to_limit = list(first_of.values())
    waits = limiter.retry_after_many([(batch[i].ip, batch[i].sender_key) for i in to_limit])
    wait_of = {keys[index]: wait for index, wait in zip(to_limit, waits, strict=True)}
    for index, result in enumerate(results):
        wait = wait_of.get(keys[index]) if result is None else None
        if wait is not None:
            results[index] = RateLimitedError(wait)
    to_store = [index for index, result in enumerate(results) if result is None]
    if to_store:
        stored = receive_new_batch(
            [batch[i].message for i in to_store],
            engine=runtime.engine,
            redis_conn=runtime.redis,
            settings=runtime.settings,
        )
        for index, result in zip(to_store, stored, strict=True):
            results[index] = result
    return [result if result is not None else RuntimeError("not handled") for result in results]


async def accept_web_message(
    request: Request,
    runtime: Runtime,
    message: InboundMessage,
    *,
    sender_key: str | None,
    may_be_a_retry: bool = True,
) -> AcceptResult:
    """Rate-limit, then store and enqueue. A retry of a message already stored (same
    Idempotency-Key or form nonce) is never refused: it returns the first result.

    `may_be_a_retry=False` says the provider message id was made up for this request
    (no Idempotency-Key), so nothing can be stored under it yet and the lookup is skipped.

    A message that starts a conversation goes through the app's group commit (see
    `triage.inquiries.group_commit`): it is answered once its batch is committed.
    """
    group: NewMessageGroupCommit | None = getattr(request.app.state, "new_web_messages", None)
    ip = request.client.host if request.client else None
    try:
        if group is not None and not may_continue_a_thread(message):
            check_text_length(message, runtime.settings.max_text_length)
            return await group.submit(NewWebMessage(message, ip, sender_key, may_be_a_retry))
        return await run_in_threadpool(
            _limit_and_receive,
            runtime,
            rate_limiter(request.app, runtime),
            message,
            ip=ip,
            sender_key=sender_key,
            may_be_a_retry=may_be_a_retry,
        )
    except RateLimitedError as limited:
        raise HTTPException(
            429,
            "too many messages; please wait and try again",
            headers={"Retry-After": str(limited.retry_after)},
        ) from None


def _location(lat: str | None, lon: str | None) -> GeoPoint | None:
    """The browser's geolocation, when the script filled it in and it is a real point."""
    if not lat or not lon:
        return None
    try:
        return GeoPoint(lat=float(lat), lon=float(lon))
    except (ValueError, ValidationError):
        return None


def _nonce(value: str | None) -> str:
    """The form's one-time id: a double-clicked submit stores one inquiry."""
    if value and len(value) <= 64 and value.isalnum():
        return value
    return uuid.uuid4().hex


@router.get("/", response_class=HTMLResponse, summary="The citizen form")
def citizen_form(request: Request, lang: str | None = None) -> Response:
    chosen, texts = texts_for(lang)
    return templates.TemplateResponse(
        request,
        "form.html",
        {"t": texts, "lang": chosen, "nonce": uuid.uuid4().hex, "error": None, "values": {}},
    )


@router.post("/", response_class=HTMLResponse, summary="Send the citizen form")
async def submit_form(
    request: Request,
    runtime: RuntimeDep,
    text: Annotated[str, Form()] = "",
    contact: Annotated[str, Form(max_length=256)] = "",
    lat: Annotated[str | None, Form()] = None,
    lon: Annotated[str | None, Form()] = None,
    lang: Annotated[str | None, Form()] = None,
    nonce: Annotated[str | None, Form()] = None,
) -> Response:
    chosen, texts = texts_for(lang)
    if not text.strip() or len(text) > runtime.settings.max_text_length:
        context = {
            "t": texts,
            "lang": chosen,
            "nonce": _nonce(nonce),
            "error": texts["error_empty"],
            "values": {"text": text, "contact": contact},
        }
        return templates.TemplateResponse(request, "form.html", context, status_code=422)
    message = InboundMessage(
        channel=CHANNEL,
        provider_message_id=keyed_dedup_id("form", _nonce(nonce), text, contact, lat, lon),
        sender=contact.strip() or None,
        text=text,
        location=_location(lat, lon),
        received_at=utcnow(),
    )
    result = await accept_web_message(request, runtime, message, sender_key=contact or None)
    return RedirectResponse(f"/status/{result.public_token}?lang={chosen}", status_code=303)


@router.post("/status/{public_token}/messages", summary="Add to an inquiry from its status page")
async def follow_up(
    public_token: str,
    request: Request,
    runtime: RuntimeDep,
    text: Annotated[str, Form()] = "",
    lat: Annotated[str | None, Form()] = None,
    lon: Annotated[str | None, Form()] = None,
    lang: Annotated[str | None, Form()] = None,
    nonce: Annotated[str | None, Form()] = None,
) -> Response:
    """The citizen writes again through their status link: the same conversation."""
    chosen, _ = texts_for(lang)
    location = _location(lat, lon)
    if len(text) > runtime.settings.max_text_length or (not text.strip() and location is None):
        raise HTTPException(422, "write a message or share a location")
    message = InboundMessage(
        channel=CHANNEL,
        provider_message_id=keyed_dedup_id("form", _nonce(nonce), public_token, text, lat, lon),
        text=text.strip(),
        location=location,
        received_at=utcnow(),
        continues_token=public_token,
    )
    await accept_web_message(request, runtime, message, sender_key=f"status:{public_token}")
    return RedirectResponse(f"/status/{public_token}?lang={chosen}", status_code=303)
