"""What the console map draws: open inquiries with coordinates (coloured by priority,
clustered in the browser), incidents, and the shelters around them with their status.

The points are data, not tiles: with no internet (no tile server) the map still shows
where people are, in what state, and which shelters are open.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from triage.inquiries.service import OPEN_STATUSES
from triage.inquiries.tables import Inquiry

MAX_POINTS = 5000
MAX_SHELTERS = 2000
MARGIN_DEGREES = 0.05


def map_points(*, session: Session) -> dict[str, Any]:
    rows = session.execute(
        select(
            Inquiry.id,
            Inquiry.priority,
            Inquiry.category,
            Inquiry.status,
            Inquiry.claimed_by,
            Inquiry.location,
            Inquiry.incident_id,
        )
        .where(
            Inquiry.status.in_(OPEN_STATUSES),
            Inquiry.route.in_(["urgent", "staff"]),
            or_(Inquiry.incident_id.is_(None), Inquiry.incident_id == Inquiry.id),
        )
        .limit(MAX_POINTS)
    ).all()
    points = []
    for inquiry_id, priority, category, status, holder, location, incident in rows:
        if not location or location.get("lat") is None or location.get("lon") is None:
            continue
        points.append(
            {
                "id": inquiry_id,
                "priority": priority,
                "category": category,
                "status": status,
                "claimed_by": holder,
                "incident": incident == inquiry_id,
                "lat": float(location["lat"]),
                "lon": float(location["lon"]),
                "place": "".join(
                    str(location.get(k) or "") for k in ("prefecture", "municipality", "town")
                ),
                "precision": location.get("precision"),
            }
        )
    return {"inquiries": points, "shelters": _shelters_around(points, session=session)}


def _shelters_around(points: list[dict[str, Any]], *, session: Session) -> list[dict[str, Any]]:
    """Designated shelters inside the inquiries' bounding box (with a margin), each with
    whether a coordinator marked it open or closed (None: no report)."""
    if not points:
        return []
    from triage.geo.gazetteer import load_gazetteer
    from triage.geo.service import closed_shelter_ids, open_shelter_ids

    table = load_gazetteer().shelters
    lats = [p["lat"] for p in points]
    lons = [p["lon"] for p in points]
    south, north = min(lats) - MARGIN_DEGREES, max(lats) + MARGIN_DEGREES
    west, east = min(lons) - MARGIN_DEGREES, max(lons) + MARGIN_DEGREES
    window = table.lat_window((south + north) / 2, (north - south) / 2)
    rows = np.arange(window.start, window.stop)
    rows = rows[(table.lon[rows] >= west) & (table.lon[rows] <= east)][:MAX_SHELTERS]
    closed = closed_shelter_ids(session=session)
    opened = open_shelter_ids(session=session)
    found = []
    for row in rows:
        shelter_id = table.ids[int(row)]
        state = "closed" if shelter_id in closed else "open" if shelter_id in opened else None
        found.append(
            {
                "id": shelter_id,
                "name": table.names[int(row)],
                "lat": float(table.lat[int(row)]),
                "lon": float(table.lon[int(row)]),
                "state": state,
            }
        )
    return found
