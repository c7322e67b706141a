"""The worker's pipeline on the shipped model, gazetteer and default playbooks."""

from __future__ import annotations

import pytest

from playbooks.seed import seed_default_playbooks
from triage.assessment.schemas import Route
from triage.pipeline import ACKNOWLEDGEMENT_ID, TriagePipeline
from triage.settings import Settings


@pytest.fixture
def pipeline(settings: Settings) -> TriagePipeline:
    seed_default_playbooks(settings)
    return TriagePipeline.load(settings)


def test_thanks_are_closed_with_a_short_acknowledgement(pipeline: TriagePipeline) -> None:
    outcome = pipeline.run("ありがとうございました。助かりました")
    assert outcome.route is Route.CLOSED
    assert outcome.reply is not None and outcome.reply.playbook_id == ACKNOWLEDGEMENT_ID
    assert "119" in outcome.reply.text


@pytest.mark.parametrize("text", ["", "🙏", "...", "！！"])
def test_messages_without_words_go_to_a_person(pipeline: TriagePipeline, text: str) -> None:
    outcome = pipeline.run(text)
    assert outcome.route is Route.STAFF
    assert outcome.reply is None


def test_a_routine_question_gets_a_playbook_answer(pipeline: TriagePipeline) -> None:
    outcome = pipeline.run("七尾市の避難所はどこですか")
    assert outcome.route is Route.AUTO_REPLY
    assert outcome.reply is not None and "避難" in outcome.reply.text
