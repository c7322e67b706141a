"""The wards of designated cities named beside their city: 熊本市の東区 is 熊本市東区, and
名古屋の港区 is not Tokyo's 港区."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.normalize import place_key
from triage.geo.place_words import (
    FACILITY,
    KANJI,
    KANJI_RUN,
    KATAKANA_TO_HIRAGANA,
    ONE_KANJI_NAMES,
)
from triage.geo.short_name_index import stem_of


@lru_cache(maxsize=4)
def wards_by_city(gazetteer: Gazetteer) -> dict[str, list[Municipality]]:
    wards: dict[str, list[Municipality]] = {}
    for m in gazetteer.municipalities:
        if m.parent_lgcode is not None:
            wards.setdefault(m.parent_lgcode, []).append(m)
    return wards


def _ward_kana(ward: Municipality, city: Municipality) -> str:
    """みなみく of 熊本市南区 (its kana after the city's); never empty."""
    kana = ward.kana.removeprefix(city.kana)
    return kana if len(kana) >= 3 else "\x00"


def wards_of(city: Municipality, gazetteer: Gazetteer) -> list[Municipality]:
    return wards_by_city(gazetteer).get(city.lgcode, [])


def wards_by_town_reading(
    city: Municipality, gazetteer: Gazetteer, read: Callable[[str], str | None]
) -> dict[str, str]:
    """How a district of a designated city tells its ward (天神 is 福岡市中央区): each
    town reading of the city's wards, as `read` writes a town's kana (None: not a name to
    look for), to the lgcode of the one ward that has it; a reading two wards share
    names neither."""
    wards_of_reading: dict[str, set[str]] = {}
    for ward in wards_of(city, gazetteer):
        for town in gazetteer.towns_of(ward.lgcode).values():
            reading = read(town.kana) if town.kana else None
            if reading:
                wards_of_reading.setdefault(reading, set()).add(ward.lgcode)
    return {
        reading: next(iter(wards)) for reading, wards in wards_of_reading.items() if len(wards) == 1
    }


def ward_in_text(city: Municipality, text: str, gazetteer: Gazetteer) -> Municipality | None:
    """The ward of a designated city that the text names ("熊本市の東区" -> 熊本市東区)."""
    wards = wards_by_city(gazetteer).get(city.lgcode, [])
    hiragana = text.translate(KATAKANA_TO_HIRAGANA)
    named = [w for w in wards if w.ward and (w.ward in text or _ward_kana(w, city) in hiragana)]
    return max(named, key=lambda w: len(w.ward or "")) if named else None


def ward_of_named_city(
    ward_like: Municipality, text: str, gazetteer: Gazetteer
) -> Municipality | None:
    """A same-named ward of a designated city the text names: "名古屋の港区" is 名古屋市港区,
    not Tokyo's 港区 (a municipality of its own that the address finder reads first). A
    city of one kanji (堺) is too short to look for anywhere: it counts right before the
    ward, with or without の ("堺の北区")."""
    ward_name = ward_like.ward or ward_like.name
    if not ward_name.endswith("区"):
        return None
    for ward in gazetteer.wards_by_name.get(place_key(ward_name), []):
        city = gazetteer.by_lgcode.get(ward.parent_lgcode or "")
        if city is None or ward.lgcode == ward_like.lgcode:
            continue
        stem = stem_of(city.name)
        if city.name in text or (stem is not None and stem in text):
            return ward
        one_kanji = city.name[:-1] if city.name[:-1] in ONE_KANJI_NAMES else None
        if one_kanji and (one_kanji + ward_name in text or f"{one_kanji}の{ward_name}" in text):
            return ward
    return None


# What may follow a district named after its city: a word for the area, a facility word
# (札幌の大通あたり, 名古屋栄附近), or no kanji at all.
_AREA_AFTER_DISTRICT = re.compile(
    f"(?:[付附]近|周辺|あたり|辺り|界隈|一帯|的|{FACILITY.pattern})|(?![{KANJI}])|$"
)
_LONGEST_DISTRICT = 6


def ward_of_district_after(
    city: Municipality, text: str, written: str, gazetteer: Gazetteer
) -> Municipality | None:
    """The ward of a district written right after its designated city, with or without
    の: 札幌の大通 (大通西…, 大通東… are towns of 中央区), 名古屋栄 (栄 of 中区). The district
    is the longest kanji run that heads towns of exactly one of the city's wards: a whole
    town name, or a head of two characters or more. Right after the city only: a district
    alone is `landmarks`' (天神)."""
    start = text.find(written) if written else -1
    if start < 0:
        return None
    return district_ward_after(city, text[start + len(written) :], gazetteer)


def district_ward_after(
    city: Municipality, after: str, gazetteer: Gazetteer
) -> Municipality | None:
    """The ward of the district `after` (what follows the designated city) begins with."""
    after = after.removeprefix("の")
    run = KANJI_RUN.match(after)
    if run is None or not wards_of(city, gazetteer):
        return None
    heads, whole = _district_heads(city, gazetteer)
    for length in range(min(_LONGEST_DISTRICT, run.end()), 0, -1):
        key = place_key(after[:length])
        ward = whole.get(key) or (heads.get(key) if length >= 2 else None)
        if ward is not None and _AREA_AFTER_DISTRICT.match(after, length):
            return gazetteer.by_lgcode[ward]
    return None


@lru_cache(maxsize=32)
def _district_heads(
    city: Municipality, gazetteer: Gazetteer
) -> tuple[dict[str, str], dict[str, str]]:
    """(head -> ward lgcode, whole town name -> ward lgcode) over the towns of the city's
    wards, for the heads and names one ward alone has."""
    heads: dict[str, set[str]] = {}
    whole: dict[str, set[str]] = {}
    for ward in wards_of(city, gazetteer):
        for key in gazetteer.towns_of(ward.lgcode):
            whole.setdefault(key, set()).add(ward.lgcode)
            for length in range(2, min(_LONGEST_DISTRICT, len(key)) + 1):
                heads.setdefault(key[:length], set()).add(ward.lgcode)
    return (
        {k: next(iter(v)) for k, v in heads.items() if len(v) == 1},
        {k: next(iter(v)) for k, v in whole.items() if len(v) == 1},
    )
