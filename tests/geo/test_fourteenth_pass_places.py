"""Places the fourteenth pass reads, one table per class, each with look-alikes that must
stay unresolved: a two-character former municipality that is also a word (朽木, 焼山,
追分) before what makes it the district; a former municipality's reading that ends the
message or that a romaji word after "in" gives; a shelter whose name is an everyday phrase
(赤い屋根); ski and sightseeing areas foreign visitors write in their own scripts; former
municipalities in Tohoku speech and with postal-only towns; kana counted by a digit."""

from __future__ import annotations

import pytest

from tests.geo.place_readings import municipality_of
from triage.geo.gazetteer import Gazetteer


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("朽木地区の集落で停電が続いています", "高島市"),
        ("追分小学校に避難しているんですが毛布はありますか", "安平町"),
        ("焼山地区の公民館は開いていますか", "呉市"),
        ("焼山の公民館は開いていますか", "呉市"),
        # the same characters as words: no place, and です, のほう or の体育館 after a
        # dictionary word do not make it one (学園の体育館 is a school's gym)
        ("水がまだ出ません。焼山です", None),
        ("学園の体育館に避難しています", None),
        ("市場のほうに逃げました", None),
        ("お昼は和食です。", None),
        ("白木の棚が倒れてきた", None),
        ("焼山の写真をテレビで見た", None),
        ("追分の歌を歌って元気を出しています", None),
        ("朽木が道をふさいでいる", None),
    ],
)
def test_two_character_former_municipality_before_a_district_word(
    text: str, municipality: str | None, gazetteer: Gazetteer
) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        # a reading of four kana or more that ends the message is where the writer is
        ("みずが でない でんきも つかない むかいじま", "京都市伏見区"),
        ("We are stuck in Kikuma and the road is closed", "今治市"),
        ("Kami tinggal di Kikuma, air tidak keluar", "今治市"),
        # three kana at the end is as often a name signing the message
        ("おかあさん ぶじです たろう", None),
        # a romaji word not after a word of place stays a word
        ("Kikuma said the water is off", None),
    ],
)
def test_former_municipality_by_reading(
    text: str, municipality: str | None, gazetteer: Gazetteer
) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("赤い屋根の家の前で待っています", None),
        ("青い鳥が飛んでいった", None),
        ("町田市の赤い屋根に避難しています", "町田市"),
    ],
)
def test_shelter_named_like_an_everyday_phrase(
    text: str, municipality: str | None, gazetteer: Gazetteer
) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("Our lodge in Hirafu has no heating since the quake", "倶知安町"),
        ("ひらふの ペンションに とまっています", "倶知安町"),
        ("Somos seis en una cabaña cerca de Kiroro, sin luz", "赤井川村"),
        ("토마무 리조트에 있는데 버스가 다니나요", "占冠村"),
        ("Is the bus from Naeba to Echigo-Yuzawa running?", "湯沢町"),
        ("貴船の川床の店が流された", "京都市左京区"),
        ("we took the train to Kurama and the line stopped", "京都市左京区"),
        ("志賀高原のホテルから帰れません", "山ノ内町"),
        ("the road to Ginzan Onsen is blocked by snow", "尾花沢市"),
        ("Hanazono", None),  # Niseko's and Kyoto's: only the resort's own forms are read
    ],
)
def test_ski_and_sightseeing_areas(
    text: str, municipality: str | None, gazetteer: Gazetteer
) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        # a former municipality whose towns Japan Post lists only as neighbourhoods
        ("栃尾の実家が停電しています", "長岡市"),
        # Tohoku speech: Xだども (it's X, but…), Xさ住んでる (さ is に)
        ("余目だども、水は出るんだべか", "庄内町"),
        ("天王さ住んでら、灯油ねぇ", "潟上市"),
        # a road or a river of a former municipality that is also a word (三日月)
        ("三日月の国道が冠水してる", "小城市"),
        # a former municipality heading seven towns where others have one
        ("瀬波に住んでいますが、給水はどこですか", "村上市"),
        # the words themselves stay words, and a surname before だけど is a person
        ("大変だども、がんばる", None),
        ("田中だけど、家が浸水した", None),
    ],
)
def test_former_municipalities_as_people_write_them(
    text: str, municipality: str | None, gazetteer: Gazetteer
) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    "text", ["みんなで 2かい に にげました", "2かいに いる", "3じ に くる", "2 かいにいます"]
)
def test_a_counted_kana_word_is_no_place(text: str, gazetteer: Gazetteer) -> None:
    """2かい is the second floor, not 甲斐市; 3じ a time."""
    assert municipality_of(text, gazetteer) is None


def test_a_district_word_alone_does_not_place_a_two_character_town_elsewhere(
    gazetteer: Gazetteer,
) -> None:
    """広安小学校 is 益城町's school; 南砺市 has a town 広安 but no such school, and 小学校
    after a name makes a place of it only as a former municipality."""
    assert municipality_of("広安小学校に避難しています", gazetteer) in (None, "益城町")


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("our dorm is in Yoshida (Tsubame) and the water is off", "燕市"),
        ("estamos en el refugio de Aikawa, en Sado", "佐渡市"),
        ("nasa Yoshida, Uwajima kami", "宇和島市"),
        # two municipalities, neither a town of the other: the first named stays
        ("the ferry from Niigata to Sado is cancelled", "新潟市"),
        # a town of the other only when written beside it, not in another sentence
        ("I am in Takashima, Shiga. My son lives in Otaru.", "高島市"),
        ("Flooding in Takayama. My brother in Kushiro is fine.", "高山市"),
    ],
)
def test_a_romaji_district_then_its_city(
    text: str, municipality: str, gazetteer: Gazetteer
) -> None:
    assert municipality_of(text, gazetteer) == municipality
