"""The towns people write alone, as names and readings: a town's stem (鵜住居町 ->
鵜住居), and the indexes `towns_alone` looks them up in (shipped prebuilt in the name-index
file, built here when the file does not fit the gazetteer)."""

from __future__ import annotations

import re
from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Prefecture
from triage.geo.name_index import TOWN_READINGS, TOWN_STEMS, NameIndex
from triage.geo.place_words import (
    COMMON_READINGS,
    COMMON_STEMS,
    FACILITY,
    GENERIC_SPOT,
    INFLECTED,
    KANJI_CHAR,
    KATAKANA_TO_HIRAGANA,
    MIN_READING,
)
from triage.geo.short_name_index import municipality_readings, municipality_stems
from triage.geo.towns import TownOrigin

# A town's own name, before 字, 丁目 numbers or its 町/村: 鵜住居町 -> 鵜住居, 大字鶴馬 -> 鶴馬,
# 野村町大西 -> 野村 (the first 町/村 that leaves two characters ends it; 野村 keeps its 村).
# A numeral may begin it (八木, 三宮), not follow in it (中島一丁目 -> 中島).
_NAME_START = r"[^\d字丁町村\n]"
_NAME_REST = r"[^\d字丁一二三四五六七八九十\n]"
_NAME_END = r"(?=[町村字丁\d一二三四五六七八九十\n]|$)"
_TOWN_STEM = re.compile(rf"^(?:大字)?({_NAME_START}{_NAME_REST}{{1,5}}?){_NAME_END}")
# A numeral and a counter is a date, a time or a count (十日, 三番, 二階), not a name.
_COUNTED = re.compile(r"[一二三四五六七八九十百][日月年時人回階本番号条丁分秒度つ軒枚台]")
# A direction inside a two-character stem (東山, 北野) makes it a word for a side; in a
# longer one (東大洲, 西新井) it is part of the name.
_FACILITY_WORD = re.compile(FACILITY.pattern.replace("|東|西|南|北", ""))
# The same stem, for every line of the newline-joined names at once.
_STEM_LINE = re.compile(
    rf"^(?:大字)?({_NAME_START}{_NAME_REST}{{1,5}}?{_NAME_END})?.*$", re.MULTILINE
)


def town_stem(name: str) -> str | None:
    """The part of a town's name people write alone, or None when it is too generic."""
    found = _TOWN_STEM.match(name)
    return _usable(found.group(1)) if found else None


def _usable(stem: str) -> str | None:
    facility = _FACILITY_WORD.search(stem) if len(stem) >= 3 else FACILITY.search(stem)
    if stem in COMMON_STEMS or GENERIC_SPOT.search(stem) or facility or _COUNTED.fullmatch(stem):
        return None
    return stem if KANJI_CHAR.search(stem) else None


@lru_cache(maxsize=4)
def _row_stems(gazetteer: Gazetteer) -> list[str | None]:
    """`town_stem` of every row: one regular-expression pass over all the names, and the
    checks once per distinct stem (140,000 towns, 60,000 stems)."""
    raw: list[str] = _STEM_LINE.findall("\n".join(gazetteer.town_table.names))
    usable = {stem: _usable(stem) for stem in set(raw) if stem}
    return [usable.get(stem) for stem in raw]


@lru_cache(maxsize=4)
def town_stem_index(gazetteer: Gazetteer) -> NameIndex:
    return gazetteer.prebuilt.get(TOWN_STEMS) or build_stem_index(gazetteer)


@lru_cache(maxsize=4)
def town_reading_index(gazetteer: Gazetteer) -> NameIndex:
    return gazetteer.prebuilt.get(TOWN_READINGS) or build_reading_index(gazetteer)


def build_stem_index(gazetteer: Gazetteer) -> NameIndex:
    """Town stems (`town_stem`) -> rows, without municipality and prefecture stems."""
    excluded = municipality_stems(gazetteer) | {p.short for p in gazetteer.prefectures}
    row_ids = gazetteer.town_table.row_ids
    pairs = zip(_row_stems(gazetteer), row_ids, strict=True)
    return NameIndex.from_pairs((s, r) for s, r in pairs if s is not None and s not in excluded)


def build_reading_index(gazetteer: Gazetteer) -> NameIndex:
    """Town readings in hiragana -> rows, for the towns people write alone."""
    pairs: list[tuple[str, int]] = []
    excluded = place_readings(gazetteer) | COMMON_READINGS | gazetteer.ordinary_words
    table = gazetteer.town_table
    stems = _row_stems(gazetteer)
    for row, kana in zip(table.row_ids, table.kana, strict=True):
        if len(kana) < MIN_READING or kana in excluded or INFLECTED.search(kana):
            continue
        # A name people write alone, or a district whose whole name is a stem, though a
        # side word ends it (京北); not 三日 (みっか), 中央 (ちゅうおう) or 駅前 (えきまえ).
        name = table.names[row]
        if stems[row] is not None or (
            table.origins[row] == TownOrigin.DISTRICT
            and name not in COMMON_STEMS
            and (found := _TOWN_STEM.match(name)) is not None
            and found.group(1) == name
        ):
            pairs.append((kana, row))
    return NameIndex.from_pairs(pairs)


@lru_cache(maxsize=4)
def place_readings(gazetteer: Gazetteer) -> frozenset[str]:
    """How municipalities and prefectures are read, with and without 市/町/村/県 (みやこ,
    みやこし; なみえまち): no town's reading is one, nor read inside a longer one (おおふな
    of おおふなと)."""
    readings = set(municipality_readings(gazetteer))
    for m in gazetteer.municipalities:
        readings.add(m.kana)
        city = gazetteer.by_lgcode.get(m.parent_lgcode or "")
        if city is not None:
            readings.add(m.kana.removeprefix(city.kana))
    for p in gazetteer.prefectures:
        readings.update((p.kana, _prefecture_reading(p)))
    return frozenset(readings)


def _prefecture_reading(prefecture: Prefecture) -> str:
    """いしかわ of 石川県: a prefecture's reading without its 県/府/都."""
    kana = prefecture.kana.translate(KATAKANA_TO_HIRAGANA)
    for suffix in ("けん", "ふ", "と"):
        if kana.endswith(suffix) and prefecture.name[-1] in "県府都":
            return kana[: -len(suffix)]
    return kana
