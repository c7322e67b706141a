"""ops/eval/llm.py runs against whatever OpenAI-compatible endpoint is configured.

Here that is the project's fake server (a real HTTP server honouring the chat
completions contract): the test checks the script's plumbing and the safety line it
reports, never the figures an LLM would give, which only a real endpoint can.
"""

from __future__ import annotations

import pytest

from ops.eval import llm as llm_eval
from tests.fakes.openai_server import FakeOpenAIServer
from triage.core.settings import Settings


def test_without_an_endpoint_it_refuses_to_report(settings: Settings) -> None:
    with pytest.raises(SystemExit, match="no LLM configured"):
        llm_eval.engine_with_llm(settings.model_copy(update={"llm_base_url": None}))


def test_an_llm_that_calls_everything_routine_is_disputed_and_never_lowers(
    settings: Settings,
) -> None:
    records = [
        {"text": "家が潰れて父が下敷きになっています", "priority": "P1", "category": "rescue"},
        {"text": "避難所はどこですか", "priority": "P3", "category": "evacuation_shelter"},
    ]
    calm = {"priority": "P4", "category": "other", "summary_ja": "要約", "translation_ja": "訳"}
    with FakeOpenAIServer(verdict={**FakeOpenAIServer().verdict, **calm}) as server:
        configured = settings.model_copy(
            update={"llm_base_url": server.base_url, "llm_model": "fake"}
        )
        result = llm_eval.evaluate(records, llm_eval.engine_with_llm(configured))
    assert result["llm_failed"] == 0
    assert result["p12_to_person_local"] == result["p12_to_person_with_llm"] == 1.0
    assert result["disputed"] == 1  # the rescue: local P1 against the LLM's P4
    assert result["disputed_llm_reading_right"] == 0.0
