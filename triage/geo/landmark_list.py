"""The project's own list of well-known places, data/landmarks.tsv (CC0, see
data/ATTRIBUTION.md): stations, airports, castles, districts and sights with the
municipality or ward they are in, facts from general knowledge, every row checked
against the gazetteer by the tests (tests/geo/test_landmarks.py).

A row is written once, in Japanese with its readings and the forms people type
(aliases: kana, English, Chinese, Korean); the forms a station or an airport is found by
in other languages (札幌站, 札幌車站, "Sapporo stn", "estación de Sapporo") are derived
here, so the file stays a list of facts; `landmark_index` resolves every row against
the gazetteer once. `landmarks` finds them in a text.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from triage.geo.devanagari import kana_to_devanagari
from triage.geo.gazetteer import Gazetteer, Municipality, first_characters
from triage.geo.hangul import kana_to_hangul
from triage.geo.normalize import drop_accents, latin_exonyms_as_romaji, normalize_text, place_key
from triage.geo.place_words import COMMON_STEMS
from triage.geo.wards import wards_of

logger = logging.getLogger(__name__)

DATA_FILE = "landmarks.tsv"
KINDS = frozenset(
    {"station", "airport", "castle", "district", "spot", "port", "dam", "bridge", "park"}
)
# Words for station and airport; 車駅 is what chinese.py's 站 -> 駅 makes of 車站.
STATION_WORDS = ("駅", "車站", "车站", "車駅", "站")
AIRPORT_WORDS = ("空港", "机场", "機場", "机場")
# Latin forms: "Sapporo Station" is also "Sapporo stn", "estación de Sapporo", "ga Sapporo".
LATIN_FORMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "station": (
        ("station", "stn", "eki"),
        ("estacion de", "estacion", "estacao de", "estacao", "ga", "istasyon ng", "stasiun",
         "gare de", "jr"),
    ),
    "airport": (
        ("airport", "kuko"),
        ("aeropuerto de", "aeropuerto", "aeroporto de", "aeroporto", "san bay", "bandara",
         "paliparan ng", "aeroport de"),
    ),
    "castle": (
        ("castle", "jo"),
        ("castillo de", "castelo de", "lau dai", "kastil", "kastilyo ng", "chateau de"),
    ),
    "park": (("park", "koen"), ("parque de", "parque", "cong vien", "taman", "parke ng")),
}  # fmt: skip
LATIN_TOKEN = re.compile(r"[a-z0-9]+")
HAS_LATIN = re.compile(r"[A-Za-z]")
KANA = re.compile(r"[\u3041-\u30ff\uff66-\uff9f]")
_HANGUL_SUFFIXES = ("역", "공항", "성", "공원")
_MIN_HANGUL = 3  # syllables of a Hangul name without 역/공항 (기온 is "temperature")
# Korean and Nepali forms of a row with a kana alias ending in one of these words: the
# name transliterated (`hangul`, `devanagari`), then the word as each writes it, in its
# own language or transliterated too (하카타역, हाकाता स्टेसन, 와쿠라 온천).
_TRANSLITERATED_WORDS = {
    "えき": (("역",), ("स्टेसन", "स्टेशन")),
    "おんせん": (("온천", kana_to_hangul("おんせん")), (kana_to_devanagari("おんせん"),)),
    "くうこう": (("공항",), ("एयरपोर्ट", "विमानस्थल")),
}
_HIRAGANA = re.compile(r"[\u3041-\u309f]+")
# A name that ends in one of these is closed: whatever follows it (駅前, 空港線) is not
# part of a longer name.
CLOSED_ENDINGS = (
    *STATION_WORDS, *AIRPORT_WORDS, "역", "공항", "えき", "くうこう", "स्टेसन", "स्टेशन",
    "एयरपोर्ट", "विमानस्थल",
)  # fmt: skip
# Longer names closed by what they are (熊本城天守閣, 東大寺大仏殿): three characters at least.
_FACILITY_ENDINGS = (
    "城", "公園", "神社", "神宮", "大社", "寺", "宮", "園", "館", "橋", "港", "ダム",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LandmarkRow:
    """One line of data/landmarks.tsv, as written."""

    name: str
    kind: str
    municipality: str
    aliases: tuple[str, ...]
    note: str


@cache
def landmark_rows() -> tuple[LandmarkRow, ...]:
    """The rows of data/landmarks.tsv, read once."""
    raw = resources.files("triage.geo").joinpath("data", DATA_FILE).read_text("utf-8")
    reader = csv.DictReader(io.StringIO(raw), delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple(
        LandmarkRow(
            name=row["name_ja"],
            kind=row["kind"],
            municipality=row["municipality"],
            aliases=tuple(alias for alias in (row["aliases"] or "").split("|") if alias),
            note=row["note"] or "",
        )
        for row in reader
    )


def resolve_municipality(value: str, gazetteer: Gazetteer) -> Municipality | None:
    """The municipality a row names, exactly as the gazetteer writes it: 札幌市北区, or
    東京都府中市 where the name alone is shared (府中市 is in 東京都 and in 広島県)."""
    prefecture = next(
        (p.name for p in gazetteer.prefectures if value.startswith(p.name) and value != p.name),
        None,
    )
    name = value.removeprefix(prefecture or "")
    matches = [
        m
        for m in gazetteer.municipalities_by_name.get(place_key(name), [])
        if m.name == name and prefecture in (None, m.prefecture)
    ]
    return matches[0] if len(matches) == 1 else None


def written_keys(row: LandmarkRow) -> Iterator[str]:
    """The Japanese, Chinese and Korean forms a row is found by, as place keys: a
    station's name with each word for station (札幌駅, 札幌站, 札幌車站), an airport's with
    each word for airport. A station's forms all end in a station word."""
    for name in (row.name, *row.aliases):
        if HAS_LATIN.search(name) and name.isascii():
            continue
        key = place_key(normalize_text(name))
        forms = [key]
        for words in (STATION_WORDS, AIRPORT_WORDS):
            word = next((w for w in words if key.endswith(w)), None)
            if word is not None:
                forms = [key[: -len(word)] + w for w in words]
        for form in forms:
            if _short_hangul(form) or (KANA.fullmatch(form[-1]) and len(form) < 3):
                continue
            if row.kind == "station" and not form.endswith((*STATION_WORDS, "역", "えき")):
                continue
            yield form


