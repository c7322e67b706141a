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
  standing between spaces, punctuation or particles, or with its own 市/町/村 after it,
  in kana or kanji, with a space or not (にしわがまち, "しばた し", "ながの市 に"), as
  feature phones and non-native writers type it; the kind written decides between
  municipalities sharing the reading (しばた し is 新発田市, not 柴田町). Two kana (くれ,
  すず) are words more often than places: read only with their し/まち written after them
  ("くれ し に") or beside one of their own towns.

A stem or reading several municipalities share (伊達, 府中) is resolved by the prefecture
written beside it, the deployment's home area, a prefecture named elsewhere in the
message (`prefecture_named`), or a town of one of them named in it (`towns_named`);
otherwise it names none rather than a guess. Everyday words that are also place names
(中央, 朝日, さくら; in kana いたみ 痛み, ちょうし 調子, しろい 白い) are never read as places on
their own: a reading of them counts only with its own し/まち/むら ("いたみ し" is 伊丹市).
Towns and districts named alone (唐丹, 山古志, うしつ) are `towns_alone`'s, with the same
rules; stems in Chinese after a verb of being (在冈崎工作, 住在高山的) `chinese_stems`'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.geo.chinese_stems import after_chinese_verb, guarded_stems_in_chinese
from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.place_words import (
    BEFORE_A_READING,
    CHINESE_BOUNDARIES,
    FACILITY,
    HONORIFIC,
    KANJI,
    KANJI_CHAR,
    KATAKANA_TO_HIRAGANA,
    NOT_AFTER_A_READING_JOIN,
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
from triage.geo.short_name_index import ShortNameIndex, city_over_its_towns, short_name_index
from triage.geo.towns_named import (
    names_a_town_of,
    names_a_town_reading_of,
    towns_of_each_other,
    with_town_at,
    with_town_head_after,
)
from triage.geo.wards import wards_of

STEM_CONFIDENCE = 0.55
READING_CONFIDENCE = 0.5
_KATAKANA_CHAR = re.compile("[\u30a1-\u30fa]")
_LONGEST_NAME = 8
_COUNTED_BEFORE = re.compile(r"[0-9]\s$")
_KANJI_IN_CHINESE_NAME = re.compile(f"(?![{CHINESE_BOUNDARIES}])[{KANJI}]")
# Two kana standing as a word, with the kana of 市/町/村 after them or not: "くれ し に".
_SHORT_READING = re.compile(
    rf"{NOT_AFTER_A_READING_JOIN}([\u3041-\u3096]{{2}})"
    rf"(?:\s?(し|まち|ちょう|むら|そん)(?={PARTICLE}))?(?={PARTICLE})"
)
# A reading's own 市/町/村 right after it, with a space or not, in kana and then what may
# follow a word ("しばた し", "にしわがまち"), or in kanji ("ながの市 に", "しずおか市内"; not
# 市場, a market).
_SUFFIX_AFTER = re.compile(rf"\s?(?:(し|まち|ちょう|むら|そん)(?={PARTICLE})|(市|町|村)(?!場))")
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
    converted: bool = False,
) -> list[ShortName]:
    """Municipalities named by stem in normalised `text`, or by reading in `spaced` (the
    message after NFKC only: its spaces are what separate words in kana-only writing).
    `chinese`: the text reads as Chinese (`CHINESE_BOUNDARIES` separate its words);
    `converted`: it is Chinese converted to Japanese kanji, where a verb before a stem
    says it is a place (`chinese_stems`; as written, 名古屋荣 is not yet 名古屋栄)."""
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
        went = converted and after_chinese_verb(text, start)  # 在冈崎工作: 岡崎, then "work"
        if joined and not FACILITY.match(after) and not went:
            # 鶴田ダム, 石垣島: another name that begins with the stem; but 那覇小禄, 倉敷真備:
            # the city and one of its own towns, written together.
            options = with_town_at(options, after, gazetteer)
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
    if converted:  # 住在高山的民宿, 我们家在熊本
        found += [
            ShortName(stem, city, LocationPrecision.MUNICIPALITY, STEM_CONFIDENCE)
            for stem, city in guarded_stems_in_chinese(text, gazetteer, prefer)
            if stem not in taken
        ]
    hiragana = (spaced if spaced is not None else text).translate(KATAKANA_TO_HIRAGANA)
    readings = index.any_readings
    for start, reading in _words(hiragana, readings, index.reading_prefixes, BEFORE_A_READING):
        if _COUNTED_BEFORE.search(hiragana, 0, start):
            continue  # "2 かい": a count with a space, not 甲斐市
        options, end = readings[reading], start + len(reading)
        confidence = READING_CONFIDENCE
        # "にしわがまち", "しばた し", "ながの市": its own 市, 町 or 村 written after it says
        # more than a bare reading (しばた is 新発田市 and 柴田町; わたり of "ｸﾏﾑﾗ ﾜﾀﾘ" is
        # 亘理町 and a district of 球磨村), and makes a place of a word (いたみ し: 伊丹市).
        suffix = _SUFFIX_AFTER.match(hiragana, end)
        if suffix is not None:
            options = [m for m in options if _of_kind(m, reading, suffix)]
            confidence = SUFFIXED_READING_CONFIDENCE
        elif reading in index.suffixed_readings or not (
            PARTICLE_AFTER.match(hiragana, end) or _STATION_AFTER.match(hiragana, end)
        ):
            continue
        chosen = _resolve(options, hiragana, gazetteer, prefer, reading=reading)
        if chosen is not None:
            found.append(ShortName(reading, chosen, LocationPrecision.MUNICIPALITY, confidence))
    found += _short_readings(hiragana, text, index, gazetteer)
    if not chinese:  # 吴 is a Chinese surname before it is 呉
        found += _names_beside_particles(text, index, gazetteer, prefer, {f.text for f in found})
    return _as_towns_of_each_other(found, gazetteer)


