"""Places written the way people write them, not as addresses.

- A municipality without 市/町/村 ("七尾の中島より", "在宅酸素 停電 穴水"): the largest
  class of places the address finders miss. Its stem counts only as a word of its own
  (no kanji on either side, unless a facility word follows: 輪島中学校, 上田駅), never
  before an honorific (上田さん is a person).
- Its reading in kana ("わたし は かなざわ に すんで います", "ﾄﾖﾊｼ"): at least three kana,
  standing between spaces, punctuation or particles, as feature phones and non-native
  writers type it.
- A ward after its designated city ("熊本市の東区", "札幌の東区"): the ward, not the city.

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
from triage.geo.normalize import place_key
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
     "おおき", "ながい", "たかい", "ひろい", "あつい", "さむい"}
)  # fmt: skip


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


def _stem(name: str) -> str | None:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _reading(kana: str) -> str | None:
    for suffix in KANA_SUFFIXES:
        if kana.endswith(suffix) and len(kana) - len(suffix) >= MIN_READING:
            return kana[: -len(suffix)]
    return None


@lru_cache(maxsize=4)
def _index(gazetteer: Gazetteer) -> _Index:
    stems: dict[str, list[Municipality]] = {}
    readings: dict[str, list[Municipality]] = {}
    for m in gazetteer.municipalities:
        if m.ward is not None:  # a ward is found after its city (`refine_wards`)
            continue
        stem = _stem(m.name)
        # A name in kana (いの町, むかわ町) is found by its reading, with word boundaries.
        if stem and stem not in COMMON_STEMS and re.search(f"[{_KANJI}]", stem):
            stems.setdefault(stem, []).append(m)
        reading = _reading(m.kana)
        if reading and reading not in COMMON_READINGS and not INFLECTED.search(reading):
            readings.setdefault(reading, []).append(m)
    for prefecture in gazetteer.prefectures:  # 熊本, 沖縄: the prefecture more often
        stems.pop(prefecture.short, None)
    return _Index(
        stems,
        readings,
        frozenset(name[:2] for name in stems),
        frozenset(name[:2] for name in readings),
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
        after = text[start + len(stem) :]
        joined = kanji.match(after) or _KATAKANA_CHAR.match(after)
        if joined and not FACILITY.match(after):
            continue  # 鶴田ダム, 石垣島: another name that begins with the stem
        if HONORIFIC.match(after):
            continue
        chosen = _resolve(index.stems[stem], text, gazetteer, prefer)
        if chosen is not None:
            found.append(ShortName(stem, chosen, LocationPrecision.MUNICIPALITY, STEM_CONFIDENCE))
    hiragana = (spaced if spaced is not None else text).translate(KATAKANA_TO_HIRAGANA)
    for start, reading in _words(hiragana, index.readings, index.reading_prefixes, _KANA_OR_KANJI):
        if not PARTICLE_AFTER.match(hiragana, start + len(reading)):
            continue
        chosen = _resolve(index.readings[reading], hiragana, gazetteer, prefer)
        if chosen is not None:
            found.append(
                ShortName(reading, chosen, LocationPrecision.MUNICIPALITY, READING_CONFIDENCE)
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
        stem = _stem(city.name)
        if city.name in text or (stem is not None and stem in text):
            return ward
    return None
