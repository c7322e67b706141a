"""Routing: pure decisions on an assessment, a playbook match score and the channel."""

import pytest

from triage.assessment.schemas import Assessment, Category, Engine, Priority, Route
from triage.cli.assess import load_pipeline, run_message
from triage.geo.schemas import GeoLocation, LocationPrecision, LocationSource
from triage.routing.decision import (
    AUTO_REPLY_MIN_MATCH_SCORE,
    EMERGENCY_CATEGORIES,
    REVIEW_MIN_URGENT_PROBABILITY,
    RouteContext,
    decide,
    decide_after_raise,
    has_words,
    route_for,
)
from triage.routing.pipeline import TriagePipeline


def decide_route(
    assessment: Assessment,
    score: float | None,
    *,
    has_words: bool = True,
    review_min_urgent_probability: float = REVIEW_MIN_URGENT_PROBABILITY,
) -> Route:
    context = RouteContext(playbook_match_score=score, has_words=has_words)
    return route_for(assessment, context, review_min_urgent_probability)


def assessment(
    priority: Priority, *, confidence: float = 0.9, urgent_probability: float | None = None
) -> Assessment:
    return Assessment(
        priority=priority,
        category=Category.WATER_FOOD_SUPPLIES,
        language="en",
        confidence=confidence,
        engine=Engine.LOCAL_MODEL,
        urgent_probability=urgent_probability,
    )


CONFIDENT_MATCH = AUTO_REPLY_MIN_MATCH_SCORE + 0.1
LIKELY_URGENT = REVIEW_MIN_URGENT_PROBABILITY + 0.05
UNLIKELY_URGENT = REVIEW_MIN_URGENT_PROBABILITY - 0.05


@pytest.mark.parametrize("priority", [Priority.LIFE_THREAT, Priority.URGENT_NEED])
def test_p1_p2_go_urgent_whatever_else(priority: Priority) -> None:
    assert decide_route(assessment(priority, urgent_probability=0.0), CONFIDENT_MATCH) is (
        Route.URGENT
    )


def test_routine_with_a_confident_match_and_small_urgency_is_answered() -> None:
    routine = assessment(Priority.ROUTINE, urgent_probability=UNLIKELY_URGENT)
    assert decide_route(routine, CONFIDENT_MATCH) is Route.AUTO_REPLY


def test_routine_that_may_be_urgent_goes_to_staff_not_auto_reply_nor_urgent() -> None:
    routine = assessment(Priority.ROUTINE, urgent_probability=LIKELY_URGENT)
    assert decide_route(routine, CONFIDENT_MATCH) is Route.STAFF


def test_no_action_that_may_be_urgent_is_not_closed() -> None:
    sure = assessment(Priority.NO_ACTION, confidence=0.95, urgent_probability=LIKELY_URGENT)
    assert decide_route(sure, None) is Route.STAFF
    assert decide_route(sure.model_copy(update={"urgent_probability": 0.01}), None) is (
        Route.CLOSED
    )


def test_no_action_that_asks_for_something_goes_to_a_person_not_closed() -> None:
    """ "I am a victim of the earthquake, please I need your help" read as P4 at 0.8 was
    closed with an acknowledgement (Figure Eight): a request is never closed alone."""
    sure = assessment(Priority.NO_ACTION, confidence=0.95, urgent_probability=0.01)
    asks = RouteContext(playbook_match_score=CONFIDENT_MATCH, asks_something=True)
    assert route_for(sure, asks) is Route.STAFF
    assert route_for(sure, RouteContext(asks_something=False)) is Route.CLOSED


def test_the_pipeline_reads_requests_in_any_language() -> None:
    pipeline = load_pipeline()
    for text in (
        "I AM A VICTIM IN THE EARTHQUAKE, PLEASE I NEED YOUR HELP",
        "12歳の女の子の消息が知りたいです",
        "Tolong bantu kami",
    ):
        assert run_message(pipeline, text).route is not Route.CLOSED, text
    assert run_message(pipeline, "本当にありがとうございました！").route is Route.CLOSED


def test_without_a_model_probability_routing_is_as_before() -> None:
    assert decide_route(assessment(Priority.ROUTINE), CONFIDENT_MATCH) is Route.AUTO_REPLY
    assert decide_route(assessment(Priority.ROUTINE), None) is Route.STAFF
    assert decide_route(assessment(Priority.NO_ACTION, confidence=0.5), None) is Route.STAFF


def test_threshold_is_a_keyword() -> None:
    routine = assessment(Priority.ROUTINE, urgent_probability=LIKELY_URGENT)
    strict = decide_route(routine, CONFIDENT_MATCH, review_min_urgent_probability=1.0)
    assert strict is Route.AUTO_REPLY


