"""The responder console's pages (server-rendered; every action has an API twin).

- `/console`: the queue, most urgent first, with why each item is there and its SLA;
  it refreshes itself from the live feed (`triage.console.live`) by fetching
  `/console/queue/body`, the same rows rendered again, so the order is always the
  server's and an update can never be lost in the browser.
- `/console/inquiries/{id}`: everything about one inquiry, and the forms to act on it
  (`triage.console.actions`).
- `/console/handover`: what is open and who holds it, for printing (the paper fallback).
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import redis
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from channels.registry import CAPABILITIES
from triage.assessment.schemas import Category, Route
from triage.auth.deps import csrf_token_for
from triage.auth.tables import StaffUser
from triage.console import queue
from triage.console.deps import ConsoleResponder
from triage.console.live import latest_event_id
from triage.console.map_data import map_points
from triage.console.overview import read_overview
from triage.console.suggestions import suggested_answers
from triage.console.texts import (
    CATEGORIES,
    COOKIE,
    ENGINES,
    OUTCOMES,
    PRIORITIES,
    STATUSES,
    console_language,
    labels_for,
    texts_for,
)
from triage.core.db import utcnow
from triage.core.deps import RedisDep, ResourcesDep, SessionDep
from triage.core.resources import Resources
from triage.core.templating import templates
from triage.inquiries import disputes, incidents, service
from triage.inquiries.schemas import mask_contact
from triage.inquiries.tables import InquiryStatus
from triage.inquiries.threads import conversation
from triage.operations.system_status import system_status

router = APIRouter(tags=["console"], include_in_schema=False)

STATIC_DIR = Path(__file__).parent / "static"
TOKYO = ZoneInfo("Asia/Tokyo")
QUEUE_PATTERN = "^(" + "|".join(queue.QUEUES) + ")$"
CHANNEL_PATTERN = "^(" + "|".join(sorted(CAPABILITIES)) + ")$"
CATEGORY_PATTERN = "^(" + "|".join(c.value for c in Category) + ")$"
STATUS_PATTERN = "^(" + "|".join(s.value for s in service.OPEN_STATUSES) + ")$"


def japan_time(value: datetime | None, with_date: bool = False) -> str:
    """Every time a responder reads is Japan time (stored as UTC)."""
    if value is None:
        return ""
    local = value.astimezone(TOKYO)
    return local.strftime("%m/%d %H:%M" if with_date else "%H:%M:%S")


def duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds >= 3600:
        return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def hour_minute(value: datetime | None) -> str:
    return value.astimezone(TOKYO).strftime("%H:%M") if value is not None else ""


def readable_json(value: Any) -> str:
    """An event's detail as people read it (Japanese as written; escaped by the page)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


templates.env.filters["jst"] = japan_time
templates.env.filters["jst_hm"] = hour_minute
templates.env.filters["readable_json"] = readable_json
templates.env.filters["duration"] = duration


def page_context(request: Request, staff: StaffUser, **extra: Any) -> dict[str, Any]:
    language = console_language(request)
    flash = request.session.pop("flash", None)
    return {
        "staff": staff,
        "lang": language,
        "t": texts_for(language),
        "outcomes": labels_for(OUTCOMES, language),
        "priorities": labels_for(PRIORITIES, language),
        "category_names": labels_for(CATEGORIES, language),
        "status_names": labels_for(STATUSES, language),
        "engine_names": labels_for(ENGINES, language),
        "categories": [c.value for c in Category],
        "csrf_token": csrf_token_for(request),
        "nonce": request.state.csp_nonce,
        "flash": flash,
        "now": utcnow(),
        **extra,
    }


def render_page(request: Request, template: str, context: dict[str, Any]) -> Response:
    response = templates.TemplateResponse(request, template, context)
    if "lang" in request.query_params:
        response.set_cookie(
            COOKIE, context["lang"], max_age=365 * 86400, samesite="strict", httponly=True
        )
    return response


QueueName = Annotated[str, Query(alias="queue", pattern=QUEUE_PATTERN)]
Area = Annotated[str | None, Query(pattern=r"^(\d{6})?$")]
CategoryFilter = Annotated[str | None, Query(pattern=CATEGORY_PATTERN + "|^$")]
ChannelFilter = Annotated[str | None, Query(pattern=CHANNEL_PATTERN + "|^$")]
LanguageFilter = Annotated[str | None, Query(pattern=r"^([a-zA-Z-]{2,16})?$")]
StatusFilter = Annotated[str | None, Query(pattern=STATUS_PATTERN + "|^$")]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


def queue_filters(
    queue_name: QueueName = Route.URGENT.value,
    lgcode: Area = None,
    category: CategoryFilter = None,
    channel: ChannelFilter = None,
    language: LanguageFilter = None,
    status: StatusFilter = None,
    page: PageNumber = 1,
) -> queue.QueueFilters:
    """The queue's filters from the URL (the page and its live refresh read the same)."""
    return queue.QueueFilters(
        queue=queue_name,
        lgcode=lgcode or None,
        category=category or None,
        channel=channel or None,
        language=language or None,
        status=status or None,
        page=page,
    )


Filters = Annotated[queue.QueueFilters, Depends(queue_filters)]


