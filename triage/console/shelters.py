"""Shelters, for coordinators: mark them open, closed or full (capacity, evacuees, a note),
import a CSV of today's reports, read each shelter's history.

`/console/shelters` is the page (its forms post, redirect and flash like the queue's);
`/api/v1/shelters` is its API twin. Both call `triage.geo.service`; every report is
kept in the history, and the answers name only open shelters (full counts as not open):
workers see a change from the next inquiry (`triage.routing.answers`).

The CSV is pasted into a text box: the service takes no multipart bodies (no files,
`triage.core.body_limits`); the API takes it as `text/csv` or JSON `{"csv": "..."}`.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from triage.auth.deps import Coordinator
from triage.auth.tables import StaffUser
from triage.console.deps import ConsoleCoordinator
from triage.console.views import page_context, render_page
from triage.core.deps import SessionDep
from triage.core.errors import InvalidInputError, NotFoundError, UnsupportedMediaTypeError
from triage.core.stored_text import refuse_nul
from triage.geo import service
from triage.geo.gazetteer import Gazetteer, load_gazetteer
from triage.geo.normalize import normalize_text, place_key, place_keys
from triage.geo.tables import ShelterState, ShelterStatus

router = APIRouter()
PAGE = "/console/shelters"
MAX_RESULTS = 100  # gazetteer matches per search; shelters with a report always show
MAX_FLASHED_PROBLEMS = 3  # the flash rides in the session cookie: keep it short
ShelterId = Annotated[str, Path(min_length=1, max_length=32)]
Search = Annotated[str, Query(max_length=100)]


class ShelterRead(BaseModel):
    """A designated shelter and its latest report (`state` null: no report, as designated)."""

    shelter_id: str
    name: str
    municipality: str = Field(description="prefecture and municipality")
    state: ShelterState | None = None
    capacity: int | None = None
    evacuees: int | None = None
    note: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None


class ShelterReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    state: ShelterState
    capacity: int | None
    evacuees: int | None
    note: str | None
    updated_by: str | None
    at: datetime


class ShelterDetail(ShelterRead):
    history: list[ShelterReportRead] = Field(description="every report, newest first")


class ShelterReport(BaseModel):
    """A coordinator's report: replaces the current one (blank fields become empty)."""

    model_config = ConfigDict(extra="forbid")

    state: ShelterState
    capacity: int | None = Field(default=None, ge=0, le=service.MAX_COUNT)
    evacuees: int | None = Field(default=None, ge=0, le=service.MAX_COUNT)
    note: str | None = Field(default=None, max_length=service.NOTE_MAX_LENGTH)


class ShelterImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    csv: str = Field(description="header shelter_id,state,capacity,evacuees,note (or name)")


def _shelter_read(row: int, status: ShelterStatus | None, gazetteer: Gazetteer) -> ShelterRead:
    place = gazetteer.municipality_of_shelter(row)
    reported: dict[str, Any] = {}
    if status is not None:
        fields = ("capacity", "evacuees", "note", "updated_at", "updated_by")
        reported = {"state": status.current_state, **{f: getattr(status, f) for f in fields}}
    return ShelterRead(
        shelter_id=gazetteer.shelters.ids[row],
        name=gazetteer.shelters.names[row],
        municipality=place.prefecture + place.name,
        **reported,
    )


@lru_cache(maxsize=2)
def _name_keys(gazetteer: Gazetteer) -> list[str]:
    """The shelters' names as `place_key`s, once per process (~130,000 names)."""
    return place_keys(gazetteer.shelters.names)


def list_shelters(query: str, *, session: Session, gazetteer: Gazetteer) -> list[ShelterRead]:
    """Every shelter with a report (the latest first), then up to `MAX_RESULTS` others
    whose name or municipality contains `query` (none without a query)."""
    key = place_key(normalize_text(query))
    places = {
        index
        for index, m in enumerate(gazetteer.municipalities)
        if key and key in place_key(m.prefecture + m.name)
    }
    names = _name_keys(gazetteer)
    municipality_of = gazetteer.shelters.municipality_index

    def matches(row: int) -> bool:
        return not key or key in names[row] or int(municipality_of[row]) in places

    rows = service.shelter_rows(gazetteer)
    found: list[ShelterRead] = []
    listed: set[int] = set()
    for status in service.shelter_statuses(session=session):
        row = rows.get(status.shelter_id)
        if row is not None and row not in listed and matches(row):
            found.append(_shelter_read(row, status, gazetteer))
            listed.add(row)
    if key:
        # Shelters of a municipality the query names come before those whose own name
        # merely contains it (「七尾」: Nanao city's shelters, then 七尾中学校 elsewhere).
        reported = len(found)
        candidates = itertools.chain(
            (r for r in range(len(names)) if int(municipality_of[r]) in places),
            (r for r in range(len(names)) if key in names[r]),
        )
        for row in candidates:
            if len(found) - reported >= MAX_RESULTS:
                break
            if row not in listed:
                found.append(_shelter_read(row, None, gazetteer))
                listed.add(row)
    return found


