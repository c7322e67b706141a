"""Former municipalities merged into a city, as people still write them: 門前町 (輪島市),
美山町 (南丹市), and 宇和島の吉田町 (宇和島市's former 吉田町, not 静岡県's 吉田町).

Japan Post writes the neighbourhoods of a merged town under its former name (輪島市門前町
道下, 門前町黒島町…), so a name that heads many towns of one municipality, and few or none
of any other, is that municipality's former town, the one people mean by it. Nothing here
is a list: the heads are counted in the gazetteer's towns.
"""

from __future__ import annotations

import re
from functools import lru_cache

from triage.geo.candidate import Candidate
from triage.geo.gazetteer import Gazetteer
from triage.geo.normalize import place_key
from triage.geo.place_words import GENERIC_SPOT, KANJI, KANJI_CHAR, ONE_KANJI_NAMES
from triage.geo.schemas import LocationPrecision
from triage.geo.short_name_index import short_name_index
from triage.geo.towns import Town, TownOrigin

# A name several municipalities share is read as the one where it heads at least this
# many neighbourhoods and this many times more than anywhere else (`former_municipality`).
FORMER_MIN_TOWNS = 6
FORMER_LEAD = 5
TOWN_OF_CITY_BEFORE_CONFIDENCE = 0.75
FORMER_WITHOUT_SUFFIX_CONFIDENCE = 0.45
_LONGEST_STEM = 5
# A former town's name without 町/村 standing as a place: a word of its own (the start of
# the message, a space or punctuation before it; 寺の門前 is in front of a temple's gate),
# then a particle of place or the end: "門前の避難所", "門前です".
_FORMER_WITHOUT_SUFFIX = re.compile(
    rf"(?:^|(?<=[\s、。,.!?！？]))([{KANJI}]{{2,3}})(?=の|です|で|に|から|[\s、。,.!?！？]|$)"
)
# Any other former town's name counts without its 町/村 only before の and a word for a
# spot of the land or the village ("城島の堤防" is 久留米市's former 城島町): 城島 is also a
# surname and the name of towns elsewhere, and "城島の家" may be a person's.
_LAND_AFTER = re.compile(
    r"の(?:堤防|土手|河川敷|川|田んぼ|集落|地区|避難所|公民館|小学校|中学校|支所|あたり|辺り|方)"
)


# After a two-character name: what makes it a district when the name is a former
# municipality (追分小学校の避難所, 栃尾の方面).
DISTRICT_AFTER = re.compile(
    r"(?:地区|地域|方面|小学校|中学校|公民館|支所|体育館|避難所|出張所|です[。.!！]?$"
    r"|[にさ](?:住|すん|すま)"  # 天王さ住んでる: living there (さ is Tohoku's に)
    r"|の(?:避難所|公民館|小学校|中学校|体育館|支所|集落|堤防|土手|あたり|辺り|ほう|方面"
    r"|県道|国道|市道|町道|川|橋|港|海岸|浜))"
)
# After a former municipality that is also a dictionary word (朽木, 追分, 三日月, 天王):
# only a word that names a district, a place of its land or the area, or the hall or
# shelter of the district (花輪の公民館, 手形のあたり). です, のほう, の体育館 are not
# enough: 和食です, 市場のほう, 学園の体育館 (a school's gym) are words.
WORD_DISTRICT_AFTER = re.compile(
    r"(?:地区|地域|小学校|中学校|公民館|支所|出張所|[にさ](?:住|すん|すま)"
    r"|の(?:集落|堤防|土手|河川敷|県道|国道|市道|町道|公民館|避難所|集会所|支所|あたり|辺り))"
)


def former_district(gazetteer: Gazetteer, name: str, owners: dict[str, Town], after: str) -> bool:
    """Whether `name` is a former municipality of one owner, as its derived district
    (水海道, the city merged into 常総市 in 2006, which the dictionary also lists as a
    word): the owner where it heads far more towns than anywhere else. Two characters
    count only before a word that makes them a district (朽木地区, 追分小学校, 三日月の
    国道): 白木 (plain wood) and 学園 are words before の. A word that is only some
    street's name (歌舞伎町, 波止場町) is no district of this kind and stays a word."""
    district_after = WORD_DISTRICT_AFTER.match(after) is not None
    if len(name) < 2 or (len(name) == 2 and not district_after):
        return False
    code = former_municipality(gazetteer, name, tuple(owners))
    # Before 地区 or 小学校 the name is a district though its towns came from addresses.
    return code is not None and (district_after or owners[code].origin is TownOrigin.DISTRICT)


@lru_cache(maxsize=4096)
def former_municipality(gazetteer: Gazetteer, name: str, codes: tuple[str, ...]) -> str | None:
    """The lgcode, among `codes`, where `name` heads far more neighbourhoods than anywhere
    else: a former municipality merged into a city (丸岡 of 坂井市 heads 111 of its towns,
    丸岡 elsewhere one or two; 門前町 116 of 輪島市's, a single town of a dozen others).
    None when none stands out (高田: 23 in みやま市, 13 in 陸前高田市; 吉田町: 26 in 宇和島市,
    20 in 安芸高田市). Cached: it reads every town of every owner, and a long message may
    repeat the name a thousand times."""
    return former_municipality_of_heads(gazetteer, tuple((code, name) for code in codes))


