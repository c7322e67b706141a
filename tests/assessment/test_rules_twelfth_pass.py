"""Classes the twelfth pass's helper-written holdouts showed on their first measurement
(ops/eval/assessment/fifteenth_{a..d}_holdout.jsonl, each measured before anything was
changed because of it), the calibration folds' misses after the retraining, and the
look-alikes each fix must leave alone. One table per kind of expectation, each example
commented with the class it pins. Every example is our own wording.
"""

from __future__ import annotations

import pytest

from tests.assessment.rule_readings import reading
from triage.assessment.context import asks_for_something, says_it_is_settled
from triage.assessment.normalize import normalize, without_links
from triage.assessment.rules import find_hits
from triage.assessment.schemas import Assessment, Category, Engine, Priority, Route
from triage.assessment.symptoms import reports_a_symptom
from triage.routing.decision import RouteContext, route_for

C = Category


LIFE_THREATS_OF_CATEGORY: list[tuple[str, Category]] = [
    # water indoors, the Kyushu subject marker の and the place first (台所まで水の来とる)
    ("ばあちゃんの家、台所まで水の来とるってよ", C.RESCUE),
    ("水の居間まで上がってきよる", C.RESCUE),
    # romanised Nepali with a double vowel (paani), a pregnant woman in pain
    ("paani ghar bhitra pasyo, hami mathi chhau", C.RESCUE),
    ("mero buhari pregnant chhin, pet dherai dukhdai chha", C.MEDICAL),
    # bleeding that will not stop, with an adverb between (なかなか止まらん)
    ("じいちゃんが鎌で手を切って血がなかなか止まらん", C.MEDICAL),
    # a person who has stopped answering in the cold (いまは なにも いわない)
    ("おばあちゃん さっきから なにも いわない からだ つめたい", C.MEDICAL),
    # a missing child in everyday Chinese (走丢, 跑散)
    ("儿子在车站走丢了，已经一个小时", C.MISSING_PERSON),
    ("地震的时候跟女儿跑散了", C.MISSING_PERSON),
    # a burn with blisters (es), a blow to the belly and severe pain (vi), a blow to
    # the head with vomiting and drowsiness (tl)
    ("mi hermano se quemo la mano con la estufa y tiene ampollas grandes", C.MEDICAL),
    ("ba em bi trau huc vao bung, gio dau bung du doi", C.MEDICAL),
    ("nabagok ang ulo ni tatay, nagsusuka siya at inaantok na", C.MEDICAL),
    # oxygen at home and the power gone, across sentences (es, en)
    ("Mi madre usa oxigeno en casa. Se fue la luz y la bateria dura hasta la noche", C.MEDICAL),
    ("Grandpa is on oxygen at home. Power is out and the battery lasts four hours", C.MEDICAL),
]

URGENT_NEEDS_OF_CATEGORY: list[tuple[str, Category]] = [
    # landslide signs: stones or cracking trees from the hill behind the house
    ("うちの裏山から石がころころ落ちてくる", C.DAMAGE_REPORT),
    ("裏の山から木の折れる音が何回もしよる", C.DAMAGE_REPORT),
    ("崖の方からみしみし変な音がする", C.DAMAGE_REPORT),
    # a floor sinking in a house people still live in (dialect endings)
    ("床が沈んどるけど他に行くとこがない", C.DAMAGE_REPORT),
    # medicine for one or two days, said without a negative (あと2日分だそうです)
    ("父のインスリンがあと1日分だそうです", C.MEDICAL),
    # a generator's fuel running out where people depend on it
    ("施設の発電機の燃料が今夜までしかもちません", C.UTILITIES),
    ("the generator fuel runs out tonight and we have residents on ventilators", C.UTILITIES),
    # food for one day left (tl), gas smelled strongly (es)
    ("isang araw na lang ang pagkain namin dito sa dorm", C.WATER_FOOD_SUPPLIES),
    ("huele muy fuerte a gas en la cocina", C.UTILITIES),
    # romanised Japanese: no medicine (without ga)
    ("kodomo no kusuri nai, doushitara ii", C.MEDICAL),
]

RAISE_NOTHING: list[str] = [
    # the water-indoors look-alike: carrying water somewhere
    "水のタンクを台所まで運んでもらえますか",
    # a generator fuel question, no shortage
    "発電機の燃料はどこで買えますか",
    # medicine left for days (a refill question) is not a shortage
    "薬はあと2日分ありますが、次はどこでもらえますか",
    # a child who stopped talking and went to sleep, someone asked to keep quiet
    "子供はもう何も言わないで寝ました",
    "今は何も言わないでください",
    # a minor burn without blisters
    "me queme un poco el dedo cocinando, sin ampollas, que crema uso?",
    # romaji "haite" is also wearing shoes
    "kutsu wo haite imasu ka",
]

