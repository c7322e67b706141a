"""Words that look like an emergency and are not one, each beside its urgent twin.

Found on two helper-written holdouts (ops/eval/assessment/sixth_*_holdout.jsonl), where
these sent routine questions to the urgent queue; the examples are our own wording.
"""

from __future__ import annotations

import pytest

from tests.assessment.rule_readings import priority_of
from triage.assessment.schemas import Priority

# (not urgent, its urgent twin)
PAIRS = [
    # The Kansai / Tosa copula やけど ("it is ..., but") at a clause end is not a burn.
    ("仮設住宅の申し込みはどこですか？堺やけど", "熱い鍋で腕をやけど。水で冷やしてます"),
    ("どこに逃げたらええがやけど", "子どもが大やけど"),
    # Things swept away are a paperwork question; people and cars are not.
    ("免許証も通帳も流されてしまいました。再発行できますか", "車が流されて、中に人がいます"),
    ("テントが全部ながされた", "おばあちゃんが流された"),
    # A negation after the hit.
    ("もっと早ければ閉じ込められずに済んだのに", "エレベーターに閉じ込められています"),
    ("ガス臭いとかは全然ないんですが、点検はありますか", "ガス臭いです、窓を開けました"),
    ("ガスのにおいはしませんが、開栓の予約はいつですか", "ガスのにおいがします"),
    # Spanish "ayuda económica" is support money; Tagalog thanks for a help that came.
    ("¿Cómo solicitar la ayuda económica para la vivienda?", "Necesitamos ayuda, no podemos salir"),
    ("Nakauwi na kami. Thank you po sa tulong ninyo!", "Tulong po, naiipit kami sa bahay"),
    # A landslide that stopped a train or left soil to clear is a transport or debris
    # question; a person under a fallen tree is not.
    ("がけ崩れの影響で在来線が運休って本当？", "倒木の下に足が挟まれて動けない"),
    ("庭に入った土砂はいつ撤去してもらえますか", "裏山から土砂が崩れてきています"),
    ("산사태로 철도가 끊겼대요, 버스는 운행하나요?", "뒷산에서 산사태가 났어요"),
    # A past report, followed up; a pet that was lost; a test of the SOS button.
    (
        "さっき閉じ込められたと電話した者ですが、自力で出られました",
        "エレベーターに閉じ込められました",
    ),
    ("迷子になってたうちのインコ、戻ってきました", "子どもが迷子です、見つかりません"),
    ("SOSボタンの練習をしています", "SOS 助けて"),
    # Asking how to call an ambulance, or one that came and went; a past fire.
    (
        "救急車って何番に電話すればいいですか？今は元気です",
        "祖父が倒れました、救急車を呼んでください",
    ),
    ("先日の火事で焼けた跡の片付けはどうすれば", "隣の家が火事です"),
    # Worry about heatstroke or anaphylaxis, asked in advance.
    ("熱中症予防のために避難所に扇風機はありますか", "父が熱中症で倒れました"),
    # Thanks for a rescue that came (vi, pt); a benefit, not a cry for help (pt).
    ("Cảm ơn mọi người đã cứu hộ nhà em tuần trước", "Cứu với, nước đang dâng"),
    (
        "Obrigada aos bombeiros pelo resgate do meu tio ontem",
        "Precisamos de resgate, a água está subindo",
    ),
    ("Existe auxílio para quem perdeu o emprego na enchente?", "Auxilio, estamos atrapados"),
    ("快饿死了哈哈，哪里发便当？", "我爸爸快不行了，没有呼吸"),
    ("運転免許証が流されてしまいました", "車ごと流されています"),
]

# A quiet farewell is a suicidal statement; the same words with a reason are not.
FAREWELLS = [
    "もう疲れました。今まで本当にありがとうございました",
    "これ以上家族に迷惑をかけたくない。",
]
NOT_FAREWELLS = [
    "避難所でこれ以上迷惑をかけたくないので、車で寝ます",
    "今までありがとうございました。ボランティアの皆さんもお元気で",
]


@pytest.mark.parametrize(("calm", "urgent"), PAIRS)
def test_look_alike_is_not_urgent_and_its_twin_is(calm: str, urgent: str) -> None:
    assert priority_of(calm) is None
    assert priority_of(urgent) in (Priority.LIFE_THREAT, Priority.URGENT_NEED)


@pytest.mark.parametrize("text", FAREWELLS)
def test_a_quiet_farewell_is_life_threatening(text: str) -> None:
    assert priority_of(text) is Priority.LIFE_THREAT


@pytest.mark.parametrize("text", NOT_FAREWELLS)
def test_the_same_words_with_a_reason_are_not(text: str) -> None:
    assert priority_of(text) is None
