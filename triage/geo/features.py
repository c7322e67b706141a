"""Named natural features of the Gazetteer of Japan 2007 (mountains, islands, capes,
populated places) written in a message: a point, and the municipality it is in."""

from __future__ import annotations

from triage.geo.candidate import Candidate
from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.normalize import place_key
from triage.geo.schemas import LocationPrecision


def find_features(text: str, gazetteer: Gazetteer) -> list[Candidate]:
    """Mountains, islands, capes and populated places of the Gazetteer of Japan (3+ chars)."""
    found: list[Candidate] = []
    index = gazetteer.feature_index
    prefixes = gazetteer.feature_prefixes
    keyed = place_key(text)  # same length as text: slices line up
    if not gazetteer.feature_starts.search(keyed):
        return found
    for start in range(len(text)):
        if keyed[start : start + 2] not in prefixes:
            continue
        for length in range(min(8, len(text) - start), 2, -1):
            features = index.get(keyed[start : start + length])
            if not features or len(features) != 1:
                continue
            feature = features[0]
            nearest = gazetteer.nearest_shelter_row(feature.lat, feature.lon)
            municipality = gazetteer.municipality_of_shelter(nearest[0]) if nearest else None
            if municipality is not None and feature.kind == "Island":
                municipality = _island_municipality(feature.name, municipality, gazetteer)
            found.append(
                Candidate(
                    feature.name,
                    municipality.prefecture if municipality else None,
                    municipality, None, feature.lat, feature.lon,
                    LocationPrecision.POINT, 0.5,
                )
            )  # fmt: skip
            break
    return found


def _island_municipality(island: str, nearest: Municipality, gazetteer: Gazetteer) -> Municipality:
    """The municipality named after the island (座間味島 is 座間味村, 伊江島 伊江村), else the
    one of the nearest shelter: a small island's nearest shelter may lie on the next one
    over the water (座間味島's is on 渡名喜島)."""
    for stem in dict.fromkeys((island, island.removesuffix("島"))):  # in order, once each
        for kind in ("村", "町", "市"):
            for m in gazetteer.municipalities_by_name.get(place_key(stem + kind), []):
                if m.prefecture == nearest.prefecture:
                    return m
    return nearest
