"""Each project error maps to one HTTP status, here and nowhere else."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from triage.core.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitedError,
    TriageError,
    UnsupportedMediaTypeError,
)

# Most specific first: the first class the error is an instance of wins.
_STATUS_FOR_ERROR: list[tuple[type[TriageError], int]] = [
    (UnsupportedMediaTypeError, 415),
    (PayloadTooLargeError, 413),
    (InvalidInputError, 422),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (RateLimitedError, 429),
]


def status_for(error: TriageError) -> int:
    for error_type, status in _STATUS_FOR_ERROR:
        if isinstance(error, error_type):
            return status
    return 500


def headers_for(error: TriageError) -> dict[str, str] | None:
    if isinstance(error, AuthenticationError):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(error, RateLimitedError):
        return {"Retry-After": str(error.retry_after)}
    return None


async def handle_triage_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, TriageError)
    return JSONResponse(
        {"detail": str(error)}, status_code=status_for(error), headers=headers_for(error)
    )
