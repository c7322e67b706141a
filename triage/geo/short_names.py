"""Places written the way people write them, not as addresses.

- A municipality without 市/町/村 ("七尾の中島より", "在宅酸素 停電 穴水"): the largest
  class of places the address finders miss. Its stem counts only as a word of its own
  (no kanji on either side, unless a facility word follows: 輪島中学校, 上田駅, or a word
  of time comes before: 来週箱根に), never before an honorific (上田さん is a person) nor
  地方 (魚沼地方 is the region). Written together with one of its own towns
  (那覇小禄, 倉敷真備) or right after its prefecture (大分日田, 福島の本宮) it counts too;
  after its prefecture even a stem too common to stand alone (本宮, 高山) does.
- A ward by a stem of three characters or more (安佐南, 阿倍野); one of two (東灘の岡本)
  is `short_wards`', a ward after its city `wards`'.
- Its reading in kana ("わたし は かなざわ に すんで います", "ﾄﾖﾊｼ"): at least three kana,
  standing between spaces, punctuation or particles, or with its own し/まち in kana
  (にしわがまち), as feature phones and non-native writers type it. Two kana (くれ, すず)
  are words more often than places: read only with their し/まち written after them
  ("くれ し に") or beside one of their own towns.

A stem or reading several municipalities share (伊達, 府中) is resolved by the prefecture
written beside it, the deployment's home area, a prefecture named elsewhere in the
message (`prefecture_named`), or a town of one of them named in it; otherwise it names
none rather than a guess. Everyday words that are also
place names (中央, 朝日, さくら) are never read as places on their own. Towns and districts
named alone (唐丹, 山古志, うしつ) are `towns_alone`'s, with the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.normalize import place_key
from triage.geo.place_words import (
    CHINESE_BOUNDARIES,
    COMMON_STEMS,
    FACILITY,
    HONORIFIC,
    KANJI,
    KANJI_CHAR,
    KATAKANA_TO_HIRAGANA,
    ONE_KANJI_NAMES,
    PARTICLE,
    PARTICLE_AFTER,
    REGION_AFTER,
    TIME_WORDS,
)
from triage.geo.prefecture_named import (
    home_prefectures,
    named_prefectures,
    one_in,
    stems_beside_prefecture,
    wards_in_named_prefectures,
)
from triage.geo.schemas import LocationPrecision
from triage.geo.short_name_index import ShortNameIndex, short_name_index
from triage.geo.wards import district_ward_after, wards_of

STEM_CONFIDENCE = 0.55
READING_CONFIDENCE = 0.5
_KATAKANA_CHAR = re.compile("[\u30a1-\u30fa]")
_KANA_OR_KANJI = re.compile(f"[\u3041-\u309f{KANJI}]")
_LONGEST_NAME = 8
_KANJI_IN_CHINESE_NAME = re.compile(f"(?![{CHINESE_BOUNDARIES}])[{KANJI}]")
# Two kana standing as a word, with the kana of 市/町/村 after them or not: "くれ し に".
_SHORT_READING = re.compile(
    rf"(?<![\u3041-\u309f{KANJI}])([\u3041-\u3096]{{2}})"
    rf"(?:\s?(し|まち|ちょう|むら|そん)(?={PARTICLE}))?(?={PARTICLE})"
)
# A reading's own 市/町/村 in kana right after it, then what may follow a word.
_KANA_SUFFIX_AFTER = re.compile(rf"(し|まち|ちょう|むら|そん)(?={PARTICLE})")
SUFFIXED_READING_CONFIDENCE = 0.55
# A station after a reading, in kana or kanji: "ｲﾏﾊﾞﾘｴｷｶﾗ", "いまばり駅で" (今治駅).
_STATION_AFTER = re.compile(rf"(?:えき|駅)(?={PARTICLE})")
_ONE_KANJI_NAME = re.compile(
    rf"(?<![{KANJI}])([{''.join(sorted(ONE_KANJI_NAMES))}])(?=[^{KANJI}]|$|{FACILITY.pattern})"
)


@dataclass(frozen=True, slots=True)
class ShortName:
    """A municipality found by its short name or reading, or None where it was ambiguous."""

    text: str
    municipality: Municipality
    precision: LocationPrecision
    confidence: float
    town: str | None = None  # the town `text` names, as addresses write it (飯田町)


def find_short_names(
    text: str,
    gazetteer: Gazetteer,
    prefer: Municipality | Prefecture | None = None,
    *,
    spaced: str | None = None,
    chinese: bool = False,
) -> list[ShortName]:
    """Municipalities named by stem in normalised `text`, or by reading in `spaced` (the
    message after NFKC only: its spaces are what separate words in kana-only writing).
    `chinese`: the text reads as Chinese (`CHINESE_BOUNDARIES` separate its words)."""
    index = short_name_index(gazetteer)
    kanji = _KANJI_IN_CHINESE_NAME if chinese else KANJI_CHAR
    # First the stems beside their prefecture (東京の中野 is 中野区, not 中野市), which the
    # prefecture decides even against the home area.
    found = [
        ShortName(stem, m, LocationPrecision.MUNICIPALITY, STEM_CONFIDENCE)
        for stem, m in stems_beside_prefecture(text, gazetteer, kanji)
    ]
    taken = {s.text for s in found}
    for start, stem in _words(text, index.stems, index.stem_prefixes, kanji):
        if stem in taken:
            continue
        end = start + len(stem)
        # A ward of the same stem counts in its prefecture, named or home (中野区 of 中野).
        wards = wards_in_named_prefectures(stem, text, (start, end), gazetteer, prefer)
        options = [*index.stems[stem], *wards]
        after = text[end:]
        joined = kanji.match(after) or _KATAKANA_CHAR.match(after)
        if joined and not FACILITY.match(after):
            # 鶴田ダム, 石垣島: another name that begins with the stem; but 那覇小禄, 倉敷真備:
            # the city and one of its own towns, written together.
            options = _with_town_at(options, after, gazetteer)
            if not options:
                continue
        if HONORIFIC.match(after) or after.startswith(REGION_AFTER):
            continue  # 上田さん is a person; 魚沼地方 the region that bears the name
        # Read without the stem itself: 神戸町 has a town named 神戸, which must not
        # count as "a town of it named in the message" when the message says 神戸.
        masked = f"{text[:start]}{' ' * len(stem)}{text[end:]}"
        chosen = _resolve(options, masked, gazetteer, prefer, at=(start, end))
        if chosen is not None:
            found.append(ShortName(stem, chosen, LocationPrecision.MUNICIPALITY, STEM_CONFIDENCE))
            taken.add(stem)
    hiragana = (spaced if spaced is not None else text).translate(KATAKANA_TO_HIRAGANA)
    for start, reading in _words(hiragana, index.readings, index.reading_prefixes, _KANA_OR_KANJI):
        options, end = index.readings[reading], start + len(reading)
        confidence = READING_CONFIDENCE
        if not (PARTICLE_AFTER.match(hiragana, end) or _STATION_AFTER.match(hiragana, end)):
            # "にしわがまち", "ｸﾏﾑﾗ ﾜﾀﾘ": its own 町 or 村 in kana, written on, says more than a
            # bare reading beside it (わたり 亘理町, here a district of 球磨村).
            suffix = _KANA_SUFFIX_AFTER.match(hiragana, end)
            if suffix is None:
                continue
            options = [m for m in options if m.kana == reading + suffix.group(1)]
            confidence = SUFFIXED_READING_CONFIDENCE
        chosen = _resolve(options, hiragana, gazetteer, prefer) if options else None
        if chosen is not None:
            found.append(ShortName(reading, chosen, LocationPrecision.MUNICIPALITY, confidence))
    found += _short_readings(hiragana, text, index, gazetteer)
    if not chinese:  # 吴 is a Chinese surname before it is 呉
        found += _names_beside_particles(text, index, gazetteer, prefer, {f.text for f in found})
    return _as_towns_of_each_other(found, gazetteer)


def _as_towns_of_each_other(found: list[ShortName], gazetteer: Gazetteer) -> list[ShortName]:
    """A stem the message also uses as a town of another municipality it names is that
    town: "すず 飯田" is 飯田町 of 珠洲市, not 飯田市 (people write their municipality and
    then their town). Where each of two names is a town of the other's municipality,
    nothing tells which, and neither changes."""
    result: list[ShortName] = []
    for short in found:
        if short.precision is not LocationPrecision.MUNICIPALITY or not KANJI_CHAR.search(
            short.text
        ):
            result.append(short)  # only a municipality's stem in kanji can be a town's name
            continue
        hosts = {
            other.municipality.lgcode: (other, town)
            for other in found
            if other.municipality.lgcode != short.municipality.lgcode
            and (town := _town_named(other.municipality, short.text, gazetteer)) is not None
        }
        if len(hosts) != 1:
            result.append(short)
            continue
        [(host, town)] = hosts.values()
        if _town_named(short.municipality, host.text, gazetteer) is not None:
            result.append(short)  # each a town of the other
            continue
        result.append(
            ShortName(short.text, host.municipality, LocationPrecision.TOWN, short.confidence, town)
        )
    return result


def _town_named(municipality: Municipality, name: str, gazetteer: Gazetteer) -> str | None:
    """The municipality's town `name` names, as written or without its 町/村 (飯田 of
    飯田町), or None."""
    towns = gazetteer.towns_of(municipality.lgcode)
    for written in (name, name + "町", name + "村"):
        town = towns.get(place_key(written))
        if town is not None:
            return town.name
    return None


def _names_beside_particles(
    text: str,
    index: ShortNameIndex,
    gazetteer: Gazetteer,
    prefer: Municipality | Prefecture | None,
    taken: set[str],
) -> list[ShortName]:
    """Official names the word scan cannot cut out: one kanji (呉から, 堺の), and names
    that are kana themselves after a particle (台風でうるまの, 実家はいわきで)."""
    found: list[ShortName] = []
    for match in _ONE_KANJI_NAME.finditer(text):
        if HONORIFIC.match(text, match.end()):
            continue  # 柏さん is a person
        chosen = _resolve(index.one_kanji.get(match.group(1), []), text, gazetteer, prefer)
        if chosen is not None:
            found.append(
                ShortName(match.group(1), chosen, LocationPrecision.MUNICIPALITY, STEM_CONFIDENCE)
            )
    for match in index.kana_name_pattern.finditer(text):
        if match.group(1) in taken:
            continue  # the reading scan found it already (つくばに)
        name = match.group(1)
        chosen = _resolve(index.kana_names.get(name, []), text, gazetteer, prefer)
        if chosen is not None:
            found.append(
                ShortName(name, chosen, LocationPrecision.MUNICIPALITY, READING_CONFIDENCE)
            )
    return found


@lru_cache(maxsize=4096)
def _town_names_of(gazetteer: Gazetteer, municipality: Municipality) -> tuple[str, ...]:
    """`_town_names`, and each without its 町/村 (飯田 of 飯田町): how people write them."""
    names = _town_names(gazetteer, municipality)
    return (*names, *(n[:-1] for n in names if n[-1] in "町村" and len(n) >= 3))


def _with_town_at(
    options: list[Municipality], after: str, gazetteer: Gazetteer
) -> list[Municipality]:
    """The options one of whose own towns `after` begins with (小禄 of 那覇市), or a
    district of one of its wards (名古屋栄)."""
    return [
        m
        for m in options
        if any(after.startswith(name) for name in _town_names_of(gazetteer, m))
        or district_ward_after(m, after, gazetteer)
    ]


def _short_readings(
    hiragana: str, text: str, index: ShortNameIndex, gazetteer: Gazetteer
) -> list[ShortName]:
    """A two-kana reading (くれ 呉, すず 珠洲) as a word of its own: read only with its 市/町
    written after it ("くれ し に", "すずし"), or beside one of its own towns ("すず 飯田"):
    alone it is a word (くれ, すず) more often than a place."""
    found: list[ShortName] = []
    for match in _SHORT_READING.finditer(hiragana):
        reading, suffix = match.group(1), match.group(2)
        options = index.short_readings.get(reading, [])
        if not options or (not suffix and reading in gazetteer.ordinary_words):
            continue
        if suffix:
            options = [m for m in options if m.kana == reading + suffix]
        else:
            options = [m for m in options if _names_a_town_of(m, text, gazetteer, stripped=True)]
        if len(options) == 1:
            confidence = SUFFIXED_READING_CONFIDENCE if suffix else READING_CONFIDENCE
            found.append(ShortName(reading, options[0], LocationPrecision.MUNICIPALITY, confidence))
    return found


def _words(
    text: str,
    names: dict[str, list[Municipality]],
    prefixes: frozenset[str],
    joined: re.Pattern[str],
) -> list[tuple[int, str]]:
    """(start, name) of the longest name at each word start, left to right: not after
    a kanji (鹿児島 holds no 児島) unless that kanji ends a word of time (来週箱根に).

    A dictionary look-up per position and length, screened by the names' first two
    characters: a regular expression alternating 3,000 names cost 0.2 ms a message.
    """
    found: list[tuple[int, str]] = []
    position, end = 0, len(text)
    while position < end - 1:
        if text[position : position + 2] not in prefixes or (
            position > 0
            and joined.match(text, position - 1)
            and not text.endswith(TIME_WORDS, 0, position)
        ):
            position += 1
            continue
        for length in range(min(_LONGEST_NAME, end - position), 1, -1):
            candidate = text[position : position + length]
            if candidate in names:
                found.append((position, candidate))
                position += length - 1
                break
        position += 1
    return found


def _resolve(
    options: list[Municipality],
    text: str,
    gazetteer: Gazetteer,
    prefer: Municipality | Prefecture | None,
    *,
    at: tuple[int, int] | None = None,
) -> Municipality | None:
    """The one municipality meant, or None when nothing in the message tells which: the
    prefecture written beside the name (`at`, its span in `text`), the home area's, one
    named elsewhere in the message, then a town of one of them that the message names.
    None too when the prefecture beside the name has none of them."""
    if not options:
        return None
    named = named_prefectures(text, gazetteer) if at is not None or len(options) > 1 else None
    start, end = at if at is not None else (len(text), len(text))
    beside = named.beside(start, end) if named and at is not None else frozenset()
    if beside and all(m.prefecture not in beside for m in options):
        return None  # 京都の嵐山 is no 嵐山町 of 埼玉県: the prefecture beside it says so
    if len(options) == 1 or named is None:
        return options[0]
    for prefectures in (beside, home_prefectures(prefer), named.apart_from(start, end)):
        chosen = one_in(options, prefectures)
        if chosen is not None:
            return chosen
    with_town = [m for m in options if _names_a_town_of(m, text, gazetteer, stripped=False)]
    if not with_town:
        # A town that is also an everyday word (大滝, a waterfall) still tells which of
        # the municipalities the message already names: "伊達 大滝" is Hokkaido's 伊達市.
        with_town = [
            m
            for m in options
            if _names_a_town_of(m, text, gazetteer, stripped=False, everyday=True)
        ]
    if len(with_town) == 1:
        return with_town[0]
    # A designated city and a town sharing a stem (神戸市, 岐阜の神戸町): people who write
    # the stem alone mean the city of a million, not the town.
    cities = [m for m in options if wards_of(m, gazetteer)]
    return cities[0] if not with_town and len(cities) == 1 else None


@lru_cache(maxsize=1024)
def _names_a_town_of(
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
        _town_names_of(gazetteer, municipality)
        if stripped
        else _town_names(gazetteer, municipality, everyday=everyday)
    )
    return any(name in text for name in names)


@lru_cache(maxsize=4096)
def _town_names(
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