@pytest.fixture(scope="module")
def pipeline() -> TriagePipeline:
    return load_pipeline()


def test_a_playbook_question_from_someone_in_need_reaches_a_person(
    pipeline: TriagePipeline,
) -> None:
    """The shipped model, matcher and playbooks: the same question is answered
    automatically alone, and held for staff when the message says the family has not
    eaten (the model's P1+P2 probability rises although the reading stays P3)."""
    plain = "Where is food being handed out?"
    in_need = "Where is food being handed out? My family has not eaten today."
    for text in (plain, in_need):
        assessed = pipeline.engine.assess_local(text)
        assert assessed.priority is Priority.ROUTINE
        assert pipeline.answers.choose(assessed, text) is not None
    assert run_message(pipeline, plain).route is Route.AUTO_REPLY
    assert run_message(pipeline, in_need).route is Route.STAFF


def test_a_message_without_words_is_never_answered_or_closed_alone() -> None:
    """A bare photo, location pin or emoji: a person looks."""
    sure_nothing = assessment(Priority.NO_ACTION, confidence=0.99, urgent_probability=0.0)
    assert decide_route(sure_nothing, None, has_words=False) is Route.STAFF
    routine = assessment(Priority.ROUTINE, urgent_probability=0.0)
    assert decide_route(routine, CONFIDENT_MATCH, has_words=False) is Route.STAFF
    assert decide_route(assessment(Priority.LIFE_THREAT), None, has_words=False) is Route.URGENT


@pytest.mark.parametrize("text", ["👍", "👍🏻", "👌!", "❤️", "🙆‍♀️"])
def test_an_acknowledging_emoji_is_read_like_ok(text: str) -> None:
    # "👍" after an answer is an OK: judged (and closed when sure), not a staff task.
    assert has_words(text)


@pytest.mark.parametrize("text", ["", "🙏", "🆘", "😭", "📍", "👍🆘", "🙏🙏🙏"])
def test_other_signs_have_nothing_to_judge(text: str) -> None:
    # 🙏 is also "please, help"; 🆘, tears, a pin or a photo: a person looks.
    assert not has_words(text)


MUNICIPALITY_ONLY = GeoLocation(
    prefecture="石川県",
    municipality="七尾市",
    precision=LocationPrecision.MUNICIPALITY,
    source=LocationSource.TEXT_GAZETTEER,
    confidence=0.8,
)


def test_a_follow_up_that_a_person_already_has_is_not_answered_by_the_machine() -> None:
    routine = assessment(Priority.ROUTINE, urgent_probability=0.0)
    thanks = assessment(Priority.NO_ACTION, confidence=0.99, urgent_probability=0.0)
    for conversation in (Route.URGENT, Route.STAFF):
        context = RouteContext(
            playbook_match_score=CONFIDENT_MATCH, conversation_route=conversation
        )
        assert route_for(routine, context) is Route.STAFF
        assert route_for(thanks, context) is Route.STAFF
    answered = RouteContext(
        playbook_match_score=CONFIDENT_MATCH, conversation_route=Route.AUTO_REPLY
    )
    assert route_for(routine, answered) is Route.AUTO_REPLY
    urgent_again = RouteContext(conversation_route=Route.STAFF)
    assert route_for(assessment(Priority.LIFE_THREAT), urgent_again) is Route.URGENT


def test_asking_for_a_place_needs_an_urgent_route_a_channel_that_can_ask_and_no_gps() -> None:
    p1 = assessment(Priority.LIFE_THREAT)
    asks = RouteContext(can_ask_back=True, location=MUNICIPALITY_ONLY)
    assert decide(p1, asks).ask_for_location
    assert decide(p1, RouteContext(can_ask_back=True, location=None)).ask_for_location
    assert not decide(
        p1, RouteContext(can_ask_back=False, location=MUNICIPALITY_ONLY)
    ).ask_for_location
    gps = RouteContext(can_ask_back=True, has_gps=True, location=MUNICIPALITY_ONLY)
    assert not decide(p1, gps).ask_for_location
    assert not decide(assessment(Priority.ROUTINE), asks).ask_for_location
    town = MUNICIPALITY_ONLY.model_copy(update={"precision": LocationPrecision.TOWN})
    assert not decide(p1, RouteContext(can_ask_back=True, location=town)).ask_for_location


