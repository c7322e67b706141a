"""Shelter state: reported by coordinators (open, closed or full, with capacity and a
note), every report kept, read when filling playbook variables.

Keyword-only `session`; the caller commits (one transaction per request or job).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from triage.core.errors import InvalidInputError
from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.normalize import normalize_text, place_key
from triage.geo.tables import ShelterState, ShelterStatus, ShelterStatusHistory

NANAO_LGCODE = "172022"
JST = timezone(timedelta(hours=9))
_SNAPSHOT_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})")
NOTE_MAX_LENGTH = 500
MAX_COUNT = 1_000_000  # evacuees or capacity: more than any shelter holds is a typo


def set_shelter_status(
    shelter_id: str,
    is_open: bool | None = None,
    *,
    session: Session,
    state: ShelterState | str | None = None,
    evacuees: int | None = None,
    capacity: int | None = None,
    note: str | None = None,
    updated_by: str | None = None,
    updated_at: datetime | None = None,
) -> ShelterStatus:
    """Record one report on a shelter: the current row is replaced (an upsert) and the
    report appended to its history. Give `state` (open, closed, full) or, as callers
    did before states, `is_open`. Refused (InvalidInputError): an unknown state, a
    negative or absurd count, a note over `NOTE_MAX_LENGTH`."""
    chosen = _chosen_state(is_open, state)
    for label, value in (("evacuees", evacuees), ("capacity", capacity)):
        if value is not None and not 0 <= value <= MAX_COUNT:
            raise InvalidInputError(f"{label} must be between 0 and {MAX_COUNT}")
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX_LENGTH:
        raise InvalidInputError(f"the note is longer than {NOTE_MAX_LENGTH} characters")
    at = updated_at or datetime.now(UTC)
    row = session.get(ShelterStatus, shelter_id)
    if row is None:
        row = ShelterStatus(shelter_id=shelter_id, is_open=False)
        session.add(row)
    row.state = chosen.value
    row.is_open = chosen is ShelterState.OPEN
    row.evacuees = evacuees
    row.capacity = capacity
    row.note = note
    row.updated_by = updated_by
    row.updated_at = at
    session.add(_history_of(row))
    session.flush()
    return row


def _chosen_state(is_open: bool | None, state: ShelterState | str | None) -> ShelterState:
    if state is None:
        if is_open is None:
            raise InvalidInputError("give a state: open, closed or full")
        return ShelterState.OPEN if is_open else ShelterState.CLOSED
    try:
        chosen = ShelterState(str(state).strip().lower())
    except ValueError:
        raise InvalidInputError(f"unknown state {state!r}; use open, closed or full") from None
    if is_open is not None and is_open != (chosen is ShelterState.OPEN):
        raise InvalidInputError(f"is_open={is_open} contradicts state {chosen.value}")
    return chosen


def _history_of(row: ShelterStatus) -> ShelterStatusHistory:
    return ShelterStatusHistory(
        shelter_id=row.shelter_id,
        state=row.current_state.value,
        evacuees=row.evacuees,
        capacity=row.capacity,
        note=row.note,
        updated_by=row.updated_by,
        at=row.updated_at,
    )


def closed_shelter_ids(*, session: Session) -> set[str]:
    """Ids to pass as `nearest_shelters(closed_ids=...)`: closed and full ones (a citizen
    is never sent to a full shelter); `is_open` is True only for open."""
    return set(
        session.scalars(select(ShelterStatus.shelter_id).where(ShelterStatus.is_open.is_(False)))
    )


def open_shelter_ids(*, session: Session) -> set[str]:
    return set(
        session.scalars(select(ShelterStatus.shelter_id).where(ShelterStatus.is_open.is_(True)))
    )


def shelter_updated_at(*, session: Session) -> dict[str, datetime]:
    """When each shelter with a status row was last reported on (answers say so)."""
    rows = session.execute(select(ShelterStatus.shelter_id, ShelterStatus.updated_at))
    return {shelter_id: at for shelter_id, at in rows}


def shelter_statuses(*, session: Session) -> list[ShelterStatus]:
    """Every status row, the latest report first."""
    query = select(ShelterStatus).order_by(ShelterStatus.updated_at.desc())
    return list(session.scalars(query))


def shelter_history(
    shelter_id: str, *, session: Session, limit: int = 500
) -> list[ShelterStatusHistory]:
    """The reports on one shelter, newest first."""
    query = (
        select(ShelterStatusHistory)
        .where(ShelterStatusHistory.shelter_id == shelter_id)
        .order_by(ShelterStatusHistory.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


@lru_cache(maxsize=4)
def shelter_rows(gazetteer: Gazetteer) -> dict[str, int]:
    """GSI id to the gazetteer's shelter row (the first, if an id repeats)."""
    rows: dict[str, int] = {}
    for row, shelter_id in enumerate(gazetteer.shelters.ids):
        rows.setdefault(shelter_id, row)
    return rows


