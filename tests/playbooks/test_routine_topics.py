"""The routine topics that had no playbook: tarps and sandbags, toilets, mud and sediment
after a flood, fee reductions, going back home (restricted areas, the inspection
notices), information in other languages, complaints, damaged cars, and volcanic ash.

Each answers the questions people ask about it, as they write them (polite, dialect,
hiragana only, easy Japanese, other languages), labelled with the category a person
would give them, and takes no question that belongs to another playbook. Checked with
`matcher.match` and with the choice the workers and `triage assess` make
(`Answers.choose` over the shipped library), which must agree.
"""

from __future__ import annotations

import pytest

from playbooks.matcher import keyword_hits, match
from playbooks.schemas import PlaybookContent
from playbooks.seed import default_playbooks
from tests.playbooks.factories import assessment
from triage.assessment.normalize import normalize
from triage.assessment.schemas import Category
from triage.routing.answers import Answers, LibraryAnswers
from triage.routing.decision import AUTO_REPLY_MIN_MATCH_SCORE

LIBRARY = default_playbooks()
BY_ID = {playbook.id: playbook for playbook in LIBRARY}
ANSWERS = Answers(LibraryAnswers(LIBRARY), None)

C = Category
# topic -> (the category a person would label the message with, its language, the message)
EXAMPLES: dict[str, list[tuple[Category, str, str]]] = {
    "tarps_and_sandbags": [
        (C.WATER_FOOD_SUPPLIES, "ja", "ブルーシートはどこで配布していますか？"),
        (
            C.DAMAGE_REPORT,
            "ja",
            "屋根瓦が落ちて雨漏りしています。ブルーシートをもらえる場所を教えてください",
        ),
        (C.WATER_FOOD_SUPPLIES, "ja", "土嚢ってどこでもらえるん？家の前に積んどきたいんやけど"),
        (C.WATER_FOOD_SUPPLIES, "ja", "ぶるーしーと ほしいです どこ ですか"),
        (C.WATER_FOOD_SUPPLIES, "ja-easy", "どのう は どこで もらえますか"),
        (C.DAMAGE_REPORT, "en", "Where can I get a blue tarp for my roof?"),
        (C.WATER_FOOD_SUPPLIES, "zh", "請問哪裡可以領取藍色防水布和沙包？"),
        (C.WATER_FOOD_SUPPLIES, "ko", "모래주머니는 어디서 받을 수 있나요?"),
        (C.WATER_FOOD_SUPPLIES, "vi", "Cho tôi hỏi nhận bao cát ở đâu ạ?"),
        (C.DAMAGE_REPORT, "id", "Di mana bisa dapat terpal dan karung pasir?"),
    ],
    "toilets": [
        (C.UTILITIES, "ja", "断水でトイレが流せません。どうしたらいいですか"),
        (C.WATER_FOOD_SUPPLIES, "ja", "簡易トイレの配布はありますか"),
        (
            C.EVACUATION_SHELTER,
            "ja",
            "避難所のトイレが汚くて使えない、仮設トイレはいつ来ますか",
        ),
        (C.EVACUATION_SHELTER, "ja", "といれは どこで つかえますか"),
        (C.UTILITIES, "ja-easy", "トイレ が つかえません。 どう しますか"),
        (C.EVACUATION_SHELTER, "en", "The toilets at the shelter are not working. Where can I go?"),
        (C.UTILITIES, "zh", "停水了，厕所不能冲水怎么办？"),
        (C.UTILITIES, "ko", "화장실을 쓸 수 없어요. 간이 화장실은 어디에 있나요?"),
        (C.EVACUATION_SHELTER, "vi", "Nhà vệ sinh ở nơi sơ tán không dùng được, phải làm sao?"),
        (
            C.EVACUATION_SHELTER,
            "pt",
            "O banheiro do abrigo está entupido e não tem água. Tem banheiro químico?",
        ),
    ],
    "mud_and_sediment_cleanup": [
        (C.DAMAGE_REPORT, "ja", "床下浸水しました。泥出しはどうすればいいですか"),
        (C.DAMAGE_REPORT, "ja", "床上浸水で畳が濡れてしまいました。どこに出せばいいですか"),
        (C.DAMAGE_REPORT, "ja", "家の裏に流れ込んだ土砂の撤去はお願いできますか"),
        (C.INFORMATION_OTHER, "ja-easy", "どろだし てつだって くれる ひと いますか"),
        (
            C.INFORMATION_OTHER,
            "ja",
            "水が引いた後の消毒はどうしたらいいですか？消石灰はもらえますか",
        ),
        (C.DAMAGE_REPORT, "ja", "泥かきのボランティアを頼みたいのですが、どこに連絡すれば"),
        (C.DAMAGE_REPORT, "en", "Our house was flooded. How do we remove the mud and disinfect?"),
        (C.DAMAGE_REPORT, "zh", "房屋进水了，淤泥怎么清理？需要消毒吗？"),
        (C.INFORMATION_OTHER, "vi", "Nhà bị ngập, dọn bùn thế nào và có phát vôi bột không?"),
        (C.DAMAGE_REPORT, "tl", "Binaha ang bahay namin, paano linisin ang putik?"),
    ],
    "fee_reductions": [
        (C.CERTIFICATES_SUPPORT, "ja", "被災したので住民税や国民健康保険料の減免はありますか"),
        (C.MEDICAL, "ja", "家が全壊しました。病院の窓口負担は免除されますか"),
        (
            C.INFORMATION_OTHER,
            "ja",
            "今月の電気代とガス代、払えないかもしれない。支払いを待ってもらえる？",
        ),
        (C.INFORMATION_OTHER, "ja", "被災者は医療費が無料になるって聞いたけどほんま？"),
        (C.CERTIFICATES_SUPPORT, "ja-easy", "ぜいきん はらえない ときは どう しますか"),
        (C.INFORMATION_OTHER, "ja", "NHKの受信料は免除になりますか"),
        (
            C.CERTIFICATES_SUPPORT,
            "en",
            "Can I get a tax exemption or defer my health insurance premium because my house"
            " was damaged?",
        ),
        (C.CERTIFICATES_SUPPORT, "zh", "受灾了，国民健康保险费可以减免吗？"),
        (C.CERTIFICATES_SUPPORT, "ko", "재해로 피해를 입었는데 건강보험료 감면이 되나요?"),
        (
            C.CERTIFICATES_SUPPORT,
            "pt",
            "Perdi minha casa no terremoto. Posso ter isenção do imposto e da conta de luz?",
        ),
    ],
    "returning_home_and_restricted_areas": [
        (C.INFORMATION_OTHER, "ja", "一時帰宅はいつからできますか"),
        (
            C.DAMAGE_REPORT,
            "ja",
            "家に応急危険度判定の赤い紙が貼られました。どういう意味ですか",
        ),
        (C.INFORMATION_OTHER, "ja", "黄色い紙が貼ってあるけど家に入っても大丈夫？"),
        (C.ROADS_TRANSPORT, "ja", "立入禁止の区域にある自宅に荷物を取りに戻れますか"),
        (C.INFORMATION_OTHER, "ja-easy", "いえに もどっても いいですか"),
        (
            C.INFORMATION_OTHER,
            "ja",
            "うちの様子を見にいきたいんやけど、警戒区域って入れるん？",
        ),
        (
            C.DAMAGE_REPORT,
            "en",
            "There's a red sticker on my house. Is it safe to go back inside to get my things?",
        ),
        (C.DAMAGE_REPORT, "ko", "집에 빨간 종이가 붙어 있어요. 집에 들어가도 되나요?"),
        (C.DAMAGE_REPORT, "es", "¿Puedo volver a mi casa? Tiene un papel rojo pegado."),
        (
            C.INFORMATION_OTHER,
            "id",
            "Boleh pulang ke rumah sebentar untuk ambil barang? Ada kertas merah di rumah saya.",
        ),
    ],
    "information_in_other_languages": [
        (
            C.INFORMATION_OTHER,
            "ja",
            "外国人の友人のために、多言語の災害情報はどこで見られますか",
        ),
        (C.EVACUATION_SHELTER, "ja", "避難所に通訳の方はいますか？ベトナム人の家族がいます"),
        (C.INFORMATION_OTHER, "ja-easy", "やさしい にほんごの じょうほうは どこ ですか"),
        (C.INFORMATION_OTHER, "ja", "英語の情報があるサイトを教えてください"),
        (
            C.INFORMATION_OTHER,
            "en",
            "Is there disaster information in English? I can't read the Japanese announcements.",
        ),
        (C.INFORMATION_OTHER, "zh", "有没有中文的信息？我看不懂日语。"),
        (C.INFORMATION_OTHER, "ko", "한국어로 된 정보는 어디서 볼 수 있나요?"),
        (C.INFORMATION_OTHER, "vi", "Có thông tin bằng tiếng Việt không? Tôi cần phiên dịch."),
        (C.INFORMATION_OTHER, "pt", "Tem informações em português sobre o terremoto?"),
        (
            C.EVACUATION_SHELTER,
            "id",
            "Apakah ada penerjemah bahasa Indonesia di tempat pengungsian?",
        ),
    ],
    "feedback_and_complaints": [
        (C.EVACUATION_SHELTER, "ja", "避難所の運営がひどすぎる。改善してほしい"),
        (C.WATER_FOOD_SUPPLIES, "ja", "給水の量が少なすぎる。行政の責任だろう"),
        (C.UTILITIES, "ja", "停電の説明が全然ない。ちゃんと説明してください"),
        (C.OTHER, "ja", "市の対応が遅すぎる、苦情を言いたい"),
        (C.EVACUATION_SHELTER, "ja-easy", "ひなんじょの うんえいに ふまんが あります"),
        (
            C.EVACUATION_SHELTER,
            "en",
            "This is unacceptable. The shelter has had no heating for days. Please improve.",
        ),
        (C.WATER_FOOD_SUPPLIES, "zh", "供水点的安排太差了，我要投诉"),
        (C.EVACUATION_SHELTER, "ko", "대피소 운영에 불만이 있습니다. 개선해 주세요."),
        (C.WATER_FOOD_SUPPLIES, "vi", "Tôi muốn khiếu nại về việc phát nước không công bằng."),
        (
            C.WATER_FOOD_SUPPLIES,
            "pt",
            "Quero fazer uma reclamação: a distribuição de água é injusta.",
        ),
    ],
    "damaged_vehicles": [
        (C.ROADS_TRANSPORT, "ja", "大雨で車が水没しました。廃車の手続きはどうすればいいですか"),
        (
            C.CERTIFICATES_SUPPORT,
            "ja",
            "津波で流された車について、自動車税の還付や支援はありますか",
        ),
        (
            C.INFORMATION_OTHER,
            "ja",
            "冠水した道を走ったら車が水に浸かってしもた。エンジンかけても大丈夫なん？",
        ),
        (C.ROADS_TRANSPORT, "ja", "すいぼつした くるまを れっかーで はこんで もらえますか"),
        (C.DAMAGE_REPORT, "ja-easy", "くるまが みずに つかりました。どう したら いいですか"),
        (
            C.ROADS_TRANSPORT,
            "en",
            "My car was flooded in the typhoon. Is it safe to start it, and who can tow it?",
        ),
        (C.CERTIFICATES_SUPPORT, "zh", "我的车被水淹了，想办理车辆报废，汽车税能退吗？"),
        (C.DAMAGE_REPORT, "ko", "침수된 차를 폐차하려면 어떻게 해야 하나요?"),
        (
            C.CERTIFICATES_SUPPORT,
            "pt",
            "Meu carro ficou debaixo d'água na enchente. Como faço a baixa do carro?",
        ),
        (C.ROADS_TRANSPORT, "vi", "Xe bị ngập nước trong trận lũ, tôi gọi xe cứu hộ ở đâu?"),
    ],
    "volcanic_ash": [
        (C.WATER_FOOD_SUPPLIES, "ja", "克灰袋はどこでもらえますか"),
        (C.DAMAGE_REPORT, "ja", "屋根に積もった火山灰はどこに出せばいいでしょうか"),
        (C.INFORMATION_OTHER, "ja", "降灰ば水で側溝に流してもよかと？"),
        (C.WATER_FOOD_SUPPLIES, "ja", "こうはいぶくろ は どこで くばって ますか"),
        (C.DAMAGE_REPORT, "ja-easy", "やねの はいを どこに すてますか"),
        (
            C.INFORMATION_OTHER,
            "en",
            "Where do I put the volcanic ash from my roof? Can I wash it down the drain?",
        ),
        (C.WATER_FOOD_SUPPLIES, "zh", "请问在哪里可以领取装火山灰的袋子？"),
        (C.WATER_FOOD_SUPPLIES, "ko", "화산재 봉투는 어디서 받을 수 있나요?"),
        (C.INFORMATION_OTHER, "es", "¿Es peligroso respirar la ceniza volcánica? ¿Dónde la dejo?"),
        (
            C.DAMAGE_REPORT,
            "id",
            "Rumah saya tertutup abu vulkanik, di mana bisa dapat kantong abu?",
        ),
    ],
}
NEW_TOPICS = frozenset(EXAMPLES)
POSITIVES = [
    (topic, category, language, text)
    for topic, examples in EXAMPLES.items()
    for category, language, text in examples
]
POSITIVE_IDS = [
    f"{topic}-{n}" for topic, examples in EXAMPLES.items() for n in range(len(examples))
]

