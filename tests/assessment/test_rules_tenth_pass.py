"""Classes a helper-written holdout showed on its first measurement (tenth pass,
ops/eval/assessment/thirteenth_*_holdout.jsonl): powered home medical equipment failing
in an outage, in ten languages; romanised Nepali bleeding that does not stop; a person
who cannot be carried to safety in Portuguese; the first signs of tetanus in Japanese;
water still rising told lightly, supplies ending tonight, cold with someone shivering,
a lost inhaler, landslide signs in Vietnamese; tests, mistakes and thanks that need
nothing. And the look-alikes each must leave alone. Every example is our own wording.
"""

from __future__ import annotations

import pytest

from tests.assessment.rule_readings import priority_of, reading
from triage.assessment.context import asks_for_something, says_it_is_settled
from triage.assessment.schemas import Category, Priority


@pytest.mark.parametrize(
    "text",
    [
        "停電で父の酸素濃縮器が止まった、ボンベはあと3時間",
        "停電了，奶奶的制氧機不動了，氧氣瓶快沒了",
        "정전 때문에 아버지 산소호흡기가 꺼졌어요",
        "Cúp điện, máy thở của ông ngừng rồi",
        "Sem luz aqui, o respirador do meu avô parou",
        "Apagón en el barrio, el tanque de oxígeno de mi madre solo le queda una hora",
        "Brownout, yung oxygen machine ni tatay ayaw gumana",
        "Mati listrik, konsentrator oksigen nenek tidak berfungsi",
        "बत्ती गयो, बुवाको अक्सिजन सिलिन्डर सकियो",
        "bijuli chaina, hajurba ko oxygen cylinder sakiyo",
        "Power cut here and dad's oxygen machine died, the spare tank has maybe two hours left",
    ],
)
def test_home_oxygen_failing_in_an_outage_is_a_life_threat(text: str) -> None:
    assert reading(text) == (Priority.LIFE_THREAT, Category.MEDICAL)


@pytest.mark.parametrize(
    "text",
    [
        # Romanised Nepali: a cut that keeps bleeding.
        "mero dai ko haat katyo, ragat bagirako cha rokidaina",
        "ragat rokiyena, ke garne?",
        # Portuguese: cannot get a bedridden or wheelchair-bound parent upstairs.
        "a agua ta subindo e nao consigo subir com ela, minha mae nao anda",
        "Não conseguimos descer com ele pela escada, o prédio tá balançando",
        # Japanese: lockjaw after a nail wound (tetanus) and its name said as a fear.
        "庭の片付けでさびた釘を踏んだ夫が、今朝から口があかんと言うとる",
        "破傷風かもしれません、首がこわばって口が開けられないそうです",
        "エレベーターに閉じ込められた。自力で出られない",
        "子どもが ながされて みえません",
        "冗談とかじゃないです、閉じ込められて出られません",
    ],
)
def test_quiet_life_threats_fire(text: str) -> None:
    assert priority_of(text) is Priority.LIFE_THREAT


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        # Water still climbing inside, told lightly.
        (
            "haha our first flood. the water is at the middle of the stairs and still rising",
            Priority.LIFE_THREAT,
        ),
        # A shelter's or a household's supplies ending tonight, the point in its own sentence.
        (
            "公民館に120人避難しています。粉ミルクと飲み水が明日で底をつきそうです",
            Priority.URGENT_NEED,
        ),
        # Cold without heating, someone shivering now (Hokkaido dialect).
        ("灯油切れてストーブつかん。しばれて じいちゃん震えてるっしょ", Priority.URGENT_NEED),
        # An asthma inhaler lost (Indonesian); landslide signs behind the house (Vietnamese).
        ("Anak saya asma dan inhalernya habis, dari tadi batuk", Priority.URGENT_NEED),
        ("Đồi sau nhà có tiếng đá lăn, nước giếng tự nhiên đục", Priority.URGENT_NEED),
        # A relative with dementia gone a while, buried in a question about the shelter.
        (
            "受付は名前だけでいいですか。あと義母が認知症で、散歩に出たまま2時間戻ってこなくて",
            Priority.LIFE_THREAT,
        ),
        ("祖父(90)にんちしょう 避難の途中で はぐれました", Priority.LIFE_THREAT),
        # Someone who cannot walk, and the water already at the garden.
        ("寝たきりの父がいます。水がもう玄関まで来ています", Priority.LIFE_THREAT),
        # A ventilator on battery in an outage (ko), across a full stop (pt).
        ("정전이라 할머니 인공호흡기가 배터리로 돌아가요. 4시간 남았어요", Priority.LIFE_THREAT),
        (
            "Meu pai usa respirador. Sem luz desde a manhã, a bateria acaba logo",
            Priority.LIFE_THREAT,
        ),
        # A shelter with water for one night; a crack growing, a door that sticks (zh);
        # a friend not picking up (ne); heating fuel gone in a shelter (id).
        ("Our shelter only has enough water for tonight, 60 people here", Priority.URGENT_NEED),
        ("墙上的裂缝越来越大，门关不上了", Priority.URGENT_NEED),
        ("मेरो दिदी हिजोदेखि फोन उठाउँदैनन्", Priority.URGENT_NEED),
        ("Di posko kami minyak tanah sudah habis, malam ini dingin sekali", Priority.URGENT_NEED),
        # A wish to disappear tonight (es); a roommate pinned (id); a line down to the
        # ground (id); a wall leaning over the house (romaji); a sister not answering (vi).
        ("ya no puedo mas con todo esto, es mejor desaparecer esta noche", Priority.URGENT_NEED),
        ("kaki ibu saya tertindih lemari, tidak bisa keluar", Priority.URGENT_NEED),
        ("tiang listrik roboh, kabelnya menjuntai ke jalan", Priority.URGENT_NEED),
        (
            "ura no burokku bei ga katamuiteru, kodomo ga chikaku de asonde iru",
            Priority.URGENT_NEED,
        ),
        ("chi em tu hom qua ko nghe may, em lo lam", Priority.URGENT_NEED),
        # News relayed, then smoke coming in now (ko): the present danger keeps it.
        (
            "뉴스에서 봤는데 근처에 불이 났대요. 지금 연기가 집 안으로 들어와요",
            Priority.URGENT_NEED,
        ),
    ],
)
def test_needs_reach_the_urgent_queue(text: str, priority: Priority) -> None:
    assert priority_of(text) in (priority, Priority.LIFE_THREAT)