@lru_cache(maxsize=4096)
def former_municipality_of_heads(
    gazetteer: Gazetteer, heads: tuple[tuple[str, str], ...]
) -> str | None:
    """`former_municipality` where each owner's town has a name of its own: a reading
    written in kana (たろう) is 田老 in 宮古市 and 太郎 elsewhere, and 田老 heads 78 towns
    of 宮古市. `heads`: (lgcode, the name its towns would begin with)."""
    counts = sorted(
        (
            # towns_of is keyed by place_key (木之本 is 木の本 there)
            (sum(key.startswith(place_key(head)) for key in gazetteer.towns_of(code)), code)
            for code, head in heads
        ),
        reverse=True,
    )
    if len(counts) < 2:
        return counts[0][1] if counts and counts[0][0] >= FORMER_MIN_TOWNS else None
    (top, code), (second, _) = counts[0], counts[1]
    if top >= FORMER_MIN_TOWNS and top >= FORMER_LEAD * max(1, second):
        return code
    return None


def town_of_city_before(candidate: Candidate, text: str, gazetteer: Gazetteer) -> Candidate:
    """A municipality's name written right after another municipality that has a town of
    that name is the town: "宇和島の吉田町" is 宇和島市吉田町 (the former 吉田町), though
    吉田町 alone is 静岡県's. The candidate unchanged otherwise; a stem that is the
    candidate's own prefecture (岐阜の神戸町) tells the municipality, not a town."""
    found = candidate.municipality
    name = candidate.text
    if (
        found is None
        or candidate.precision is not LocationPrecision.MUNICIPALITY
        or name != found.name
        or name[-1] not in "町村"
    ):
        return candidate
    start = text.find(name)
    before = text[: max(start, 0)].removesuffix("の")
    prefecture = gazetteer.prefecture_by_name.get(found.prefecture)
    index = short_name_index(gazetteer)
    for length in range(min(_LONGEST_STEM, len(before)), 0, -1):
        stem = before[-length:]
        joined = length < len(before) and KANJI_CHAR.match(before, len(before) - length - 1)
        if joined or (prefecture is not None and stem == prefecture.short):
            continue
        if length == 1 and stem not in ONE_KANJI_NAMES:
            continue
        options = [
            *index.stems.get(stem, ()),
            *index.one_kanji.get(stem, ()),
            *gazetteer.municipalities_by_name.get(place_key(stem), ()),
        ]
        hosts = {
            m.lgcode: (m, town)
            for m in options
            if (town := gazetteer.towns_of(m.lgcode).get(place_key(name))) is not None
        }
        if len(hosts) == 1:
            [(host, town)] = hosts.values()
            return Candidate(
                before[-length:] + text[len(before) : start] + name, host.prefecture, host,
                town.name, town.lat, town.lon, LocationPrecision.TOWN,
                TOWN_OF_CITY_BEFORE_CONFIDENCE,
            )  # fmt: skip
    return candidate


def former_towns_without_suffix(text: str, gazetteer: Gazetteer) -> list[Candidate]:
    """Former towns named without their 町/村 where the name stands as a place: "門前の
    避難所" is 輪島市's former 門前町 (`former_municipality`). The names shaped like a
    word for a spot (門前: before the gate), which `towns_alone` never reads, and the
    others that `towns_alone` cannot tell apart (城島 heads towns of several
    municipalities) where a word for the land follows (`_LAND_AFTER`); never a
    municipality's or a prefecture's stem (七尾の避難所 is 七尾市)."""
    found: list[Candidate] = []
    index = short_name_index(gazetteer)
    for match in _FORMER_WITHOUT_SUFFIX.finditer(text):
        name = match.group(1)
        if not GENERIC_SPOT.search(name) and (
            not _LAND_AFTER.match(text, match.end())
            or name in index.stems
            or name in index.guarded_stems
            or any(name == p.short for p in gazetteer.prefectures)
            or name in gazetteer.ordinary_words
        ):
            continue
        for suffix in "町村":
            name = match.group(1) + suffix
            rows = gazetteer.town_index.get(place_key(name)) or ()
            table = gazetteer.town_table
            by_code = {gazetteer.municipalities[table.municipality[r]].lgcode: r for r in rows}
            code = former_municipality(gazetteer, name, tuple(sorted(by_code))) if rows else None
            if code is None:
                continue
            town = gazetteer.town_at(by_code[code])
            municipality = gazetteer.by_lgcode[code]
            found.append(
                Candidate(
                    match.group(1), municipality.prefecture, municipality, town.name,
                    town.lat, town.lon, LocationPrecision.TOWN, FORMER_WITHOUT_SUFFIX_CONFIDENCE,
                )
            )  # fmt: skip
            break
    return found