# Questions on other topics (some sharing a word with a new one): none of the new
# playbooks may take them.
OTHER_TOPICS: list[tuple[Category, str, str]] = [
    (C.EVACUATION_SHELTER, "ja", "避難所はどこですか"),
    (C.EVACUATION_SHELTER, "ja", "近くの避難所にトイレットペーパーはありますか"),
    (C.EVACUATION_SHELTER, "en", "Is there toilet paper at the shelter?"),
    (C.EVACUATION_SHELTER, "en", "Can I get a toilet paper at the evacuation center?"),
    (C.WATER_FOOD_SUPPLIES, "ja", "避難所でトイレットペーパーやティッシュは配布していますか"),
    (C.WATER_FOOD_SUPPLIES, "vi", "Có phát giấy vệ sinh và băng vệ sinh không?"),
    (C.WATER_FOOD_SUPPLIES, "ja", "給水車は何時に来ますか"),
    (C.WATER_FOOD_SUPPLIES, "en", "Where can I get drinking water?"),
    (C.WATER_FOOD_SUPPLIES, "ja", "もうふなどのうけとりは どこですか"),  # などのうけとり
    (C.WATER_FOOD_SUPPLIES, "ja", "支援物資の配布場所はどこですか"),
    (C.WATER_FOOD_SUPPLIES, "vi", "Cho tôi xin vài bát cơm được không?"),  # bát, not bạt
    (C.INFORMATION_OTHER, "ja", "学校はいつ再開しますか"),
    (C.VOLUNTEER_DONATION, "ja", "義援金を寄付したいです"),
    (C.INFORMATION_OTHER, "ja", "災害ボランティアセンターはどこにありますか"),
    (C.UTILITIES, "ja", "停電はいつ直りますか"),
    (C.UTILITIES, "ja", "Wi-Fiは無料で使えますか"),
    (C.CERTIFICATES_SUPPORT, "ja", "罹災証明書はどこで申請できますか"),
    (C.CERTIFICATES_SUPPORT, "ja", "保険証をなくしました。再発行できますか"),
    (C.CERTIFICATES_SUPPORT, "en", "I lost my health insurance card. How do I get a new one?"),
    (C.MEDICAL, "ja", "薬がなくなりました。どこでもらえますか"),
    (C.ROADS_TRANSPORT, "ja", "高速道路は無料になりますか"),
    (C.ROADS_TRANSPORT, "ja", "道路が浸水して通れません"),
    (C.ROADS_TRANSPORT, "ja", "新幹線が止まって家に帰れない"),
    (C.ROADS_TRANSPORT, "en", "I'm a tourist and I can't get home. Are trains running?"),
    (C.INFORMATION_OTHER, "ja", "お風呂に入ってもいいですか"),
    (C.INFORMATION_OTHER, "ja", "子供の様子を見に学校へ行ってもいいですか"),
    (C.INFORMATION_OTHER, "en", "Water came into my house. What should I do?"),
    (C.INFORMATION_OTHER, "ja", "土砂崩れの危険はありますか"),
    (C.INFORMATION_OTHER, "ja", "NHKのニュースでは何と言っていますか"),
    (C.EVACUATION_SHELTER, "en", "Where is the nearest shelter? I don't speak Japanese."),
    (C.EVACUATION_SHELTER, "en", "Please answer in English. Where is the shelter?"),
    (C.EVACUATION_SHELTER, "ja", "にほんごが わかりません。ひなんじょは どこ ですか"),
    (C.EVACUATION_SHELTER, "ja", "外国人も避難所に入れますか"),
    (C.INFORMATION_OTHER, "ja", "ひどい雨ですね、外出しても大丈夫？"),
    (C.INFORMATION_OTHER, "ja", "避難所の運営について説明会はありますか"),
    (C.INFORMATION_OTHER, "vi", "Tôi tên là Lan, tôi muốn biết tình hình động đất"),
    (C.INFORMATION_OTHER, "en", "Can you suggest where I can charge my phone?"),
    (C.INFORMATION_OTHER, "id", "Saya minta saran, di mana tempat mengungsi yang dekat?"),
    # Cars, buses and garbage that are not a damaged car; eruptions that are not the ash.
    (C.ROADS_TRANSPORT, "ja", "車で金沢まで行きたいのですが、国道8号は通行止めですか"),
    (C.ROADS_TRANSPORT, "ja", "冠水している道路を車で通れますか"),
    (C.ROADS_TRANSPORT, "en", "Is the road to the airport closed? Can I drive my car there?"),
    (C.ROADS_TRANSPORT, "ja", "路線バスは動いていますか"),
    (C.ROADS_TRANSPORT, "en", "Are the buses running today?"),
    (C.MEDICAL, "ja", "車中泊でエンジンをかけたまま寝ても大丈夫ですか"),
    (C.DAMAGE_REPORT, "ja", "水に浸かった家具や畳はどこに捨てればいいですか"),
    (C.DAMAGE_REPORT, "en", "Where do I throw away my damaged furniture?"),
    (C.INFORMATION_OTHER, "ja", "噴火警戒レベルは今いくつですか"),
    (C.EVACUATION_SHELTER, "ja", "噴火警戒レベルが4に上がりました。避難したほうがいいですか"),
    (C.EVACUATION_SHELTER, "en", "The volcano is erupting. Where should we evacuate?"),
]


