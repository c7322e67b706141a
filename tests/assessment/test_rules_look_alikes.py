"""Words that look like an emergency and are not one, each beside its urgent twin.

Found on two helper-written holdouts (ops/eval/assessment/sixth_*_holdout.jsonl), where
these sent routine questions to the urgent queue; the examples are our own wording.
"""

from __future__ import annotations

import pytest

from triage.assessment.language import detect_language
from triage.assessment.rules import assess_by_rules
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


def priority_of(text: str) -> Priority | None:
    verdict = assess_by_rules(text, detect_language(text))
    return None if verdict is None else verdict.priority


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
