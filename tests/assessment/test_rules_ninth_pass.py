"""Classes two helper-written holdouts showed on their first measurement (ninth pass,
ops/eval/assessment/ninth_*_holdout.jsonl): quietly worded emergencies in romaji,
romanised Nepali, unaccented Portuguese and Spanish, Indonesian and dialect Japanese,
and the look-alikes that read a mother (romaji "haha") as laughter and a particle
before a word in ま (交差点でまんほーる) as デマ. Every example is our own wording.
"""

from __future__ import annotations

import pytest

from tests.assessment.rule_readings import priority_of
from triage.assessment.context import first_cue
from triage.assessment.language import detect_language
from triage.assessment.normalize import normalize
from triage.assessment.rules import assess_by_rules
from triage.assessment.schemas import Priority


@pytest.mark.parametrize(
    "text",
    [
        # Romaji: does not wake when called, snoring oddly (a stroke sign), a fall.
        "ojiichan ga heya de nete ite, yonde mo okinai. ibiki ga hen desu",
        "otto ga hashigo kara ochite atama wo utta",
        "musuko ga yuki ni umoreta, minna de hotte imasu",
        # Spanish: a calm wish not to wake up.
        "lo perdi todo. a veces pienso que seria mejor no despertar",
        # Romanised Nepali: a roommate who does not get up.
        "mero sathi bihana dekhi uthdai chaina, k garne",
        # Portuguese without accents: a fall from the roof, slurred speech.
        "meu pai caiu do telhado e agora ta falando enrolado",
        # Portuguese: a child who went to the sea and did not come back.
        "meu filho foi na praia olhar as ondas e ate agora nao voltou",
        # Indonesian: a friend who will not wake, breathing slowly.
        "Adik saya tidak bangun sejak pagi, napasnya pelan",
        # Easy Japanese in kana: a child gone to the sea during a tsunami warning.
        "つなみ けいほう でてる。むすめ が うみ に いった まま",
        # Hiroshima dialect: smoke coming out, the fire spreading.
        "裏の倉庫から煙でとる、火ぃ回っとるよ",
    ],
)
def test_quiet_life_threats_fire(text: str) -> None:
    assert priority_of(text) is Priority.LIFE_THREAT


@pytest.mark.parametrize(
    "text",
    [
        "ani to renraku tsukanai, hitori de sunde imasu",  # romaji, no particle が
        "shuuraku wa mizu mo tabemono mo sukunai desu",
        "ura no gake ni hibi ga haitte kita",
        "Ai phone uthaunu hunna, dui din bhayo",  # romanised Nepali: no answer
        "ghar ko bhitta ma thulo crack dekhiyo",
        "Cô ấy ở một mình, tôi gọi không được từ hôm qua",
        "the power line is sagging over the school road",
        "뒷집 산에서 돌이 굴러 내려와요",
        "हाम्रो पानी सकियो",
        "la ladera de atras tiene una grieta nueva y sale agua turbia",
        "母の薬が今日で切れます",  # a day named, not a day count
        "ばあちゃんの家、電話つながんねぇ",  # Tohoku: つながらない
        "家の前の道路が陥没してきた",
    ],
)
def test_quiet_urgent_needs_fire(text: str) -> None:
    assert priority_of(text) is Priority.URGENT_NEED


def test_haha_before_a_particle_is_a_mother_not_laughter() -> None:
    assert first_cue(normalize("haha to renraku ga tsukanai")) is None
    cue = first_cue(normalize("I'm starving at the shelter haha"))
    assert cue is not None and cue.kind == "joke"


def test_de_ma_across_a_particle_is_not_a_rumour() -> None:
    assert first_cue(normalize("交差点でマンホールのふたが浮いています")) is None
    cue = first_cue(normalize("堤防が切れたっていうのはデマです"))
    assert cue is not None and cue.kind == "relayed"


@pytest.mark.parametrize(
    "text",
    [
        "haha ga kinou kara renraku tsukanai",
        "tonari no obaachan, yonde mo okinai",
        "neko to issho ni ikeru basho wa doko",  # everyday words, no polite ending
        "denki wa itsu fukkyuu suru no",
    ],
)
def test_romaji_japanese_reads_as_japanese(text: str) -> None:
    assert detect_language(text) == "ja-easy"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Japanese loanwords inside another language's message keep that language.
        ("risai shoumeisho ko lagi ke kagaj chahincha? ma yaha basxu", "ne"),
        ("Saan po ang kyusui at hinanjo dito sa amin?", "tl"),
    ],
)
def test_loanwords_do_not_make_a_message_romaji(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "兄と連絡がつきました。お騒がせしました",  # the person named is reached
        "Thanks everyone, my dad was found safe at the gym shelter",
        "水道屋さんが来て直してくれました。もう大丈夫です",  # a request word, past
        "sakki no ken, mou daijoubu desu. arigatou",  # romaji resolved
        "さっきの煙、庭のたき火でした。すみません",  # a false alarm, with an apology
    ],
)
def test_settled_follow_ups_are_settled(text: str) -> None:
    from triage.assessment.context import says_it_is_settled

    assert says_it_is_settled(text)