def new_playbooks() -> list[PlaybookContent]:
    return [BY_ID[topic] for topic in sorted(NEW_TOPICS)]


def test_every_new_topic_is_shipped_with_its_examples() -> None:
    assert set(BY_ID) >= NEW_TOPICS
    for topic, examples in EXAMPLES.items():
        assert 6 <= len(examples) <= 10, topic
        labels = {category for category, _, _ in examples}
        assert labels <= set(BY_ID[topic].categories), topic


@pytest.mark.parametrize(("topic", "category", "language", "text"), POSITIVES, ids=POSITIVE_IDS)
def test_among_the_new_topics_a_question_finds_its_own(
    topic: str, category: Category, language: str, text: str
) -> None:
    found = match(assessment(category, language=language, text=text), text, new_playbooks())
    assert found is not None
    assert found.playbook_id == topic, found.reasons
    assert found.score >= AUTO_REPLY_MIN_MATCH_SCORE, found.reasons


@pytest.mark.parametrize(("topic", "category", "language", "text"), POSITIVES, ids=POSITIVE_IDS)
def test_against_the_shipped_library_the_new_topic_wins(
    topic: str, category: Category, language: str, text: str
) -> None:
    assessed = assessment(category, language=language, text=text)
    found = match(assessed, text, LIBRARY)
    assert found is not None
    assert found.playbook_id == topic, found.reasons
    assert found.score >= AUTO_REPLY_MIN_MATCH_SCORE, found.reasons
    # What a worker and `triage assess` choose, through the library index.
    chosen = ANSWERS.choose(assessed, text)
    assert chosen is not None
    assert (chosen.playbook_id, chosen.score) == (topic, found.score)
    assert chosen.language == language


