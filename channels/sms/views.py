"""Twilio webhooks: inbound messages and delivery status callbacks.

Both verify X-Twilio-Signature against the public URL before touching anything, store
first (committed), and answer at once with TwiML. Replies never go out in the webhook
response (apart from the fixed STOP/START/HELP acknowledgements Twilio's norms expect):
they are sent later by the outbound worker through the REST API.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.orm import Session, sessionmaker
from twilio.twiml.messaging_response import MessagingResponse

from channels.base import PayloadError, SignatureError
from channels.sms import CHANNEL
from channels.sms.inbound import (
    Keyword,
    keyword_of,
    parse_message,
    public_url_for,
    verify_signature,
)
from channels.sms.texts import KEYWORD_REPLIES
from triage.core.db import session_scope, utcnow
from triage.core.deps import ResourcesDep
from triage.core.log_format import mask_contact
from triage.core.settings import Settings
from triage.intake.port import Delivery, IntakeDep, opt_in, opt_out, record_delivery_status

log = logging.getLogger(__name__)
router = APIRouter(tags=["webhooks"])

INBOUND_PATH = "/webhooks/twilio/sms"
STATUS_PATH = "/webhooks/twilio/status"
TWIML_MEDIA_TYPE = "application/xml"

# Twilio MessageStatus values, as the states our replies table knows.
_DELIVERY_STATES = {
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}
UNSUBSCRIBED_RECIPIENT = "21610"  # Twilio error: the number replied STOP to this sender


def _twiml(message: str | None = None) -> Response:
    response = MessagingResponse()
    if message:
        response.message(message)
    return Response(str(response), media_type=TWIML_MEDIA_TYPE)


async def _verified_params(
    request: Request, settings: Settings, signature: str | None
) -> dict[str, str]:
    """The form parameters, once the signature over the public URL checks out (else 403)."""
    if settings.twilio_auth_token is None:
        raise HTTPException(503, "the SMS channel is not configured (TRIAGE_TWILIO_AUTH_TOKEN)")
    form = await request.form()
    params = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    url = public_url_for(settings.public_url, request.url.path, request.url.query)
    try:
        verify_signature(
            auth_token=settings.twilio_auth_token.get_secret_value(),
            url=url,
            params=params,
            signature=signature,
        )
    except SignatureError as error:
        log.warning(
            "refused a Twilio webhook", extra={"reason": str(error), "path": request.url.path}
        )
        raise HTTPException(403, "invalid signature") from error
    return params


def _apply_keyword(
    keyword: Keyword, number: str, *, session_factory: sessionmaker[Session]
) -> None:
    with session_scope(session_factory) as session:
        if keyword is Keyword.STOP:
            opt_out(CHANNEL, number, "STOP", session=session)
        elif keyword is Keyword.START:
            opt_in(CHANNEL, number, session=session)
        session.commit()
    log.info("sms keyword", extra={"keyword": str(keyword), "sender": mask_contact(number)})


@router.post(INBOUND_PATH, response_class=Response, summary="Twilio inbound SMS webhook")
async def inbound_sms(
    request: Request,
    resources: ResourcesDep,
    intake: IntakeDep,
    x_twilio_signature: Annotated[str | None, Header()] = None,
) -> Response:
    params = await _verified_params(request, resources.settings, x_twilio_signature)
    keyword = keyword_of(params.get("Body", ""))
    if keyword is not None and params.get("From"):
        await run_in_threadpool(
            _apply_keyword, keyword, params["From"], session_factory=resources.session_factory
        )
        if keyword is not Keyword.HELP:
            # STOP and START are requests about messaging, not inquiries to triage.
            return _twiml(KEYWORD_REPLIES[keyword])
    try:
        message = parse_message(params, received_at=utcnow())
    except PayloadError as error:
        raise HTTPException(400, str(error)) from error
    # HELP alone is acknowledged with the service's help text and still triaged: in a
    # disaster a one-word "help" may be a plea, and a person should see it.
    await intake.submit(Delivery(message))
    return _twiml(KEYWORD_REPLIES[keyword] if keyword is Keyword.HELP else None)


def _apply_status(params: dict[str, str], *, session_factory: sessionmaker[Session]) -> None:
    state = _DELIVERY_STATES.get(params.get("MessageStatus", "").lower())
    sid = params.get("MessageSid") or params.get("SmsSid")
    if state is None or not sid:
        return  # queued / sending / accepted: nothing new to record
    error_code = params.get("ErrorCode") or None
    with session_scope(session_factory) as session:
        record_delivery_status(
            sid, state, session=session, error=f"Twilio error {error_code}" if error_code else None
        )
        if error_code == UNSUBSCRIBED_RECIPIENT and params.get("To"):
            opt_out(CHANNEL, params["To"], UNSUBSCRIBED_RECIPIENT, session=session)
        session.commit()


@router.post(STATUS_PATH, response_class=Response, summary="Twilio delivery status callback")
async def sms_status_callback(
    request: Request,
    resources: ResourcesDep,
    x_twilio_signature: Annotated[str | None, Header()] = None,
) -> Response:
    params = await _verified_params(request, resources.settings, x_twilio_signature)
    await run_in_threadpool(_apply_status, params, session_factory=resources.session_factory)
    return Response(status_code=204)
