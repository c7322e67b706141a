"""Places the twelfth pass reads, one table per class, each with look-alikes that must
stay unresolved or resolve elsewhere: wards written in romaji with -ku, Tokyo's special
wards without their 区, well-known districts in several scripts (data/landmarks.tsv), a
name a city shares only with a town of its own county (釧路), and the place that wins
where a message names more than one."""

from __future__ import annotations

import pytest

from tests.geo.place_readings import municipality_of
from triage.geo.gazetteer import Gazetteer


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("Nerima-ku no apato ni sunde imasu", "練馬区"),
        ("Chung toi song o Edogawa-ku, mat dien", "江戸川区"),
        ("My office is in Bunkyo ward, near the dome", "文京区"),
        ("casa em Takatsu-ku sem agua", "川崎市高津区"),  # only Kawasaki has 高津区
        ("Kita-ku ni sunde imasu", "北区"),  # shared by many cities: Tokyo's, named alone
        ("Sapporo Kita-ku no hinanjo", "札幌市北区"),  # its city named: that city's
        ("Nagoya Minato-ku, the port is flooded", "名古屋市港区"),
        ("Yokohama, Naka-ku: no water", "横浜市中区"),
        ("Kawasaki ko Takatsu ma basdachhu", "川崎市高津区"),  # a ward beside its city
        ("Kawasaki-ku no koujou", "川崎市川崎区"),
    ],
)
def test_wards_in_romaji_with_ku(text: str, municipality: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    "text",
    [
        "Naka-ku no hinanjo wa doko",  # 中区 of five cities, none Tokyo's
        "Higashi-ku desu",  # 東区 of many cities
        "I need a tsukue and a ku of rice",  # "ku" alone is no ward
    ],
)
def test_wards_in_romaji_left_unread(text: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) is None


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("板橋の体育館に避難しています", "板橋区"),
        ("バイト先（練馬）で足をけがしました", "練馬区"),
        ("すみません、葛飾の がっこう は ひなんじょ ですか", "葛飾区"),
        ("we are in Shinagawa and the trains stopped", "品川区"),  # not 大田原市's 品川
        ("Katsushika Shibamata ni imasu", "葛飾区"),
        ("Toshima no apaato desu", "豊島区"),  # not the islands 利島村, 十島村
    ],
)
def test_tokyo_wards_without_ku(text: str, municipality: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("目黒さんに電話したけど出ない", None),  # a person
        ("板橋さんちの犬が逃げた", None),
        ("品川ナンバーの車が川に落ちた", None),  # a longer word
        ("中野の学校に避難しています", "中野市"),  # 中野市's stem: Tokyo's needs 東京
        ("東京の中野の学校に避難しています", "中野区"),
    ],
)
def test_tokyo_ward_look_alikes(text: str, municipality: str | None, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("豊洲のタワマンで停電してます", "江東区"),
        ("we live near Toyosu and the water is off", "江東区"),
        ("아카사카 근처 호텔에 있어요", "港区"),
        ("恵比寿の居酒屋で働いています", "渋谷区"),
        ("西新井の団地で水が出ない", "足立区"),
        ("丸の内のビルに閉じ込められた", "千代田区"),
        ("我们在大宫的酒店，停电了", "さいたま市大宮区"),
        ("म कोइवामा काम गर्छु", "江戸川区"),
        ("网走站附近有避难所吗", "網走市"),
        ("सकुराजिमा नजिक छौं", "鹿児島市"),
        ("We are hiking on Yakushima and the trail is closed", "屋久島町"),
        ("口永良部島の噴火で避難しています", "屋久島町"),
        ("사호로 리조트에 묵고 있어요", "新得町"),
        ("Kita-Senju no eki no chikaku", "足立区"),
    ],
)
def test_districts_and_landmarks(text: str, municipality: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("新小岩の駅前で火事", "葛飾区"),  # 新小岩 is not 小岩
        ("小岩井農場に行きたい", None),  # nor is 小岩井 (岩手県雫石町's farm, not listed)
        ("恵比寿様のお祭りは中止ですか", None),  # the god
    ],
)
def test_district_look_alikes(text: str, municipality: str | None, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("ほんとに寒いから風邪ひかないでね。釧路", "釧路市"),  # bare, after the last sentence
        ("くしろ に すんで います", "釧路市"),
        ("쿠시로 시내 병원은 열었나요", "釧路市"),
        ("हामी कुशिरोमा छौं", "釧路市"),
        ("四万十の川があふれそう", "四万十市"),
        ("釧路町の役場はあいてますか", "釧路町"),  # the town, with its 町
        ("ありがとうございました。 湯前町", "湯前町"),
    ],
)
def test_a_city_over_the_town_of_its_name(
    text: str, municipality: str, gazetteer: Gazetteer
) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("Ueno no eki de densha ga tomatta", "台東区"),  # 上野駅, not 上野村
        ("Estou no aeroporto de Obihiro, preciso voltar pra Sapporo", "帯広市"),
        ("Staying on Yakushima, are ferries to Kagoshima running", "屋久島町"),
    ],
)
def test_where_the_writer_is(text: str, municipality: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("大井町の駅前でバスを待っています", "品川区"),  # the station, not 神奈川県大井町
        ("大井町の役場は開いていますか", "大井町"),  # no 駅: the town
        ("鶴見の高台で崖にひびが入った", None),  # 横浜市 and 大阪市 have a 鶴見区: not 佐伯市
        ("神奈川の鶴見の高台で崖にひびが入った", "横浜市鶴見区"),
        ("大分の鶴見の港で船が流された", "佐伯市"),  # its prefecture: 佐伯市's former 鶴見町
        # a stem of one ward only, whose ward holds the town of that name: that ward
        ("駅前の道路が冠水してる 岩槻", "さいたま市岩槻区"),
    ],
)
def test_ambiguous_names_decided_by_what_the_message_says(
    text: str, municipality: str | None, gazetteer: Gazetteer
) -> None:
    assert municipality_of(text, gazetteer) == municipality
