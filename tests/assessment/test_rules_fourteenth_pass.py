"""Classes the fourteenth pass's helper-written holdouts showed on their first measurement
(ops/eval/assessment/seventeenth_*_holdout.jsonl, each measured before anything was
changed because of it), and the look-alikes each fix must leave alone. Every example is
our own wording.
"""

from __future__ import annotations

import pytest

from tests.assessment.rule_readings import priority_of, reading
from triage.assessment.schemas import Category, Priority

C = Category

LIFE_THREATS_OF_CATEGORY: list[tuple[str, Category]] = [
    # a crushed house, and a sound or an answer from inside it (ja)
    ("地震で納屋が潰れてしもて、さっきから中で何か音がするんです", C.RESCUE),
    ("倒壊した家の前で名前を呼んだら、奥のほうから小さい返事があった", C.RESCUE),
    # water up to the knees or the waist and still rising (id)
    ("Air masuk ke rumah sampai pinggang dan terus naik, anak saya masih kecil", C.RESCUE),
    # someone who does not wake when called (vi)
    ("Tôi gọi mãi mà mẹ tôi không tỉnh, người rất nóng", C.MEDICAL),
    # one-sided weakness, a drooping face, confusion after a fall (en)
    ("After she fell in the bath her right arm went numb and she can't lift it", C.MEDICAL),
    ("My dad's face is drooping on one side and his speech is slurred", C.MEDICAL),
    ("He slipped on the icy steps this morning and now he seems confused", C.MEDICAL),
    # a child who went out and is still not back, the words far apart (es)
    (
        "Mi hijo de 8 años salió a buscar al perro por la calle del río hace dos horas y "
        "todavía no vuelve",
        C.MISSING_PERSON,
    ),
    # someone heard inside a collapsed house who cannot be pulled out (tl)
    ("Narinig namin si lolo na sumisigaw sa loob ng gumuhong bahay", C.RESCUE),
    ("Gumuho ang pader ng bahay nila, hindi namin sila mailabas", C.RESCUE),
    # the news told first, then the writer's own danger: still the writer's (ja)
    ("テレビで川が溢れたって言ってたけど、うちも一階まで水が来て父が動けない", C.RESCUE),
]

URGENT_NEEDS: list[str] = [
    # cut off (the ferry stopped, the road closed) and medicine or kerosene running low (ja)
    "定期船が欠航していて、父の血圧の薬があと2日分しかありません",
    "道が通れなくなって三日目、灯油が残り少ないです",
    # a shelter too full to get in, told as a fact (a question about getting in is not)
    "避難所がいっぱいで入れません、外で寝ています",
    # the news seen, then the writer's own slope coming down and mud coming in (ja)
    "ニュースで見たけど、うちの裏山も崩れてきて、台所に土砂が入ってきてる",
    # an inhaler or medicine used up (tl)
    "Ubos na ang inhaler ng anak ko, may hika siya",
]

LOOK_ALIKES: list[str] = [
    "車が潰れてしまったけど、中には誰もいません",
    "Air tadi sampai lutut, sekarang sudah surut",
    "Tôi gọi cho công ty nhưng không được",
    "My arms are tired from carrying sandbags all day",
    "Mi hijo ya volvió de la escuela, gracias",
    "bumagsak ang presyo ng gulay, hindi ko makita ang dahilan",
    "naririnig ko ang ulan sa loob ng bahay",
    "ubos na ang load ko",
    # asking whether one may get into a shelter, in Ibaraki or Tohoku speech (ja)
    "猫も避難所に入れんのか？",
    # a leak already repaired and declared safe (ja)
    "ガス漏れは修理済みで安全と言われましたが、給湯器がつきません",
    # a cry for help written as a joke (ja): the laughter says so
    "助けて〜暇すぎて死にそうw",
    # mud in someone else's house, heard of (ja)
    "ニュースで見たけど、隣の町で土砂が家に流れ込んだらしい",
    # a headline passed on (ja)
    "NHKによると：県北部で堤防が決壊、住民が取り残されている",
    # money aid is a routine question (pt)
    "Existe ajuda financeira para quem perdeu o carro?",
    # what the radio or the TV said, passed on (ja): relayed news, not a report
    "ラジオで川沿いの道が崩れたって言ってた。気をつけないとね",
    "NHKでダムが放流するって言っとった",
    # pinned, and out by oneself without a scratch (ja): resolved
    "タンスの下敷きになったけど自分で這い出せて、けがはありません",
]


@pytest.mark.parametrize(("text", "category"), LIFE_THREATS_OF_CATEGORY)
def test_life_threats_of_their_category(text: str, category: Category) -> None:
    assert reading(text) == (Priority.LIFE_THREAT, category)


@pytest.mark.parametrize("text", URGENT_NEEDS)
def test_cut_off_and_running_low_is_urgent(text: str) -> None:
    assert priority_of(text) in (Priority.LIFE_THREAT, Priority.URGENT_NEED)


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_raise_nothing(text: str) -> None:
    assert reading(text) is None


def test_medicine_running_low_alone_is_a_routine_refill() -> None:
    """Without being cut off, medicine running low is a refill question (P3), which the
    first release marked P1."""
    assert reading("薬が残り少ないので、次の処方はどこでもらえますか") is None
