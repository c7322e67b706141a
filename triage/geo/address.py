"""Read a Japanese address (都道府県 市区町村 町字 番地) at a position of normalised text.

Rules plus the gazetteer: the prefecture and municipality come from the name lists; the
town is the longest known town of that municipality that the text starts with, else the
text up to the block number (a town we have never seen still reads right). Text must go
through `normalize_text` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.normalize import int_to_kanji, place_key, split_town
from triage.geo.prefecture_named import named_prefectures, one_in
from triage.geo.schemas import LocationPrecision
from triage.geo.towns import Town

_COUNTY = re.compile(r"[^0-9\s、。]{1,5}?郡")
_BLOCK_AFTER_BASE = re.compile(r"([0-9]{1,2})-[0-9]+(-[0-9]+)?")
# What may follow a town in a sentence: a block number, a chome, or punctuation/particles.
_SENTENCE_PARTICLES = frozenset("でにはをへとのがもや、。!?()「」")
_NOT_A_TOWN = re.compile(r"[でにはをへ、。!?「」]")
# Endings that make a whole name a town of its own, not a known town plus a 字.
_TOWN_SUFFIXES = ("町", "丁目", "丁", "台", "丘", "新田", "通", "条", "村")


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """A place read from text: `start`/`end` index the normalised text."""

    start: int
    end: int
    prefecture: Prefecture | None
    municipality: Municipality | None
    town: str | None
    town_point: Town | None  # the known town whose point we use, if any
    ambiguous: bool  # the municipality name has other candidates

    @property
    def precision(self) -> LocationPrecision:
        if self.town is not None:
            return LocationPrecision.TOWN
        if self.municipality is not None:
            return LocationPrecision.MUNICIPALITY
        return LocationPrecision.PREFECTURE

    @property
    def point(self) -> tuple[float, float] | None:
        if self.town_point is not None:
            return self.town_point.lat, self.town_point.lon
        if self.municipality is not None:
            return self.municipality.lat, self.municipality.lon
        if self.prefecture is not None:
            return self.prefecture.lat, self.prefecture.lon
        return None


def match_prefecture(text: str, start: int, gazetteer: Gazetteer) -> tuple[Prefecture, int] | None:
    """A full prefecture name (石川県, 東京都, 北海道) at `start`."""
    for length in (4, 3):
        prefecture = gazetteer.prefecture_by_name.get(text[start : start + length])
        if prefecture is not None:
            return prefecture, start + length
    return None


def match_short_prefecture(
    text: str, start: int, gazetteer: Gazetteer
) -> tuple[Prefecture, int] | None:
    """A prefecture without 県/府/都 (石川輪島市): only counted when a municipality follows."""
    for length in (3, 2):
        prefecture = gazetteer.prefecture_by_short.get(text[start : start + length])
        if prefecture is not None:
            return prefecture, start + length
    return None


def match_municipalities(
    text: str,
    start: int,
    gazetteer: Gazetteer,
    prefecture: Prefecture | None,
) -> tuple[list[Municipality], int]:
    """Candidates for the longest municipality name at `start` (after an optional 郡).

    A designated city followed by one of its wards resolves to the ward. A bare ward name
    (中央区) lists every city that has one; the caller breaks the tie.
    """
    county = _COUNTY.match(text, start) if "郡" in text else None
    starts = [start] if county is None else [county.end(), start]
    for begin in starts:
        if place_key(text[begin : begin + 2]) not in gazetteer.municipality_prefixes:
            continue
        limit = min(gazetteer.max_municipality_name, len(text) - begin)
        for length in range(limit, 1, -1):
            key = place_key(text[begin : begin + length])
            found = gazetteer.municipalities_by_name.get(key, []) + gazetteer.wards_by_name.get(
                key, []
            )
            if prefecture is not None:
                found = [m for m in found if m.prefecture == prefecture.name]
            if not found:
                continue
            end = begin + length
            wards = _ward_after(text, end, found, gazetteer)
            if wards is not None:
                return wards
            return found, end
    return [], start


def _ward_after(
    text: str, end: int, cities: list[Municipality], gazetteer: Gazetteer
) -> tuple[list[Municipality], int] | None:
    for length in range(5, 1, -1):
        key = place_key(text[end : end + length])
        wards = [
            ward
            for ward in gazetteer.wards_by_name.get(key, [])
            if any(ward.parent_lgcode == city.lgcode for city in cities)
        ]
        if wards:
            return wards, end + length
    return None


def match_town(
    text: str, start: int, municipality: Municipality, gazetteer: Gazetteer, *, strict: bool
) -> tuple[str, Town | None, int] | None:
    """The town at `start` as (name as written, known town or None, end).

    `strict` (free text) accepts an unknown town only when a block number follows it, so
    that the rest of a sentence (輪島市で家が…) is never taken for a town.
    """
    towns = gazetteer.towns_of(municipality.lgcode)
    rest = text[start : start + 40]
    rule_town, after = split_town(rest)
    if not rule_town:
        return None
    start += len(rest) - len(rule_town) - len(after)  # Kyoto streets before the town
    skip = 2 if rule_town.startswith("大字") else 1 if rule_town.startswith("字") else 0
    followed_by_block = after[:1].isdigit() or after.startswith(("番", "-"))
    for length in range(len(rule_town), skip + 1, -1):
        name = rule_town[:length]
        town = towns.get(place_key(name)) or towns.get(place_key(name[skip:]))
        if town is None:
            continue
        name = _canonical(name, town)
        if length == len(rule_town):
            return _with_chome(name, town, after, towns, start + length)
        remainder = rule_town[length:]
        if remainder.startswith("字"):
            # 原田町字東三分一: the 字 we do not know is left to the block part.
            return name, town, start + length
        if rule_town.endswith(_TOWN_SUFFIXES) and not _NOT_A_TOWN.search(rule_town):
            # 長津田みなみ台一丁目, 田園調布本町: a town we do not know, next to one we do.
            return rule_town, town, start + len(rule_town)
        if not strict or remainder[0] in _SENTENCE_PARTICLES:
            # 勝浦家六: a 字 written without 字 after a known town.
            return name, town, start + length
        break
    if _NOT_A_TOWN.search(rule_town) or len(rule_town) > 12:
        return None
    if strict and not followed_by_block:
        return None
    return rule_town, None, start + len(rule_town)


def _canonical(written: str, town: Town) -> str:
    """The gazetteer's spelling (不動ケ岡 for 不動ヶ岡), keeping a 大字 the writer gave."""
    if written.startswith("大字") and not town.name.startswith("大字"):
        return "大字" + town.name
    return town.name


