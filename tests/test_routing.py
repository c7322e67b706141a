"""Routing: pure decisions on an assessment and a playbook match score."""

import pytest

from triage.assessment.schemas import Assessment, Category, Engine, Priority, Route
from triage.cli.assess import Pipeline
from triage.routing import (
    AUTO_REPLY_MIN_MATCH_SCORE,
    REVIEW_MIN_URGENT_PROBABILITY,
    decide_route,
)


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


def test_without_a_model_probability_routing_is_as_before() -> None:
    assert decide_route(assessment(Priority.ROUTINE), CONFIDENT_MATCH) is Route.AUTO_REPLY
    assert decide_route(assessment(Priority.ROUTINE), None) is Route.STAFF
    assert decide_route(assessment(Priority.NO_ACTION, confidence=0.5), None) is Route.STAFF


def test_threshold_is_a_keyword() -> None:
    routine = assessment(Priority.ROUTINE, urgent_probability=LIKELY_URGENT)
    strict = decide_route(routine, CONFIDENT_MATCH, review_min_urgent_probability=1.0)
    assert strict is Route.AUTO_REPLY


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.load(with_geotagging=False)


def test_a_playbook_question_from_someone_in_need_reaches_a_person(pipeline: Pipeline) -> None:
    """The shipped model, matcher and playbooks: the same question is answered
    automatically alone, and held for staff when the message says the family has not
    eaten (the model's P1+P2 probability rises although the reading stays P3)."""
    plain = "Where is food being handed out?"
    in_need = "Where is food being handed out? My family has not eaten today."
    for text in (plain, in_need):
        assessed = pipeline.engine.assess_local(text)
        assert assessed.priority is Priority.ROUTINE
        assert pipeline.matcher(assessed, text) is not None
    assert pipeline.run(plain)[1] is Route.AUTO_REPLY
    assert pipeline.run(in_need)[1] is Route.STAFF


def test_a_message_without_words_is_never_answered_or_closed_alone() -> None:
    """A bare photo, location pin or emoji: a person looks."""
    sure_nothing = assessment(Priority.NO_ACTION, confidence=0.99, urgent_probability=0.0)
    assert decide_route(sure_nothing, None, has_words=False) is Route.STAFF
    routine = assessment(Priority.ROUTINE, urgent_probability=0.0)
    assert decide_route(routine, CONFIDENT_MATCH, has_words=False) is Route.STAFF
    assert decide_route(assessment(Priority.LIFE_THREAT), None, has_words=False) is Route.URGENT
