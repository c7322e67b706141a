"""Each project error maps to one HTTP status, here and nowhere else."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

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

log = logging.getLogger(__name__)

# How long a provider or client should wait before trying again while the database is
# unreachable. Twilio and LINE retry a 5xx webhook; nothing was stored, so nothing is lost.
DATABASE_RETRY_AFTER_SECONDS = 5

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


def is_database_unavailable(error: Exception) -> bool:
    """The database could not be reached (down, restarting, connection lost), as opposed
    to a statement it refused (a bug, answered 500)."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


async def handle_database_error(request: Request, error: Exception) -> JSONResponse:
    """503 with Retry-After while the database is unreachable: nothing was acknowledged,
    so the sender (a citizen, Twilio, LINE) tries again and loses nothing."""
    if not is_database_unavailable(error):
        raise error
    log.error("database unreachable", extra={"error": type(error).__name__})
    return JSONResponse(
        {"detail": "the service cannot reach its database just now; please try again shortly"},
        status_code=503,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )
