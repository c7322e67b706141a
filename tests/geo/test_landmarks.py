"""Landmarks named instead of a municipality (triage/geo/landmarks.py, issue 13).

The list is checked row by row against the gazetteer; the messages are the project's
own, in the languages residents and visitors write, and read end to end by `geotag`.
"""

from __future__ import annotations

from collections import Counter

import pytest

from triage.geo.gazetteer import Gazetteer
from triage.geo.geotag import geotag
from triage.geo.landmark_list import (
    KINDS,
    STATION_WORDS,
    landmark_rows,
    resolve_municipality,
    written_keys,
)
from triage.geo.landmarks import find_named_landmarks
from triage.geo.normalize import normalize_text
from triage.geo.schemas import LocationPrecision

ROWS = landmark_rows()


def test_every_row_names_a_municipality_of_the_gazetteer(gazetteer: Gazetteer) -> None:
    """Exactly as the gazetteer writes it (札幌市北区), prefixed by its prefecture only
    where the name alone is shared (東京都府中市)."""
    unknown = [
        (row.name, row.municipality)
        for row in ROWS
        if resolve_municipality(row.municipality, gazetteer) is None
    ]
    assert not unknown


def test_a_shared_name_needs_its_prefecture(gazetteer: Gazetteer) -> None:
    assert resolve_municipality("府中市", gazetteer) is None
    tokyo = resolve_municipality("東京都府中市", gazetteer)
    assert tokyo is not None and tokyo.prefecture == "東京都"
    assert resolve_municipality("札幌市北区", gazetteer) is not None
    assert resolve_municipality("札幌市", gazetteer) is not None


def test_rows_are_well_formed() -> None:
    assert len(ROWS) >= 500
    assert {row.kind for row in ROWS} <= KINDS
    for row in ROWS:
        assert row.name and row.name == row.name.strip(), row
        assert all(alias == alias.strip() and alias for alias in row.aliases), row
        if row.kind == "station":
            assert row.name.endswith("駅"), row
        if row.kind == "airport":
            assert row.name.endswith(("空港", "飛行場")), row
    repeated = Counter((row.name, row.municipality) for row in ROWS)
    assert [key for key, count in repeated.items() if count > 1] == []


def test_a_station_is_found_only_with_its_station_word() -> None:
    """仙台駅, 仙台站, 仙台車站, 센다이역: never a bare 仙台 (the city, found elsewhere)."""
    for row in ROWS:
        if row.kind == "station":
            for key in written_keys(row):
                assert key.endswith((*STATION_WORDS, "역", "えき")), (row.name, key)
    sendai = next(row for row in ROWS if row.name == "仙台駅")
    keys = set(written_keys(sendai))
    assert {"仙台駅", "仙台站", "仙台車站", "센다이역"} <= keys
    assert "仙台" not in keys


# (message, municipality or ward): dialect, kana, English, Chinese, Korean, Spanish,
# Portuguese, Vietnamese, Tagalog, Indonesian.
NAMED = [
    ("仙台駅前で車が動かん", "仙台市青葉区"),
    ("博多駅の地下街が浸水しとる", "福岡市博多区"),
    ("熊本城の近くで石垣が崩れとるばい", "熊本市中央区"),
    ("のと里山空港の手前で道路が割れとる", "輪島市"),
    ("道頓堀で人が倒れとるで、はよ来てや", "大阪市中央区"),
    ("天神で停電しとる", "福岡市中央区"),
    ("今浅草におるっちゃけど電車止まっとる", "台東区"),
    ("新大久保駅の近くで火事です", "新宿区"),
    ("すすきので足止めされてます", "札幌市中央区"),
    ("はかたえきにいます", "福岡市博多区"),
    ("しんおおさかえき で まっています", "大阪市淀川区"),
    ("大通公園のあたりで木が倒れてます", "札幌市中央区"),
    ("白川郷で雪に閉じ込められた", "白川村"),
    ("江ノ島から帰れない", "藤沢市"),
    ("伏見稲荷の参道で怪我人", "京都市伏見区"),
    ("錦帯橋の近くで川が増水", "岩国市"),
    ("嵐山で土砂崩れ", "京都市右京区"),
    ("桜島の降灰がひどい", "鹿児島市"),
    ("阿蘇大橋の近くで崖崩れ", "南阿蘇村"),
    ("中華街で地震", "横浜市中区"),
    ("国際通りで冠水", "那覇市"),
    ("湯布院の旅館におります", "由布市"),
    ("武蔵小杉駅のタワマンで断水", "川崎市中原区"),
    ("綾瀬駅で足止め", "足立区"),  # not 綾瀬市, which the stem finder reads
    ("秋葉原駅の電気街口", "千代田区"),
    ("品川駅の港南口", "港区"),  # JR 品川駅 is in 港区
    ("福岡天神で帰宅困難", "福岡市中央区"),
    ("JR札幌駅の西改札", "札幌市北区"),
    ("Sapporo station is flooded, where should we go?", "札幌市北区"),
    ("I'm at Hakata stn, trains stopped", "福岡市博多区"),
    ("Stuck near Asakusa, need a shelter", "台東区"),
    ("We are at new chitose airport, all flights cancelled", "千歳市"),
    ("Tokyo station, Marunouchi side, elevator stopped", "千代田区"),
    ("We're at Tokyo Disneyland and can't get home", "浦安市"),
    ("函館車站附近停電了，请问避难所在哪里", "函館市"),
    ("我在东京站附近，地震了", "千代田区"),
    ("请问成田机场怎么走", "成田市"),
    ("신오쿠보역 근처에 있어요. 대피소가 어디예요?", "新宿区"),
    ("삿포로역에서 기다리고 있어요", "札幌市北区"),
    ("Estoy en la estación de Shinjuku, ¿dónde hay un refugio?", "新宿区"),
    ("Estamos en Dotonbori, hay humo", "大阪市中央区"),
    ("Estou perto do aeroporto de Haneda, preciso de ajuda", "大田区"),
    ("Tôi đang ở ga Kyoto, tàu không chạy", "京都市下京区"),
    ("Tôi ở gần Kinkakuji, có động đất", "京都市北区"),
    ("Nasa istasyon ng Nagoya ako, saan ang evacuation center?", "名古屋市中村区"),
    ("Saya di dekat Stasiun Shin-Osaka, kereta berhenti", "大阪市淀川区"),
    ("Saya di Bandara Kansai, semua penerbangan dibatalkan", "泉佐野市"),
]