# Words inside a link are not the writer's cry for help: a scam's "bit.ly/ajuda-jp".
LINKS_BLANKED: list[tuple[str, str]] = [
    ("clique bit.ly/ajuda-jp agora", "clique " + " " * len("bit.ly/ajuda-jp") + " agora"),
    ("see https://example.com/help-me now", "see " + " " * 27 + " now"),
    ("www.rescue.org", " " * 14),
    ("no link here", "no link here"),
]

# Tagalog hearsay ("daw") about a present danger is not relayed news; news is.
DAW_PRESENT: list[str] = [
    "ubos na daw ang insulin ni lola bukas, sarado ang daan",
    "may sunog sa building namin, may matanda pa daw sa taas",
]
DAW_RELAYED: list[str] = [
    "nakita ko sa TV na may sunog daw sa Kobe",
    "tsismis lang: may sunog daw sa mall sa Osaka",
]


@pytest.mark.parametrize(("text", "category"), LIFE_THREATS_OF_CATEGORY)
def test_life_threats_of_their_category(text: str, category: Category) -> None:
    assert reading(text) == (Priority.LIFE_THREAT, category)


@pytest.mark.parametrize(("text", "category"), URGENT_NEEDS_OF_CATEGORY)
def test_urgent_needs_of_their_category(text: str, category: Category) -> None:
    assert reading(text) == (Priority.URGENT_NEED, category)


@pytest.mark.parametrize("text", RAISE_NOTHING)
def test_look_alikes_raise_nothing(text: str) -> None:
    assert reading(text) is None


@pytest.mark.parametrize(("text", "blanked"), LINKS_BLANKED)
def test_links_are_blanked_to_the_same_length(text: str, blanked: str) -> None:
    assert without_links(normalize(text)) == blanked


def test_a_word_inside_a_link_raises_nothing() -> None:
    scam = "URGENTE!! O governo paga 50.000 ienes, clique bit.ly/ajuda-jp e digite o PIN"
    assert reading(scam) is None
    assert reading("socorro, clique bit.ly/x para ver onde estamos presos") is not None


@pytest.mark.parametrize("text", DAW_PRESENT)
def test_hearsay_about_a_present_danger_still_raises(text: str) -> None:
    hits = find_hits(text, "tl")
    assert any(hit.suppressed_by is None for hit in hits)


@pytest.mark.parametrize("text", DAW_RELAYED)
def test_news_with_hearsay_is_relayed(text: str) -> None:
    hits = find_hits(text, "tl")
    assert hits and all(hit.suppressed_by == "relayed" for hit in hits)


def test_a_fever_in_romanised_japanese_is_a_symptom() -> None:
    assert reports_a_symptom("kodomo 2sai, netsu 39.5do, kinou kara")
    assert reports_a_symptom("atama ga itai desu")
    assert not reports_a_symptom("kyou wa atsui desu ne, 35 do")


def _settled(urgent_probability: float) -> Route:
    assessment = Assessment(
        priority=Priority.ROUTINE,
        category=Category.SAFETY_CHECK,
        confidence=0.8,
        engine=Engine.LOCAL_MODEL,
        language="ja",
        urgent_probability=urgent_probability,
    )
    return route_for(assessment, RouteContext(says_it_is_settled=True))


def test_a_settled_message_the_model_finds_urgent_is_not_closed() -> None:
    # "やっと連絡がつきました" and then their water and insulin running out: the first
    # sentence is settled, the model reads the rest (0.8) and a person sees it.
    assert _settled(0.8) is Route.STAFF
    assert _settled(0.3) is Route.CLOSED


# Settled and asking nothing: thanks for help given in spaced easy Japanese, "but I'm
# fine" in kana and romaji, tests in romaji or asking in dialect whether they arrive.
SETTLED_ASKING_NOTHING: list[str] = [
    "おととい は たすけて くれて ありがとう。いま は げんき です。",
    "かみなり が こわかった です。でも だいじょうぶ です。",
    "Ame ga sugokatta. Demo daijoubu desu.",
    "uchi wa daijoubu, oyasumi",
    "Tesuto soushin desu. Henshin wa iranai desu.",
    "てすと です。めーる とどいて いますか。",
    "テスト中です。ちゃんと届いとりますか",
]
# The same words beside a need, or asked as a question, are not settled.
NOT_SETTLED: list[str] = [
    "たすけて くれて ありがとう、でも まだ おとうと が なか に います",
    "でも大丈夫ですか？母が熱を出しています",
    "watashi wa daijoubu desu ka",
    "テストです。母が動けません、届いていますか",
]


@pytest.mark.parametrize("text", SETTLED_ASKING_NOTHING)
def test_settled_and_asking_nothing(text: str) -> None:
    assert says_it_is_settled(text)
    assert not asks_for_something(text)


