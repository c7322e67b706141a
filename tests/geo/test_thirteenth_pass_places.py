"""Places the thirteenth pass reads, one table per class, each with look-alikes that must
stay unresolved or resolve elsewhere: more well-known districts, dams, stations and sights
(data/landmarks.tsv), a shrine called with さん, schools named short (老津小) or by the
base name of a shelter the list writes by its parts, and shelter names in hiragana alone,
which are words."""

from __future__ import annotations

import pytest

from tests.geo.place_readings import municipality_of
from triage.geo.gazetteer import Gazetteer


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("野村ダムの放流はいつまで続くの", "西予市"),
        ("鹿野川ダムの下流に住んでいます", "大洲市"),
        ("鹿野川水库放水了吗", "大洲市"),
        ("we work at a factory in Mizushima, the power is out", "倉敷市"),
        ("estoy en la estación de Kaitaichi con mi hija", "海田町"),
        ("弁天島駅から歩いて帰れますか", "浜松市中央区"),
        ("is the Hamaoka nuclear plant safe after the quake", "御前崎市"),
        ("moramos perto de Kasadera, sem luz", "名古屋市南区"),
        ("a família mora em Homi, perto do danchi", "豊田市"),
        ("三保の海岸に津波は来ますか", "静岡市清水区"),
        ("nasa Koza kami, walang tubig", "沖縄市"),
        ("हामी ओरोकुमा बस्छौं", "那覇市"),
        ("残波岬の近くで車が動けません", "読谷村"),
        ("오카야마대학 근처에 살아요", "岡山市北区"),
        ("はまきた に すんで います", "浜松市浜名区"),
        ("the clinic in Hamakita is closed", "浜松市浜名区"),
    ],
)
def test_more_landmarks(text: str, municipality: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("内宮さんの参道が通れません", "伊勢市"),
        ("熱田神宮さんの森で木が倒れた", "名古屋市熱田区"),
        ("大宮さんの家に泊めてもらっています", None),  # a person: no shrine word
        ("三宮さんに連絡がつきません", None),
    ],
)
def test_shrines_called_with_san(text: str, municipality: str | None, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("老津小の体育館に避難しました", "豊橋市"),
        ("白子中のグラウンドに車を止めていいですか", "鈴鹿市"),
        ("名瀬小学校に毛布はありますか", "奄美市"),
        ("真備中で炊き出しがあると聞きました", "倉敷市"),
    ],
)
def test_schools_named_short(text: str, municipality: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) == municipality


@pytest.mark.parametrize(
    "text",
    [
        "停電中の家にまだ祖母がいます",  # 中 of "during", no school
        "中小企業向けの支援はありますか",
        "工事中で道が通れない",
        "小学校の体育館は開いていますか",  # a school with no name of its own
    ],
)
def test_school_look_alikes(text: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) is None


@pytest.mark.parametrize(
    "text",
    [
        "まだ誰もおらんどん、見に来てほしか",  # おらんど, a shelter's name, inside a verb
        "あおぞらが見えてきました",  # あおぞら, a shelter's name, is the sky
    ],
)
def test_hiragana_shelter_names_are_words(text: str, gazetteer: Gazetteer) -> None:
    assert municipality_of(text, gazetteer) is None
