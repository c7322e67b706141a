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
    HONORIFIC,
    KANJI,
    KANJI_CHAR,
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


def _ward_kana_forms(ward: Municipality, city: Municipality) -> tuple[str, ...]:
    """How kana writes the ward after its city: みなみく, or its name in kana with the
    kanji 区 (しずおか市 しみず区)."""
    kana = _ward_kana(ward, city)
    return (kana, kana[:-1] + "区") if kana.endswith("く") else (kana,)


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
    named = [
        w
        for w in wards
        if w.ward and (w.ward in text or any(k in hiragana for k in _ward_kana_forms(w, city)))
    ]
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
    own = ward_by_stem(city, after, gazetteer)
    if own is not None:
        return own
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


def ward_by_stem(city: Municipality, after: str, gazetteer: Gazetteer) -> Municipality | None:
    """The ward of the designated city whose name without 区 `after` begins with, as a
    word: 京都の伏見 is 京都市伏見区. Two characters at least (名古屋の北 is a direction) and
    not a name most cities give a ward (大阪の中央 is its centre); no kanji after it but a
    facility word (伏見駅), and never a person (伏見さん)."""
    shared = _shared_ward_stems(gazetteer)
    for ward in wards_of(city, gazetteer):
        stem = (ward.ward or "").removesuffix("区")
        if len(stem) < 2 or stem in shared or not after.startswith(stem):
            continue
        rest = after[len(stem) :]
        if HONORIFIC.match(rest) or (KANJI_CHAR.match(rest) and not FACILITY.match(rest)):
            continue
        return ward
    return None


@lru_cache(maxsize=4)
def _shared_ward_stems(gazetteer: Gazetteer) -> frozenset[str]:
    """Ward names (without 区) that more than two designated cities have: 中央."""
    counts: dict[str, int] = {}
    for wards in wards_by_city(gazetteer).values():
        for stem in {(w.ward or "").removesuffix("区") for w in wards}:
            counts[stem] = counts.get(stem, 0) + 1
    return frozenset(stem for stem, count in counts.items() if count > 2)


@lru_cache(maxsize=4)
def _city_names(gazetteer: Gazetteer) -> tuple[re.Pattern[str], dict[str, Municipality]]:
    """One pattern for every designated city as written with or without 市 (京都市, 京都),
    as a word, and each name's city."""
    cities: dict[str, Municipality] = {}
    for lgcode in wards_by_city(gazetteer):
        city = gazetteer.by_lgcode[lgcode]
        for name in (city.name, stem_of(city.name)):
            if name is not None and len(name) >= 2:
                cities[name] = city
    names = "|".join(re.escape(n) for n in sorted(cities, key=len, reverse=True))
    return re.compile(f"(?<![{KANJI}])({names})の?"), cities


def wards_after_their_city(text: str, gazetteer: Gazetteer) -> list[Municipality]:
    """Wards written by their name without 区 right after their designated city, with or
    without の: 京都の伏見, 静岡の清水 (a stem people write for the prefecture too, where no
    other finder reads the city)."""
    pattern, cities = _city_names(gazetteer)
    found: list[Municipality] = []
    for match in pattern.finditer(text):
        ward = ward_by_stem(cities[match.group(1)], text[match.end() :], gazetteer)
        if ward is not None:
            found.append(ward)
    return found