@pytest.mark.parametrize("text", NOT_SETTLED)
def test_a_need_or_a_question_is_not_settled(text: str) -> None:
    assert not says_it_is_settled(text) or asks_for_something(text)


# Urgent needs the holdouts showed in the staff queue instead of the urgent one: food,
# milk, water or medicine for a day or two, someone not answering, heating gone in the
# cold with someone frail, cracks that grow. The priority is what the tests pin.
URGENT_NEEDS: list[str] = [
    "hamro kotha ma 4 jana chhau, khana 1 din ko matra baki chha",
    "chhori ko lagi dudh sakiyo, pasal banda",
    "避難所の食料が一日分しかない",
    "May bitak sa pader at nahuhulog na ang kisame",
    "chi toi goi dien thoai khong duoc tu sang",
    "할머니 댁에 물과 음식이 다 떨어졌어요",
    "아버지 혈압약도 내일이면 끝나요",
    "wala nang inuming tubig dito sa evacuation center",
    "Hindi na siya sumasagot sa text mula kahapon",
    "実家の柱が傾いて戸が閉まらん",
    "夜中にみしみし音がしよる家で寝とる",
    "裏の擁壁のひびが昨日より広がってふくらんできた",
    "Tem um buraco na rua que esta aumentando, os carros passam perto",
    "Solo nos queda agua para un dia y la tienda esta cerrada",
    "may suoi khong chay, ngoai troi lanh lam, co em be",
    "aquecedor parado ha um dia e temos uma senhora de 80 anos",
    "दमको औषधि २ दिनको मात्र बाँकी छ",
    "pemanas ga jalan dari pagi, ada nenek umur 90",
    "We have no baby formula left and the shop is closed",
]
# Look-alikes of those needs that stay routine.
ROUTINE_LOOK_ALIKES: list[str] = [
    "日分しか無料で配れないそうです",
    "Donde puedo comprar agua para la semana?",
    "aquecedor novo, onde compro?",
    "do we need to bring baby formula to the shelter?",
]


# The second pair of the pass (fifteenth_e, f: Tohoku and Hokuriku rain, a Kansai
# quake), first measured on bfa0b5a: what it found, each in our own words.
SECOND_PAIR_URGENT: list[tuple[str, Priority]] = [
    # a generator run indoors, headaches, someone who cannot get up (romanised Nepali)
    (
        "generator kotha bhitra chalayo, sabai ko tauko dukhyo, didi uthna sakdainan",
        Priority.LIFE_THREAT,
    ),
    # blood that will not stop, soaking through towels (en)
    ("my husband cut his hand on glass and the blood won't stop", Priority.LIFE_THREAT),
    # a grandfather gone out and not back, in Tohoku kana (でだっきり もどてこね)
    ("ばあちゃん あさ はたけ さ でだっきり もどてこね", Priority.LIFE_THREAT),
    # a child scalded with boiling water (ko)
    ("동생이 끓는 물을 뒤집어써서 다리가 빨개요", Priority.LIFE_THREAT),
    # oil leaking from a boat into the harbour (ja)
    ("港で沈んだ船から重油が漏れて海に広がっとる", Priority.URGENT_NEED),
    # milk powder and nappies gone at a shelter (pt)
    ("No abrigo acabou o leite em po para os bebes", Priority.URGENT_NEED),
]
SECOND_PAIR_CALM: list[str] = [
    # negated with "nem" (pt)
    "Ninguem esta preso, nao estamos feridos nem machucados, obrigado",
    # a document swept away (id)
    "Paspor saya hanyut kena banjir, bikin baru di mana?",
    # heard about the injured, asks where to give blood (ja)
    "怪我人が多いって聞いて、献血できる所を探しています",
    # a gas smell that turned out to be nothing (ja)
    "ガス臭いと思ったけど点検してもらって異常なしでした",
    # oil that is not leaking
    "ストーブの灯油は漏れていません。給油所はどこですか",
]


# Both pairs' urgent needs by the priority each must reach, and both pairs' look-alikes.
URGENT_BY_PRIORITY = [*((text, Priority.URGENT_NEED) for text in URGENT_NEEDS), *SECOND_PAIR_URGENT]


@pytest.mark.parametrize(("text", "priority"), URGENT_BY_PRIORITY)
def test_urgent_needs_reach_their_priority(text: str, priority: Priority) -> None:
    found = reading(text)
    assert found is not None and found[0] is priority


@pytest.mark.parametrize("text", [*ROUTINE_LOOK_ALIKES, *SECOND_PAIR_CALM])
def test_look_alikes_are_not_urgent(text: str) -> None:
    found = reading(text)
    assert found is None or not found[0].needs_human