@pytest.mark.parametrize(("category", "language", "text"), OTHER_TOPICS)
def test_questions_on_other_topics_are_not_taken(
    category: Category, language: str, text: str
) -> None:
    assessed = assessment(category, language=language, text=text)
    found = match(assessed, text, LIBRARY)
    assert found is None or found.playbook_id not in NEW_TOPICS, found.reasons
    chosen = ANSWERS.choose(assessed, text)
    assert chosen is None or chosen.playbook_id not in NEW_TOPICS


@pytest.mark.parametrize(
    ("owner", "category", "text"),
    [
        ("fee_reductions", C.CERTIFICATES_SUPPORT, "被災者は自動車税の減免がありますか"),
        ("mud_and_sediment_cleanup", C.DAMAGE_REPORT, "消石灰はどこにもらいに行けばいいですか"),
        ("mud_and_sediment_cleanup", C.DAMAGE_REPORT, "消石灰はどこに撒けばいいですか"),
    ],
)
def test_car_tax_and_lime_stay_with_their_own_playbooks(
    owner: str, category: Category, text: str
) -> None:
    """自動車税 alone is a fee question and 石灰 holds 灰: the car and ash playbooks
    must not take them from the playbook that answers them."""
    found = match(assessment(category, text=text), text, LIBRARY)
    assert found is not None
    assert found.playbook_id == owner, found.reasons


@pytest.mark.parametrize(
    "text",
    [
        "トイレットペーパーが足りません",
        "といれっとぺーぱー ありますか",
        "Is there toilet paper at the shelter?",
        "哪里能领卫生纸？",
        "화장지 있나요?",
        "Có giấy vệ sinh không?",
        "Onde tem papel higiênico?",
        "¿Hay papel higiénico?",
        "Ada tisu toilet di posko?",
    ],
)
def test_toilet_paper_is_not_a_toilet_question(text: str) -> None:
    assert keyword_hits(normalize(text), BY_ID["toilets"]) == ()


def test_complaint_keywords_are_complaint_expressions() -> None:
    """A complaint is labelled by its topic, so a word that an ordinary question on that
    topic holds would send the question to the complaint answer."""
    keywords = {
        normalize(word)
        for words in BY_ID["feedback_and_complaints"].keywords.values()
        for word in words
    }
    generic = [
        "ひどい",
        "遅い",
        "説明",
        "雨",
        "対応",
        "責任",
        "改善",
        "意見",
        "suggestion",
        "saran",
    ]
    assert keywords.isdisjoint(normalize(word) for word in generic)
