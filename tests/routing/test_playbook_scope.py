"""A playbook answers only where and when it applies, and every answer records the
published version its text came from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from playbooks.schemas import PlaybookContent
from tests.playbooks.factories import content
from triage.assessment.schemas import Assessment, Category, Engine, Priority
from triage.routing.answers import Answers, PublishedState

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
ROUTINE = Assessment(
    priority=Priority.ROUTINE,
    category=Category.WATER_FOOD_SUPPLIES,
    language="ja",
    confidence=0.9,
    engine=Engine.RULES,
)


class Fixed:
    def __init__(self, *playbooks: PlaybookContent, versions: dict[str, int]) -> None:
        self._state = PublishedState(
            playbooks=playbooks, closed_shelter_ids=frozenset(), versions=versions
        )

    def state(self) -> PublishedState:
        return self._state


def water(**scope: object) -> PlaybookContent:
    return content(
        "nanao_water",
        categories=["water_food_supplies"],
        keywords={"ja": ["給水"]},
        answers={"ja": "七尾市の給水車は駅前です。"},
        **scope,
    )


def test_an_area_bound_playbook_answers_only_its_own_municipality_and_prefecture() -> None:
    answers = Answers(Fixed(water(areas=["172022"]), versions={"nanao_water": 3}), None)
    chosen = answers.choose(ROUTINE, "給水はどこ", lgcode="172022", at=NOW)
    assert chosen is not None and chosen.version == 3
    assert answers.choose(ROUTINE, "給水はどこ", lgcode="172049", at=NOW) is None  # Wajima
    assert answers.choose(ROUTINE, "給水はどこ", lgcode=None, at=NOW) is None  # place unknown
    prefecture = Answers(Fixed(water(areas=["17"]), versions={}), None)
    assert prefecture.choose(ROUTINE, "給水はどこ", lgcode="172049", at=NOW) is not None


def test_an_expired_or_future_answer_never_goes_out() -> None:
    window = water(valid_from=NOW - timedelta(hours=1), valid_until=NOW + timedelta(hours=1))
    answers = Answers(Fixed(window, versions={}), None)
    assert answers.choose(ROUTINE, "給水はどこ", at=NOW) is not None
    assert answers.choose(ROUTINE, "給水はどこ", at=NOW + timedelta(hours=2)) is None
    assert answers.choose(ROUTINE, "給水はどこ", at=NOW - timedelta(hours=2)) is None


def test_bad_areas_and_windows_are_refused() -> None:
    for scope in (
        {"areas": ["Nanao"]},
        {"valid_from": datetime(2026, 12, 1, 9, 0)},  # no time zone
        {"valid_from": NOW, "valid_until": NOW - timedelta(minutes=1)},
    ):
        with pytest.raises(ValidationError):
            water(**scope)
