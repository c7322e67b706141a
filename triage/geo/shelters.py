"""Nearest designated shelters for a point and a hazard (a playbook variable).

A designated emergency evacuation site (指定緊急避難場所) is flagged per hazard: a school
on a river bank may be safe in an earthquake and not in a flood, so a hazard filter only
keeps sites flagged for it. Evacuation shelters (指定避難所, places to stay) carry no hazard
flags and count only when no hazard is given.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

import numpy as np
from pydantic import BaseModel, ConfigDict

from triage.geo.gazetteer import Gazetteer, approx_distance_m
from triage.geo.normalize import split_town


class Hazard(StrEnum):
    """In the bit order of the gazetteer's hazard mask (ops/build_gazetteer.HAZARD_COLUMNS)."""

    FLOOD = "flood"
    LANDSLIDE = "landslide"
    STORM_SURGE = "storm_surge"
    EARTHQUAKE = "earthquake"
    TSUNAMI = "tsunami"
    FIRE = "fire"
    INLAND_FLOOD = "inland_flood"
    VOLCANO = "volcano"

    @property
    def bit(self) -> int:
        return 1 << list(Hazard).index(self)


KIND_EMERGENCY_SITE = 1
KIND_EVACUATION_SHELTER = 2
MAX_RADIUS_DEG = 1.0  # ~100 km: farther than that is no answer to "where do I go"


class Shelter(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str  # GSI facility id (first 11 characters of 共通ID)
    name: str
    prefecture: str
    municipality: str
    lgcode: str
    town: str | None
    address: str
    lat: float
    lon: float
    hazards: frozenset[Hazard]
    emergency_site: bool  # 指定緊急避難場所
    evacuation_shelter: bool  # 指定避難所


class ShelterDistance(BaseModel):
    model_config = ConfigDict(frozen=True)

    shelter: Shelter
    distance_m: float


def shelter_at(row: int, gazetteer: Gazetteer) -> Shelter:
    """The Shelter stored in row `row` of the gazetteer's shelter table."""
    table = gazetteer.shelters
    municipality = gazetteer.municipality_of_shelter(row)
    rest = table.address_rest[row]
    mask = int(table.hazards[row])
    kind = int(table.kind[row])
    return Shelter(
        id=table.ids[row],
        name=table.names[row],
        prefecture=municipality.prefecture,
        municipality=municipality.name,
        lgcode=municipality.lgcode,
        town=split_town(rest)[0] or None,
        address=municipality.prefecture + municipality.name + rest,
        lat=float(table.lat[row]),
        lon=float(table.lon[row]),
        hazards=frozenset(h for h in Hazard if mask & h.bit),
        emergency_site=bool(kind & KIND_EMERGENCY_SITE),
        evacuation_shelter=bool(kind & KIND_EVACUATION_SHELTER),
    )


def find_shelter(shelter_id: str, gazetteer: Gazetteer) -> Shelter | None:
    try:
        return shelter_at(gazetteer.shelters.ids.index(shelter_id), gazetteer)
    except ValueError:
        return None


def nearest_shelters(
    lat: float,
    lon: float,
    *,
    hazard: Hazard | None,
    limit: int = 3,
    gazetteer: Gazetteer,
    closed_ids: Collection[str] = (),
) -> list[ShelterDistance]:
    """The `limit` closest shelters suitable for `hazard`, not closed, closest first.

    A latitude window (binary search on the lat-sorted table) widens until it holds
    enough suitable sites; they are ranked with a flat-earth distance and the reported
    distance is geopy's geodesic.
    """
    table = gazetteer.shelters
    closed = set(closed_ids)
    radius = 0.02
    while True:
        window = table.lat_window(lat, radius)
        rows = np.arange(window.start, window.stop)
        if hazard is not None:
            rows = rows[(table.hazards[rows] & hazard.bit) != 0]
        distances = approx_distance_m(lat, lon, table.lat[rows], table.lon[rows])
        inside = distances <= radius * 111_000  # beyond that a closer one may lie outside
        rows, distances = rows[inside], distances[inside]
        order = np.argsort(distances)
        chosen = [int(r) for r in rows[order] if table.ids[int(r)] not in closed][: limit * 2]
        if len(chosen) >= limit or radius >= MAX_RADIUS_DEG:
            break
        radius *= 2
    # Imported here: `geopy` pulls in every geocoder and aiohttp (~0.15 s), which
    # `triage assess` and a worker's start-up pay for nothing until a shelter is named.
    from geopy.distance import geodesic

    results = [
        ShelterDistance(
            shelter=shelter_at(row, gazetteer),
            distance_m=round(geodesic((lat, lon), (table.lat[row], table.lon[row])).meters, 1),
        )
        for row in chosen
    ]
    results.sort(key=lambda r: r.distance_m)
    return results[:limit]