def nanao_shelter_ids(gazetteer: Gazetteer) -> dict[str, str]:
    """Nanao shelter names (place_key) to GSI facility ids: the history files name shelters."""
    ids: dict[str, str] = {}
    for row, name in enumerate(gazetteer.shelters.names):
        if gazetteer.municipality_of_shelter(row).lgcode == NANAO_LGCODE:
            ids.setdefault(place_key(name), gazetteer.shelters.ids[row])
    return ids


def snapshot_time(path: Path) -> datetime:
    """open_shelter_Nanao-shi_2024-01-09-1800.csv -> 2024-01-09 18:00 JST."""
    match = _SNAPSHOT_TIME.search(path.name)
    if match is None:
        raise ValueError(f"no time in {path.name}")
    year, month, day, hour, minute = (int(g) for g in match.groups())
    return datetime(year, month, day, hour, minute, tzinfo=JST)


SAME_PLACE_M = 200.0


def _match_shelter(record: dict[str, str], ids: dict[str, str], gazetteer: Gazetteer) -> str | None:
    """The GSI id of a Nanao record: by name, else by name without its (体育館) note, else
    the GSI shelter within 200 m of the record's point (names differ between the lists)."""
    name = normalize_text(record.get("名称", ""))
    for key in (name, re.sub(r"\(.*?\)", "", name)):
        if place_key(key) in ids:
            return ids[place_key(key)]
    try:
        lat, lon = float(record["緯度"]), float(record["経度"])
    except (KeyError, ValueError):
        return None
    nearest = gazetteer.nearest_shelter_row(lat, lon)
    if nearest is None or nearest[1] > SAME_PLACE_M:
        return None
    return gazetteer.shelters.ids[nearest[0]]


def import_nanao_snapshot(
    csv_path: Path,
    *,
    session: Session,
    gazetteer: Gazetteer,
    updated_by: str = "nanao-import",
    ids: dict[str, str] | None = None,
) -> tuple[int, list[str]]:
    """Apply one snapshot: listed shelters open (with evacuees), other Nanao shelters closed.

    Returns (shelters opened, names that match no GSI shelter).
    """
    ids = ids if ids is not None else nanao_shelter_ids(gazetteer)
    at = snapshot_time(csv_path)
    opened: dict[str, int | None] = {}
    unknown: list[str] = []
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            shelter_id = _match_shelter(record, ids, gazetteer)
            if shelter_id is None:
                unknown.append(record.get("名称", ""))
                continue
            count_column = next((k for k in record if k.startswith("人数")), None)
            count = (record.get(count_column) or "").replace(",", "") if count_column else ""
            opened[shelter_id] = int(count) if count.isdigit() else None
    targets = set(ids.values()) | set(opened)
    existing = {
        row.shelter_id: row
        for row in session.scalars(
            select(ShelterStatus).where(ShelterStatus.shelter_id.in_(targets))
        )
    }
    for shelter_id in targets:
        row = existing.get(shelter_id)
        state = ShelterState.OPEN if shelter_id in opened else ShelterState.CLOSED
        changed = row is None or (row.current_state, row.evacuees) != (
            state,
            opened.get(shelter_id),
        )
        if row is None:
            row = ShelterStatus(shelter_id=shelter_id, is_open=False)
            session.add(row)
        row.state = state.value
        row.is_open = state is ShelterState.OPEN
        row.evacuees = opened.get(shelter_id)
        row.updated_by = updated_by
        row.updated_at = at
        if changed:  # the history keeps changes, not every unchanged snapshot
            session.add(_history_of(row))
    session.flush()
    return len(opened), unknown


def import_nanao_history(
    history_dir: Path, *, session: Session, gazetteer: Gazetteer
) -> list[tuple[datetime, int]]:
    """Replay every snapshot in time order; the last one is the current state.

    Returns (snapshot time, shelters open) per snapshot: the history of the response.
    """
    files = sorted(history_dir.glob("open_shelter_Nanao-shi_*.csv"), key=snapshot_time)
    ids = nanao_shelter_ids(gazetteer)
    return [
        (
            snapshot_time(path),
            import_nanao_snapshot(path, session=session, gazetteer=gazetteer, ids=ids)[0],
        )
        for path in files
    ]


class RowProblem(BaseModel):
    line: int = Field(description="the CSV line (1 is the header)")
    reason: str


class ImportResult(BaseModel):
    imported: list[str] = Field(default_factory=list, description="shelter ids, in file order")
    unmatched: list[RowProblem] = Field(
        default_factory=list, description="rows naming no known shelter, or several"
    )
    invalid: list[RowProblem] = Field(
        default_factory=list, description="rows with a bad state, count or note"
    )


ImportProgress = Callable[[int, int], None]  # (rows done, rows in all)


