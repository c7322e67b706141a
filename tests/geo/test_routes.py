"""Routes between two places (triage.geo.routes, and romaji_places for Latin script): the
writer is at the origin, so where both are named the destination gives way."""

from __future__ import annotations

import pytest

from triage.geo.gazetteer import Gazetteer
from triage.geo.geotag import geotag


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("七尾から穴水方面の道は通れますか", "七尾市"),  # the destination found first (穴水方面)
        ("高山から名古屋へ帰りたいけどバスある?", "高山市"),  # a guarded stem as the origin
        ("本宮から郡山まで歩けますか", "本宮市"),
        ("Nanao dekhi Kanazawa jane bus chha?", "七尾市"),  # Nepali: the origin before dekhi
        ("is the bus from nagano to matsumoto running", "長野市"),
    ],
)
def test_the_origin_over_the_destination(
    gazetteer: Gazetteer, text: str, municipality: str
) -> None:
    location = geotag(text, gazetteer=gazetteer)
    assert location is not None and location.municipality == municipality, location


@pytest.mark.parametrize(
    "text",
    [
        "is the highway from tokyo to morioka open",  # the origin a prefecture: no city
        "高山から連絡がありました",  # no route: a person
        "高山から荷物が届いた",
    ],
)
def test_no_city_from_the_destination_or_a_bare_origin(gazetteer: Gazetteer, text: str) -> None:
    location = geotag(text, gazetteer=gazetteer)
    assert location is None or location.municipality is None, location
