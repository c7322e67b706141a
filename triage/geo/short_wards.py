"""A designated city's ward, or one of Tokyo's special wards, by a two-character stem
without its city or its 区: 東灘の岡本, 長田の商店街, 博多駅のそば, 目黒の学校, 会社（品川）.

Wards of three characters or more (安佐南, 阿倍野) are found alone like municipalities
(`short_name_index`); two characters are too often a surname (長田, 中村) or a word, so a
two-character stem counts only when what follows says it is the place: one of the
ward's own towns after it (東灘の岡本), a facility word (長田駅, 須磨周辺), or の and a
word for the area or a building in it (長田の商店街, 博多のあたり, 長田の体育館); for the
commonest surnames (中村) only a town of the ward. A stem two wards share (鶴見, 青葉), that
a municipality or a prefecture also has (金沢, 福島, 兵庫), or that is an everyday word
(中央, 平野) is never read alone.

Tokyo's special wards are municipalities, but their stems are read here with the same
rules, not as `short_names` reads 七尾: 品川, 目黒, 足立 are surnames as often, and 品川 a
town of 大田原市 too. A stem alone in brackets after a word (会社（品川）, バイト先（目黒）)
is the writer saying where the word is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.normalize import place_key
from triage.geo.place_words import (
    CHINESE_PLACE_BEFORE,
    COMMON_STEMS,
    FACILITY,
    HONORIFIC,
    KANJI,
    KANJI_CHAR,
)
from triage.geo.romaji_wards import is_tokyo_ward
from triage.geo.short_name_index import short_name_index

STEM_LENGTH = 2
# の and a word for the area around a place, or for a dwelling in it: 長田の商店街, 須磨の
# あたり, 垂水の方, 西成のアパート (a person's house, 中村の家, stays a person's).
_AREA_AFTER = re.compile(
    r"の\s?(?:商店街|あたり|辺り|近く|付近|周り|まわり|方面|ほう|海|浜|駅|港|避難所|町"
    r"|アパート|マンション|団地|住宅|学校|会社|がっこう|ひなんじょ|えき|ちかく"
    # A building people shelter or gather in (長田の体育館, 東灘の公民館): of the area.
    r"|体育館|公民館|小学校|中学校|高校|集会所|区役所|市民センター|病院|公園)"
)
# Stems that are common surnames, or places of many other municipalities too (大宮): only
# one of the ward's own towns after them says the ward is meant ("中村の近く" may be a
# person's house).
_SURNAMES = frozenset(
    {"中村", "若林", "中原", "麻生", "戸塚", "若松", "高津", "清田", "秋葉", "山科", "伏見",
     "東山", "住吉", "大宮", "右京", "城東", "城南"}
)  # fmt: skip
# A stem stands as a word: no kanji right before it.
_STEM = re.compile(f"(?<![{KANJI}])([{KANJI}]{{{STEM_LENGTH}}})")
_CHINESE_STEM = re.compile(
    f"(?:(?<=[{CHINESE_PLACE_BEFORE}])|(?<![{KANJI}]))(?=([{KANJI}]{{{STEM_LENGTH}}}))"
)  # a lookahead: 在西 of 住在西成 must not hide 西成


@lru_cache(maxsize=4)
def _two_character_wards(gazetteer: Gazetteer) -> dict[str, Municipality]:
    """Stem -> the one ward named so (a designated city's, or one of Tokyo's special
    wards), for the stems that may stand for it."""
    index = short_name_index(gazetteer)
    taken = {*index.stems, *index.guarded_stems, *(p.short for p in gazetteer.prefectures)}
    wards: dict[str, list[Municipality]] = {}
    for m in gazetteer.municipalities:
        ward = m.name if is_tokyo_ward(m) else m.ward
        stem = (ward or "").removesuffix("区")
        if ward is not None and len(stem) == STEM_LENGTH and KANJI_CHAR.search(stem):
            wards.setdefault(stem, []).append(m)
    return {
        stem: found[0]
        for stem, found in wards.items()
        if len(found) == 1
        and stem not in taken
        and stem not in COMMON_STEMS
        and stem not in gazetteer.ordinary_words
    }


@lru_cache(maxsize=4)
def designated_ward_stems(gazetteer: Gazetteer) -> frozenset[str]:
    """The two-character stems of designated cities' wards (鶴見, 青葉, 長田), shared or
    not: a town of that name elsewhere (佐伯市's 鶴見) is not what the stem alone names."""
    return frozenset(
        stem
        for m in gazetteer.municipalities
        if m.ward is not None and len(stem := m.ward.removesuffix("区")) == STEM_LENGTH
    )


def find_short_wards(
    text: str, gazetteer: Gazetteer, *, chinese: bool = False
) -> list[Municipality]:
    """The wards `text` names by a two-character stem with what says it is the place;
    `chinese`: the text reads as Chinese, where a kanji before the stem may be a verb."""
    wards = _two_character_wards(gazetteer)
    found: list[Municipality] = []
    stems = _CHINESE_STEM.finditer(text) if chinese else _STEM.finditer(text)
    for match in stems:
        ward = wards.get(match.group(1))
        if ward is None:
            continue
        after = text[match.end(1) :]
        if HONORIFIC.match(after):
            continue  # 長田さん is a person
        start = match.start(1)
        went = chinese and start > 0 and text[start - 1] in CHINESE_PLACE_BEFORE
        if KANJI_CHAR.match(after) and not FACILITY.match(after) and not went:
            continue  # 長田川, 博多湾: a longer name that begins with the stem
        bracketed = start > 0 and text[start - 1] in "（(" and after[:1] in "）)"
        placed = match.group(1) not in _SURNAMES and (
            FACILITY.match(after) or _AREA_AFTER.match(after) or went or bracketed
        )
        if placed or _town_after(ward, after, gazetteer):
            found.append(ward)
    return found


def _town_after(ward: Municipality, after: str, gazetteer: Gazetteer) -> bool:
    """One of the ward's own towns written after the stem, with or without の: 東灘の岡本,
    as a word (no kanji after it)."""
    rest = after.removeprefix("の")
    towns = gazetteer.towns_of(ward.lgcode)
    return any(
        (place_key(rest[:length]) in towns or place_key(rest[:length] + "町") in towns)
        and not KANJI_CHAR.match(rest, length)
        for length in range(min(6, len(rest)), 1, -1)
    )  # 岩塚 of 岩塚町: people leave the 町 off
