"""The assessment layers on hostile text: the rules, the injection detector and the
engine never raise, and no layer of the engine needs to be skipped for it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.assessment.combine import failed_layers
from triage.assessment.engine import AssessmentEngine
from triage.assessment.injection import detect_injection, remove_injection
from triage.assessment.language import SUPPORTED_LANGUAGES, detect_language
from triage.assessment.rules import assess_by_rules
from triage.assessment.schemas import Assessment, Engine, LayerVerdict
from triage.core.settings import Settings

from .hostile import BOUNDED, hostile_text

language_hint = st.none() | st.sampled_from(SUPPORTED_LANGUAGES) | st.text(max_size=12)


@pytest.fixture(scope="module")
def engine() -> AssessmentEngine:
    return AssessmentEngine.load(Settings(llm_base_url=None, llm_model=None))


@BOUNDED
@given(text=hostile_text, language=st.sampled_from(SUPPORTED_LANGUAGES))
def test_rules_never_raise(text: str, language: str) -> None:
    verdict = assess_by_rules(text, language)
    assert verdict is None or (isinstance(verdict, LayerVerdict) and verdict.engine is Engine.RULES)


@BOUNDED
@given(hostile_text)
def test_the_injection_detector_never_raises(text: str) -> None:
    assert all(isinstance(entry, str) for entry in detect_injection(text))
    assert isinstance(remove_injection(text), str)


@BOUNDED
@given(hostile_text)
def test_language_detection_never_raises(text: str) -> None:
    assert detect_language(text) in SUPPORTED_LANGUAGES


@BOUNDED
@given(text=hostile_text, hint=language_hint)
def test_the_engine_assesses_anything_with_every_layer(
    engine: AssessmentEngine, text: str, hint: str | None
) -> None:
    assessment = engine.assess_local(text, language_hint=hint)
    assert isinstance(assessment, Assessment)
    assert assessment.language in SUPPORTED_LANGUAGES
    # Layers are isolated in production; here a skipped layer is a bug to fix.
    assert failed_layers(assessment) == []
