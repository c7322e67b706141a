"""A calm question that reports a symptom gets a person, not a playbook: the project's
own sentences, one per way people write it."""

import pytest

from triage.assessment.schemas import Assessment, Category, Engine, Priority, Route
from triage.assessment.symptoms import reports_a_symptom
from triage.cli.assess import load_pipeline, run_message
from triage.routing.decision import RouteContext, route_for
from triage.routing.pipeline import TriagePipeline

SYMPTOMS = [
    "むすこ ねつ 39ど あります。 びょういん どこ ですか",
    "避難所で母がずっと吐いています。薬はもらえますか",
    "子どもが下痢をしていて、給水所の水を飲ませても大丈夫ですか",
    "祖父の足の傷が腫れてきた、どこで診てもらえる？",
    "My daughter has a high fever, is there a clinic open near the shelter?",
    "minha filha está com febre, tem posto de saúde aberto?",
    "mi esposo tiene dolor de pecho, ¿a dónde vamos?",
    "nilalagnat po yung anak ko, saan po may doktor",
    "anak saya demam dan muntah, di mana klinik terdekat?",
    "con toi bi sot cao, benh vien nao mo cua",
    "छोरालाई ज्वरो आयो, अस्पताल कहाँ छ?",
    "孩子发烧了，附近哪里有医院？",
    "아이가 열이 나요. 근처 병원 어디예요?",
    "con trai em sốt từ tối qua, bé đi ngoài nhiều lần",
    "腰いてぇくて動けねえんだども、病院どこさあるべ",
    # Fever and cough spreading among many people in one place.
    "公民館に熱や咳の人が何人も出てきました。どうしたらいいですか",
]
NOT_SYMPTOMS = [
    "熱はないです。避難所の場所を教えてください",
    "頭は痛くないけど、給水はいつですか",
    "no fever, nobody is hurt, where is the water distribution?",
    "今日は気温38度、給水所はどこですか",
    "大阪からボランティア行きたいんやけど、泊まるとこもないやろし",  # dialect, not a burn
    "Ninguém está ferido aqui, só sem luz",
    "孩子不发烧，只是想问学校什么时候开学",
    "熱中症にならないために避難所で気をつけることは？",
]


@pytest.mark.parametrize("text", SYMPTOMS)
def test_a_reported_symptom_is_seen(text: str) -> None:
    assert reports_a_symptom(text)


@pytest.mark.parametrize("text", NOT_SYMPTOMS)
def test_a_denied_or_absent_symptom_is_not(text: str) -> None:
    assert not reports_a_symptom(text)


def calm(priority: Priority, category: Category) -> Assessment:
    """A reading the machine would answer or close alone: sure, almost no urgency."""
    return Assessment(
        priority=priority,
        category=category,
        language="ja",
        confidence=0.95,
        engine=Engine.LOCAL_MODEL,
        urgent_probability=0.02,
    )


def test_a_symptom_keeps_a_routine_reading_from_an_automatic_answer() -> None:
    routine = calm(Priority.ROUTINE, Category.MEDICAL)
    assert route_for(routine, RouteContext(playbook_match_score=0.95)) is Route.AUTO_REPLY
    assert route_for(routine, RouteContext(playbook_match_score=0.95, reports_symptom=True)) is (
        Route.STAFF
    )
    no_action = calm(Priority.NO_ACTION, Category.OTHER)
    assert route_for(no_action, RouteContext(reports_symptom=True)) is Route.STAFF


@pytest.fixture(scope="module")
def pipeline() -> TriagePipeline:
    return load_pipeline()


@pytest.mark.parametrize("text", SYMPTOMS)
def test_the_pipeline_sends_them_to_a_person(pipeline: TriagePipeline, text: str) -> None:
    assert run_message(pipeline, text).decision.route in (Route.STAFF, Route.URGENT)
