"""Candidates for places written the way people write them (`short_names`,
`towns_alone`, `hangul`), and the narrowing of a city to the ward the text names."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from triage.geo.candidate import Candidate
from triage.geo.chinese import looks_chinese
from triage.geo.devanagari import find_devanagari_places
from triage.geo.former_municipalities import former_towns_without_suffix
from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.guarded_stems import (
    READING_LIVED_IN_CONFIDENCE,
    find_guarded_stems,
    lived_in_readings,
)
from triage.geo.hangul import find_hangul_places
from triage.geo.normalize import drop_accents, place_key, romaji_key
from triage.geo.place_words import KATAKANA_TO_HIRAGANA
from triage.geo.prefecture_named import prefectures_beside
from triage.geo.romaji import kana_romaji
from triage.geo.schemas import LocationPrecision
from triage.geo.short_names import STEM_CONFIDENCE, ShortName, find_short_names
from triage.geo.short_wards import find_short_wards
from triage.geo.towns import APPROXIMATE_DISCOUNT
from triage.geo.towns_alone import find_towns_alone
from triage.geo.wards import (
    ward_in_text,
    ward_of_district_after,
    ward_of_named_city,
    wards_after_their_city,
    wards_of,
)

HANGUL_CONFIDENCE = 0.55
# 静岡の清水: the city and its ward's name say more than the stem 清水 alone (清水町).
WARD_AFTER_CITY_CONFIDENCE = 0.6
# "Higashi-ku", "Chuo ward", "Tsurumi ku": a ward in Latin letters.
_LATIN_WARD = re.compile(r"\b([A-Za-z]+)(?:-| )?(?:ku|ward)\b", re.IGNORECASE)


def _latin_ward(city: Municipality, original: str, gazetteer: Gazetteer) -> Municipality | None:
    """The city's ward whose name the text writes in romaji (from the ward's kana)."""
    written = {romaji_key(m.group(1)) for m in _LATIN_WARD.finditer(original)}
    return next(
        (w for w, name in _ward_romaji(city, gazetteer) if romaji_key(name) in written), None
    )


def _latin_ward_beside_city(
    city: Municipality, original: str, city_as_written: str, gazetteer: Gazetteer
) -> Municipality | None:
    """The city's ward written in romaji right beside it, without "-ku": "Nagata, Kobe",
    "Kobe Nagata". Beside the city only: a ward name alone elsewhere is just a word."""
    if not city_as_written.isascii() or not city_as_written.strip():
        return None
    city_word = re.escape(city_as_written.strip())
    beside = re.compile(
        rf"\b([A-Za-z]{{4,}}),?\s+(?:in\s+)?{city_word}\b|\b{city_word}\b,?\s+([A-Za-z]{{4,}})"
    )
    words = {
        word.lower()
        for match in beside.finditer(drop_accents(original))
        for word in match.groups()
        if word
    }
    if not words:
        return None
    named = ((w, name) for w, name in _ward_romaji(city, gazetteer) if len(name) >= 4)
    return next((ward for ward, name in named if name in words), None)


@lru_cache(maxsize=256)
def _ward_romaji(city: Municipality, gazetteer: Gazetteer) -> tuple[tuple[Municipality, str], ...]:
    """(ward, its name in lower-case romaji without -ku) for each ward of a designated
    city: read with pykakasi once per city, not once per message."""
    named = []
    for ward in wards_of(city, gazetteer):
        kana = ward.kana[len(city.kana) :] if ward.kana.startswith(city.kana) else ward.kana
        named.append((ward, kana_romaji(kana.removesuffix("く")).lower()))
    return tuple(named)


def foreign_script_places(text: str, gazetteer: Gazetteer) -> list[Municipality]:
    """Japanese places transliterated into Hangul or Devanagari."""
    return [*find_hangul_places(text, gazetteer), *find_devanagari_places(text, gazetteer)]


def short_name_candidates(
    original: str,
    gazetteer: Gazetteer,
    prefer: Municipality | Prefecture | None,
    *,
    chinese: bool | None = None,
) -> list[Candidate]:
    """Municipalities by stem or reading (`short_names`), wards by a two-character stem
    (`short_wards`), and towns and districts written alone (`towns_alone`). `chinese`:
    whether the text reads as Chinese, where the caller knows (a text converted to
    Japanese kanji may no longer look it)."""
    spaced = unicodedata.normalize("NFKC", original)
    # Towns read Chinese function characters as word ends only once converted: as written,
    # 從金澤回 holds 大槌町's town 金澤, not the 金沢 it converts to.
    converted = chinese is True
    chinese = looks_chinese(original) if chinese is None else chinese
    shorts = find_short_names(
        spaced, gazetteer, prefer, spaced=spaced, chinese=chinese, converted=converted
    )
    found = [_short_name_candidate(s, gazetteer) for s in shorts]
    found += [
        Candidate.of_municipality(m.name, m, HANGUL_CONFIDENCE)
        for m in foreign_script_places(spaced, gazetteer)
    ]
    found += [
        Candidate.of_municipality(m.name, m, STEM_CONFIDENCE)
        for m in find_short_wards(spaced, gazetteer, chinese=chinese)
    ]
    found += [
        Candidate.of_municipality(m.name, m, WARD_AFTER_CITY_CONFIDENCE)
        for m in wards_after_their_city(spaced, gazetteer)
    ]
    named = {s.municipality.lgcode for s in shorts}
    hiragana = spaced.translate(KATAKANA_TO_HIRAGANA)
    found += [
        Candidate.of_municipality(reading, m, READING_LIVED_IN_CONFIDENCE)
        for reading, m in lived_in_readings(hiragana, gazetteer)
    ]
    for stem, municipality, confidence, town in find_guarded_stems(spaced, gazetteer):
        found.append(_town_candidate(stem, municipality, town, confidence, gazetteer))
    found += former_towns_without_suffix(spaced, gazetteer)
    alone = find_towns_alone(spaced, gazetteer, named, prefer, chinese=converted)
    for name, municipality, town, confidence in alone:
        found.append(_town_candidate(name, municipality, town, confidence, gazetteer))
    return found


def _short_name_candidate(short: ShortName, gazetteer: Gazetteer) -> Candidate:
    m = short.municipality
    if short.town is not None:
        return _town_candidate(short.text, m, short.town, short.confidence, gazetteer)
    return Candidate(
        short.text, m.prefecture, m, None, m.lat, m.lon, short.precision, short.confidence
    )


def _town_candidate(
    text: str, municipality: Municipality, town: str, confidence: float, gazetteer: Gazetteer
) -> Candidate:
    """A town at its point; one without a point of its own (`Town.approximate`) is a
    little less sure."""
    point = gazetteer.towns_of(municipality.lgcode).get(place_key(town))
    if point is None or point.approximate:
        confidence = round(confidence - APPROXIMATE_DISCOUNT, 2)
    return Candidate(
        text, municipality.prefecture, municipality, town,
        point.lat if point else municipality.lat, point.lon if point else municipality.lon,
        LocationPrecision.TOWN, confidence,
    )  # fmt: skip


def with_ward(
    candidate: Candidate, text: str, gazetteer: Gazetteer, original: str = ""
) -> Candidate:
    """A candidate narrowed to the ward the text names: a designated city's ward named
    after it (熊本市の東区, "Tsurumi-ku, Yokohama"), or a same-named ward of the city the
    text names (名古屋の港区 is not Tokyo's 港区, 札幌の東区 not Fukuoka's)."""
    found = candidate.municipality
    if found is None or candidate.precision is not LocationPrecision.MUNICIPALITY:
        return candidate
    if not found.name.endswith("区") and not wards_of(found, gazetteer):
        return candidate  # no ward to narrow to (most municipalities): nothing to read
    ward = ward_of_named_city(found, text, gazetteer)
    if ward is not None and (
        found.prefecture in candidate.text
        or found.prefecture in prefectures_beside(candidate.text, text, gazetteer)
    ):
        # 東京都北区 (京都 in it), 名古屋から来た、東京の港区: its own prefecture says which.
        ward = None
    if ward is None and found.ward is None:
        ward = ward_in_text(found, text, gazetteer)
    if ward is None and found.ward is None and _LATIN_WARD.search(original):
        ward = _latin_ward(found, original, gazetteer)
    if ward is None and found.ward is None and original:
        ward = _latin_ward_beside_city(found, original, candidate.text, gazetteer)
    if ward is None and found.ward is None:
        ward = ward_of_district_after(found, text, candidate.text, gazetteer)
    if ward is None:
        return candidate
    return candidate.in_ward(ward)
