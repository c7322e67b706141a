"""Life-threatening situations written without the usual emergency words, often as an
aside in a longer message: each reaches the rules (and so the urgent queue), and each has
a twin with the same words that is not an emergency.

Found on two helper-written holdouts (ops/eval/assessment/sixth_holdout_*.jsonl) where
the local model alone read them as routine; the examples here are our own wording.
"""

from __future__ import annotations

import pytest

from tests.assessment.rule_readings import priority_of
from triage.assessment.schemas import Priority

LIFE_THREATENING = [
    # Buried, in kana, with "hurry".
    "うまってる　早く",
    "たすけて　うまってしまった",
    # Struck by falling stones or tiles; legs that no longer move.
    "落石に当たった人がいて、動けません",
    "祖母の頭に瓦が当たって血が出ている",
    "倒れたタンスの横で父の足が動かないと言っています",
    # A voice or knocking from inside a house that people cannot enter.
    "隣の家の中から声がします。ドアが開きません",
    "We can hear knocking from inside the rubble next door",
    # Someone lying still, or who will not wake.
    "a woman collapsed on the platform and she is not moving",
    "my roommate won't wake up, I shook him",
    # An overdose, or someone who will not wake or react, in Spanish, Portuguese, Vietnamese.
    "mi papá se tragó demasiadas pastillas, está muy dormido",
    "minha avó não reage quando a gente chama",
    "anh ấy bất tỉnh từ nãy giờ",
    # Chest pain in Tohoku speech; a suction machine's battery running out in an outage.
    "かっちゃが胸いでぇって言って横になってら",
    "停電で人工呼吸器の電池が夕方までしかもちません",
    # Casualties reported as present.
    "there are several injured in the school gym and no doctor",
    # An overdose told as a fact.
    "he swallowed a whole bottle of sleeping pills an hour ago",
    # Nepali: chest pain, breath that will not come.
    "बुबालाई छाती धेरै दुख्यो, सास फेर्न गाह्रो छ",
    # A farewell quoted from someone who is tired of everything.
    "Kuya messaged: 'pagod na pagod na talaga ako, paalam sa inyong lahat'",
    "last text from her: i'm just tired of it all. goodbye",
    # A hazard is coming and the ride that was to take them has not come.
    "津波注意報が出たのに、デイサービスの送迎の車がまだ来ません。母は歩けません",
    "Ada peringatan tsunami, nenek saya di rumah belum bisa dievakuasi",
    # Tagalog: will not open her eyes when called.
    "Si lola sa kabilang higaan, ayaw magmulat kahit ginigising namin",
]

# A need that must be met soon (P2), said as a worry.
URGENT_NEEDS = [
    "灯油が切れて、夜は家の中でも寒くて眠れません。高齢の両親と三人です",
    "赤ちゃんのミルクがもうないです。お店も閉まっています",
    "ミルクを作るお湯がありません",
    # Tagalog: no heater, not enough blankets, people shivering.
    "Ubos na ang kumot dito sa gym, giniginaw na ang mga senior",
    "Wala na po kaming tubig dito sa apartment, dalawang araw na",
    "ストーブの灯油が切れました。今夜は氷点下になるそうです",
]

NOT_LIFE_THREATENING = [
    # 埋まっている also means "full" (seats, bookings, shelters).
    "避難所の駐車場はもう埋まっていますか",
    "予約がうまってる",
    # A tile that hit a car, not a person.
    "昨日の風で瓦が当たって車がへこみました",
    # A voice heard from a loudspeaker, not from inside a house.
    "防災無線の声が聞こえにくいです",
    "the trains are not running, can I get a refund?",
    "I couldn't wake up early enough for the water truck, when is the next one?",
    # Tired, a goodbye and thanks when someone leaves Japan or goes to sleep.
    "Salamat sa lahat, paalam na po, uuwi na kami sa Pilipinas bukas",
    "Thank you for everything, goodbye Sendai! Flying home tomorrow",
    "Is there financial support for flood victims?",
    "el ayuntamiento no responde al teléfono, ¿a qué hora abre?",
    "phí này có khong tinh phí không?",
    "寒くなってきたので灯油の配布はありますか",
    "灯油の配布はいつ終わりますか。寒くて",
    "ガソリンスタンドが閉まる時間です。寒くていやだな",
    "ミルクの配布場所を教えてください",
    "Salamat po sa kumot at sa mainit na sabaw kagabi, okay na kami",
]


@pytest.mark.parametrize("text", LIFE_THREATENING)
def test_said_in_passing_is_still_life_threatening(text: str) -> None:
    assert priority_of(text) is Priority.LIFE_THREAT


@pytest.mark.parametrize("text", URGENT_NEEDS)
def test_a_worried_need_is_urgent(text: str) -> None:
    assert priority_of(text) is Priority.URGENT_NEED


@pytest.mark.parametrize("text", NOT_LIFE_THREATENING)
def test_the_same_words_about_things_are_not(text: str) -> None:
    assert priority_of(text) is not Priority.LIFE_THREAT