def transliterated_keys(row: LandmarkRow) -> Iterator[str]:
    """The Hangul and Devanagari forms of a station, an airport or a hot spring, from its
    kana alias: はかたえき is 하카타역 and हाकातास्टेसन (as place keys: no spaces)."""
    for alias in row.aliases:
        if not _HIRAGANA.fullmatch(alias):
            continue
        for kana_word, (korean, nepali) in _TRANSLITERATED_WORDS.items():
            stem = alias.removesuffix(kana_word)
            if stem == alias or not stem:
                continue
            yield from (kana_to_hangul(stem) + word for word in korean)
            yield from (kana_to_devanagari(stem) + word for word in nepali)


def latin_keys(row: LandmarkRow) -> Iterator[str]:
    """The Latin forms, lower-case words: "sapporo station", "sapporo stn", "jr sapporo",
    "estacion de sapporo"; a hyphenated name also run together ("shinokubo")."""
    suffixes, prefixes = LATIN_FORMS.get(row.kind, ((), ()))
    for alias in row.aliases:
        if not alias.isascii() or not HAS_LATIN.search(alias):
            continue
        for spelling in {alias, alias.replace("-", "")}:
            words = LATIN_TOKEN.findall(fold_latin(spelling))
            if not words:
                continue
            yield " ".join(words)
            if suffixes and words[-1] == suffixes[0] and len(words) > 1:
                base = " ".join(words[:-1])
                yield from (f"{base} {suffix}" for suffix in suffixes[1:])
                yield from (f"{prefix} {base}" for prefix in prefixes)


def fold_latin(text: str) -> str:
    """Lower case without accents: "Estación de Sapporo" -> "estacion de sapporo"."""
    return latin_exonyms_as_romaji(drop_accents(text).lower().replace("đ", "d"))


