"""Routine questions as the eleventh to fourteenth passes' holdouts wrote them, where a
playbook had the answer but not the words (ops/eval/assessment/fourteenth_*_holdout.jsonl,
fifteenth_*): a line that
"止まっとる" in dialect, a typo in 動いてます, classes in Tagalog ("may pasok"), water
points in romaji with long vowels (kyuusuijo), tap water in Spanish, a child who cannot
sleep after the quake, the disaster certificate in easy Japanese, the city's house
inspection, a student's closed part-time job in Korean, going back to an island, birds at
a shelter. Every example is our own wording; the category is the one a person would give.
"""

from __future__ import annotations

import pytest

from playbooks.matcher import match
from playbooks.seed import default_playbooks
from tests.playbooks.factories import assessment
from triage.assessment.schemas import Category
from triage.routing.decision import AUTO_REPLY_MIN_MATCH_SCORE

LIBRARY = default_playbooks()
C = Category

# (category, language, message, the playbook that answers it)
QUESTIONS: list[tuple[Category, str, str, str]] = [
    # the fourteenth pass (seventeenth_* holdouts): a ferry line by name, throwing away
    # in kana
    (C.ROADS_TRANSPORT, "ja", "隠岐汽船の便はあした出ますか", "travel_and_stranded_visitors"),
    (C.ROADS_TRANSPORT, "ja", "島に帰る定期船は今日出ますか", "travel_and_stranded_visitors"),
    (
        C.INFORMATION_OTHER,
        "ja-easy",
        "われた まど の ガラス は どこに すてればいいですか",
        "disaster_waste",
    ),
    # the thirteenth pass (sixteenth_* holdouts): school things lost, sandbags in kana,
    # help in one's own language, an alert level in romaji, livestock, a rental car, roof
    # tiles to throw away, flights in Chinese, a ferry in Indonesian
    (C.INFORMATION_OTHER, "ja", "娘の中学の制服と教科書が泥だらけになりました", "school_status"),
    (C.INFORMATION_OTHER, "ja-easy", "どのうは どこで もらえますか", "tarps_and_sandbags"),
    (
        C.INFORMATION_OTHER,
        "id",
        "Apakah ada petugas yang bisa bahasa Indonesia di balai kota?",
        "information_in_other_languages",
    ),
    (
        C.INFORMATION_OTHER,
        "es",
        "¿Qué quiere decir keikai reberu 3 en la radio?",
        "preparedness_info",
    ),
    (C.PETS, "ja", "うちのヤギも避難所に連れて行ってええんかね", "pets"),
    (C.DAMAGE_REPORT, "zh", "租的车被洪水泡了，要赔钱吗？", "damaged_vehicles"),
    (C.DAMAGE_REPORT, "ja", "割れた瓦はどこに出せばいいですか", "disaster_waste"),
    (C.ROADS_TRANSPORT, "zh", "那霸机场明天的航班恢复了吗？", "travel_and_stranded_visitors"),
    (
        C.ROADS_TRANSPORT,
        "id",
        "Kapan kapal ke pulau itu jalan lagi?",
        "travel_and_stranded_visitors",
    ),
    # food asked for in easy Japanese by someone not at a shelter, volunteering to clear
    # mud (vi), clothes sent as a donation (pt)
    (
        C.WATER_FOOD_SUPPLIES,
        "ja-easy",
        "いえ に いる ひと も ごはん は もらえますか ひなんじょ には いません",
        "water_food_distribution",
    ),
    (
        C.VOLUNTEER_DONATION,
        "vi",
        "Cuối tuần em muốn đi tình nguyện dọn bùn, đăng ký ở đâu ạ?",
        "volunteer",
    ),
    (C.VOLUNTEER_DONATION, "pt", "Queremos mandar roupas para as famílias atingidas", "donations"),
    (C.ROADS_TRANSPORT, "ja", "大雪で地下鉄東西線止まっとる？", "roads_transport"),
    (C.ROADS_TRANSPORT, "ja", "只見線ってもう動いてまつか", "roads_transport"),
    (C.INFORMATION_OTHER, "tl", "May pasok pa po ba bukas sa elementary?", "school_status"),
    (C.WATER_FOOD_SUPPLIES, "ja", "kyuusuisha wa kyou kimasu ka", "water_food_distribution"),
    (C.UTILITIES, "es", "¿Se puede beber el agua de la llave ya?", "utilities_outage"),
    (C.MEDICAL, "ja", "娘が余震を怖がって夜泣きがひどいです。相談できる所は", "health_info"),
    (C.MEDICAL, "ja-easy", "こども が よる ねません。そうだん できる ところ は", "health_info"),
    (
        C.CERTIFICATES_SUPPORT,
        "ja-easy",
        "ひさいしょうめい は どこ で もらえますか",
        "damage_certificate",
    ),
    (C.DAMAGE_REPORT, "ja", "家の被害を市の人が見に来てくれるのはいつですか", "damage_certificate"),
    (
        C.INFORMATION_OTHER,
        "ko",
        "알바하던 식당이 문을 닫았어요. 생활비는 어떻게 하죠?",
        "work_wages_and_money",
    ),
    (
        C.INFORMATION_OTHER,
        "ja",
        "島に戻れる見通しはいつわかりますか",
        "returning_home_and_restricted_areas",
    ),
    (C.PETS, "en", "Can I bring my parrot to the shelter?", "pets"),
    # The twelfth pass's holdouts (fifteenth_*): a line asked whether it runs tomorrow,
    # where to sleep tonight in easy Japanese, ash on the roof in Kagoshima dialect, a
    # salary in romanised Nepali, work during an alert (pt), a car that got wet (es), an
    # evacuation advisory (ko), trains and roads in romaji.
    (C.ROADS_TRANSPORT, "ja", "日比谷線って明日動くの？", "roads_transport"),
    (
        C.EVACUATION_SHELTER,
        "ja-easy",
        "いえ が こわれました。こんや どこ で ねますか",
        "shelter_location",
    ),
    (C.INFORMATION_OTHER, "ja", "屋根ん灰はいつ落とせばよかですか", "volcanic_ash"),
    (
        C.INFORMATION_OTHER,
        "ne",
        "factory banda bhayo, yo mahina ko talab aauchha?",
        "work_wages_and_money",
    ),
    (
        C.INFORMATION_OTHER,
        "pt",
        "Com o alerta, tenho que trabalhar amanha?",
        "work_wages_and_money",
    ),
    (
        C.ROADS_TRANSPORT,
        "es",
        "Mi carro se mojo con la lluvia, lo puedo prender?",
        "damaged_vehicles",
    ),
    (
        C.EVACUATION_SHELTER,
        "ko",
        "대피 권고가 나오면 우리 동네는 어디로 가야 해요?",
        "shelter_location",
    ),
    (C.ROADS_TRANSPORT, "ja-easy", "ashita densha wa ugokimasu ka", "roads_transport"),
    (C.ROADS_TRANSPORT, "ja-easy", "Kushiro made michi wa tooremasu ka", "roads_transport"),
]


