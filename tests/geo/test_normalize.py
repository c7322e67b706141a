from __future__ import annotations

import pytest

from triage.geo.normalize import (
    int_to_kanji,
    kanji_to_int,
    normalize_text,
    romaji_key,
    split_town,
)


def test_full_width_digits_and_dashes_become_ascii() -> None:
    assert normalize_text("若林５丁目１２－２") == "若林五丁目12-2"
    assert normalize_text("谷津3丁目29ー12") == "谷津三丁目29-12"


@pytest.mark.parametrize(
    ("numeral", "value"), [("三", 3), ("十二", 12), ("二十", 20), ("二十三", 23), ("一〇二", 102)]
)
def test_kanji_numerals_read(numeral: str, value: int) -> None:
    assert kanji_to_int(numeral) == value
    assert kanji_to_int(int_to_kanji(value)) == value


@pytest.mark.parametrize(
    ("rest", "town"),
    [
        ("桜井三丁目9-20", "桜井三丁目"),
        ("一番町20-2", "一番町"),  # 一番 is part of the town, not a block number
        ("三番町二十三番地", "三番町"),
        ("オフィスパーク1-1", "オフィスパーク"),
        ("南花田口町二丁3-10", "南花田口町二丁"),
        ("北二十四条西六丁目1-1", "北二十四条西六丁目"),
        ("河原町二条下ル一之船入町537-50", "一之船入町"),
        ("麻布十番二丁目16-6", "麻布十番二丁目"),
    ],
)
def test_split_town_by_rule(rest: str, town: str) -> None:
    assert split_town(normalize_text(rest))[0] == town


def test_romaji_key_folds_macrons_and_long_vowels() -> None:
    assert romaji_key("Ōsaka") == romaji_key("Oosaka") == romaji_key("Osaka") == "osaka"
