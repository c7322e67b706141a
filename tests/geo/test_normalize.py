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


@pytest.mark.parametrize(
    "text",
    [
        "国道10000線",
        "100000丁目",
        "北12345条西1丁目",
        "99999番丁",
        "1" * 5000 + "丁目",  # past Python's 4,300-digit limit on int(str)
        "0" * 5000 + "3丁目",
    ],
)
def test_a_number_no_town_has_is_left_as_written(text: str) -> None:
    # It used to raise IndexError (10,000 and up) or ValueError (over 4,300 digits).
    normalized = normalize_text(text)
    assert normalized.endswith(text[-2:])
    assert split_town(normalized)[0] is not None


def test_numbers_from_ten_thousand_keep_their_digits() -> None:
    assert normalize_text("国道10000線") == "国道10000線"
    assert normalize_text("9999丁目") == "九千九百九十九丁目"
    assert normalize_text("0003丁目") == "三丁目"
    assert int_to_kanji(10000) == "10000"


def test_a_very_long_positional_numeral_is_read() -> None:
    assert kanji_to_int("一" * 5000) == (10**5000 - 1) // 9  # int(str) refuses 4,301+ digits
