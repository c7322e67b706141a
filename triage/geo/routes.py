"""A route asked between two places written in kanji: "輪島から穴水方面", "高山から富山の方に
行きたい". The writer is at the origin more often than at the destination, so where both
are named the destination gives way (`origin_over_destination`). The origin is read by
its stem even where another finder already found the destination (穴水方面), and a stem
too common to stand alone (高山 is a surname and a word) is read as its city there
(`route_origins`). Latin-script routes ("tokyo to sendai",
"Fukushima dekhi Koriyama") are `romaji_places`'."""

from __future__ import annotations

import re

from triage.geo.candidate import Candidate
from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.normalize import place_key
from triage.geo.place_words import KANJI
from triage.geo.short_name_index import short_name_index

ROUTE_ORIGIN_CONFIDENCE = 0.5
# A name (no kanji before it), から, a second name and what says it is where one goes.
_ROUTE = re.compile(
    rf"(?<![{KANJI}])([{KANJI}]{{2,4}})から([{KANJI}]{{2,4}}?)"
    r"(?=方面|の方|へ|まで|に(?:行|向か|帰)|行き)"
)


def origin_over_destination(candidates: list[Candidate], text: str) -> list[Candidate]:
    """The candidates without the destinations of the routes `text` asks about, where
    their origin is among them: "輪島から穴水方面" is about 輪島."""
    for match in _ROUTE.finditer(text):
        origin, destination = match.group(1), match.group(2)
        if any(c.municipality and _names(c, origin) for c in candidates):
            candidates = [
                c for c in candidates if not (_names(c, destination) and not _names(c, origin))
            ]
    return candidates


def route_origins(text: str, gazetteer: Gazetteer) -> list[Candidate]:
    """Stems written as a route's origin towards another place: the one municipality of
    that stem (輪島), or for a guarded stem (高山, 本宮) the one city (高山 is 高山市, not
    高山村)."""
    index = short_name_index(gazetteer)
    found: list[Candidate] = []
    for match in _ROUTE.finditer(text):
        origin, destination = match.group(1), match.group(2)
        if not _is_place(destination, gazetteer):
            continue
        options = index.stems.get(origin) or [
            m for m in index.guarded_stems.get(origin, ()) if m.name.endswith("市")
        ]
        if len(options) == 1:
            found.append(Candidate.of_municipality(origin, options[0], ROUTE_ORIGIN_CONFIDENCE))
    return found


def _names(candidate: Candidate, name: str) -> bool:
    return candidate.text.startswith(name)


def _is_place(name: str, gazetteer: Gazetteer) -> bool:
    index = short_name_index(gazetteer)
    return (
        name in index.stems
        or name in index.guarded_stems
        or any(name in (p.short, p.name) for p in gazetteer.prefectures)
        or _municipality(name, gazetteer) is not None
    )


def _municipality(name: str, gazetteer: Gazetteer) -> Municipality | None:
    found = gazetteer.municipalities_by_name.get(place_key(name), [])
    return found[0] if len(found) == 1 else None
