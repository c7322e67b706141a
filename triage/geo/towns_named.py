"""The towns a message names beside a municipality's short name, as what tells which
municipality the name means (`short_names`):

- one of the options' towns written anywhere in the message: "伊達 大滝" is Hokkaido's
  伊達市 (大滝 is its town), "ﾄﾖｵｶ ﾋﾀﾞｶ" is 豊岡市 (ひだか, its 日高), not 豊丘村;
- a town written right after the name: 那覇小禄, 倉敷真備 (`with_town_at`), or with の and
  only the head of its towns' names: 釧路の星が浦 (星ケ浦北, 星ケ浦南… of 釧路市, not 釧路町);
- a name that is itself a town of another municipality the message names: "すず 飯田" is
  飯田町 of 珠洲市, "うわじま し の よしだちょう" 吉田町 of 宇和島市 (`towns_of_each_other`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.normalize import place_key
from triage.geo.place_words import COMMON_STEMS, KANJI, KANJI_CHAR, MIN_READING
from triage.geo.wards import district_ward_after

# The words of a text written in kana, between spaces, punctuation and particles: where a
# town's reading stands as a word ("ﾄﾖｵｶ ﾋﾀﾞｶ" is とよおか, ひだか).
_KANA_WORD = re.compile(r"[\u3041-\u3096ー]+")
_PARTICLE_END = re.compile(r"(?:の|に|で|から|は|です|まで|へ|より|を|が|や|と)$")
# After a name and の, the head of its towns' names: kanji with the が/ケ/ヶ of names
# inside (星が浦), never at the end (星が is "the stars are").
_HEAD_AFTER = re.compile(f"の([{KANJI}][{KANJI}がケヶ]{{0,4}}[{KANJI}])(?![{KANJI}])")


@lru_cache(maxsize=4096)
def town_names(
    gazetteer: Gazetteer, municipality: Municipality, *, everyday: bool = False
) -> tuple[str, ...]:
    """Town names of at least two characters (大滝, 中島) that are not everyday words
    (unless `everyday`): a consistency check."""
    ordinary = gazetteer.ordinary_words
    return tuple(
        t.name
        for t in gazetteer.towns_of(municipality.lgcode).values()
        if len(t.name) >= 2
        and t.name not in COMMON_STEMS  # most municipalities have them (中央, 本町)
        and (everyday or t.name not in ordinary)
    )


@lru_cache(maxsize=4096)
def town_names_of(gazetteer: Gazetteer, municipality: Municipality) -> tuple[str, ...]:
    """`town_names`, and each without its 町/村 (飯田 of 飯田町): how people write them."""
    names = town_names(gazetteer, municipality)
    return (*names, *(n[:-1] for n in names if n[-1] in "町村" and len(n) >= 3))


@lru_cache(maxsize=1024)
def names_a_town_of(
    municipality: Municipality,
    text: str,
    gazetteer: Gazetteer,
    *,
    stripped: bool,
    everyday: bool = False,
) -> bool:
    """Whether `text` names one of the municipality's towns (`stripped`: also without its
    町/村; `everyday`: also those that are everyday words). Cached: a long message that
    repeats a name asks the same question each time, and each answer reads the whole
    text for hundreds of names."""
    names = (
        town_names_of(gazetteer, municipality)
        if stripped
        else town_names(gazetteer, municipality, everyday=everyday)
    )
    return any(name in text for name in names)


@lru_cache(maxsize=4096)
def _town_readings(gazetteer: Gazetteer, municipality: Municipality) -> frozenset[str]:
    """The readings of the municipality's towns, of three kana or more, that are not
    everyday words (みなと, すいどう)."""
    ordinary = gazetteer.ordinary_words
    return frozenset(
        t.kana
        for t in gazetteer.towns_of(municipality.lgcode).values()
        if len(t.kana) >= MIN_READING and t.kana not in ordinary and t.name not in COMMON_STEMS
    )


def names_a_town_reading_of(
    municipality: Municipality, hiragana: str, gazetteer: Gazetteer, *, besides: str
) -> bool:
    """Whether `hiragana` (a message in kana, katakana read as hiragana) writes one of the
    municipality's town readings as a word of its own, with a particle after it or not,
    other than `besides` (the name being resolved: 豊岡市 has a town とよおか)."""
    readings = _town_readings(gazetteer, municipality)
    return any(word in readings for word in _kana_words(hiragana) if word != besides)


@lru_cache(maxsize=64)
def _kana_words(hiragana: str) -> frozenset[str]:
    """The kana words of a text, as written and without a particle at their end: read
    once per message, not once per name it resolves (a long message repeating a name)."""
    words = _KANA_WORD.findall(hiragana)
    return frozenset((*words, *(_PARTICLE_END.sub("", word) for word in words)))


def with_town_at(
    options: list[Municipality], after: str, gazetteer: Gazetteer
) -> list[Municipality]:
    """The options one of whose own towns `after` begins with (小禄 of 那覇市), or a
    district of one of its wards (名古屋栄)."""
    return [
        m
        for m in options
        if any(after.startswith(name) for name in town_names_of(gazetteer, m))
        or district_ward_after(m, after, gazetteer)
    ]


@lru_cache(maxsize=4096)
def _sorted_town_keys(gazetteer: Gazetteer, municipality: Municipality) -> tuple[str, ...]:
    return tuple(sorted(gazetteer.towns_of(municipality.lgcode)))


def _heads_a_town(gazetteer: Gazetteer, municipality: Municipality, head: str) -> bool:
    keys = _sorted_town_keys(gazetteer, municipality)
    at = bisect.bisect_left(keys, head)
    return at < len(keys) and keys[at].startswith(head)


def with_town_head_after(
    options: Sequence[Municipality], after: str, gazetteer: Gazetteer
) -> list[Municipality]:
    """The options whose towns' names begin with the whole word written after the name
    and の: 釧路の星が浦 names 星ケ浦北, 星ケ浦南 and 星ケ浦大通 of 釧路市 (釧路町 has none), where
    no town is called 星ケ浦 itself. A word of two characters at least, as the text writes
    it up to its end (釧路の星が綺麗 heads nothing)."""
    found = _HEAD_AFTER.match(after)
    if found is None:
        return []
    head = place_key(found.group(1))
    return [m for m in options if _heads_a_town(gazetteer, m, head)]


def town_named(municipality: Municipality, name: str, gazetteer: Gazetteer) -> str | None:
    """The municipality's town `name` names, as written or without its 町/村 (飯田 of
    飯田町), or None."""
    towns = gazetteer.towns_of(municipality.lgcode)
    for written in (name, name + "町", name + "村"):
        town = towns.get(place_key(written))
        if town is not None:
            return town.name
    return None


def _town_read_as(municipality: Municipality, kana: str, gazetteer: Gazetteer) -> str | None:
    """The municipality's town whose reading is `kana`, or None."""
    return _towns_by_reading(gazetteer, municipality).get(kana)


