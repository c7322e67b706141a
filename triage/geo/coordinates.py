"""Coordinates written in a message: "37.39,136.90", "北緯37.5 東経137.2", map links.

People in trouble paste what their phone's map shows: a decimal pair, a Google or Apple
Maps link (`?q=lat,lon`, `@lat,lon`, `ll=lat,lon`), a GSI map link (`#15/lat/lon`),
degrees north and east in Japanese, or degrees-minutes-seconds. A pair counts only when
it lies in or near Japan (a phone number or a date never passes for one), and is then
reverse-geocoded like a GPS point, with source `gps_text`.
"""

from __future__ import annotations

import re

# Japan and its waters, generously: Okinotorishima to Etorofu, Yonaguni to Minamitorishima.
LAT_RANGE = (20.0, 46.0)
LON_RANGE = (122.0, 154.5)

_NUMBER = r"(\d{2,3}(?:\.\d+)?)"
# Not inside a longer number: no digit (or "digit.") before, no digit (or ".digit") after;
# a sentence's full stop right after the pair is not a decimal point ("…141.3545.").
_DECIMAL_PAIR = re.compile(rf"(?<!\d)(?<!\d\.){_NUMBER}\s*[,、，/ ]\s*{_NUMBER}(?!\d|\.\d)")
_LINK_PAIRS = (
    re.compile(
        r"[?&](?:q|ll|query|sll|center|daddr|saddr)=(-?\d+\.\d+)(?:,|%2C)(-?\d+\.\d+)", re.I
    ),
    re.compile(r"@(-?\d+\.\d+),(-?\d+\.\d+)"),
    re.compile(r"#\d{1,2}/(-?\d+\.\d+)/(-?\d+\.\d+)"),  # maps.gsi.go.jp/#zoom/lat/lon
)
_JAPANESE_DEGREES = re.compile(
    r"北緯\s*(\d{2}(?:\.\d+)?)(?:度|°)?\s*(?:(\d{1,2})分)?\s*(?:(\d{1,2}(?:\.\d+)?)秒)?"
    r"[\s,、，]*東経\s*(\d{3}(?:\.\d+)?)(?:度|°)?\s*(?:(\d{1,2})分)?\s*(?:(\d{1,2}(?:\.\d+)?)秒)?"
)
_DMS = re.compile(
    r"(\d{2})\s*°\s*(\d{1,2})\s*['′]\s*(?:(\d{1,2}(?:\.\d+)?)\s*[\"″])?\s*N[\s,]*"
    r"(\d{3})\s*°\s*(\d{1,2})\s*['′]\s*(?:(\d{1,2}(?:\.\d+)?)\s*[\"″])?\s*E",
    re.I,
)


def in_japan(lat: float, lon: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def _degrees(whole: str, minutes: str | None, seconds: str | None) -> float:
    return float(whole) + float(minutes or 0) / 60 + float(seconds or 0) / 3600


def find_coordinates(text: str) -> tuple[float, float] | None:
    """The first point in or near Japan that the text writes, as (lat, lon), or None.

    Map links come first (their numbers are unambiguous), then the Japanese and the
    degrees-minutes-seconds forms, then a bare decimal pair. A bare pair in the order
    lon, lat ("136.90, 37.39") is read the right way round when only that way lies in
    Japan.
    """
    for pattern in _LINK_PAIRS:
        for match in pattern.finditer(text):
            lat, lon = float(match.group(1)), float(match.group(2))
            if in_japan(lat, lon):
                return lat, lon
    for match in _JAPANESE_DEGREES.finditer(text):
        lat = _degrees(match.group(1), match.group(2), match.group(3))
        lon = _degrees(match.group(4), match.group(5), match.group(6))
        if in_japan(lat, lon):
            return lat, lon
    for match in _DMS.finditer(text):
        lat = _degrees(match.group(1), match.group(2), match.group(3))
        lon = _degrees(match.group(4), match.group(5), match.group(6))
        if in_japan(lat, lon):
            return lat, lon
    for match in _DECIMAL_PAIR.finditer(text):
        first, second = match.group(1), match.group(2)
        if "." not in first or "." not in second:
            continue  # "12, 130" is a count and a number, not a place
        a, b = float(first), float(second)
        if in_japan(a, b):
            return a, b
        if in_japan(b, a):
            return b, a
    return None
