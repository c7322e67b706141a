"""The wards of designated cities named beside their city: 熊本市の東区 is 熊本市東区, and
名古屋の港区 is not Tokyo's 港区."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.normalize import place_key
from triage.geo.place_words import KATAKANA_TO_HIRAGANA
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
    not Tokyo's 港区 (a municipality of its own that the address finder reads first)."""
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
    return None