@pytest.mark.parametrize(
    "text",
    [
        "兄と連絡がとれません",
        "my dad is trapped in the car",
        "すぐ来てください",
    ],
)
def test_their_urgent_twins_are_not_settled(text: str) -> None:
    from triage.assessment.context import says_it_is_settled

    assert not says_it_is_settled(text)


def test_thanks_for_being_taught_asks_nothing() -> None:
    from triage.assessment.context import asks_for_something

    assert not asks_for_something("ボランティアの人が にほんご おしえて くれた。たのしい")
    assert not asks_for_something("다 치웠어요. 따로 필요한 건 없어요")
    assert asks_for_something("にほんご おしえて ください")


def test_news_on_tv_and_a_dream_are_not_reports() -> None:
    assert priority_of("テレビで堤防決壊のニュースやってる。こわいね") is None
    assert priority_of("娘が「家の下敷きになる夢みた」って泣いてた") is None
    assert priority_of("家の下敷きになっています") is Priority.LIFE_THREAT


def category_of(text: str) -> str | None:
    verdict = assess_by_rules(text, detect_language(text))
    return verdict.category.value if verdict is not None else None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # A suicidal statement is the need, whatever else the message tells.
        ("店も車も流された。生きてる意味ないと思う", "medical"),
        # A bare cry for help says how urgent, not what: the specific need names it.
        ("Socorro, meu filho de 5 anos sumiu na praia", "missing_person"),
        ("Cuu voi, ba toi bi ngat, tho rat yeu", "medical"),
        ("tasukete, sofu ga ugokenai, mizu ga kite iru", "rescue"),
        # Missing people beyond the few words of a child "missing".
        ("祖父が避難所からいなくなりました。認知症です", "missing_person"),
        ("息子が塾の時間を過ぎても帰ってきません", "missing_person"),
        ("할머니가 대피소에서 없어졌어요", "missing_person"),
        ("mi esposo salio a ver el rio y no ha vuelto", "missing_person"),
        ("lost my 4 year old daughter in the crowd at the station", "missing_person"),
        ("my neighbour went to check the boat an hour ago and hasn't come back", "missing_person"),
        ("Suami saya pergi ke pantai dan belum kembali", "missing_person"),
        ("मेरो भाइ खोलातिर गएको थियो, अझै फर्किएन", "missing_person"),
        # Water climbing the stairs with people upstairs.
        ("the water is coming up the stairs, we are upstairs with grandma", "rescue"),
    ],
)
def test_the_most_urgent_expression_names_the_need(text: str, category: str) -> None:
    assert priority_of(text) is Priority.LIFE_THREAT
    assert category_of(text) == category


def test_a_cry_alone_keeps_its_category() -> None:
    assert category_of("助けて！") == "rescue"


@pytest.mark.parametrize(
    "text",
    [
        # The tenth holdout's quiet emergencies (our own wording of each class).
        # Others better off without me; wanting to disappear.
        "my sister says we would all be better off without her and stopped replying",
        "meu irmao disse que todo mundo ficaria melhor sem ele",
        "mi papa dice que estariamos mejor sin el y no contesta",
        "Sabi ng kuya ko mas okay daw kami kung wala siya",
        "Anh ay noi muon bien mat, moi nguoi se tot hon neu khong co anh ay",
        "Adik saya bilang semua lebih baik tanpa dia",
        "mou dame, watashi ga inai hou ga raku da to omou",
        "兄が、俺がおらんほうがみんな楽やろって言うとる",
        "친구가 자기가 없으면 다들 편할 거래요",
        "姐姐说没有我大家会更好",
        "bhai le marna chahanchu bhanyo",
        # Heat stroke and a listless infant.
        "祖母が暑いのに汗かいてへんし、言うてることがおかしい",
        "chichi ga atsui noni ase ga dete nakute, henji ga hen",
        "mi abuela esta muy caliente y no suda nada",
        "Con em nong qua, khong khoc nua",
        "my grandpa is really hot and stopped sweating",
        # Water at the bed; tatami floating with a bedridden person.
        "Nasa kama na ang tubig, hindi makalakad si lolo",
        "a agua ja chegou na cama, meu pai nao anda",
        "mizu ga beddo no ue made kite imasu",
        "たたみが ういて きた。 はは は ねたきり です",
        # Many pills at once.
        "kare ga kusuri wo zenbu nonda mitai",
        "동생이 약을 한 통 다 먹었어요",
        "साथीले धेरै औषधि खायो",
        # Charcoal indoors with headaches; a child out of sight; a car in snow.
        "heya de shichirin wo tsukatte itara minna atama ga itai",
        "musume ga umi no hou de mienaku natta",
        "kuruma ga yuki de ugokenai, kodomo ga samui to itte iru",
        # Bleeding that does not stop, in romaji (its -nai is no negation).
        "te kara chi ga tomaranai",
        # A shelf fell on a person; legs that do not move.
        "a prateleira caiu em cima do meu pai",
    ],
)
def test_the_tenth_sets_quiet_life_threats_fire(text: str) -> None:
    assert priority_of(text) is Priority.LIFE_THREAT


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Hay un cable de luz caido y echa chispas", "utilities"),
        ("tem um poste caido com os fios no chao", "utilities"),
        ("전봇대가 쓰러져서 전선이 땅에 닿아 있어요", "utilities"),
        ("楼下的电线杆倒了", "utilities"),
        ("Ada tiang listrik tumbang di depan sekolah", "utilities"),
    ],
)
def test_a_downed_power_line_is_utilities(text: str, category: str) -> None:
    assert priority_of(text) is Priority.URGENT_NEED
    assert category_of(text) == category