@router.get("/console", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: SessionDep,
    staff: ConsoleResponder,
    resources: ResourcesDep,
    filters: Filters,
) -> Response:
    # The feed starts where this page was read: nothing that happens after is missed.
    after = latest_event_id(session=session)
    found = queue.read_page(filters, session=session, settings=resources.settings)
    try:
        system = system_status(resources.redis, resources.settings.llm_enabled)
    except redis.RedisError:
        system = None  # the queue still works from the database
    context = page_context(
        request,
        staff,
        page=found,
        after=after,
        system=system,
        channels=sorted(CAPABILITIES),
        statuses=[s.value for s in service.OPEN_STATUSES],
    )
    return render_page(request, "console/queue.html", context)


@router.get("/console/queue/body", response_class=HTMLResponse)
def queue_body(
    request: Request,
    session: SessionDep,
    staff: ConsoleResponder,
    resources: ResourcesDep,
    filters: Filters,
) -> Response:
    """The queue's rows and counts alone, for the live refresh."""
    found = queue.read_page(filters, session=session, settings=resources.settings)
    return render_page(
        request, "console/_queue_body.html", page_context(request, staff, page=found)
    )


@router.get("/console/inquiries/{inquiry_id}", response_class=HTMLResponse)
def inquiry_page(
    inquiry_id: str,
    request: Request,
    session: SessionDep,
    staff: ConsoleResponder,
    resources: ResourcesDep,
) -> Response:
    context = inquiry_context(inquiry_id, request, staff, session=session, resources=resources)
    return render_page(request, "console/inquiry.html", context)


def inquiry_context(
    inquiry_id: str,
    request: Request,
    staff: StaffUser,
    *,
    session: Session,
    resources: Resources,
    draft: str | None = None,
    draft_error: str | None = None,
) -> dict[str, Any]:
    """Everything the inquiry page shows; `draft` prefills the reply (machine-drafted)."""
    inquiry = service.get_inquiry(inquiry_id, session=session, with_history=True)
    merged = incidents.members(inquiry.id, session=session)
    duplicates = (
        []
        if inquiry.incident_id not in (None, inquiry.id)
        else incidents.likely_duplicates(inquiry, session=session)
    )
    is_open = inquiry.status in service.OPEN_STATUSES
    return page_context(
        request,
        staff,
        inquiry=inquiry,
        row=queue.queue_row(inquiry, settings=resources.settings, reports=len(merged)),
        thread=conversation(inquiry, session=session),
        merged=merged,
        duplicates=duplicates,
        shelters=_nearest_open_shelters(inquiry.location, session=session),
        masked_contact=mask_contact(inquiry.sender),
        # Both readings side by side while the verdict is disputed, to settle it.
        readings=disputes.readings_of(inquiry.assessment) if inquiry.disputed else None,
        after=latest_event_id(session=session),
        may_act=inquiry.status not in (InquiryStatus.RECEIVED, InquiryStatus.CLOSED),
        is_open=is_open,
        # One key per rendered form: a double click or a re-post sends one reply.
        client_key=secrets.token_urlsafe(16),
        suggestions=suggested_answers(inquiry, session_factory=resources.session_factory)
        if is_open
        else [],
        llm_enabled=resources.settings.llm_enabled,
        draft=draft,
        draft_error=draft_error,
    )


def _nearest_open_shelters(location: dict[str, Any] | None, *, session: Any) -> list[Any]:
    if not location or location.get("lat") is None or location.get("lon") is None:
        return []
    from triage.geo.gazetteer import load_gazetteer
    from triage.geo.service import closed_shelter_ids
    from triage.geo.shelters import nearest_shelters

    return nearest_shelters(
        float(location["lat"]),
        float(location["lon"]),
        hazard=None,
        limit=3,
        gazetteer=load_gazetteer(),
        closed_ids=closed_shelter_ids(session=session),
    )


@router.get("/console/overview", response_class=HTMLResponse)
def overview_page(
    request: Request,
    session: SessionDep,
    staff: ConsoleResponder,
    resources: ResourcesDep,
    redis_conn: RedisDep,
) -> Response:
    found = read_overview(
        session=session, redis_conn=redis_conn, llm_enabled=resources.settings.llm_enabled
    )
    context = page_context(request, staff, overview=found, after=latest_event_id(session=session))
    return render_page(request, "console/overview.html", context)


@router.get("/console/map", response_class=HTMLResponse)
def map_page(
    request: Request, session: SessionDep, staff: ConsoleResponder, resources: ResourcesDep
) -> Response:
    context = page_context(
        request,
        staff,
        tile_url=resources.settings.map_tiles(),
        after=latest_event_id(session=session),
    )
    return render_page(request, "console/map.html", context)


@router.get("/console/map.json")
def map_json(session: SessionDep, _staff: ConsoleResponder) -> dict[str, Any]:
    """The map's points: open inquiries with coordinates, and shelters around them."""
    return map_points(session=session)


@router.get("/console/handover", response_class=HTMLResponse)
def handover(
    request: Request, session: SessionDep, staff: ConsoleResponder, resources: ResourcesDep
) -> Response:
    """Every open urgent and staff item, who holds it, and the notes: for paper."""
    rows = []
    for name in (Route.URGENT.value, Route.STAFF.value):
        filters = queue.QueueFilters(queue=name, page=1)
        rows.extend(queue.read_page(filters, session=session, settings=resources.settings).rows)
    notes = service.latest_notes([r.id for r in rows], session=session)
    return render_page(
        request, "console/handover.html", page_context(request, staff, rows=rows, notes=notes)
    )
