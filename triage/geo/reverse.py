"""Reverse geocoding over the bundled shelters: a point to its municipality and town.

Apart from `triage.geo.geocoder` because it needs no geopy: geotagging a message with a
GPS point uses it, and importing geopy (with aiohttp and requests) for that cost
`triage assess` about a quarter of a second per process.
"""

from __future__ import annotations

from triage.geo.gazetteer import Gazetteer
from triage.geo.normalize import split_town
from triage.geo.schemas import GeoLocation, LocationPrecision, LocationSource

GPS_CONFIDENCE = 0.95
FAR_FROM_ANY_SHELTER_M = 30_000.0  # beyond this a point is at sea or abroad: no municipality


def location_from_point(
    lat: float, lon: float, gazetteer: Gazetteer, *, source: LocationSource
) -> GeoLocation:
    """Reverse-geocode a point: the municipality and town of the closest shelter.

    Shelters are dense where people live (median spacing a few hundred metres), so the
    closest one is in the same municipality except near a boundary.
    """
    nearest = gazetteer.nearest_shelter_row(lat, lon)
    if nearest is None or nearest[1] > FAR_FROM_ANY_SHELTER_M:
        return GeoLocation(
            lat=lat, lon=lon, precision=LocationPrecision.POINT, source=source, confidence=0.5
        )
    row, distance = nearest
    municipality = gazetteer.municipality_of_shelter(row)
    town = split_town(gazetteer.shelters.address_rest[row])[0] or None
    return GeoLocation(
        prefecture=municipality.prefecture,
        municipality=municipality.name,
        lgcode=municipality.lgcode,
        town=town if distance < 1_000 else None,
        lat=lat,
        lon=lon,
        precision=LocationPrecision.POINT,
        source=source,
        confidence=GPS_CONFIDENCE if distance < 5_000 else 0.8,
    )