def test_a_later_reading_only_moves_the_route_towards_a_person() -> None:
    p1 = assessment(Priority.LIFE_THREAT)
    p3 = assessment(Priority.ROUTINE, urgent_probability=0.0)
    match = RouteContext(playbook_match_score=CONFIDENT_MATCH)
    for current in (Route.AUTO_REPLY, Route.CLOSED, Route.STAFF):
        raised = decide_after_raise(p1, current, match)
        assert raised is not None and raised.route is Route.URGENT
    assert decide_after_raise(p1, Route.URGENT, match) is None
    # A closed P4 now read as P3 goes to a person, never to a second automatic answer.
    reopened = decide_after_raise(p3, Route.CLOSED, match)
    assert reopened is not None and reopened.route is Route.STAFF
    assert decide_after_raise(p3, Route.AUTO_REPLY, match) is None
    assert decide_after_raise(p3, Route.STAFF, match) is None


def test_a_settled_message_is_closed_past_the_guard_unless_it_asks() -> None:
    """A thanks, a resolved report, a joke or a test: closed with the acknowledgement
    when it says so itself and asks for nothing, whatever the model's P3/P4 and P1+P2
    probability; held for staff otherwise."""
    thanks = assessment(Priority.NO_ACTION, confidence=0.9, urgent_probability=LIKELY_URGENT)
    assert route_for(thanks, RouteContext()) is Route.STAFF
    assert route_for(thanks, RouteContext(says_it_is_settled=True)) is Route.CLOSED
    read_as_routine = assessment(Priority.ROUTINE, urgent_probability=UNLIKELY_URGENT)
    topic = RouteContext(playbook_match_score=CONFIDENT_MATCH)
    assert route_for(read_as_routine, topic) is Route.AUTO_REPLY
    settled = RouteContext(playbook_match_score=CONFIDENT_MATCH, says_it_is_settled=True)
    assert route_for(read_as_routine, settled) is Route.CLOSED
    # Never past a symptom or a question, and never a P1/P2.
    for context in (
        RouteContext(says_it_is_settled=True, reports_symptom=True),
        RouteContext(says_it_is_settled=True, asks_something=True),
    ):
        assert route_for(thanks, context) is Route.STAFF
    assert (
        route_for(assessment(Priority.URGENT_NEED), RouteContext(says_it_is_settled=True))
        is Route.URGENT
    )


@pytest.mark.parametrize("category", sorted(EMERGENCY_CATEGORIES))
def test_no_action_on_an_emergency_topic_is_not_closed_unless_settled(
    category: Category,
) -> None:
    """A sure P4 whose category is a rescue, medical, fire or missing-person one ("my
    daughter went to the sea and has not come back" read as P4) goes to a person; a
    thanks or a resolved report on such a topic, saying so itself, is still closed."""
    read = assessment(Priority.NO_ACTION, confidence=0.95, urgent_probability=0.01)
    read = read.model_copy(update={"category": category})
    assert route_for(read, RouteContext()) is Route.STAFF
    assert route_for(read, RouteContext(says_it_is_settled=True)) is Route.CLOSED


@pytest.mark.parametrize(
    ("text", "settled"),
    [
        ("구조대 여러분 감사합니다. 아버지는 퇴원하셨어요", True),
        # Help given, a person named as helped, a false alarm with an apology.
        ("消防の方、祖母を助けてくださってありがとうございました", True),
        ("さっきの通報、隣の家の焚き火でした。すみません", True),
        ("父を助けてください", False),
        ("火事はもう消し止められました。みんな無事です", True),
        ("地震で家が倒れるかと思ったｗｗ コップが一個割れただけ", True),
        ("これはテスト送信です", True),
        # A thanks with a need still there, or relayed news: not settled.
        ("ありがとうございます。でも母がまだ見つかりません", False),
        ("避難所の毛布が今夜でなくなるって聞いた", False),
        ("屋根が崩れそうです", False),
    ],
)
def test_what_says_it_is_settled(text: str, settled: bool) -> None:
    from triage.assessment.context import says_it_is_settled

    assert says_it_is_settled(text) is settled


def test_the_shipped_pipeline_closes_a_settled_thanks_the_guard_would_hold(
    pipeline: TriagePipeline,
) -> None:
    """Through the real model: this thanks reads as no action with P1+P2 above the
    guard (its collapse words), and its own words say it is a joke."""
    text = "地震で家が潰れるかと思ったわ（笑）皿が1枚割れただけ"
    assessed = pipeline.engine.assess_local(text)
    assert assessed.priority is Priority.NO_ACTION
    assert (assessed.urgent_probability or 0) >= REVIEW_MIN_URGENT_PROBABILITY
    assert run_message(pipeline, text).route is Route.CLOSED
