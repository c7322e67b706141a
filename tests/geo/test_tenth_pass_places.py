"""Places a held-out set showed the geotagger missing or misreading, each with look-alikes
that must stay as they were: a municipality read inside a longer town name (森町 of
大森町), Tagalog "taga" (from), Hangul names with 시, long lower-case romaji alone, a
ward's short name before a facility, and a former city that is also a dictionary word."""

from __future__ import annotations

import pytest

from tests.geo.place_readings import municipality_of
from triage.geo.gazetteer import Gazetteer
from triage.geo.geotag import geotag


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        # 1. The town as written, not the municipality that is its tail.
        ("屋根から落ちた。大森町です 横手", "横手市"),
        ("大森町です", "横手市"),  # the former town heads 49 towns of 横手市
        ("大森町です 大田", "大田市"),  # the city named beside decides (石見銀山)
        ("横手市大森町", "横手市"),
        # 2. Tagalog "taga" (from) before a place.
        ("Taga Uwajima po ako", "宇和島市"),
        ("taga uwajima po ako, baha dito", "宇和島市"),
        ("Taga-Ginowan ako", "宜野湾市"),
        # 3. Hangul with 시 after a reading two municipalities share.
        ("미야코시 바닷가 근처예요", "宮古市"),
        ("미야코마치에 살아요", "みやこ町"),
        ("이케다시에 있어요", "池田市"),
        ("이시노마키시에 있어요", "石巻市"),
        ("오후나토시", "大船渡市"),
        # 4. A long lower-case romaji name alone.
        ("hinanjo de wifi tsukaemasu ka? higashimatsushima", "東松島市"),
        ("ishinomaki", "石巻市"),
        # 6. A ward's two-character stem before a building of the area.
        ("長田の体育館", "神戸市長田区"),
        ("東灘の公民館", "神戸市東灘区"),
        ("須磨の小学校", "神戸市須磨区"),
        # 7. A former city the dictionary also lists as a word.
        ("水海道", "常総市"),
        ("水海道の避難所に行きます", "常総市"),
        ("閖上の家が浸水", "名取市"),
        ("真備", "倉敷市"),
    ],
)
def test_named_place_is_found(text: str, municipality: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        # The municipality written as itself stays.
        ("北海道森町", "森町"),
        ("茅部郡森町", "森町"),
        ("静岡県森町の避難所", "森町"),
        ("森町です", "森町"),
        # Taga is 多賀町 alone, before a word that is no place, and before its prefecture.
        ("I live in Taga", "多賀町"),
        ("Taga town flooded", "多賀町"),
        ("Taga, Shiga", "多賀町"),
    ],
)
def test_place_as_written_stays(text: str, municipality: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    "text",
    [
        "taga saan ka",  # Tagalog "where are you from": no place
        "미야코 바닷가",  # 宮古市 or みやこ町: nothing says which
        "후추시에 살아요",  # 府中市 of Tokyo and of Hiroshima
        "이케다에 있어요",
        "다시 연락 주세요",  # 다시 (again) ends in 시
        "혹시 대피소가 어디예요",  # 혹시 (by any chance)
        # 나가시다 (to go out, honorific): 나가 reads like 那珂 (なか), 시 like 市.
        "아버지가 아침에 나가시고 아직 안 돌아오셨어요",
        "할머니가 밖으로 나가시는데 괜찮을까요",
        "onegaishimasu tasukete kudasai",  # long romaji words, no place
        "mou daijoubu desu, shinpaishinaide",
        "長田さんの体育館",  # a person
        "中村の体育館",  # the commonest surnames need one of the ward's towns
        "中央の体育館",
        "北の公民館",
        "平野の公園",
        "長田の家",  # a person's house
        "歌舞伎の公演",  # a dictionary word that is only a street's name elsewhere
        "波止場の近く",
    ],
)
def test_no_place_is_invented(text: str, gazetteer: Gazetteer) -> None:
    assert geotag(text, gazetteer=gazetteer) is None


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        # 5. A former town in romaji beside a short city name: its reading decides.
        ("Malapit sa Hijikawa, Ozu", "大洲市"),
        ("I live in Yuriage", "名取市"),  # 閖上 read back as ゆりあげ
        ("near Kabira beach", "石垣市"),  # 川平 (かびら): the reading only 石垣市 has
    ],
)
def test_romaji_town_alone(text: str, municipality: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    "text",
    [
        "Malapit sa evacuation center",
        "Salamat po",
        "Banana",
        "Tolong bantuan",
        "Sarado po ba bukas ang school?",  # Tagalog "closed", at the start: no town
        "Yuriage",  # a bare capitalised word: no word of place says it is one
    ],
)
def test_romaji_word_is_no_town(text: str, gazetteer: Gazetteer) -> None:
    assert geotag(text, gazetteer=gazetteer) is None
