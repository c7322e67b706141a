"""The names municipalities are found by when written without 市/町/村: stems (七尾,
安佐南), readings (かなざわ), and the guarded ones read only with what tells they are
places (本宮 after its prefecture, くれ with its し, 呉 standing alone). Built once per
gazetteer; `short_names` does the finding."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.place_words import (
    COMMON_READINGS,
    COMMON_STEMS,
    INFLECTED,
    KANA_SUFFIXES,
    KANJI,
    KANJI_CHAR,
    MIN_READING,
    ONE_KANJI_NAMES,
    PARTICLE,
    SUFFIXES,
)

# An official name that is kana itself (うるま市, いわき市), three kana or more.
_KANA_NAME = re.compile(r"[\u3041-\u3096ー]{3,}")
# Before one: start, a character that is not kana or kanji, or a particle (台風でうるまの).
_KANA_NAME_BEFORE = rf"(?:(?<=[でにはのともがをへや])|(?<![\u3041-\u309f{KANJI}]))"


@dataclass(frozen=True)
class ShortNameIndex:
    stems: dict[str, list[Municipality]]
    readings: dict[str, list[Municipality]]
    stem_prefixes: frozenset[str]
    reading_prefixes: frozenset[str]  # of `readings` and `suffixed_readings` both
    # Readings that are everyday words (みどり, いたみ) or shaped like inflected ones (した
    # ら): read only with their own し/まち/むら written after them ("いたみ し", `short_names`).
    suffixed_readings: dict[str, list[Municipality]]
    any_readings: dict[str, list[Municipality]]  # both, for one scan (they share none)
    # Stems too common to stand alone (本宮, 高山), and two-kana readings (くれ, すず): read
    # only with what tells they are places (`_after_prefecture`, `_short_readings`).
    guarded_stems: dict[str, list[Municipality]]
    short_readings: dict[str, list[Municipality]]
    one_kanji: dict[str, list[Municipality]]  # 呉 -> 呉市 (ONE_KANJI_NAMES only)
    kana_names: dict[str, list[Municipality]]  # うるま -> うるま市: official names in kana
    kana_name_pattern: re.Pattern[str]


def stem_of(name: str) -> str | None:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _reading(kana: str, shortest: int = MIN_READING) -> str | None:
    for suffix in KANA_SUFFIXES:
        if kana.endswith(suffix) and len(kana) - len(suffix) >= shortest:
            return kana[: -len(suffix)]
    return None


def _looks_inflected(reading: str) -> bool:
    """したら, しそう, やいた: a three-kana reading shaped like an inflected word. Longer ones
    so shaped are places people write (じょうそう 常総, おおいた, わっかない); those that are
    words (いわない, たいない) are in COMMON_READINGS."""
    return len(reading) <= MIN_READING and INFLECTED.search(reading) is not None


@lru_cache(maxsize=4)
def short_name_index(gazetteer: Gazetteer) -> ShortNameIndex:
    stems: dict[str, list[Municipality]] = {}
    guarded: dict[str, list[Municipality]] = {}
    readings: dict[str, list[Municipality]] = {}
    suffixed: dict[str, list[Municipality]] = {}
    short_readings: dict[str, list[Municipality]] = {}
    one_kanji: dict[str, list[Municipality]] = {}
    kana_names: dict[str, list[Municipality]] = {}
    for m in gazetteer.municipalities:
        if m.ward is not None:
            # A ward is found after its city (`ward_in_text`), or alone by a stem of three
            # characters or more that names it (安佐南, 宮城野, 阿倍野); 中央, 東 do not.
            ward_stem = m.ward.removesuffix("区")
            if len(ward_stem) >= 3 and KANJI_CHAR.search(ward_stem):
                (guarded if ward_stem in COMMON_STEMS else stems).setdefault(ward_stem, []).append(
                    m
                )
            continue
        if m.name.endswith("区") and len(m.kana) > MIN_READING:
            # Tokyo's wards by their whole reading (あだちく, せたがやく): without its く a
            # reading is a surname too often (あだち), and きたく (北区) is "going home".
            readings.setdefault(m.kana, []).append(m)
        stem = stem_of(m.name)
        # A name in kana (いの町, むかわ町) is found by its reading, with word boundaries.
        if stem and KANJI_CHAR.search(stem):
            (guarded if stem in COMMON_STEMS else stems).setdefault(stem, []).append(m)
        reading = _reading(m.kana)
        if reading and (reading in COMMON_READINGS or _looks_inflected(reading)):
            suffixed.setdefault(reading, []).append(m)
        elif reading:
            readings.setdefault(reading, []).append(m)
        two = _reading(m.kana, shortest=2)
        if two is not None and len(two) == 2:
            short_readings.setdefault(two, []).append(m)
        bare = m.name[:-1]
        if bare in ONE_KANJI_NAMES:
            one_kanji.setdefault(bare, []).append(m)
        elif _KANA_NAME.fullmatch(bare) and bare not in COMMON_READINGS:
            kana_names.setdefault(bare, []).append(m)
    for prefecture in gazetteer.prefectures:  # 熊本, 沖縄: the prefecture more often
        if prefecture.short in stems:
            guarded.setdefault(prefecture.short, []).extend(stems.pop(prefecture.short))
    return ShortNameIndex(
        stems,
        readings,
        frozenset(name[:2] for name in stems),
        frozenset(name[:2] for name in (*readings, *suffixed)),
        suffixed,
        {**readings, **suffixed},
        guarded,
        short_readings,
        one_kanji,
        kana_names,
        _kana_name_pattern(kana_names),
    )


def city_over_its_towns(options: Sequence[Municipality]) -> Municipality | None:
    """The city, where a name is shared only by it and towns or villages of its own
    prefecture (釧路市 and 釧路郡釧路町; 越前, 土佐, 四万十; in kana しべつ, 士別市 and 標津町):
    the county took the city's name, and people who write the name alone mean the city,
    as its romaji is read (Kushiro). None for any other set of options."""
    cities = [m for m in options if m.name.endswith("市")]
    if len(options) < 2 or len(cities) != 1:
        return None
    return cities[0] if all(m.prefecture == cities[0].prefecture for m in options) else None


def municipality_stems(gazetteer: Gazetteer) -> frozenset[str]:
    """The stems a municipality is found by (七尾, 石巻): no town takes them."""
    return frozenset(short_name_index(gazetteer).stems)


def municipality_readings(gazetteer: Gazetteer) -> frozenset[str]:
    """The readings a municipality is found by (いしのまき), with its suffix or without:
    no town takes them."""
    index = short_name_index(gazetteer)
    return frozenset((*index.readings, *index.suffixed_readings))


def _kana_name_pattern(kana_names: dict[str, list[Municipality]]) -> re.Pattern[str]:
    """The kana names, longest first (かすみがうら before かすみ), standing as words."""
    names = "|".join(sorted(kana_names, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"{_KANA_NAME_BEFORE}({names})(?=市|町|村|{PARTICLE})")
