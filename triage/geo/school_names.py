"""Schools named the way people name them, found among the shelters: 老津小 for
老津小学校, 白子中 for 白子中学校, and 名瀬小学校 where the shelter list writes only the
parts of the school that shelter people (名瀬小学校(校舎), 老津小学校(グラウンド)).

`extract.find_landmarks` matches a shelter's whole name, so neither form was read. A
school is read here only when the shelter list has it under one municipality (or under
the one the message names), as `find_landmarks` does: 中央小 alone is everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from triage.geo.candidate import Candidate
from triage.geo.gazetteer import Gazetteer
from triage.geo.normalize import place_key, split_town
from triage.geo.schemas import LocationPrecision

SCHOOL_CONFIDENCE = 0.65
SCHOOL_IN_NAMED_CONFIDENCE = 0.8
_KANJI = "\u4e00-\u9fff\u3005"
# A school's own name (two to four kanji, not the tail of a longer word), then its kind,
# written out or cut short, then no further kanji unless a word for the shelter or its
# parts follows (名瀬小学校避難所): 中小企業 or 停電中に are no school.
_SCHOOL = re.compile(
    rf"(?<![{_KANJI}])([{_KANJI}]{{2,4}}?)(小学校|中学校|小|中)"
    rf"(?=[^{_KANJI}]|$|避難所|体育館|校舎|校区)"
)
_FULL_KIND = {"小": "小学校", "中": "中学校", "小学校": "小学校", "中学校": "中学校"}
# How the shelter list writes a school's parts after its name.
_PARTS = (
    "", "(校舎)", "(グラウンド)", "(体育館)", "(校庭)", "(屋内運動場)", "校舎", "体育館",
    "グラウンド", "校庭", "屋内運動場",
)  # fmt: skip
_PART_KEYS = tuple(place_key(part) for part in _PARTS)


def find_school_shelters(text: str, gazetteer: Gazetteer, within: set[str]) -> list[Candidate]:
    """Shelters at the schools `text` (normalised) names by their short or base name;
    `within` are the lgcodes of the municipalities the message names."""
    found: list[Candidate] = []
    for match in _SCHOOL.finditer(text):
        name, kind = match.group(1), _FULL_KIND[match.group(2)]
        key = place_key(name + kind)
        # Most matches are no school (途中, 停電中): the first four characters of every
        # shelter name, built for `find_landmarks` already, say so in one look-up.
        if key[:4] not in gazetteer.shelter_name_prefixes:
            continue
        rows = _shelter_rows(gazetteer, key)
        if within:
            rows = [r for r in rows if gazetteer.municipality_of_shelter(r).lgcode in within]
        if len({gazetteer.municipality_of_shelter(r).lgcode for r in rows}) != 1:
            continue
        row = rows[0]
        municipality = gazetteer.municipality_of_shelter(row)
        found.append(
            Candidate(
                text=match.group(0),
                prefecture=municipality.prefecture,
                municipality=municipality,
                town=split_town(gazetteer.shelters.address_rest[row])[0] or None,
                lat=float(gazetteer.shelters.lat[row]),
                lon=float(gazetteer.shelters.lon[row]),
                precision=LocationPrecision.POINT,
                confidence=SCHOOL_IN_NAMED_CONFIDENCE if within else SCHOOL_CONFIDENCE,
            )
        )
    return found


def _shelter_rows(gazetteer: Gazetteer, school_key: str) -> Sequence[int]:
    """The shelters of a school (its `place_key`), under its name alone or with a part
    after it. `place_key` folds character by character, so a key and a part's key join."""
    rows: list[int] = []
    for part in _PART_KEYS:
        rows.extend(gazetteer.shelter_name_index.get(school_key + part) or ())
    return rows