def _as_towns_of_each_other(found: list[ShortName], gazetteer: Gazetteer) -> list[ShortName]:
    """Each name that is a town of another municipality the message names, as that town
    (`towns_of_each_other`): "すず 飯田" is 飯田町 of 珠洲市, not 飯田市."""
    municipal = [s for s in found if s.precision is LocationPrecision.MUNICIPALITY]
    if len(municipal) < 2:
        return found  # most messages: no other name for one to be a town of
    hosts = towns_of_each_other([(s.text, s.municipality) for s in municipal], gazetteer)
    town_of = {id(s): host for s, host in zip(municipal, hosts, strict=True)}
    result: list[ShortName] = []
    for short in found:
        host = town_of.get(id(short))
        if host is None:
            result.append(short)
        else:
            result.append(
                ShortName(short.text, host[0], LocationPrecision.TOWN, short.confidence, host[1])
            )
    return result


def _of_kind(municipality: Municipality, reading: str, suffix: re.Match[str]) -> bool:
    """Whether the suffix written after `reading` is the municipality's own: its kana
    (しばた し is 新発田市, しばたし; not 柴田町, しばたまち) or its kanji (ながの市)."""
    kana, kanji = suffix.group(1), suffix.group(2)
    if kana is not None:
        return municipality.kana == reading + kana
    return municipality.name.endswith(kanji)


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
            options = [m for m in options if names_a_town_of(m, text, gazetteer, stripped=True)]
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
    reading: str = "",
) -> Municipality | None:
    """The one municipality meant, or None when nothing in the message tells which: the
    prefecture written beside the name (`at`, its span in `text`), the home area's, one
    named elsewhere in the message, then a town of one of them that the message names
    (by its reading too, for a `reading` found in kana). None too when the prefecture
    beside the name has none of them."""
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
    with_town = [m for m in options if names_a_town_of(m, text, gazetteer, stripped=False)]
    if not with_town:
        # A town that is also an everyday word (大滝, a waterfall) still tells which of
        # the municipalities the message already names: "伊達 大滝" is Hokkaido's 伊達市.
        with_town = [
            m for m in options if names_a_town_of(m, text, gazetteer, stripped=False, everyday=True)
        ]
    if not with_town:
        # 釧路の星が浦 (the head of towns of 釧路市), ﾄﾖｵｶ ﾋﾀﾞｶ (日高 of 豊岡市, read in kana).
        with_town = (
            with_town_head_after(options, text[end:], gazetteer)
            if at is not None
            else [
                m for m in options if names_a_town_reading_of(m, text, gazetteer, besides=reading)
            ]
        )
    if len(with_town) == 1:
        return with_town[0]
    # A designated city and a town sharing a stem (神戸市, 岐阜の神戸町): people who write
    # the stem alone mean the city of a million, not the town.
    cities = [m for m in options if wards_of(m, gazetteer)]
    if with_town:
        return None
    return cities[0] if len(cities) == 1 else city_over_its_towns(options)