def import_shelter_csv(
    source: Path | str,
    *,
    session: Session,
    updated_by: str | None,
    gazetteer: Gazetteer,
    progress: ImportProgress | None = None,
) -> ImportResult:
    """Apply a CSV of shelter reports (a Path is read as UTF-8; a str is the CSV itself).

    Header: `shelter_id,state,capacity,evacuees,note`. Instead of `shelter_id`, a `name`
    column (with an optional `municipality` column) is matched against the gazetteer's
    shelter names; a name that matches none, or several, is reported, never guessed.
    A missing or blank `state` means open (a list of today's open shelters). Shelters not
    in the file are left as they are. Bad rows never stop the import: each is reported
    with its line. A file without a shelter_id or name column is refused whole.
    """
    text = source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
    records = _read_records(text)
    result = ImportResult()
    known = shelter_rows(gazetteer)
    for done, (line, record) in enumerate(records, start=1):
        try:
            shelter_id = _import_row(record, session, gazetteer, known, updated_by)
        except _Unmatched as error:
            result.unmatched.append(RowProblem(line=line, reason=str(error)))
        except InvalidInputError as error:
            result.invalid.append(RowProblem(line=line, reason=str(error)))
        else:
            result.imported.append(shelter_id)
        if progress is not None:
            progress(done, len(records))
    return result


_EXTRA = "\x00extra"  # where csv puts the fields past the header's columns


def _read_records(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line, row) of every non-blank row; a text csv cannot read is refused whole.

    Universal newlines (`newline=None`): a spreadsheet saved on an old Mac ends lines
    with a bare CR, which csv otherwise refuses with an error instead of reading.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=None), restkey=_EXTRA)
    try:
        columns = {(c or "").strip().lower() for c in reader.fieldnames or ()}
        if not columns & {"shelter_id", "name"}:
            raise InvalidInputError("the CSV needs a header with a shelter_id or a name column")
        records = []
        for record in reader:
            cleaned = {
                (k or "").strip().lower(): (v if isinstance(v, str) else ",".join(v or ())).strip()
                for k, v in record.items()
            }
            if any(cleaned.values()):
                records.append((reader.line_num, cleaned))
    except csv.Error as error:
        raise InvalidInputError(f"not a readable CSV (line {reader.line_num}): {error}") from None
    return records


class _Unmatched(Exception):
    pass


def _import_row(
    record: dict[str, str],
    session: Session,
    gazetteer: Gazetteer,
    known: dict[str, int],
    updated_by: str | None,
) -> str:
    """The id of the shelter the row was applied to; InvalidInputError or _Unmatched."""
    if record.get(_EXTRA):
        raise InvalidInputError("more fields than the header has columns (quote a comma)")
    counts = {key: _count(record.get(key, ""), key) for key in ("capacity", "evacuees")}
    state = _chosen_state(None, record.get("state") or ShelterState.OPEN)
    shelter_id = record.get("shelter_id", "")
    if shelter_id and shelter_id not in known:
        raise _Unmatched(f"no shelter with id {shelter_id}")
    shelter_id = shelter_id or _shelter_by_name(
        record.get("name", ""), record.get("municipality", ""), gazetteer
    )
    set_shelter_status(
        shelter_id,
        session=session,
        state=state,
        capacity=counts["capacity"],
        evacuees=counts["evacuees"],
        note=record.get("note"),
        updated_by=updated_by,
    )
    return shelter_id


def _count(value: str, label: str) -> int | None:
    value = normalize_text(value).replace(",", "")
    if not value:
        return None
    if not value.isdecimal() or len(value) > len(str(MAX_COUNT)):
        raise InvalidInputError(f"{label} is not a whole number up to {MAX_COUNT}: {value[:20]!r}")
    return int(value)


def _place_keys_of(municipality: Municipality) -> set[str]:
    return {place_key(municipality.name), place_key(municipality.prefecture + municipality.name)}


def _shelter_by_name(name: str, municipality: str, gazetteer: Gazetteer) -> str:
    """The one shelter of this name (in this municipality); _Unmatched says why not."""
    if not name:
        raise _Unmatched("no shelter_id and no name")
    rows: Sequence[int] = ()
    for key in (place_key(name), place_key(normalize_text(name))):
        rows = rows or gazetteer.shelter_name_index.get(key) or ()
    if municipality:
        wanted = {place_key(municipality), place_key(normalize_text(municipality))}
        rows = [r for r in rows if _place_keys_of(gazetteer.municipality_of_shelter(r)) & wanted]
    ids = sorted({gazetteer.shelters.ids[r] for r in rows})
    where = f" in {municipality}" if municipality else ""
    if not ids:
        raise _Unmatched(f"no shelter named {name}{where}")
    if len(ids) > 1:
        raise _Unmatched(f"{len(ids)} shelters named {name}{where}: give the municipality or id")
    return ids[0]
