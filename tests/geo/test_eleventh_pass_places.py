"""Places two held-out sets showed the geotagger missing or misreading, each with
look-alikes that must stay as they were: a reading in kana with its own 市/し written
after it, everyday words that read like places, feature-phone katakana, a district
named by the head of its towns' names, Hangul names that are the head of a longer word
or too short without their district, stems in Chinese after a verb of being, and short
lower-case romaji before "no"."""

from __future__ import annotations

import pytest

from tests.geo.place_readings import municipality_of
from triage.geo.gazetteer import Gazetteer
from triage.geo.geotag import geotag


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        # 1. A reading in kana with its own 市/町/村 after it, in kana or kanji, spaced or not:
        # the kind written decides between municipalities sharing the reading.
        ("わたし は ふくしま市 に すんで います", "福島市"),  # not 福島町
        ("しばた まち の こうみんかん に います", "柴田町"),  # not 新発田市
        ("かなざわ市内 の ひなんじょ は どこ", "金沢市"),
        ("ふくおか市 はかた区 の ホテル です", "福岡市博多区"),  # the ward in kana with 区
        ("いたみ し に すんで います", "伊丹市"),  # a word (痛み) with its し is the city
        ("ちょうし し の みなと です", "銚子市"),
        # 2. Feature-phone katakana: a town of one of the municipalities sharing the
        # reading, and a former town read in kana.
        ("ｽｲﾄﾞｳ ﾃﾞﾅｲ ﾄﾖｵｶ ｷﾉｻｷ", "豊岡市"),  # 城崎 of 豊岡市, not 豊丘村
        ("ﾀﾛｳ ﾆ ｽﾝﾃﾞ ｲﾏｽ ﾐｽﾞ ｶﾞ ﾎｼｲ", "宮古市"),  # 田老 heads 78 towns of 宮古市
        # 3. A district by the head of its towns' names; a stem before 付近.
        ("釧路の星が浦大通で水が出ない", "釧路市"),  # no 星ケ浦 of 釧路町
        ("高山線の下呂付近で土砂崩れがあったそうです", "下呂市"),
        # 4. Other scripts.
        ("벳푸 가메가와 근처예요. 물이 안 나와요", "別府市"),  # too short alone: its 亀川
        ("가와구치코 근처 숙소에 있어요", "富士河口湖町"),  # the lake, not 川口 and a 코
        ("가와구치시에 살아요", "川口市"),
        ("가와구치에 살아요", "川口市"),
        ("我老公在丰田工作，工厂停电了", "豊田市"),  # 豊田, then 工作 (work)
        ("我们住在白石的旅馆，停电了", "白石市"),  # the one city of a guarded stem
        ("我住在广岛，家里停水了", "広島市"),  # as "I live in Hiroshima" reads
        ("從金澤出發的巴士有開嗎？", "金沢市"),  # 從 converts to 従
        # 5. Short lower-case romaji before "no" and a place of it.
        ("kure no hinanjo wa doko desu ka", "呉市"),
        ("suzu no iida ni imasu, mizu ga nai", "珠洲市"),  # 飯田町 of 珠洲市
    ],
)
def test_named_place_is_found(text: str, municipality: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("うわじま し の みまちょう です", "三間町"),  # the former 三間町 of 宇和島市
        ("ﾀﾛｳ ﾉ ｼｭｳﾗｸ ﾃﾞ ﾃｲﾃﾞﾝ", "田老"),
    ],
)
def test_town_in_kana_is_its_municipality_s(text: str, town: str, gazetteer: Gazetteer) -> None:
    found = geotag(text, gazetteer=gazetteer)
    assert found is not None and found.town == town


@pytest.mark.parametrize(
    "text",
    [
        # Everyday words in kana that read like municipalities (伊丹, 銚子, 白井, おおい,
        # 喜界, 香春, 玄海, 長洲, 泊): no place without their own し/まち.
        "あし の いたみ が ひどい です",
        "ちょうし が わるい です",
        "かお が しろい です",
        "ひと が おおい です",
        "きかい が とまった",
        "かわら が おちて きた",
        "もう げんかい です",
        "トイレ ながす みず ない",
        "ひなんじょ に とまり たい",
        # A given name (太郎) read like a former town, with no place of it after it.
        "ﾀﾛｳ ｶﾞ ｶｴｯﾃ ｺﾅｲ",
        # 伊達 alone is 北海道's 伊達市 and 福島県's; 星が is "the stars are", no town's head.
        # (釧路 alone is now 釧路市: a city over the town of its county, twelfth pass.)
        "伊達の星がきれい",
        # Two stations of the name (堺市堺区 and 小郡市): nothing tells which.
        "三国ヶ丘駅の近くです",
        # Two syllables of Hangul with no district of it after them.
        "벳푸 사람이에요",
        # Chinese: going to a place is not being there; a longer word; towns only.
        "下周去大阪，可以吗",
        "高山植物很美",
        "我们在大岛",
        # A short lower-case word before "no" and no place of it.
        "suzu no oto ga kikoeru",
    ],
)
def test_look_alike_stays_unlocated(text: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) is None


def test_home_area_decides_a_guarded_stem_in_chinese(gazetteer: Gazetteer) -> None:
    text = "我们住在高山的民宿，老板说会停电"
    assert municipality_of(text, gazetteer) == "高山市"
    assert municipality_of(text, gazetteer, area="長野県") == "高山村"
