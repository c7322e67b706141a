"""Shelter open/closed state: set by coordinators, read when filling playbook variables.

Keyword-only `session`; the caller commits (one transaction per request or job).
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage.geo.gazetteer import Gazetteer
from triage.geo.normalize import normalize_text, place_key
from triage.geo.tables import ShelterStatus

NANAO_LGCODE = "172022"
JST = timezone(timedelta(hours=9))
_SNAPSHOT_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})")


def set_shelter_status(
    shelter_id: str,
    is_open: bool,
    *,
    session: Session,
    evacuees: int | None = None,
    updated_by: str | None = None,
    updated_at: datetime | None = None,
) -> ShelterStatus:
    """Mark one shelter open or closed (an upsert)."""
    row = session.get(ShelterStatus, shelter_id)
    if row is None:
        row = ShelterStatus(shelter_id=shelter_id, is_open=is_open)
        session.add(row)
    row.is_open = is_open
    row.evacuees = evacuees
    row.updated_by = updated_by
    row.updated_at = updated_at or datetime.now(UTC)
    session.flush()
    return row


def closed_shelter_ids(*, session: Session) -> set[str]:
    """Ids to pass as `nearest_shelters(closed_ids=...)`."""
    return set(
        session.scalars(select(ShelterStatus.shelter_id).where(ShelterStatus.is_open.is_(False)))
    )


def open_shelter_ids(*, session: Session) -> set[str]:
    return set(
        session.scalars(select(ShelterStatus.shelter_id).where(ShelterStatus.is_open.is_(True)))
    )


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
        if row is None:
            row = ShelterStatus(shelter_id=shelter_id, is_open=False)
            session.add(row)
        row.is_open = shelter_id in opened
        row.evacuees = opened.get(shelter_id)
        row.updated_by = updated_by
        row.updated_at = at
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
