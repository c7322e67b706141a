"""Find the places a message names: addresses, towns, landmarks, features, romaji names.

Each finder returns `Candidate`s; `best_candidate` picks one. The finders are strict on
purpose: a message that names no place must get none ("水がほしい" has no place), so a
bare word is taken for a place only when it is long or distinctive enough, or when its
context (a municipality, the deployment's area, 駅, "city") says it is one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from triage.geo.address import ParsedAddress, parse_address
from triage.geo.candidate import Candidate
from triage.geo.chinese import looks_chinese, to_japanese_kanji
from triage.geo.colloquial import short_name_candidates, with_ward
from triage.geo.features import find_features
from triage.geo.former_municipalities import town_of_city_before
from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.landmarks import find_named_landmarks, with_named_landmarks
from triage.geo.latin_hosts import towns_of_named_hosts
from triage.geo.longer_names import inside_longer_town
from triage.geo.normalize import normalize_text, place_key, split_town
from triage.geo.prefecture_named import placed_outside
from triage.geo.romaji_places import find_romaji
from triage.geo.routes import origin_over_destination, route_origins
from triage.geo.schemas import LocationPrecision
from triage.geo.school_names import find_school_shelters
from triage.geo.town_owners import (
    heads_elsewhere,
    rows_of_city_beside,
    rows_of_former_municipality,
)
from triage.geo.towns import APPROXIMATE_DISCOUNT, TownOrigin

_MUNICIPALITY_SUFFIX = re.compile(r"(市|町|村|区)$")
# After a municipality name without its suffix (七尾駅, 輪島市内 is already a full name).
_STEM_CONTEXT = (
    "駅", "港", "周辺", "付近", "附近", "近辺", "方面", "地区", "インター", "IC", "市街",
)  # fmt: skip
_LANDMARK_MIN = 4
# A shelter named in katakana, hiragana or Latin letters alone (シーサイド, ウィング,
# あおぞら; おらんど inside the dialect's おらんどん) is usually a word.
_PLAIN_WORD = re.compile(
    r"[\u3041-\u309f\u30a0-\u30ffA-Za-z0-9]+"
)  # shorter shelter names (公民館) are generic words
# An adjective and a noun (赤い屋根, 青い鳥, 古い家) is a phrase before it is a shelter's
# name (町田市's 赤い屋根): such a name counts only in the municipality the message names.
_EVERYDAY_PHRASE = re.compile(r"[\u4e00-\u9fff]{1,2}(?:しい|い)[\u4e00-\u9fff]{1,3}")
_KANJI_BEFORE = re.compile(r"[\u4e00-\u9fff\u3005]")
_KANJI_RUN_BEFORE = re.compile(r"[\u4e00-\u9fff]{1,4}$")
_KANJI_RUN_AFTER = re.compile(r"[\u4e00-\u9fff]{1,4}")


def _from_address(text: str, parsed: ParsedAddress, *, strict: bool) -> Candidate:
    point = parsed.point
    own_point = parsed.town_point is not None and not parsed.town_point.approximate
    confidence = {
        LocationPrecision.TOWN: 0.85 if own_point else 0.7,
        LocationPrecision.MUNICIPALITY: 0.8,
        LocationPrecision.PREFECTURE: 0.5,
    }[parsed.precision]
    if parsed.ambiguous:
        confidence -= 0.15
    return Candidate(
        text=text[parsed.start : parsed.end],
        prefecture=parsed.prefecture.name if parsed.prefecture else None,
        municipality=parsed.municipality,
        town=parsed.town,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        precision=parsed.precision,
        confidence=round(confidence, 2),
    )


def find_addresses(
    text: str, gazetteer: Gazetteer, prefer: Municipality | Prefecture | None
) -> list[Candidate]:
    """Prefecture / municipality names anywhere in the text, read on as addresses.

    An address starts with a prefecture or municipality name, so a position whose first
    two characters begin none is skipped without parsing (most positions of a message);
    a 郡 anywhere lets a county name start the address, and then every position is tried.
    """
    found: list[Candidate] = []
    keyed = place_key(text)
    municipality_prefixes = gazetteer.municipality_prefixes
    prefecture_prefixes = gazetteer.prefecture_prefixes
    every_position = "郡" in text
    if not every_position and not (
        gazetteer.municipality_starts.search(keyed) or gazetteer.prefecture_starts.search(text)
    ):
        return found
    position = 0
    while position < len(text):
        if not every_position and (
            keyed[position : position + 2] not in municipality_prefixes
            and text[position : position + 2] not in prefecture_prefixes
        ):
            position += 1
            continue
        parsed = parse_address(text, position, gazetteer, strict=True, prefer=prefer)
        if parsed is None or (
            parsed.municipality is not None
            and inside_longer_town(text, position, parsed.municipality, gazetteer)
        ):
            position += 1  # 森町 of 大森町: the town as written is read by `find_towns`
            continue
        found.append(_from_address(text, parsed, strict=True))
        position = max(parsed.end, position + 1)
    return found


def find_towns(
    text: str, gazetteer: Gazetteer, prefer: Municipality | Prefecture | None
) -> list[Candidate]:
    """Town names without their municipality: 真備町 -> 岡山県倉敷市.

    Only names of 3+ characters ending in 町/村 (or followed by 駅), or any town of the
    preferred municipality that is not an everyday word, and only when all towns of that
    name lie in one municipality (or the preferred one has it): 本町 or 中央 alone mean
    nothing. A town without a point of its own (`Town.approximate`) is a little less sure.
    """
    found: list[Candidate] = []
    index = gazetteer.town_index
    prefixes = gazetteer.town_prefixes
    keyed = place_key(text)  # same length as text: slices line up
    if not gazetteer.town_starts.search(keyed):
        return found
    table = gazetteer.town_table
    home = prefer.lgcode if isinstance(prefer, Municipality) else None
    matched_until = 0  # a town inside one already found is not another (立町 of 宝立町)
    for start in range(len(text)):
        if start < matched_until or keyed[start : start + 2] not in prefixes:
            continue
        for length in range(min(8, len(text) - start), 1, -1):
            name = text[start : start + length]
            found_rows = index.get(keyed[start : start + length])
            if found_rows is None:
                continue
            rows: Sequence[int] = found_rows
            following = text[start + length : start + length + 1]
            distinctive = length >= 3 and (name[-1] in "町村" or following == "駅")
            preferred = [
                row
                for row in rows
                if gazetteer.municipalities[table.municipality[row]].lgcode == home
                and (table.origins[row] == TownOrigin.ADDRESS or _word_start(text, start))
            ]
            if preferred and isinstance(prefer, Municipality):
                span = (start, start + length)
                if placed_outside(prefer.prefecture, text, span, gazetteer):
                    preferred = []  # 長野の中野: not the town 中野 of a home area in Tokyo
            if preferred and (distinctive or name not in gazetteer.ordinary_words):
                rows = preferred
            elif not distinctive:
                continue  # 本町, 中央 alone; 水道 even in the home municipality
            else:
                preferred = []
            if len({table.municipality[row] for row in rows}) != 1:
                if not distinctive or preferred:
                    continue
                rows = rows_of_city_beside(gazetteer, text, (start, start + length), rows) or (
                    rows_of_former_municipality(gazetteer, name, rows)
                )
                if not rows:
                    continue  # 吉田町: a former town of 宇和島市 and of 安芸高田市
            elif not preferred and name[-1] not in "町村" and heads_elsewhere(gazetteer, rows):
                continue  # 三国ヶ丘駅: 小郡市's 三国が丘, and 堺市堺区's 三国ケ丘御幸通
            town = max((gazetteer.town_at(row) for row in rows), key=lambda t: t.sites)
            municipality = gazetteer.by_lgcode[town.lgcode]
            confidence = 0.7 if preferred else 0.6
            found.append(
                Candidate(
                    text=name,
                    prefecture=municipality.prefecture,
                    municipality=municipality,
                    town=town.name,
                    lat=town.lat,
                    lon=town.lon,
                    precision=LocationPrecision.TOWN,
                    confidence=round(confidence - APPROXIMATE_DISCOUNT * town.approximate, 2),
                )
            )
            matched_until = start + length
            break
    return found


def _word_start(text: str, start: int) -> bool:
    """Not inside a word written in kanji: 児島 of 鹿児島 is no town of the home area. (Towns
    of shelter addresses are read anywhere, as they always were.)"""
    return start == 0 or _KANJI_BEFORE.match(text, start - 1) is None


def find_stems(text: str, gazetteer: Gazetteer) -> list[Candidate]:
    """A municipality written without 市/町/村 before 駅, 港, 周辺…: 七尾駅 -> 七尾市."""
    found: list[Candidate] = []
    for context in _STEM_CONTEXT:
        start = text.find(context)
        while start > 1:
            for length in range(min(5, start), 1, -1):
                stem = text[start - length : start]
                matches = [
                    m
                    for suffix in ("市", "町", "村")
                    for m in gazetteer.municipalities_by_name.get(place_key(stem + suffix), [])
                ]
                if len(matches) == 1:
                    m = matches[0]
                    found.append(Candidate.of_municipality(stem + context, m, 0.6))
                    break
            start = text.find(context, start + 1)
    return found


# A kanji before a shelter name makes it the tail of a longer name: 島中学校 (岐阜市) inside
# 輪島中学校. 市立/県立/町立 are the exception: "岐阜市立島中学校" names the school itself.
_KANJI = re.compile(r"[\u4e00-\u9fff々]")


def _inside_a_name(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] != "立" and _KANJI.match(text, start - 1) is not None


def find_landmarks(text: str, gazetteer: Gazetteer, within: set[str]) -> list[Candidate]:
    """Shelter names (schools, community centres, parks): a point.

    A name shared by shelters in several municipalities counts only when the message
    (or the deployment) names the municipality: 中央公民館 alone is everywhere.
    """
    found: list[Candidate] = []
    index = gazetteer.shelter_name_index
    prefixes = gazetteer.shelter_name_prefixes
    shelters = gazetteer.shelters
    keyed = place_key(text)  # same length as text: slices line up
    if not gazetteer.shelter_name_starts.search(keyed):
        return found
    start = 0
    while start <= len(text) - _LANDMARK_MIN:
        if keyed[start : start + _LANDMARK_MIN] not in prefixes or _inside_a_name(text, start):
            start += 1
            continue
        for length in range(min(24, len(text) - start), _LANDMARK_MIN - 1, -1):
            name = text[start : start + length]
            rows: Sequence[int] | None = index.get(keyed[start : start + length])
            if not rows or (_PLAIN_WORD.fullmatch(name) and length < 6):
                continue
            if not within and _EVERYDAY_PHRASE.fullmatch(name):
                continue
            if within:
                rows = [r for r in rows if gazetteer.municipality_of_shelter(r).lgcode in within]
            codes = {gazetteer.municipality_of_shelter(r).lgcode for r in rows}
            if len(codes) != 1:
                continue
            row = rows[0]
            municipality = gazetteer.municipality_of_shelter(row)
            town = shelters.address_rest[row]
            found.append(
                Candidate(
                    text=text[start : start + length],
                    prefecture=municipality.prefecture,
                    municipality=municipality,
                    town=_town_of_rest(town) or None,
                    lat=float(shelters.lat[row]),
                    lon=float(shelters.lon[row]),
                    precision=LocationPrecision.POINT,
                    confidence=0.8 if within else 0.65,
                )
            )
            start += length - 1
            break
        start += 1
    return found


def _town_of_rest(rest: str) -> str:
    return split_town(rest)[0]


def find_candidates(
    original: str, gazetteer: Gazetteer, prefer: Municipality | Prefecture | None = None
) -> list[Candidate]:
    """Every place a text names, from the most to the least specific finder."""
    if not looks_chinese(original):
        return _candidates_as_written(original, gazetteer, prefer)
    # A mountain written alike in both scripts (富士山) must not keep the converted text,
    # where alone the name is read (富士宫 -> 富士宮), from being read.
    named = _candidates_as_written(original, gazetteer, prefer, features=False)
    if any(c.municipality for c in named) and not _converts_beside(original, named):
        return named
    # Still Chinese once converted, though the function words that told it may be gone.
    converted = _candidates_as_written(to_japanese_kanji(original), gazetteer, prefer, chinese=True)
    if not any(c.municipality for c in named):
        return converted
    # 神户市中央区 reads as Tokyo's 中央区 until 户 is converted, 熊本市东区 as 熊本市 until 东
    # is: a name the conversion completes wins; otherwise the names as written stand
    # (國際通 is no landmark).
    completed = [c for c in converted if any(_completes(c, n) for n in named)]
    return converted if completed else named


def _completes(converted: Candidate, named: Candidate) -> bool:
    return converted.municipality is not None and (
        len(converted.text) > len(named.text)
        and (converted.text.endswith(named.text) or converted.text.startswith(named.text))
    )


def _converts_beside(original: str, named: list[Candidate]) -> bool:
    """Whether a simplified character among the kanji right before or after a name found
    as written may be part of it (神户市 before 中央区, 东区 after 熊本市)."""
    for candidate in named:
        start = original.find(candidate.text)
        before = _KANJI_RUN_BEFORE.search(original, 0, max(start, 0))
        after = (
            _KANJI_RUN_AFTER.match(original, start + len(candidate.text)) if start >= 0 else None
        )
        for run in (before, after):
            if run is not None and to_japanese_kanji(run.group()) != run.group():
                return True
    return False


def _candidates_as_written(
    original: str,
    gazetteer: Gazetteer,
    prefer: Municipality | Prefecture | None,
    *,
    features: bool = True,
    chinese: bool | None = None,
) -> list[Candidate]:
    text = normalize_text(original)
    candidates = [
        town_of_city_before(c, text, gazetteer) for c in find_addresses(text, gazetteer, prefer)
    ]
    named = {c.municipality.lgcode for c in candidates if c.municipality is not None}
    if isinstance(prefer, Municipality) and not named:
        named = {prefer.lgcode}
    candidates += find_landmarks(text, gazetteer, named)
    candidates += find_school_shelters(text, gazetteer, named)
    natural: list[Candidate] = []
    if not any(c.municipality for c in candidates):
        candidates += find_towns(text, gazetteer, prefer)
        candidates += find_stems(text, gazetteer)
        natural = find_features(text, gazetteer) if features else []
    if not any(c.municipality for c in candidates):
        shorts = short_name_candidates(original, gazetteer, prefer, chinese=chinese)
        by_name = {c.municipality.lgcode for c in shorts if c.municipality is not None}
        # A mountain or an island outside every municipality named by name gives way: in
        # "富士山が噴火する、富士宮から逃げて" the message is about 富士宮, not the summit.
        natural = [f for f in natural if not by_name or _in_any(f, by_name)]
        candidates += shorts
    candidates += natural
    candidates += route_origins(text, gazetteer)  # 高山から富山の方: 高山市
    if text.isascii() or not candidates:
        candidates += find_romaji(original, gazetteer)
    # Stations, airports, districts (仙台駅, 天神): after the others, whose search they do
    # not gate, and past `with_ward` (a landmark's ward is already the one it is in).
    landmarks = find_named_landmarks(text, original, gazetteer, prefer)
    # A place named a thousand times is one candidate: `with_ward` reads the whole text for
    # each, which made a long message repeating a name quadratic (5,000 characters of
    # "呉 " took 1.5 s).
    unique = list(dict.fromkeys(candidates))
    found = [with_ward(c, text, gazetteer, original) for c in unique]
    found = towns_of_named_hosts(found, original, gazetteer)  # Yoshida (Tsubame): 燕市's 吉田
    return origin_over_destination(with_named_landmarks(found, landmarks, text, prefer), text)


def _in_any(candidate: Candidate, lgcodes: set[str]) -> bool:
    return candidate.municipality is not None and candidate.municipality.lgcode in lgcodes


def best_candidate(candidates: list[Candidate]) -> Candidate | None:
    """The most precise, then most confident; a point inside a named municipality wins."""
    if not candidates:
        return None
    return max(candidates, key=lambda c: c.rank)
