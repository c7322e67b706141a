"""One base exception for the project and a few precise subclasses.

They are mapped to HTTP in one place (`triage/core/http_errors.py`); `HTTPException`
appears only in views.
"""

from __future__ import annotations


class TriageError(Exception):
    """Base of every error this project raises on purpose."""


class NotFoundError(TriageError):
    """The record does not exist (or the caller may not know it exists)."""


class InvalidInputError(TriageError):
    """Input that is understood but refused; the message says why, for the sender."""


class ConflictError(TriageError):
    """The request conflicts with the record's current state (e.g. already claimed)."""


class AuthenticationError(TriageError):
    """No valid credentials."""


class PermissionDeniedError(TriageError):
    """Valid credentials, wrong role."""


class UnsupportedMediaTypeError(InvalidInputError):
    """The body is not in a format the endpoint reads (e.g. not JSON)."""


class PayloadTooLargeError(InvalidInputError):
    """The body is larger than the endpoint accepts."""


class RateLimitedError(TriageError):
    """Over an abuse limit; the answer says when to try again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many messages; please wait and try again")
        self.retry_after = retry_after
