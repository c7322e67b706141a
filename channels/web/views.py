"""The citizen web form (`/`) and follow-ups from the status page.

Plain HTML forms that work with JavaScript off; a small script adds "use my location"
(it carries the response's CSP nonce). Both go through the same intake port as the JSON
API, with the same abuse limits (counted against the client address behind the trusted
proxies) and the same load shedding (503 for everyone when this process is overloaded).
Bodies are capped and multipart is refused before any of this runs
(`triage.core.body_limits`).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from channels.base import GeoPoint, InboundMessage
from channels.web import CHANNEL
from channels.web.templating import templates
from channels.web.texts import LANGUAGE_NAMES, choose_language, texts_for
from triage.core.client_address import client_address
from triage.core.db import utcnow
from triage.core.deps import ResourcesDep
from triage.core.load_shedding import intake_guard_of
from triage.core.resources import Resources
from triage.intake.port import Delivery, IntakeDep, LimitKeys, keyed_dedup_id

router = APIRouter(tags=["citizen"])

_DETAIL = {
    "anyOf": [
        {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
        {"$ref": "#/components/schemas/HTTPValidationError"},
    ]
}
_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"description": "too many messages from this address or contact; see Retry-After"},
    503: {"description": "overloaded, or the database is unreachable; see Retry-After"},
}
# What the form answers besides its page: a redirect to the status page once stored.
FORM_ANSWERS: dict[int | str, dict[str, Any]] = {
    303: {"description": "stored: on to the citizen's status page"},
    422: {
        "description": "the form again with the reason (or, for a malformed field, JSON)",
        "content": {"text/html": {}, "application/json": {"schema": _DETAIL}},
    },
    **_LIMITED,
}
FOLLOW_UP_ANSWERS: dict[int | str, dict[str, Any]] = {
    303: {"description": "added to the conversation: back to its status page"},
    404: {"description": "no inquiry at this link"},
    422: {
        "description": "neither a message nor a location",
        "content": {"application/json": {"schema": _DETAIL}},
    },
    **_LIMITED,
}


def _client_ip(request: Request, resources: Resources) -> str | None:
    return client_address(request, resources.settings.trusted_proxies)


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
    """The form in the language of `?lang=`, else of the browser (`Accept-Language`)."""
    chosen, texts = texts_for(choose_language(lang, request.headers.get("accept-language")))
    context = {
        "t": texts,
        "lang": chosen,
        "languages": LANGUAGE_NAMES,
        "nonce": uuid.uuid4().hex,
        "error": None,
        "values": {},
    }
    return templates.TemplateResponse(request, "form.html", context)


@router.post(
    "/", response_class=HTMLResponse, summary="Send the citizen form", responses=FORM_ANSWERS
)
async def submit_form(
    request: Request,
    resources: ResourcesDep,
    intake: IntakeDep,
    text: Annotated[str, Form()] = "",
    contact: Annotated[str, Form(max_length=256)] = "",
    lat: Annotated[str | None, Form()] = None,
    lon: Annotated[str | None, Form()] = None,
    lang: Annotated[str | None, Form()] = None,
    nonce: Annotated[str | None, Form()] = None,
) -> Response:
    chosen, texts = texts_for(lang)
    if not text.strip() or len(text) > resources.settings.max_text_length:
        context = {
            "t": texts,
            "lang": chosen,
            "languages": LANGUAGE_NAMES,
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
    limit = LimitKeys(ip=_client_ip(request, resources), sender=contact or None)
    with intake_guard_of(request).admitted():
        accepted = await intake.submit(Delivery(message, limit=limit))
    return RedirectResponse(f"/status/{accepted.public_token}?lang={chosen}", status_code=303)


@router.post(
    "/status/{public_token}/messages",
    summary="Add to an inquiry from its status page",
    responses=FOLLOW_UP_ANSWERS,
)
async def follow_up(
    public_token: str,
    request: Request,
    resources: ResourcesDep,
    intake: IntakeDep,
    text: Annotated[str, Form()] = "",
    lat: Annotated[str | None, Form()] = None,
    lon: Annotated[str | None, Form()] = None,
    lang: Annotated[str | None, Form()] = None,
    nonce: Annotated[str | None, Form()] = None,
) -> Response:
    """The citizen writes again through their status link: the same conversation."""
    chosen, _ = texts_for(lang)
    location = _location(lat, lon)
    if len(text) > resources.settings.max_text_length or (not text.strip() and location is None):
        raise HTTPException(422, "write a message or share a location")
    message = InboundMessage(
        channel=CHANNEL,
        provider_message_id=keyed_dedup_id("form", _nonce(nonce), public_token, text, lat, lon),
        text=text.strip(),
        location=location,
        received_at=utcnow(),
        continues_token=public_token,
    )
    limit = LimitKeys(ip=_client_ip(request, resources), sender=f"status:{public_token}")
    with intake_guard_of(request).admitted():
        await intake.submit(Delivery(message, limit=limit))
    return RedirectResponse(f"/status/{public_token}?lang={chosen}", status_code=303)