@pytest.mark.parametrize(("category", "language", "text", "owner"), QUESTIONS)
def test_the_playbook_that_answers_it_matches(
    category: Category, language: str, text: str, owner: str
) -> None:
    found = match(assessment(category, language=language, text=text), text, LIBRARY)
    assert found is not None
    assert found.playbook_id == owner, found.reasons
    assert found.score >= AUTO_REPLY_MIN_MATCH_SCORE, found.reasons


# The new words in another topic's message: no answer from the wrong playbook.
OTHERS: list[tuple[Category, str, str, str | None]] = [
    # 止まってる about the water is the outage playbook's, not the roads'.
    (C.UTILITIES, "ja", "水道が止まってるんですが、いつ出ますか", "utilities_outage"),
    # 相談できる about wages is the work playbook's.
    (
        C.INFORMATION_OTHER,
        "ja",
        "給料が出ないのですが、相談できる所はありますか",
        "work_wages_and_money",
    ),
]


@pytest.mark.parametrize(("category", "language", "text", "owner"), OTHERS)
def test_other_topics_keep_their_playbook(
    category: Category, language: str, text: str, owner: str | None
) -> None:
    found = match(assessment(category, language=language, text=text), text, LIBRARY)
    assert found is not None
    assert found.playbook_id == owner, found.reasons