@pytest.mark.parametrize(
    "text",
    [
        # Questions about equipment, asked before anything has failed.
        "If the power goes out, what happens to my oxygen concentrator?",
        "정전되면 산소발생기는 어떻게 해요?",
        "Khi mất điện thì máy tạo oxy có dùng được không?",
        # A jar or bag that will not open; a vaccine question; a blood test.
        "ペットボトルの口が開かないので手伝ってほしい",
        "破傷風の予防接種はどこで受けられますか",
        "ragat jaanch kahile garne?",
        # Out by oneself already; things, not people, swept away; "not that I am trapped".
        "停電で止まってたエレベーター、さっき自力で出られました。ご心配おかけしました",
        "スマホが ながされて でんわが できません。ひなんじょ は どこ ですか",
        "閉じ込められてるとかじゃないです。エレベーターの復旧はいつ頃ですか",
        "管理人さんが来てくれて、エレベーターから出られました。ありがとうございました",
        "昨日の道路の穴、業者さんが埋めてくれていました",
        "印鑑も通帳も ぜんぶ ながされて、再発行はどこでできますか",
        "もし足の悪い母がいたら、水が来る前にどうやって逃げればいいですか",
        "認知症の父の介護保険の手続きはどこで？見つからない書類があります",
    ],
)
def test_look_alikes_are_no_life_threat(text: str) -> None:
    assert priority_of(text) is not Priority.LIFE_THREAT


@pytest.mark.parametrize(
    "text",
    [
        "Es mejor desaparecer un rato de las redes jaja",
        "There's no gas at the station near us, where else can we fill up?",
        "인터넷에서 봤는데 다음 주에 큰 지진이 난대요. 진짜예요?",
        "구조대 덕분에 할머니 무사히 나오셨어요. 어제 요청은 처리 안 하셔도 돼요",
    ],
)
def test_look_alikes_are_no_emergency(text: str) -> None:
    assert priority_of(text) not in (Priority.LIFE_THREAT, Priority.URGENT_NEED)


@pytest.mark.parametrize(
    "text",
    [
        "寒くて震えるほどの夜だったけど、今は暖かい避難所にいます",
        "When the water keeps rising, what should we do?",
        "明日の炊き出しは何時ですか。今夜の分で毛布は足りています",
    ],
)
def test_look_alikes_fire_no_rule(text: str) -> None:
    assert reading(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # A test or a message sent by mistake, with a delivery check after a full stop.
        "テストです。ちゃんと届いていますか",
        "ごめんなさい、まちがえて おくりました。なにも ありません",
        "Oops, sent this by mistake, sorry. We are fine.",
        "Desculpa, mandei por engano",
        "잘못 보냈어요 죄송합니다",
        "यो नम्बरमा सन्देश पुग्छ कि भनेर मात्र हेरेको",
        "にほんごの れんしゅうです。がんばります",
        # Thanks for a rescue that came, with a wish to pass them on.
        "先日は消防の方に助けていただき、ありがとうございました。隊員の皆さんに感謝をお伝えください",
    ],
)
def test_tests_mistakes_and_thanks_say_they_need_nothing(text: str) -> None:
    assert says_it_is_settled(text)
    assert not asks_for_something(text)


@pytest.mark.parametrize(
    "text",
    [
        "助けていただきたいです。屋根が落ちそうです",
        "まちがえて おくりました。ほんとうは ちちが たおれて うごけません",
        "救援物資は届いていますか",
    ],
)
def test_a_real_request_beside_those_words_is_still_one(text: str) -> None:
    assert not says_it_is_settled(text) or asks_for_something(text)
