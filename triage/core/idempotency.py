"""The `Idempotency-Key` header: a client's retry of a request finds its first result.

Read directly from the headers rather than through a `Header()` parameter, whose
dependency solving was a visible share of the intake hot path's CPU; an over-long key
gets the very 422 that `Header(max_length=128)` gave. The OpenAPI document describes
the header through `IDEMPOTENCY_KEY_PARAMETER`.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError

IDEMPOTENCY_KEY_MAX_LENGTH = 128
IDEMPOTENCY_KEY_PARAMETER = {
    "name": "idempotency-key",
    "in": "header",
    "required": False,
    "schema": {
        "anyOf": [{"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH}, {"type": "null"}],
        "title": "Idempotency-Key",
    },
}


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise RequestValidationError(
            [
                {
                    "type": "string_too_long",
                    "loc": ("header", "idempotency-key"),
                    "msg": f"String should have at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters",
                    "input": key,
                    "ctx": {"max_length": IDEMPOTENCY_KEY_MAX_LENGTH},
                }
            ]
        )
    return key