def _with_chome(
    name: str, town: Town, after: str, towns: dict[str, Town], end: int
) -> tuple[str, Town | None, int]:
    """若林 + 5-12-2 is 若林五丁目: addresses often leave 丁目 out.

    Taken as a chome when the town is known to have chome, or when three numbers follow
    (chome-block-number), which only a chome address has.
    """
    block = _BLOCK_AFTER_BASE.match(after)
    if block is None:
        return name, town, end
    key = place_key(name)
    has_chome = any(key + int_to_kanji(n) + "丁目" in towns for n in range(1, 10))
    if has_chome or block.group(2) is not None:
        chome = name + int_to_kanji(int(block.group(1))) + "丁目"
        known = towns.get(place_key(chome), town)
        return chome, known, end + len(block.group(1))
    return name, town, end


def _preference(municipality: Municipality, prefer: Municipality | Prefecture | None) -> int:
    """2: the preferred municipality (or its city), 1: its prefecture, 0: elsewhere."""
    if isinstance(prefer, Municipality):
        if municipality.lgcode in (prefer.lgcode, prefer.parent_lgcode):
            return 2
        return int(municipality.prefecture == prefer.prefecture)
    if isinstance(prefer, Prefecture):
        return int(municipality.prefecture == prefer.name)
    return 0


def _town_after_no(text: str, end: int, municipality: Municipality, gazetteer: Gazetteer) -> bool:
    """A known town of the municipality after の (鶴見区の生麦): which of same-named wards
    is meant, as a town written right after the name tells. Not read into the address:
    people write the の between a name and what is near it as often as its town."""
    if not text.startswith("の", end):
        return False
    town = match_town(text, end + 1, municipality, gazetteer, strict=True)
    return town is not None and town[1] is not None


def parse_address(
    text: str,
    start: int,
    gazetteer: Gazetteer,
    *,
    strict: bool = False,
    prefer: Municipality | Prefecture | None = None,
) -> ParsedAddress | None:
    """An address beginning exactly at `start`, or None.

    Between same-named municipalities (森町, 東区), a prefecture the text names right
    beside the name decides (静岡の森町, 大阪の東区), then `prefer` (the deployment's
    area), then a prefecture named elsewhere in the text, then the one whose known towns
    match the text, then the larger one.
    """
    prefecture: Prefecture | None = None
    position = start
    matched = match_prefecture(text, start, gazetteer)
    if matched is not None:
        prefecture, position = matched
    candidates, end = match_municipalities(text, position, gazetteer, prefecture)
    if not candidates and prefecture is None:
        short = match_short_prefecture(text, start, gazetteer)
        if short is not None:
            candidates, end = match_municipalities(text, short[1], gazetteer, short[0])
            if candidates:
                prefecture = short[0]
    if not candidates:
        if prefecture is None:
            return None
        return ParsedAddress(start, position, prefecture, None, None, None, ambiguous=False)
    # Read only for a name several municipalities share: most addresses have one.
    named = named_prefectures(text, gazetteer) if len(candidates) > 1 else None
    beside = named.beside(start, end) if named else frozenset()
    elsewhere = named.apart_from(start, end) if named else frozenset()
    if beside and not any(m.prefecture in beside for m in candidates):
        return None  # 静岡の中区: none of the 中区 is that prefecture's, and no other says which
    scored: list[
        tuple[
            tuple[int, int, int, int, int, int], Municipality, tuple[str, Town | None, int] | None
        ]
    ]
    scored = []
    for municipality in candidates:
        town = match_town(text, end, municipality, gazetteer, strict=strict)
        rank = (
            int(municipality.prefecture in beside),
            _preference(municipality, prefer),
            int(municipality.prefecture in elsewhere),
            int(town is not None and town[1] is not None)
            or int(len(candidates) > 1 and _town_after_no(text, end, municipality, gazetteer)),
            int(municipality.parent_lgcode is None),
            municipality.sites,
        )
        scored.append((rank, municipality, town))
    scored.sort(key=lambda item: item[0], reverse=True)
    _, municipality, town = scored[0]
    prefecture = prefecture or gazetteer.prefecture_by_name[municipality.prefecture]
    # The prefecture beside the name leaves no doubt when it has only one of them.
    ambiguous = len(scored) > 1 and one_in(candidates, beside) is None
    if town is None:
        return ParsedAddress(start, end, prefecture, municipality, None, None, ambiguous)
    name, known, town_end = town
    return ParsedAddress(start, town_end, prefecture, municipality, name, known, ambiguous)