@pytest.mark.parametrize(
    "text",
    [
        # Thanks for an ambulance already sent: gratitude, not a call for one.
        "Thank you for the ambulance on Sunday, grandma is home again",
        "Gracias por mandar la ambulancia, mi tio ya salio del hospital",
        "Obrigado pela ambulancia, meu pai ja esta em casa",
        "Makasih ambulansnya kemarin ya",
        "Cam on xe cap cuu toi qua, me em on roi",
        "지난번 구급차 정말 감사했습니다",
        "救急車の方、ほんとにありがとうございました。母は退院しました",
        # General questions: what to do if, the symptoms of.
        "O que fazer se alguem tiver insolacao? so curiosidade",
        "Que hacer si alguien se desmaya por el calor?",
        "What are the symptoms of carbon monoxide poisoning? we have a generator",
        "Apa gejala keracunan karbon monoksida?",
        "Garmi le behosh bhayo bhane ke garne?",
    ],
)
def test_thanks_for_an_ambulance_and_general_questions_are_not_urgent(text: str) -> None:
    assert priority_of(text) is not Priority.LIFE_THREAT


@pytest.mark.parametrize(
    "text",
    [
        "thank you, but please send an ambulance now, he is bleeding",
        "救急車をお願いします",
        "Gracias. Necesitamos una ambulancia ya",
    ],
)
def test_a_thanks_that_still_asks_for_an_ambulance_is_urgent(text: str) -> None:
    assert priority_of(text) is Priority.LIFE_THREAT


@pytest.mark.parametrize(
    "text",
    [
        # Not waking however one calls, in dialect; beside a stove (carbon monoxide).
        "ばあちゃん、なんぼ呼んでも起ぎねぇんだ",
        "母が揺すっても目を覚まさない",
        "こたつで寝とった父が起きん、ストーブもつけっぱなし",
        # Nepali: a friend swept away by the river.
        "मेरो भाइ बाढीमा बग्यो",
        "sathi khola ma bagyo, k garne",
    ],
)
def test_the_eleventh_sets_life_threats_fire(text: str) -> None:
    assert priority_of(text) is Priority.LIFE_THREAT


def test_not_waking_in_the_past_or_in_jest_is_not_urgent() -> None:
    assert priority_of("昨日は呼んでも起きなかったけど、今日は元気です") is not Priority.LIFE_THREAT
    assert priority_of("うちの子は朝いくら呼んでも起きないんですよ（笑）") is not (
        Priority.LIFE_THREAT
    )


def test_the_western_copula_yakedo_is_no_burn() -> None:
    from triage.assessment.symptoms import reports_a_symptom

    assert not reports_a_symptom("雨ひどいけど、うちはいつも通りやけど")
    assert not reports_a_symptom("罹災証明ってネットでも出せるん？西宮やけど")
    assert reports_a_symptom("子どもが手にやけど。")
    assert reports_a_symptom("熱湯でやけどしました")


def test_a_request_made_before_and_an_office_line_ask_nothing_urgent() -> None:
    from triage.assessment.context import asks_for_something

    assert not asks_for_something("さっき探してほしいって連絡した父、見つかりました")
    assert priority_of("市役所に電話がつながらないので、ネットで申請できますか") is None
    assert priority_of("父と電話がつながらない") is Priority.URGENT_NEED


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        # The twelfth holdout's misses, our own wording: fire coming out, in dialect,
        # about to spread; water seeping from a levee.
        ("裏の小屋から火ぃ出とるで、こっちにも燃え移りそうや", Priority.LIFE_THREAT),
        ("川の土手のところから水がじわじわしみ出とる", Priority.URGENT_NEED),
    ],
)
def test_the_twelfth_sets_misses_fire(text: str, priority: Priority) -> None:
    assert priority_of(text) is priority


def test_fireworks_are_no_fire_rule() -> None:
    assert priority_of("花火が出てきれいやね") is None


@pytest.mark.parametrize(
    "text",
    [
        "Quiero reclamar el seguro contra incendios por el tifon",
        "o seguro de incendio cobre enchente?",
        "kasai hoken wa taifuu mo taishou desu ka",
        "does my fire insurance pay for the flood?",
        "화재보험으로 지진 피해도 보상돼요?",
    ],
)
def test_fire_insurance_is_no_fire_in_any_language(text: str) -> None:
    assert priority_of(text) is not Priority.LIFE_THREAT
