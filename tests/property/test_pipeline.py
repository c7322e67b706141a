"""The whole pipeline, as `triage assess` runs it, on hostile text: always one of the
four routes, never an exception, and never a skipped layer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channels.base import GeoPoint
from triage.assessment.combine import failed_layers
from triage.assessment.schemas import Route
from triage.core.settings import Settings
from triage.routing.answers import LibraryAnswers
from triage.routing.pipeline import MessageFacts, TriagePipeline

from .hostile import BOUNDED_SLOW, hostile_text

facts = st.builds(
    MessageFacts,
    language_hint=st.none() | st.sampled_from(("ja", "en", "pt-BR", "ja-easy", "xx", "")),
    gps=st.none() | st.builds(GeoPoint, lat=st.floats(-90, 90), lon=st.floats(-180, 180)),
    can_ask_back=st.booleans(),
    conversation_route=st.none() | st.sampled_from(Route),
)


@pytest.fixture(scope="module")
def pipeline() -> TriagePipeline:
    settings = Settings(llm_base_url=None, llm_model=None, geocoder=None, home_area="石川県七尾市")
    return TriagePipeline.load(settings, LibraryAnswers(), offline=True)


@BOUNDED_SLOW
@given(text=hostile_text, message=facts)
def test_every_message_gets_a_route(
    pipeline: TriagePipeline, text: str, message: MessageFacts
) -> None:
    outcome = pipeline.run(text, message)
    assert outcome.route in set(Route)
    assert failed_layers(outcome.assessment) == []
    if outcome.assessment.priority.needs_human:
        assert outcome.route is Route.URGENT and outcome.answer is None
