"""Classes two helper-written holdouts showed on their first measurement (eighth pass,
ops/eval/assessment/eighth_*_holdout.jsonl): emergencies in romaji Japanese, romanised
Nepali and a buried aside; medicine with a day count; and the look-alikes that sent
thanks, fixed faults, footage on TV, a morgue visit, mud to clear and homework to the
urgent queue. Every example is our own wording.
"""

from __future__ import annotations

import pytest

from tests.assessment.rule_readings import priority_of
from triage.assessment.context import SentenceCues, asks_for_something, says_it_is_settled
from triage.assessment.normalize import normalize
from triage.assessment.schemas import Priority


@pytest.mark.parametrize(
    "text",
    [
        # Japanese in Latin letters (no Japanese keyboard).
        "tasukete! ie ga kuzurete chichi ga shitajiki ni natte imasu",
        "kawa ga afurete mizu ga koshi made kite imasu, nigerarenai",
        "sobo ga taorete ishiki ga arimasen",
        "tonari no apaato ga moete imasu",
        # English: lying on the floor and no answer when called.
        "the old lady upstairs is lying on the kitchen floor and does not respond when we knock",
        # A hand held to the chest with a cold sweat, buried in a long message.
        "公民館に来てます。食べ物は大丈夫。ただ横のおじいさんが胸を押さえて冷や汗をかいてます",
        # Romanised Nepali: a head wound, blood, no answer when called.
        "bhai ko tauko ma chot lagyo, ragat aairaheko cha",
        # Tagalog: a fire here, with the hearsay particle "daw" about who is inside.
        "May sunog po dito sa building namin, may matanda pa daw sa taas!",
    ],
)
def test_life_threats_written_as_people_write_fire(text: str) -> None:
    assert priority_of(text) is Priority.LIFE_THREAT


@pytest.mark.parametrize(
    "text",
    [
        "kyoudai to renraku ga tsukimasen, hitori gurashi desu",  # romaji: unreachable
        "mizu mo tabemono mo arimasen, kodomo ga sannin imasu",
        "kusuri ga mou arimasen",
        "父の心臓の薬があと1日分しかありません",  # medicine with a day count
        "O remédio de pressão do meu pai acaba amanhã",
        "隔壁的老奶奶两天没吃药了",
        "아버지 약이 다 떨어졌어요",
        "Wala pa rin po kaming tubig dito sa covered court",
        "पसलको भवन ढल्ला जस्तो छ",
        "दिदीको फोन लागेको छैन, दुई दिन भयो",
        "Bức tường sau nhà bị nứt và nghiêng hẳn sang một bên",
    ],
)
def test_urgent_needs_written_as_people_write_fire(text: str) -> None:
    assert priority_of(text) in (Priority.URGENT_NEED, Priority.LIFE_THREAT)


@pytest.mark.parametrize(
    "text",
    [
        "kega wa arimasen. hinanjo wa doko desu ka",  # romaji, negated
        "o remédio está acabando, onde tem farmácia aberta?",  # still some left
        # Thanks for a help that came, in five languages.
        "obrigada a todos os voluntários da cidade pela ajuda de ontem",
        "gracias a los bomberos de Kumamoto por toda su ayuda",
        "thank you to the city hall staff for all your help this week",
        "terima kasih banyak kepada relawan atas bantuannya",
        "cảm ơn các anh chị đã giúp đỡ chúng tôi",
        # A rescue or a repair that happened, thanked for.
        "先週、土砂に埋まった祖父を助けてくださった消防団の皆さま、ありがとうございました",
        "さっき連絡した水漏れの件、業者さんが来て直してくださいました",
        "さっき姉と連絡がとれないと送りましたが、無事が確認できました",
        # Footage seen on a screen; a morgue visit; mud left to clear; homework.
        "ニュースで倉敷の浸水の映像を見た。胸が痛む",
        "身元確認のため遺体安置所へ行くよう言われました。バスはありますか",
        "玄関に泥と流木がたまってます。市で撤去してもらえますか",
        "たすけてー　夏休みの宿題が終わらん",
        "I'm drowning in a sea of homework this week",
        # A cry with a laugh after it.
        "Socorro! meu gato dormiu em cima do teclado de novo 😂",
    ],
)
def test_look_alikes_are_not_urgent(text: str) -> None:
    assert priority_of(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "たすけて！家が傾いて出られない",  # a cry before a present danger
        "Help! My son is stuck under the shelf",
        "玄関に土砂が流れ込んで、母が足を挟まれています",  # mud with a person caught
        "thank you, but please help us, the water is rising",
    ],
)
def test_their_urgent_twins_still_fire(text: str) -> None:
    assert priority_of(text) in (Priority.LIFE_THREAT, Priority.URGENT_NEED)


def test_an_interjection_takes_the_joke_of_the_sentence_after_it() -> None:
    text = normalize("Tolong! Kucingku tidur di atas laptopku lagi 😂")
    cue = SentenceCues(text).at(0)
    assert cue is not None and cue.kind == "joke"


def test_an_interjection_before_relayed_news_stays_a_cry() -> None:
    # A frightened writer: "Help! I saw on the news..." is not set aside as relayed.
    text = normalize("Help! I saw on the news that the dam may break")
    assert SentenceCues(text).at(0) is None


def test_an_ellipsis_does_not_end_the_sentence() -> None:
    text = normalize("stuck... in a pile of laundry lol")
    cue = SentenceCues(text).at(0)
    assert cue is not None and cue.kind == "joke"


@pytest.mark.parametrize(
    "text",
    [
        "Update: my aunt was found at a friend's house, no need to check any more",
        "cam on moi nguoi, me em ve nha roi, khong can tim nua",
        "業者さんが来て直してくださいました。ありがとうございました",
    ],
)
def test_a_settled_follow_up_asks_for_nothing(text: str) -> None:
    assert not asks_for_something(text)


def test_a_settled_follow_up_is_settled() -> None:
    assert says_it_is_settled("業者さんが来て直してくださいました。ありがとうございました")