def _row_of(shelter_id: str, gazetteer: Gazetteer) -> int:
    row = service.shelter_rows(gazetteer).get(shelter_id)
    if row is None:
        raise NotFoundError(f"no shelter {shelter_id}")
    return row


def _detail(shelter_id: str, session: Session, gazetteer: Gazetteer) -> ShelterDetail:
    row = _row_of(shelter_id, gazetteer)
    current = _shelter_read(row, session.get(ShelterStatus, shelter_id), gazetteer)
    history = service.shelter_history(shelter_id, session=session)
    return ShelterDetail(
        **current.model_dump(), history=[ShelterReportRead.model_validate(h) for h in history]
    )


def _report(shelter_id: str, body: ShelterReport, staff: StaffUser, session: Session) -> None:
    _row_of(shelter_id, load_gazetteer())
    service.set_shelter_status(
        shelter_id,
        session=session,
        state=body.state,
        capacity=body.capacity,
        evacuees=body.evacuees,
        note=body.note,
        updated_by=staff.name,
    )
    session.commit()


def _import(text: str, staff: StaffUser, session: Session) -> service.ImportResult:
    result = service.import_shelter_csv(
        text, session=session, updated_by=staff.name, gazetteer=load_gazetteer()
    )
    session.commit()
    return result


# --- the console page and its forms ---


def _back(q: str) -> str:
    return f"{PAGE}?{urlencode({'q': q})}" if q else PAGE


def _done(request: Request, to: str, text: str, *, error: bool = False) -> Response:
    request.session["flash"] = {"text": text, "error": error}
    return RedirectResponse(to, status_code=303)


@router.get(PAGE, response_class=HTMLResponse, include_in_schema=False)
def shelters_page(
    request: Request, session: SessionDep, staff: ConsoleCoordinator, q: Search = ""
) -> Response:
    shelters = list_shelters(q, session=session, gazetteer=load_gazetteer())
    context = page_context(
        request, staff, shelters=shelters, q=q, states=[s.value for s in ShelterState]
    )
    return render_page(request, "console/shelters.html", context)


@router.post(f"{PAGE}/import", include_in_schema=False)
def import_form(
    request: Request,
    session: SessionDep,
    staff: ConsoleCoordinator,
    csv_text: Annotated[str, Form(max_length=1_000_000)] = "",
) -> Response:
    try:
        result = _import(csv_text, staff, session)
    except InvalidInputError as refused:
        return _done(request, PAGE, f"取り込めません / not imported: {refused}", error=True)
    problems = [
        f"{p.line}行目 / line {p.line}: {p.reason[:60]}"
        for p in (*result.invalid, *result.unmatched)
    ]
    text = (
        f"取り込み {len(result.imported)} 件 / imported {len(result.imported)};"
        f" 照合できず {len(result.unmatched)} / unmatched {len(result.unmatched)};"
        f" 不正 {len(result.invalid)} / invalid {len(result.invalid)}"
    )
    if problems:
        shown = problems[:MAX_FLASHED_PROBLEMS]
        more = len(problems) - len(shown)
        text += " — " + "; ".join(shown) + (f"; … +{more}" if more else "")
    return _done(request, PAGE, text, error=bool(problems))


def _count(value: str, label: str) -> int | None:
    value = normalize_text(value)
    if not value:
        return None
    if not value.isdecimal():
        raise InvalidInputError(f"{label}: 数字で入力してください / a whole number, please")
    return int(value)


