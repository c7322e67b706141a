"""Wards by a two-character stem (triage.geo.short_wards)."""

from __future__ import annotations

import pytest

from triage.geo.gazetteer import Gazetteer
from triage.geo.short_wards import find_short_wards


@pytest.mark.parametrize(
    ("text", "ward"),
    [
        ("東灘の御影で断水", "神戸市東灘区"),  # one of its towns after it
        ("須磨の海沿いが停電", "神戸市須磨区"),  # の and a word for the area
        ("博多駅のそば", "福岡市博多区"),  # a facility word
        ("中村の岩塚で冠水", "名古屋市中村区"),  # a surname, with one of its towns (岩塚町)
    ],
)
def test_a_ward_by_its_stem(gazetteer: Gazetteer, text: str, ward: str) -> None:
    assert [m.name for m in find_short_wards(text, gazetteer)] == [ward]


@pytest.mark.parametrize(
    "text",
    [
        "長田さんに電話した",  # a person
        "長田から連絡があった",  # nothing says it is the place
        "中村の近くに住んでる",  # a surname: only a town of the ward counts
        "須磨川があふれそう",  # a longer name that begins with the stem
        "鶴見の駅前",  # two wards share it (横浜, 大阪)
        "金沢の駅前",  # a city's stem: 金沢市, not 横浜市金沢区
        "兵庫の海",  # a prefecture
    ],
)
def test_no_ward(gazetteer: Gazetteer, text: str) -> None:
    assert find_short_wards(text, gazetteer) == []


@pytest.mark.parametrize(
    ("text", "ward"),
    [
        ("我在長田工作", "神戸市長田区"),  # after a verb of being, a kanji may follow
        ("明天要去須磨玩", "神戸市須磨区"),
    ],
)
def test_a_ward_by_its_stem_in_chinese(gazetteer: Gazetteer, text: str, ward: str) -> None:
    found = find_short_wards(text, gazetteer, chinese=True)
    assert [m.name for m in found] == [ward]


def test_no_ward_in_chinese_without_a_verb_before(gazetteer: Gazetteer) -> None:
    assert find_short_wards("須磨海岸很漂亮", gazetteer, chinese=True) == []
