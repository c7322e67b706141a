"""Places written the way people write them, not as addresses.

- A municipality without 市/町/村 ("七尾の中島より", "在宅酸素 停電 穴水"): the largest
  class of places the address finders miss. Its stem counts only as a word of its own
  (no kanji on either side, unless a facility word follows: 輪島中学校, 上田駅), never
  before an honorific (上田さん is a person). Written together with one of its own towns
  (那覇小禄, 倉敷真備) or right after its prefecture (大分日田, 福島の本宮) it counts too;
  after its prefecture even a stem too common to stand alone (本宮, 高山) does.
- A ward by a stem of three characters or more (安佐南, 阿倍野); a ward after its city is
  `wards`'.
- Its reading in kana ("わたし は かなざわ に すんで います", "ﾄﾖﾊｼ"): at least three kana,
  standing between spaces, punctuation or particles, as feature phones and non-native
  writers type it. Two kana (くれ, すず) are words more often than places: read only with
  their し/まち written after them ("くれ し に") or beside one of their own towns.

A stem or reading several municipalities share (伊達, 府中) is resolved by the
deployment's home area, a prefecture named in the message, or a town of one of them
named in it; otherwise it names none rather than a guess. Everyday words that are also
place names (中央, 朝日, さくら) are never read as places on their own. Towns and districts
named alone (唐丹, 山古志, うしつ) are `towns_alone`'s, with the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.schemas import LocationPrecision

SUFFIXES = ("市", "町", "村")
KANA_SUFFIXES = ("ちょう", "まち", "むら", "そん", "し")
STEM_CONFIDENCE = 0.55
READING_CONFIDENCE = 0.5
MIN_READING = 3
_KANJI = "\u4e00-\u9fff\u3005"
_KANJI_CHAR = re.compile(f"[{_KANJI}]")
_KATAKANA_CHAR = re.compile("[\u30a1-\u30fa]")
_KANA_OR_KANJI = re.compile(f"[\u3041-\u309f{_KANJI}]")
_LONGEST_NAME = 8
# After a stem, these keep it a place although a kanji follows (輪島中学校, 上田駅前).
FACILITY = re.compile(
    r"(?:駅|站|港|中学|小学|高校|高等|中央|市内|町内|村内|地区|地方|方面|周辺|役所|役場|病院|"
    r"城|空港|大橋|警察|消防|公民館|体育館|支所|市街|インター|温泉|漁港|大学|東|西|南|北)"
)
# In Chinese a place name stands between function characters with no space or kana:
# "請問函館的避難所", "從高山到名古屋", "住在大分日田". In text that reads as Chinese these
# count as word boundaries; in Japanese a kanji beside a stem still joins it to a longer
# name (高山植物, 府中京区).
CHINESE_BOUNDARIES = (
    "在到從从去回住來来于於和與与問问的那这這附边邊辺車车站駅县縣区區或往至近里裡下海"
)
_KANJI_IN_CHINESE_NAME = re.compile(f"(?![{CHINESE_BOUNDARIES}])[{_KANJI}]")
HONORIFIC = re.compile(r"(?:さん|様|さま|くん|君|ちゃん|氏|先生|家|選手|商店|屋|社長)")
# Kana that may stand next to a reading: particles and copulas ("かなざわ に", "すず です").
_PARTICLE = r"(?:の|に|で|から|は|です|まで|へ|より|を|が|って|や|と|ね|よ|[\s。、,.!?！？]|$)"
PARTICLE_AFTER = re.compile(_PARTICLE)
# Two kana standing as a word, with the kana of 市/町/村 after them or not: "くれ し に".
_SHORT_READING = re.compile(
    rf"(?<![\u3041-\u309f{_KANJI}])([\u3041-\u3096]{{2}})"
    rf"(?:\s?(し|まち|ちょう|むら|そん)(?={_PARTICLE}))?(?={_PARTICLE})"
)
# Readings that look like inflected words (設楽 したら, 宍粟 しそう, 長井 ながい).
INFLECTED = re.compile(r"(?:たら|だら|そう|ない|たい|いた|きい|った|れば|ます)$")
# Stems and readings that are everyday words more often than places.
COMMON_STEMS = frozenset(
    {"中央", "朝日", "大和", "平和", "昭和", "大正", "明和", "本町", "新町", "美里", "清水",
     "日の出", "緑", "港", "東", "西", "南", "北", "中", "旭", "栄", "光", "和光", "長生",
     "行方", "東北", "北海", "大木", "大島", "中島", "高山", "白石", "本宮", "能登"}
)  # fmt: skip
COMMON_READINGS = frozenset(
    {"あさひ", "みどり", "みなみ", "ひがし", "にし", "きた", "ちゅうおう", "やまと", "さくら",
     "みずほ", "さかえ", "ひかり", "ほんまち", "しんまち", "みさと", "しみず", "わこう",
     "なか", "みなと", "あおば", "いずみ", "はなみずき", "たから", "しらかわ", "すいた",
     "おおき", "ながい", "たかい", "ひろい", "あつい", "さむい", "いわない", "たいない"}
)  # fmt: skip


# Stems that name a region more often than their municipality: 石川の能登 is the peninsula.
REGIONS = frozenset({"能登", "東北", "中央"})


@dataclass(frozen=True, slots=True)
class ShortName:
    """A municipality found by its short name or reading, or None where it was ambiguous."""

    text: str
    municipality: Municipality
    precision: LocationPrecision
    confidence: float


@dataclass(frozen=True)
class _Index:
    stems: dict[str, list[Municipality]]
    readings: dict[str, list[Municipality]]
    stem_prefixes: frozenset[str]
    reading_prefixes: frozenset[str]
    # Stems too common to stand alone (本宮, 高山), and two-kana readings (くれ, すず): read
    # only with what tells they are places (`_after_prefecture`, `_short_readings`).
    guarded_stems: dict[str, list[Municipality]]
    short_readings: dict[str, list[Municipality]]


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
def _index(gazetteer: Gazetteer) -> _Index:
    stems: dict[str, list[Municipality]] = {}
    guarded: dict[str, list[Municipality]] = {}
    readings: dict[str, list[Municipality]] = {}
    short_readings: dict[str, list[Municipality]] = {}
    for m in gazetteer.municipalities:
        if m.ward is not None:
            # A ward is found after its city (`ward_in_text`), or alone by a stem of three
            # characters or more that names it (安佐南, 宮城野, 阿倍野); 中央, 東 do not.
            ward_stem = m.ward.removesuffix("区")
            if len(ward_stem) >= 3 and _KANJI_CHAR.search(ward_stem):
                stems.setdefault(ward_stem, []).append(m)
            continue
        stem = stem_of(m.name)
        # A name in kana (いの町, むかわ町) is found by its reading, with word boundaries.
        if stem and re.search(f"[{_KANJI}]", stem):
            (guarded if stem in COMMON_STEMS else stems).setdefault(stem, []).append(m)
        reading = _reading(m.kana)
        if reading and reading not in COMMON_READINGS and not _looks_inflected(reading):
            readings.setdefault(reading, []).append(m)
        two = _reading(m.kana, shortest=2)
        if two is not None and len(two) == 2:
            short_readings.setdefault(two, []).append(m)
    for prefecture in gazetteer.prefectures:  # 熊本, 沖縄: the prefecture more often
        if prefecture.short in stems:
            guarded[prefecture.short] = stems.pop(prefecture.short)
    for stem in [s for s in stems if s in guarded]:  # a ward stem that is a guarded one
        guarded[stem] += stems.pop(stem)
    return _Index(
        stems,
        readings,
        frozenset(name[:2] for name in stems),
        frozenset(name[:2] for name in readings),
        guarded,
        short_readings,
    )


def municipality_stems(gazetteer: Gazetteer) -> frozenset[str]:
    """The stems a municipality is found by (七尾, 石巻): no town takes them."""
    return frozenset(_index(gazetteer).stems)


def municipality_readings(gazetteer: Gazetteer) -> frozenset[str]:
    """The readings a municipality is found by (いしのまき): no town takes them."""
    return frozenset(_index(gazetteer).readings)


KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


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
    index = _index(gazetteer)
    found: list[ShortName] = []
    kanji = _KANJI_IN_CHINESE_NAME if chinese else _KANJI_CHAR
    for start, stem in _words(text, index.stems, index.stem_prefixes, kanji):
        options = index.stems[stem]
        after = text[start + len(stem) :]
        joined = kanji.match(after) or _KATAKANA_CHAR.match(after)
        if joined and not FACILITY.match(after):
            # 鶴田ダム, 石垣島: another name that begins with the stem; but 那覇小禄, 倉敷真備:
            # the city and one of its own towns, written together.
            options = _with_town_at(options, after, gazetteer)
            if not options:
                continue
        if HONORIFIC.match(after):
            continue
        chosen = _resolve(options, text, gazetteer, prefer)
        if chosen is not None:
            found.append(ShortName(stem, chosen, LocationPrecision.MUNICIPALITY, STEM_CONFIDENCE))
    found += _after_prefecture(text, index, gazetteer, {s.text for s in found}, kanji)
    hiragana = (spaced if spaced is not None else text).translate(KATAKANA_TO_HIRAGANA)
    for start, reading in _words(hiragana, index.readings, index.reading_prefixes, _KANA_OR_KANJI):
        if not PARTICLE_AFTER.match(hiragana, start + len(reading)):
            continue
        chosen = _resolve(index.readings[reading], hiragana, gazetteer, prefer)
        if chosen is not None:
            found.append(
                ShortName(reading, chosen, LocationPrecision.MUNICIPALITY, READING_CONFIDENCE)
            )
    found += _short_readings(hiragana, text, index, gazetteer)
    return found


def _town_names_of(gazetteer: Gazetteer, municipality: Municipality) -> list[str]:
    """`_town_names`, and each without its 町/村 (飯田 of 飯田町): how people write them."""
    names = _town_names(gazetteer, municipality)
    return [*names, *(n[:-1] for n in names if n[-1] in "町村" and len(n) >= 3)]


def _with_town_at(
    options: list[Municipality], after: str, gazetteer: Gazetteer
) -> list[Municipality]:
    """The options one of whose own towns `after` begins with (小禄 of 那覇市)."""
    return [
        m for m in options if any(after.startswith(name) for name in _town_names_of(gazetteer, m))
    ]


def _after_prefecture(
    text: str, index: _Index, gazetteer: Gazetteer, taken: set[str], kanji: re.Pattern[str]
) -> list[ShortName]:
    """A stem right after its own prefecture: 大分日田, 福島の本宮, 岐阜県の高山. The prefecture
    tells which, so even a stem too common to stand alone (本宮, 高山) is read."""
    found: list[ShortName] = []
    for prefecture in gazetteer.prefectures:
        for written in {prefecture.name, prefecture.short}:
            start = text.find(written)
            while start >= 0:
                end = start + len(written)
                end += 1 if text.startswith("の", end) else 0
                found += _stem_of_prefecture(text, end, prefecture, index, taken, kanji)
                start = text.find(written, end)
    return found


def _stem_of_prefecture(
    text: str,
    start: int,
    prefecture: Prefecture,
    index: _Index,
    taken: set[str],
    kanji: re.Pattern[str],
) -> list[ShortName]:
    for length in range(min(_LONGEST_NAME, len(text) - start), 1, -1):
        stem = text[start : start + length]
        options = [
            m
            for m in [*index.stems.get(stem, ()), *index.guarded_stems.get(stem, ())]
            if m.prefecture == prefecture.name
        ]
        after = text[start + length :]
        if len(options) != 1 or stem in taken or stem in REGIONS or HONORIFIC.match(after):
            continue
        if kanji.match(after) and not FACILITY.match(after):
            continue  # 岐阜高山植物 is no place (in Chinese, 熊本阿蘇那辺 is: 那 ends a word)
        return [ShortName(stem, options[0], LocationPrecision.MUNICIPALITY, STEM_CONFIDENCE)]
    return []


def _short_readings(
    hiragana: str, text: str, index: _Index, gazetteer: Gazetteer
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
            options = [m for m in options if any(n in text for n in _town_names_of(gazetteer, m))]
        if len(options) == 1:
            municipality = options[0]
            found.append(
                ShortName(reading, municipality, LocationPrecision.MUNICIPALITY, READING_CONFIDENCE)
            )
    return found


def _words(
    text: str,
    names: dict[str, list[Municipality]],
    prefixes: frozenset[str],
    joined: re.Pattern[str],
) -> list[tuple[int, str]]:
    """(start, name) of the longest name at each word start, left to right.

    A dictionary look-up per position and length, screened by the names' first two
    characters: a regular expression alternating 3,000 names cost 0.2 ms a message.
    """
    found: list[tuple[int, str]] = []
    position, end = 0, len(text)
    while position < end - 1:
        if text[position : position + 2] not in prefixes or (
            position > 0 and joined.match(text, position - 1)
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
) -> Municipality | None:
    """The one municipality meant, or None when nothing in the message tells which."""
    if len(options) == 1:
        return options[0]
    if isinstance(prefer, Municipality):
        same = [
            m for m in options if m.lgcode == prefer.lgcode or m.prefecture == prefer.prefecture
        ]
        if len(same) == 1:
            return same[0]
    if isinstance(prefer, Prefecture):
        same = [m for m in options if m.prefecture == prefer.name]
        if len(same) == 1:
            return same[0]
    named = [
        m
        for m in options
        if (p := gazetteer.prefecture_by_name.get(m.prefecture)) and (p.short in text)
    ]
    if len(named) == 1:
        return named[0]
    with_town = [m for m in options if any(name in text for name in _town_names(gazetteer, m))]
    return with_town[0] if len(with_town) == 1 else None


def _town_names(gazetteer: Gazetteer, municipality: Municipality) -> list[str]:
    """Town names of at least two characters (大滝, 中島) that are not everyday words: a
    consistency check."""
    ordinary = gazetteer.ordinary_words
    return [
        t.name
        for t in gazetteer.towns_of(municipality.lgcode).values()
        if len(t.name) >= 2 and t.name not in ordinary
    ]
