"""What the words beside a romanised name say about it (triage.geo.latin_words)."""

from __future__ import annotations

import pytest

from triage.geo.gazetteer import Gazetteer
from triage.geo.latin_words import (
    beside_a_feature_word,
    placed_in_lowercase,
    stands_bare,
    ward_named_alone,
    writes_lowercase,
)


def test_a_writer_who_capitalises_nothing() -> None:
    assert writes_lowercase(["is", "the", "road", "to", "nanao", "open"])
    assert not writes_lowercase(["is", "the", "road", "to", "Nanao", "open"])
    assert writes_lowercase(["i", "am", "in", "nanao"])  # one letter: "I" or "i" alike


@pytest.mark.parametrize(
    ("text", "index", "placed"),
    [
        ("my mother is in nanao", 4, True),
        ("tatay ko sa wajima", 3, True),
        ("hinanjo doko sapporo kita-ku", 2, True),
        ("running kanazawa to tokyo", 1, True),
        ("kasama ko sa dorm", 0, False),  # Tagalog: my companion
        ("in kure", 1, False),  # too short to trust in lower case
        ("okayama ni sunde imasu", 0, True),  # a romaji particle after it
    ],
)
def test_a_lowercase_word_placed_by_its_neighbours(text: str, index: int, placed: bool) -> None:
    assert placed_in_lowercase(text.split(), index) is placed


@pytest.mark.parametrize(
    ("text", "index"),
    [("sungai Kuma meluap", 1), ("Mt Fuji", 1), ("the Kamo river", 1), ("Aso-san", 0)],
)
def test_rivers_and_mountains(text: str, index: int) -> None:
    assert beside_a_feature_word(text.split(), index)


def test_a_place_is_not_a_feature_word() -> None:
    assert not beside_a_feature_word(["we", "live", "in", "Kuma", "village"], 3)


def test_regions_need_their_suffix(gazetteer: Gazetteer) -> None:
    [tohoku] = [m for m in gazetteer.municipalities if m.name == "東北町"]
    [takayama] = [m for m in gazetteer.municipalities if m.name == "高山市"]
    assert not stands_bare(tohoku, "tohoku", lowercase=False)
    assert stands_bare(takayama, "takayama", lowercase=False)  # 高山 is a word in kanji only


def test_everyday_readings_in_lower_case(gazetteer: Gazetteer) -> None:
    [midori] = [m for m in gazetteer.municipalities if m.name == "みどり市"]
    assert not stands_bare(midori, "midori", lowercase=True)
    assert stands_bare(midori, "midori", lowercase=False)


def test_a_ward_named_alone(gazetteer: Gazetteer) -> None:
    found = ward_named_alone("Higashinada", gazetteer)
    assert found is not None and found.name == "神戸市東灘区"
    assert ward_named_alone("higashinada", gazetteer) is None  # a name is capitalised
    assert ward_named_alone("Tsurumi", gazetteer) is None  # Yokohama's and Osaka's
    assert ward_named_alone("Moji", gazetteer) is None  # short: only after a word of place
    moji = ward_named_alone("Moji", gazetteer, placed=True)
    assert moji is not None and moji.name == "北九州市門司区"
    assert ward_named_alone("Kawasaki", gazetteer) is None  # the city, not 川崎区
