"""A prefecture named in the message decides between places that share a name
(triage.geo.prefecture_named): 東京の中野 is 中野区, not 長野県中野市; 大阪の東区 is 堺市東区."""

from __future__ import annotations

import pytest

from triage.geo.gazetteer import Gazetteer
from triage.geo.geotag import geotag
from triage.geo.prefecture_named import named_prefectures, ward_stems


@pytest.mark.parametrize(
    ("text", "municipality", "prefecture"),
    [
        # The prefecture right before the name, with or without の.
        ("東京都の中野に住んでいます。避難所はどこ？", "中野区", "東京都"),
        ("東京の中野です", "中野区", "東京都"),
        ("東京都中野の避難所", "中野区", "東京都"),
        ("大阪の東区", "堺市東区", "大阪府"),  # the only 東区 in 大阪府
        ("福岡の東区", "福岡市東区", "福岡県"),
        ("兵庫の西区", "神戸市西区", "兵庫県"),
        ("愛知の港区", "名古屋市港区", "愛知県"),
        ("東京の港区", "港区", "東京都"),
        ("大阪の港区", "大阪市港区", "大阪府"),
        ("東京の北区", "北区", "東京都"),
        ("埼玉の北区", "さいたま市北区", "埼玉県"),
        ("静岡の森町", "森町", "静岡県"),
        ("北海道の森町", "森町", "北海道"),
        ("秋田の美郷町", "美郷町", "秋田県"),
        ("島根の美郷町", "美郷町", "島根県"),
        ("山形の朝日町", "朝日町", "山形県"),
        ("北海道の伊達です", "伊達市", "北海道"),
        ("福島の伊達市", "伊達市", "福島県"),
        ("広島の府中町", "府中町", "広島県"),
        ("長野の中野市", "中野市", "長野県"),
        # A stem of another prefecture's municipality, a ward's in this one.
        ("東京の大田で停電", "大田区", "東京都"),
        ("島根の大田で停電", "大田市", "島根県"),
        ("北海道の白石", "札幌市白石区", "北海道"),
        ("宮城の白石", "白石市", "宮城県"),
        ("広島の佐伯", "広島市佐伯区", "広島県"),
        ("大分の佐伯", "佐伯市", "大分県"),
        ("愛知の守山", "名古屋市守山区", "愛知県"),
        ("滋賀の守山", "守山市", "滋賀県"),
        ("神奈川の青葉", "横浜市青葉区", "神奈川県"),
        ("宮城の青葉", "仙台市青葉区", "宮城県"),
        ("東京の世田谷で断水", "世田谷区", "東京都"),
        # The prefecture after the name, in brackets.
        ("府中（東京）の給水所", "府中市", "東京都"),
        ("東区（大阪）の避難所", "堺市東区", "大阪府"),
        ("高山（岐阜）で停電", "高山市", "岐阜県"),
        # The prefecture elsewhere in the message.
        ("中野に住んでいます。東京です", "中野区", "東京都"),
        ("森町に住んでいます（静岡県）", "森町", "静岡県"),
        ("大阪に住んでいて東区の避難所を探している", "堺市東区", "大阪府"),
        # The prefecture beside the name over a city named elsewhere, or inside it.
        ("名古屋から来ました、東京の港区にいます", "港区", "東京都"),
        ("大阪から兵庫の西区に避難", "神戸市西区", "兵庫県"),
        ("東京都北区で停電", "北区", "東京都"),  # 京都 inside 東京都 is not Kyoto's 北区
        # Without a prefecture, as before.
        ("中野区です", "中野区", "東京都"),
        ("中野です", "中野市", "長野県"),
    ],
)
def test_the_prefecture_named_decides(
    gazetteer: Gazetteer, text: str, municipality: str, prefecture: str
) -> None:
    location = geotag(text, gazetteer=gazetteer)
    assert location is not None, text
    assert (location.municipality, location.prefecture) == (municipality, prefecture), location


@pytest.mark.parametrize(
    ("text", "home_area", "municipality", "prefecture"),
    [
        ("北海道の伊達に住む親戚", "福島県伊達市", "伊達市", "北海道"),  # beside beats home
        ("伊達の避難所", "福島県伊達市", "伊達市", "福島県"),
        ("中野の避難所", "東京都", "中野区", "東京都"),  # the home area's ward
        ("長野の中野です", "東京都中野区", "中野市", "長野県"),  # not the home's town 中野
        ("福島の中島です", "石川県七尾市", "中島村", "福島県"),
    ],
)
def test_the_prefecture_beside_the_name_over_the_home_area(
    gazetteer: Gazetteer, text: str, home_area: str, municipality: str, prefecture: str
) -> None:
    location = geotag(text, gazetteer=gazetteer, area_hint=home_area)
    assert location is not None, text
    assert (location.municipality, location.prefecture) == (municipality, prefecture), location


@pytest.mark.parametrize(
    "text",
    [
        "水がほしい",
        "東京は雨です",
        "大阪の人です",
        "東京の中野さんに連絡した",  # a person
        "東京の大田さん",
        "静岡の中区",  # no 中区 in 静岡県: not 広島市中区
        "岡山の田尻です",  # not 大阪府田尻町
        "東京の目黒川",  # a longer name that begins with the stem
    ],
)
def test_no_municipality_from_a_prefecture_alone(gazetteer: Gazetteer, text: str) -> None:
    location = geotag(text, gazetteer=gazetteer)
    assert location is None or location.municipality is None, location


def test_a_list_of_places_is_not_placed_by_the_next(gazetteer: Gazetteer) -> None:
    location = geotag("横浜、東京、大阪で停電", gazetteer=gazetteer)
    assert location is not None and location.municipality == "横浜市"


def test_where_the_prefectures_are_named(gazetteer: Gazetteer) -> None:
    text = "府中(東京)から大阪の東区へ、山口さんと"
    named = named_prefectures(text, gazetteer)
    assert named.beside(0, 2) == {"東京都"}  # 府中, the bracket after it
    assert named.beside(11, 13) == {"大阪府"}  # 東区, の before it
    assert named.apart_from(11, 13) == {"東京都", "大阪府"}  # 山口さん is a person
    assert named_prefectures("東京都北区", gazetteer).apart_from(3, 5) == {"東京都"}


def test_ward_stems_are_the_wards_no_stem_index_has(gazetteer: Gazetteer) -> None:
    stems = ward_stems(gazetteer)
    assert [m.name for m in stems["中野"]] == ["中野区"]  # 中野市 is the stem index's
    assert {m.name for m in stems["青葉"]} == {"横浜市青葉区", "仙台市青葉区"}
    assert "港" not in stems  # one character: a harbour
