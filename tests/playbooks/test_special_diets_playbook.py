"""The special diets playbook: allergies, halal, vegetarian and no pork at a shelter, as
residents and visitors ask in eleven languages. A distribution question without a diet
keeps the distribution playbook. Every example is our own wording."""

from __future__ import annotations

import pytest

from playbooks.matcher import match
from playbooks.seed import default_playbooks
from tests.playbooks.factories import assessment
from triage.assessment.schemas import Category
from triage.routing.decision import AUTO_REPLY_MIN_MATCH_SCORE

LIBRARY = default_playbooks()
PLAYBOOK_ID = "special_diets"
C = Category

QUESTIONS: list[tuple[Category, str, str]] = [
    (C.WATER_FOOD_SUPPLIES, "ja", "避難所のお弁当に卵アレルギーでも食べられるものはありますか"),
    (C.WATER_FOOD_SUPPLIES, "ja", "宗教上、豚肉が食べられないのですが配給で選べますか"),
    (C.WATER_FOOD_SUPPLIES, "ja-easy", "ひなんじょ に ハラール の ごはん は ありますか"),
    (C.WATER_FOOD_SUPPLIES, "en", "Does the shelter have halal or vegetarian meals?"),
    (C.WATER_FOOD_SUPPLIES, "zh", "避难所有清真的饭吗？我们不吃猪肉"),
    (C.WATER_FOOD_SUPPLIES, "ko", "대피소에 할랄 음식이나 채식 메뉴가 있나요?"),
    (C.WATER_FOOD_SUPPLIES, "vi", "Ở nơi sơ tán có đồ ăn chay không ạ?"),
    (C.WATER_FOOD_SUPPLIES, "pt", "Tem comida vegetariana no abrigo? Sou vegetariana"),
    (C.WATER_FOOD_SUPPLIES, "es", "¿Hay comida sin cerdo en el refugio? Somos musulmanes"),
    (C.WATER_FOOD_SUPPLIES, "tl", "May halal na pagkain po ba sa evacuation center?"),
    (C.WATER_FOOD_SUPPLIES, "ne", "आश्रयस्थलमा शाकाहारी खाना पाइन्छ?"),
    (C.WATER_FOOD_SUPPLIES, "id", "Di tempat pengungsian ada makanan halal tidak?"),
]


@pytest.mark.parametrize(("category", "language", "text"), QUESTIONS)
def test_diet_questions_get_this_playbook(category: Category, language: str, text: str) -> None:
    found = match(assessment(category, language=language, text=text), text, LIBRARY)
    assert found is not None
    assert found.playbook_id == PLAYBOOK_ID, found.reasons
    assert found.score >= AUTO_REPLY_MIN_MATCH_SCORE, found.reasons


@pytest.mark.parametrize(
    ("category", "language", "text", "owner"),
    [
        (C.WATER_FOOD_SUPPLIES, "ja", "炊き出しは何時からですか", "water_food_distribution"),
        (
            C.WATER_FOOD_SUPPLIES,
            "en",
            "Where is the water distribution today?",
            "water_food_distribution",
        ),
        (C.ROADS_TRANSPORT, "en", "ashita no basu wa hashirimasu ka?", "roads_transport"),
        (C.PETS, "en", "hinanjo ni inu to issho ni ikemasu ka?", "pets"),
        (C.UTILITIES, "zh", "請問自來水可以直接喝嗎？", "utilities_outage"),
    ],
)
def test_other_food_and_romaji_questions_keep_their_playbook(
    category: Category, language: str, text: str, owner: str
) -> None:
    found = match(assessment(category, language=language, text=text), text, LIBRARY)
    assert found is not None
    assert found.playbook_id == owner, found.reasons
