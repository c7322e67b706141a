"""Shed load for everyone alike before refusing anyone in particular.

The abuse limits are per address and per sender, and sized so that a crowd behind one
carrier NAT is not refused. When the service itself cannot keep up (the database is slow,
a surge outruns the group commit), new web/API messages queue inside the API process and
each one waits longer. Past `TRIAGE_INTAKE_MAX_IN_FLIGHT` messages waiting in one process
a new message is answered at once with 503 and `Retry-After`, whoever sent it: the
browser or app can retry in a few seconds, instead of holding a connection until it
times out, and nobody is told they personally sent too much.

The count is per API process (each replica protects itself), taken only once the
request's body has been read, so slow uploads do not count against it. Provider
webhooks (SMS, LINE) are never shed: they are verified, and a refused one may not be
delivered again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse

from triage.core.errors import TriageError

RETRY_AFTER_SECONDS = 5


class OverloadedError(TriageError):
    """Too much work waiting in this process; answered with 503 and Retry-After."""

    def __init__(self, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__("the service is very busy; please try again in a few seconds")
        self.retry_after = retry_after


class IntakeLoadGuard:
    """Counts new messages in flight in this process (on its event loop: no lock)."""

    def __init__(self, max_in_flight: int) -> None:
        self.max_in_flight = max_in_flight
        self.in_flight = 0

    @contextmanager
    def admitted(self) -> Iterator[None]:
        """Hold one place while the message is stored; OverloadedError when none is left."""
        if self.in_flight >= self.max_in_flight:
            raise OverloadedError()
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1


def intake_guard_of(request: HTTPConnection) -> IntakeLoadGuard:
    """The app's guard (`create_app` puts one on `app.state.intake_guard`)."""
    guard: IntakeLoadGuard = request.app.state.intake_guard
    return guard


async def handle_overloaded(request: Request, error: Exception) -> JSONResponse:
    """503 with Retry-After (registered by `create_app` next to the TriageError handler)."""
    assert isinstance(error, OverloadedError)
    return JSONResponse(
        {"detail": str(error)},
        status_code=503,
        headers={"Retry-After": str(error.retry_after)},
    )