def _short_hangul(key: str) -> bool:
    hangul = all("\uac00" <= c <= "\ud7a3" for c in key)
    return hangul and len(key) < _MIN_HANGUL and not key.endswith(_HANGUL_SUFFIXES)


@dataclass(frozen=True, slots=True)
class Landmark:
    """A row resolved against the gazetteer."""

    name: str
    municipality: Municipality
    # Names that may stand right before it (福岡天神) and that tell same-named ones apart:
    # its prefecture's (宮城の白石駅), then its city's and wards' (札幌の白石駅).
    prefecture_names: tuple[str, ...]
    places: tuple[str, ...]


@dataclass(frozen=True)
class LandmarkIndex:
    """The names of every row, as found in a text (`landmarks`)."""

    written: dict[str, tuple[Landmark, ...]]
    closed: frozenset[str]  # keys nothing after can extend (仙台駅, 熊本城)
    lengths: dict[str, tuple[int, ...]]  # first two characters -> lengths of keys, longest first
    starts: re.Pattern[str]
    latin: dict[str, tuple[Landmark, ...]]
    latin_first: frozenset[str]
    latin_longest: int
    place_names: frozenset[str]  # prefectures, municipalities, wards, stems (広島, 安佐南区)


def _places(municipality: Municipality, gazetteer: Gazetteer) -> tuple[str, ...]:
    """Its prefecture, its city and its ward, as names and stems, and the stems of its
    city's other wards (博多中洲): what may stand right before its name."""
    prefecture = gazetteer.prefecture_by_name[municipality.prefecture]
    city = gazetteer.by_lgcode.get(municipality.parent_lgcode or "", municipality)
    names = {prefecture.name, prefecture.short, city.name, city.name[:-1], municipality.name}
    names |= {municipality.ward or ""}
    for ward in wards_of(city, gazetteer):
        names.add((ward.ward or "")[:-1])
    return tuple(sorted(name for name in names if len(name) >= 2))


@lru_cache(maxsize=4)
def landmark_index(gazetteer: Gazetteer) -> LandmarkIndex:
    """Every row resolved against the gazetteer and indexed, once per gazetteer."""
    written: dict[str, list[Landmark]] = defaultdict(list)
    latin: dict[str, list[Landmark]] = defaultdict(list)
    for row in landmark_rows():
        municipality = resolve_municipality(row.municipality, gazetteer)
        if municipality is None:  # the tests keep this from happening
            logger.warning("landmark %s: no municipality %s", row.name, row.municipality)
            continue
        prefecture = gazetteer.prefecture_by_name[municipality.prefecture]
        landmark = Landmark(
            row.name,
            municipality,
            (prefecture.name, prefecture.short),
            _places(municipality, gazetteer),
        )
        for key in dict.fromkeys([*written_keys(row), *transliterated_keys(row)]):
            written[key].append(landmark)
        for key in dict.fromkeys(latin_keys(row)):
            latin[key].append(landmark)
    closed = frozenset(
        key
        for key in written
        if key.endswith(CLOSED_ENDINGS) or (len(key) >= 3 and key.endswith(_FACILITY_ENDINGS))
    )
    lengths: dict[str, set[int]] = defaultdict(set)
    for key in written:
        lengths[key[:2]].add(len(key))
    return LandmarkIndex(
        written={key: tuple(found) for key, found in written.items()},
        closed=closed,
        lengths={prefix: tuple(sorted(sizes, reverse=True)) for prefix, sizes in lengths.items()},
        starts=first_characters(lengths),
        latin={key: tuple(found) for key, found in latin.items()},
        latin_first=frozenset(key.split(" ")[0] for key in latin),
        latin_longest=max(key.count(" ") + 1 for key in latin),
        place_names=_place_names(gazetteer),
    )


def _place_names(gazetteer: Gazetteer) -> frozenset[str]:
    names = {name for p in gazetteer.prefectures for name in (p.name, p.short)}
    for m in gazetteer.municipalities:
        names |= {m.name, m.name[:-1], m.ward or "", (m.ward or "")[:-1]}
    return frozenset(n for n in names if len(n) >= 2 and n not in COMMON_STEMS)