@router.post(PAGE + "/{shelter_id}", include_in_schema=False)
def report_form(
    shelter_id: ShelterId,
    request: Request,
    session: SessionDep,
    staff: ConsoleCoordinator,
    state: Annotated[str, Form(max_length=8)],
    capacity: Annotated[str, Form(max_length=16)] = "",
    evacuees: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=service.NOTE_MAX_LENGTH), AfterValidator(refuse_nul)] = "",
    q: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    _row_of(shelter_id, load_gazetteer())  # an unknown id is a 404, as in the API
    try:
        body = ShelterReport.model_validate(
            {
                "state": state,
                "capacity": _count(capacity, "capacity"),
                "evacuees": _count(evacuees, "evacuees"),
                "note": note.strip() or None,
            }
        )
    except InvalidInputError as refused:
        return _done(request, _back(q), str(refused), error=True)
    except ValidationError as refused:
        fields = ", ".join(str(e["loc"][0]) for e in refused.errors())
        return _done(request, _back(q), f"入力を確認してください / check: {fields}", error=True)
    _report(shelter_id, body, staff, session)
    return _done(request, _back(q), f"更新しました / updated: {shelter_id} {body.state.value}")


@router.get(PAGE + "/{shelter_id}", response_class=HTMLResponse, include_in_schema=False)
def history_page(
    shelter_id: ShelterId, request: Request, session: SessionDep, staff: ConsoleCoordinator
) -> Response:
    shelter = _detail(shelter_id, session, load_gazetteer())
    context = page_context(request, staff, shelter=shelter)
    return render_page(request, "console/shelter_history.html", context)


# --- the API twins ---

REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid bearer token or console session"},
    403: {"description": "not a coordinator or an admin (or a console write without CSRF)"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such shelter"}}
DETAIL_OR_VALIDATION = {
    "application/json": {
        "schema": {
            "anyOf": [
                {"$ref": "#/components/schemas/HTTPValidationError"},
                {
                    "type": "object",
                    "properties": {"detail": {"type": "string"}},
                    "required": ["detail"],
                },
            ]
        }
    }
}
INVALID: dict[int | str, dict[str, Any]] = {
    400: {"description": "the body is not JSON"},
    422: {"description": "the body does not validate", "content": DETAIL_OR_VALIDATION},
}


@router.get("/api/v1/shelters", tags=["shelters"], responses={**REFUSED, **INVALID})
def api_list(session: SessionDep, _staff: Coordinator, q: Search = "") -> list[ShelterRead]:
    """Every shelter with a report (latest first), then up to 100 others whose name or
    municipality contains `q`."""
    return list_shelters(q, session=session, gazetteer=load_gazetteer())


@router.get(
    "/api/v1/shelters/{shelter_id}",
    tags=["shelters"],
    responses={**REFUSED, **NOT_FOUND, **INVALID},
)
def api_detail(shelter_id: ShelterId, session: SessionDep, _staff: Coordinator) -> ShelterDetail:
    """One shelter: its latest report and every report before it."""
    return _detail(shelter_id, session, load_gazetteer())


@router.put(
    "/api/v1/shelters/{shelter_id}",
    tags=["shelters"],
    responses={**REFUSED, **NOT_FOUND, **INVALID},
)
def api_report(
    shelter_id: ShelterId, body: ShelterReport, session: SessionDep, staff: Coordinator
) -> ShelterDetail:
    """Mark a shelter open, closed or full (full: answers send nobody there). Kept in
    its history; answers use it from the next inquiry."""
    _report(shelter_id, body, staff, session)
    return _detail(shelter_id, session, load_gazetteer())


async def _csv_body(request: Request, _staff: Coordinator) -> str:
    """The CSV of an import: text/csv as is, or JSON {"csv": "..."}. After the role check."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if content_type in ("text/csv", "text/plain"):
        try:
            return body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInputError("the CSV is not UTF-8") from None
    if content_type == "application/json":
        try:
            return ShelterImport.model_validate_json(body).csv
        except ValidationError as error:
            reasons = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in error.errors()
            )
            raise InvalidInputError(reasons) from None
    raise UnsupportedMediaTypeError('send text/csv, or application/json {"csv": "..."}')


@router.post(
    "/api/v1/shelters/import",
    tags=["shelters"],
    responses={
        **REFUSED,
        415: {"description": "neither text/csv nor application/json"},
        422: {
            "description": "no shelter_id or name column, or a bad body",
            "content": DETAIL_OR_VALIDATION,
        },
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": ShelterImport.model_json_schema()},
            },
        }
    },
)
def api_import(
    staff: Coordinator, session: SessionDep, text: Annotated[str, Depends(_csv_body)]
) -> service.ImportResult:
    """Apply a CSV (`shelter_id,state,capacity,evacuees,note`; or `name` with an optional
    `municipality` instead of the id; a blank state is open). Rows that match no shelter,
    or several, and bad rows are reported with their line and skipped: the rest apply."""
    return _import(text, staff, session)
