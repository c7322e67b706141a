"""The JSON API for citizens and partner apps: `POST /api/v1/inquiries`."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from channels.base import GeoPoint, InboundMessage
from channels.body import BodyTooLargeError, read_capped_body
from channels.web import CHANNEL
from channels.web.schemas import (
    MAX_BODY_BYTES,
    InquiryAccepted,
    InquiryCreate,
    inquiry_create_schema,
)
from triage.core.client_address import client_address
from triage.core.db import utcnow
from triage.core.errors import InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError
from triage.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotency_key
from triage.core.load_shedding import intake_guard_of
from triage.core.resources import Resources
from triage.intake.port import Delivery, IntakePort, LimitKeys, keyed_dedup_id

router = APIRouter(tags=["citizen"])

# What else `POST /api/v1/inquiries` answers, each with a `{"detail": ...}` body.
REFUSALS: dict[int | str, dict[str, Any]] = {
    413: {"description": "the body is larger than any inquiry"},
    415: {"description": "the body is not application/json"},
    422: {
        "description": "the inquiry does not validate (or the Idempotency-Key is too long)",
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [
                        {
                            "type": "object",
                            "properties": {"detail": {"type": "string"}},
                            "required": ["detail"],
                        },
                        {"$ref": "#/components/schemas/HTTPValidationError"},
                    ]
                }
            }
        },
    },
    429: {"description": "too many inquiries from this address or contact; see Retry-After"},
    503: {"description": "overloaded, or the database is unreachable; see Retry-After"},
}


async def _read_json_body(request: Request) -> InquiryCreate:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaTypeError(
            f"send the inquiry as application/json (got {content_type or 'no content type'})"
        )
    try:
        body = await read_capped_body(request, MAX_BODY_BYTES)
    except BodyTooLargeError as error:
        raise PayloadTooLargeError(str(error)) from error
    try:
        # Parsing and validating the bytes in one step skips building a dict first.
        return InquiryCreate.model_validate_json(body)
    except ValidationError:
        pass
    # Refused: explain it the way the two-step parse always has (its JSON messages, its
    # error locations), so clients see the same reasons as before.
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"the body is not valid JSON: {error}") from error
    try:
        return InquiryCreate.model_validate(data)
    except ValidationError as error:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()
        )
        raise InvalidInputError(reasons) from error


@router.post(
    "/api/v1/inquiries",
    status_code=202,
    response_model=InquiryAccepted,
    response_class=JSONResponse,
    summary="Send an inquiry (stored before the 202)",
    responses=REFUSALS,
    openapi_extra={
        "parameters": [IDEMPOTENCY_KEY_PARAMETER],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inquiry_create_schema()}},
        },
    },
)
async def create_inquiry(request: Request) -> JSONResponse:
    """Send a citizen's inquiry from your own app or web page.

    The inquiry is stored before the `202 Accepted` answer, so an accepted inquiry is
    never lost; it is then assessed and routed within seconds. Keep the `status_url` of
    the answer: it is the citizen's status page (HTML for a browser, JSON with
    `Accept: application/json`) and shows every answer as it comes.

    Send an `Idempotency-Key` header (any unique string per inquiry) to retry safely: a
    repeated request with the same key answers with the same inquiry. `location` is the
    device's point when the citizen shares it; `language` is a hint (the text decides).
    A malformed body is refused with 400/422 and a reason; too many messages from one
    address or contact get 429 with `Retry-After`.
    """
    # The answer is a JSONResponse of an InquiryAccepted (the schema stays in the OpenAPI
    # document through `response_model`): two strings need no validating again.
    resources: Resources = request.app.state.resources
    intake: IntakePort = request.app.state.intake
    key = idempotency_key(request)
    payload = await _read_json_body(request)
    message = InboundMessage(
        channel=CHANNEL,
        # The Idempotency-Key makes a retried or double-clicked request one inquiry.
        provider_message_id=keyed_dedup_id(
            "key", key, payload.text, payload.contact, _point(payload.location)
        )
        if key
        else f"id:{uuid.uuid4().hex}",
        sender=payload.contact,
        text=payload.text,
        location=payload.location,
        language=payload.language,
        received_at=utcnow(),
    )
    limit = LimitKeys(
        ip=client_address(request, resources.settings.trusted_proxies), sender=payload.contact
    )
    with intake_guard_of(request).admitted():
        accepted = await intake.submit(
            Delivery(message, limit=limit, may_be_a_retry=key is not None)
        )
    body: dict[str, str] = {
        "id": accepted.inquiry_id,
        "status_url": resources.settings.status_url_for(accepted.public_token),
    }
    return JSONResponse(body, status_code=202)


def _point(location: GeoPoint | None) -> str | None:
    return f"{location.lat},{location.lon}" if location else None
