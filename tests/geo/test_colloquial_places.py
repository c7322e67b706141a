"""Places as people write them, one labelled line per case in data/colloquial_places.jsonl.

Each class of issue 13 is pinned with the project's own sentences: short names without
市/町/村, towns named alone, districts and former municipalities named instead of the
merged city (山古志, 杷木, 田主丸) and their readings, readings in kana (half-width too),
wards after their city,
same-named places told apart by a prefecture or the home area (or left unnamed when
nothing tells), coordinates and map links, Chinese characters, landmarks named instead of the
municipality (stations, airports, castles: landmarks.py), and texts that name no
place at all (a place must never be invented).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from triage.geo.coordinates import find_coordinates
from triage.geo.gazetteer import Gazetteer
from triage.geo.geotag import geotag
from triage.geo.schemas import LocationSource

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "colloquial_places.jsonl")
    .read_text("utf-8")
    .splitlines()
    if line.strip()
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['class']}:{c['text'][:12]}" for c in CASES])
def test_the_place_a_message_names(gazetteer: Gazetteer, case: dict[str, Any]) -> None:
    location = geotag(case["text"], gazetteer=gazetteer, area_hint=case.get("home_area"))
    if case.get("home_area") is None and case["municipality"] is None:
        assert location is None or location.municipality is None, location
        return
    assert location is not None, case
    assert location.municipality == case["municipality"], (case, location)
    if "prefecture" in case:
        assert location.prefecture == case["prefecture"], (case, location)
    if "town" in case:
        assert location.town == case["town"], (case, location)
    if case["class"] == "coordinates":
        assert location.source is LocationSource.GPS_TEXT


def test_every_class_has_cases() -> None:
    classes = {case["class"] for case in CASES}
    assert classes >= {
        "short_name", "town_alone", "kana", "ward", "ambiguous", "coordinates", "chinese",
        "hangul", "devanagari", "none", "district", "former_municipality", "district_kana",
        "landmark",
    }  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "090-1234-5678",  # a phone number
        "2024.01.01 16.10",  # a date and a time
        "35.6, 200.1",  # not on Earth's Japan
        "48.85, 2.35",  # Paris
        "12, 130 people",  # a count and a number
    ],
)
def test_numbers_that_are_not_a_place_in_japan(text: str) -> None:
    assert find_coordinates(text) is None


def test_coordinate_forms() -> None:
    assert find_coordinates("37.39,136.90") == (37.39, 136.90)
    assert find_coordinates("136.90 37.39") == (37.39, 136.90)  # lon, lat order
    assert find_coordinates("北緯37.5 東経137.2") == (37.5, 137.2)
    lat, lon = find_coordinates("37°23'30\"N 136°54'E") or (0.0, 0.0)
    assert (round(lat, 4), round(lon, 2)) == (37.3917, 136.9)
    assert find_coordinates("https://maps.gsi.go.jp/#15/37.390600/136.899200/") == (
        37.3906,
        136.8992,
    )