@lru_cache(maxsize=4096)
def _towns_by_reading(gazetteer: Gazetteer, municipality: Municipality) -> dict[str, str]:
    """Town reading -> the first town so read, per municipality (callers must not change
    the dict)."""
    towns: dict[str, str] = {}
    for town in gazetteer.towns_of(municipality.lgcode).values():
        if town.kana:
            towns.setdefault(town.kana, town.name)
    return towns


def towns_of_each_other(
    named: Sequence[tuple[str, Municipality]], gazetteer: Gazetteer
) -> list[tuple[Municipality, str] | None]:
    """For each (name as written, municipality it was read as) of a message, the other
    municipality of the message whose town it is, and that town, or None: a stem that is
    a town of another municipality the message names is that town (people write their
    municipality and then their town), and so is a reading in kana that is the whole
    reading of one of its towns (よしだちょう). Where each of two names is a town of the
    other's municipality, nothing tells which, and neither changes."""
    distinct = list(dict.fromkeys(named))  # a long message may repeat its names
    hosts_of = dict(zip(distinct, _hosts(distinct, gazetteer), strict=True))
    return [hosts_of[pair] for pair in named]


def _hosts(
    named: Sequence[tuple[str, Municipality]], gazetteer: Gazetteer
) -> list[tuple[Municipality, str] | None]:
    result: list[tuple[Municipality, str] | None] = []
    for text, municipality in named:
        kanji = KANJI_CHAR.search(text) is not None
        hosts = {
            other.lgcode: (other_text, other, town)
            for other_text, other in named
            if other.lgcode != municipality.lgcode
            and (
                town := (
                    town_named(other, text, gazetteer)
                    if kanji
                    else _town_read_as(other, municipality.kana, gazetteer)
                )
            )
            is not None
        }
        if len(hosts) != 1:
            result.append(None)
            continue
        [(host_text, host, town)] = hosts.values()
        mirrored = (
            town_named(municipality, host_text, gazetteer)
            if KANJI_CHAR.search(host_text)
            else _town_read_as(municipality, host.kana, gazetteer)
        )
        result.append(None if mirrored is not None else (host, town))
    return result
