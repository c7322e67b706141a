"""A district written in Latin letters beside its designated city gives the ward:
"Sakae, Nagoya" is 名古屋市中区 and "Tenjin, Fukuoka" 福岡市中央区, where only the city
was found. The town readings (Japan Post's kana) of the named city's wards are
romanised as the city names are (`romaji.kana_romaji`, long vowels folded by
`romaji_key`); a capitalised word counts when exactly one ward has that reading, it has
four letters or more and is not an English word, and it is not the city's own name.
The same idea for Hangul and Devanagari is in `transliterated`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from triage.geo.candidate import Candidate
from triage.geo.district_readings import build_district_index, district_readings
from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.name_index import DISTRICTS_LATIN, NameIndex
from triage.geo.normalize import romaji_key
from triage.geo.romaji import kana_romaji
from triage.geo.romaji_wards import ward_of_city_named

_MIN_LETTERS = 4


def with_latin_districts(
    found: list[Candidate], words: Sequence[str], gazetteer: Gazetteer, english: frozenset[str]
) -> list[Candidate]:
    """`found` with each designated city narrowed to the ward a district word names."""
    keys = {romaji_key(word) for word in words if word[:1].isupper()}
    keys = {key for key in keys if len(key) >= _MIN_LETTERS and key not in english}
    if not keys:
        return found
    narrowed: list[Candidate] = []
    for candidate in found:
        city = candidate.municipality
        ward = _ward_named(city, keys, gazetteer) if city is not None else None
        narrowed.append(candidate.in_ward(ward) if ward is not None else candidate)
    return narrowed


def _ward_named(city: Municipality, keys: set[str], gazetteer: Gazetteer) -> Municipality | None:
    if city.parent_lgcode is not None:
        return None
    ward = ward_of_city_named(city, keys, gazetteer)  # "Kawasaki ko Nakahara": 中原区
    if ward is not None:
        return ward
    districts = _districts(city.lgcode, gazetteer)
    wards = {districts[key] for key in keys if key in districts}
    return gazetteer.by_lgcode.get(next(iter(wards))) if len(wards) == 1 else None


@lru_cache(maxsize=64)
def _districts(city_lgcode: str, gazetteer: Gazetteer) -> dict[str, str]:
    """Romanised town readings of a designated city's wards -> the one ward each names
    (a reading two wards share names neither); empty for a city without wards. Shipped
    prebuilt (`district_readings`)."""
    city = gazetteer.by_lgcode[city_lgcode]
    return district_readings(city, gazetteer, DISTRICTS_LATIN, latin_reader)


def latin_reader(city: Municipality) -> Callable[[str], str | None]:
    """A town's kana as a romaji key, unless it reads like the city's own name."""
    own = romaji_key(kana_romaji(city.kana.removesuffix("し")))

    def read(kana: str) -> str | None:
        key = romaji_key(kana_romaji(kana))
        return key if key != own else None

    return read


def build_latin_district_index(gazetteer: Gazetteer) -> NameIndex:
    return build_district_index(gazetteer, latin_reader)