@pytest.mark.parametrize(("text", "municipality"), NAMED, ids=[t[:16] for t, _ in NAMED])
def test_a_landmark_gives_its_municipality(
    gazetteer: Gazetteer, text: str, municipality: str
) -> None:
    location = geotag(text, gazetteer=gazetteer)
    assert location is not None, text
    assert location.municipality == municipality, location


@pytest.mark.parametrize(
    "text",
    [
        "駅前で待ってます",
        "空港に行きたい",
        "the station is closed",
        "I'm at the train station, the park is flooded",
        "城下町の公園に避難しています",
        "天神様にお参りに行く途中",
        "天神祭は中止",
        "中洲に取り残された",  # a sandbank, not 博多's 中洲
        "すすきの穂が揺れている",
        "梅田さんに電話してください",
        "宮島さんの家が傾いている",
        "ユニバーサルデザインのトイレ",
        "ナンバープレートが外れた",
        "浅草海苔を買いに",
        "原宿系の服",
        "駅も空港も止まってる",
    ],
)
def test_a_word_that_is_not_the_landmark_names_no_place(gazetteer: Gazetteer, text: str) -> None:
    assert find_named_landmarks(normalize_text(text), text, gazetteer) == []
    location = geotag(text, gazetteer=gazetteer)
    assert location is None or location.municipality is None, location


def test_a_longer_name_is_not_its_tail(gazetteer: Gazetteer) -> None:
    """南浦和駅 is not 浦和駅, 戸越銀座 not 銀座, 天神橋 not 天神."""
    for text, not_this in [("南浦和駅", "浦和駅"), ("戸越銀座", "銀座"), ("天神橋", "天神")]:
        found = find_named_landmarks(text, text, gazetteer)
        assert all(c.text != not_this for c in found), found


def test_a_full_address_still_wins(gazetteer: Gazetteer) -> None:
    location = geotag("札幌駅の近く、札幌市北区北6条西4丁目で停電", gazetteer=gazetteer)
    assert location is not None
    assert (location.municipality, location.precision) == ("札幌市北区", LocationPrecision.TOWN)
    location = geotag("大阪市阿倍野区天王寺町南1丁目で家が傾いた", gazetteer=gazetteer)
    assert location is not None
    assert location.municipality == "大阪市阿倍野区"  # not 天王寺区, the landmark's
    assert location.town == "天王寺町南一丁目"


def test_a_landmark_narrows_its_city_to_the_ward(gazetteer: Gazetteer) -> None:
    for text in ("Sapporo station", "札幌市の札幌駅"):
        location = geotag(text, gazetteer=gazetteer)
        assert location is not None and location.municipality == "札幌市北区", location


def test_a_landmark_is_at_its_municipality_office(gazetteer: Gazetteer) -> None:
    (found,) = find_named_landmarks("博多駅", "博多駅", gazetteer)
    ward = found.municipality
    assert ward is not None and ward.name == "福岡市博多区"
    assert (found.lat, found.lon) == (ward.lat, ward.lon)
    assert (found.precision, found.confidence) == (LocationPrecision.MUNICIPALITY, 0.6)


def test_a_name_shared_by_two_places_needs_one_of_them_named(gazetteer: Gazetteer) -> None:
    assert find_named_landmarks("白石駅", "白石駅", gazetteer) == []
    for text, municipality in [
        ("札幌の白石駅", "札幌市白石区"),
        ("宮城の白石駅", "白石市"),
        ("大阪の福島駅", "大阪市福島区"),
        ("福島県の福島駅", "福島市"),
        ("東京の府中駅", "府中市"),
    ]:
        location = geotag(text, gazetteer=gazetteer)
        assert location is not None and location.municipality == municipality, (text, location)


def test_a_prefecture_named_elsewhere_keeps_its_own_place(gazetteer: Gazetteer) -> None:
    location = geotag("石川県から東京駅へ向かっています", gazetteer=gazetteer)
    assert location is not None and location.prefecture == "石川県"
    # 広島市安佐南区 has a 祇園 of its own.
    location = geotag("広島の祇園で土砂崩れ", gazetteer=gazetteer)
    assert location is None or location.prefecture != "京都府", location


def test_the_home_areas_own_town_wins(gazetteer: Gazetteer) -> None:
    location = geotag("祇園で土砂崩れ", gazetteer=gazetteer, area_hint="広島県広島市安佐南区")
    assert location is not None and location.municipality == "広島市安佐南区", location
