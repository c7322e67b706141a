"""A worker's warm-up leaves nothing for its first inquiry to load."""

from __future__ import annotations

from triage.assessment import language
from triage.cli.assess import load_pipeline
from triage.cli.worker import WARM_UP_TEXTS


def test_the_warm_up_reaches_the_latin_script_language_identifier() -> None:
    pipeline = load_pipeline()
    language._latin_identifier.cache_clear()
    for text in WARM_UP_TEXTS:
        pipeline.run(text)
    assert language._latin_identifier.cache_info().currsize == 1
    assert {language.detect_language(text) for text in WARM_UP_TEXTS} == {"ja", "en"}
