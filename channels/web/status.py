"""The citizen's status page: `GET /status/{token}`, HTML for people, JSON by `Accept`,
and its live updates, `GET /status/{token}/live` (server-sent events).

The page shows where the inquiry stands in the citizen's words
(`triage.inquiries.citizen_stage`), what to do while waiting when it is urgent, every
answer, and a form to add a message or a location at any step. A small script opens the
live feed and replaces the changing part of the page when the record changes; without
JavaScript the page refreshes itself every `NO_SCRIPT_REFRESH_SECONDS`. The feed checks
the record every `LIVE_POLL_SECONDS` (one indexed read of one conversation) and closes
after `LIVE_MAX_SECONDS`; the browser reconnects by itself and, sending the last
version it saw, gets nothing it already has.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session, sessionmaker
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from channels.web.templating import templates
from channels.web.texts import LANGUAGE_NAMES, choose_language, texts_for
from triage.core.deps import ResourcesDep, SessionDep
from triage.core.errors import NotFoundError
from triage.intake.port import CitizenView, citizen_view

router = APIRouter(tags=["citizen"])

LIVE_POLL_SECONDS = 2.0
LIVE_MAX_SECONDS = 600.0
NO_SCRIPT_REFRESH_SECONDS = 30
RETRY_MILLISECONDS = 3000


def version_of(view: CitizenView) -> str:
    """A short fingerprint of what the page shows: it changes exactly when the page would."""
    shown = view.status.model_dump_json() + "|".join(m.id for m in view.thread)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def _context(view: CitizenView, lang: str, public_token: str) -> dict[str, Any]:
    chosen, texts = texts_for(lang)
    return {
        "inquiry": view.status,
        "received_at": view.inquiry.received_at,
        "t": texts,
        "lang": chosen,
        "languages": LANGUAGE_NAMES,
        "thread": view.thread,
        "public_token": public_token,
        "version": version_of(view),
        "refresh_seconds": NO_SCRIPT_REFRESH_SECONDS,
    }


@router.get(
    "/status/{public_token}",
    response_model=None,
    responses={
        200: {
            "description": "the status page (HTML), or the citizen's view as JSON",
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/CitizenStatus"}},
            },
        },
        404: {"description": "no inquiry at this link"},
    },
)
def citizen_status(
    public_token: str, request: Request, session: SessionDep, lang: str | None = None
) -> Response:
    """HTML for people, in the language of `?lang=` or else of `Accept-Language`
    (Japanese by default); the same view as JSON when the client asks for JSON."""
    view = citizen_view(public_token, session=session)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(view.status.model_dump(mode="json"))
    chosen = choose_language(lang, request.headers.get("accept-language"))
    context = {**_context(view, chosen, public_token), "nonce": uuid.uuid4().hex}
    return templates.TemplateResponse(request, "status.html", context)


def _read(
    session_factory: sessionmaker[Session], public_token: str, lang: str
) -> tuple[str, str] | None:
    """(version, the live part of the page) as stored now; None if the link is gone."""
    with session_factory() as session:
        try:
            view = citizen_view(public_token, session=session)
        except NotFoundError:
            return None
        context = _context(view, lang, public_token)
        html = templates.env.get_template("status_live.html").render(context)
        return context["version"], html


async def _updates(
    request: Request,
    session_factory: sessionmaker[Session],
    public_token: str,
    lang: str,
    seen: str | None,
    first: tuple[str, str],
) -> AsyncIterator[ServerSentEvent]:
    """`first` is the read the endpoint already made (to answer 404 before streaming)."""
    deadline = time.monotonic() + LIVE_MAX_SECONDS
    read: tuple[str, str] | None = first
    while read is not None and time.monotonic() < deadline:
        if await request.is_disconnected():
            return
        version, html = read
        if version != seen:
            seen = version
            yield ServerSentEvent(data=html, event="status", id=version, retry=RETRY_MILLISECONDS)
        await asyncio.sleep(LIVE_POLL_SECONDS)
        read = await run_in_threadpool(_read, session_factory, public_token, lang)


@router.get("/status/{public_token}/live", include_in_schema=False)
async def citizen_status_live(
    public_token: str, request: Request, resources: ResourcesDep, lang: str | None = None
) -> EventSourceResponse:
    """The status page's live feed. Sends the page's changing part whenever the record
    changes; `Last-Event-ID` (or `?seen=`) is the version the page already shows.

    No request-scoped session: one would stay checked out of the pool for the stream's
    whole life (a dependency with `yield` closes after the response), and a few dozen
    open pages would then starve intake. Each read takes a session and gives it back."""
    chosen = choose_language(lang, request.headers.get("accept-language"))
    first = await run_in_threadpool(_read, resources.session_factory, public_token, chosen)
    if first is None:
        raise NotFoundError("no inquiry at this link")  # 404 before streaming
    seen = request.headers.get("last-event-id") or request.query_params.get("seen")
    return EventSourceResponse(
        _updates(request, resources.session_factory, public_token, chosen, seen, first),
        ping=15,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
