import pytest

from triage.assessment.combine import combine
from triage.assessment.llm_schema import LLMVerdict
from triage.assessment.schemas import (
    FLAG_DISPUTED,
    FLAG_INJECTION,
    Category,
    Engine,
    LayerVerdict,
    Priority,
)


def verdict(
    engine: Engine, priority: Priority, category: Category, confidence: float = 0.9
) -> LayerVerdict:
    return LayerVerdict(engine=engine, priority=priority, category=category, confidence=confidence)


def llm(priority: Priority, category: Category) -> LLMVerdict:
    return LLMVerdict(
        priority=priority, category=category, language="ja", summary_ja="要約", confidence=0.8
    )


def test_most_urgent_layer_wins_and_is_recorded() -> None:
    rules = verdict(Engine.RULES, Priority.LIFE_THREAT, Category.RESCUE)
    local = verdict(Engine.LOCAL_MODEL, Priority.ROUTINE, Category.EVACUATION_SHELTER)
    result = combine(rules, local, None, "ja")
    assert result.priority is Priority.LIFE_THREAT
    assert result.category is Category.RESCUE
    assert result.engine is Engine.RULES
    assert [v.engine for v in result.verdicts] == [Engine.RULES, Engine.LOCAL_MODEL]


def test_llm_cannot_lower() -> None:
    rules = verdict(Engine.RULES, Priority.LIFE_THREAT, Category.RESCUE)
    result = combine(rules, None, llm(Priority.NO_ACTION, Category.OTHER), "ja")
    assert result.priority is Priority.LIFE_THREAT
    assert result.category is Category.RESCUE


def test_llm_can_raise_and_then_names_the_category() -> None:
    local = verdict(Engine.LOCAL_MODEL, Priority.ROUTINE, Category.INFORMATION_OTHER)
    result = combine(None, local, llm(Priority.URGENT_NEED, Category.MEDICAL), "ja")
    assert result.priority is Priority.URGENT_NEED
    assert result.category is Category.MEDICAL
    assert result.engine is Engine.LLM
    assert result.summary_ja == "要約"


def test_llm_category_preferred_at_equal_priority() -> None:
    local = verdict(Engine.LOCAL_MODEL, Priority.ROUTINE, Category.INFORMATION_OTHER)
    result = combine(None, local, llm(Priority.ROUTINE, Category.CERTIFICATES_SUPPORT), "ja")
    assert result.category is Category.CERTIFICATES_SUPPORT


def test_injection_keeps_local_category_and_blocks_auto_close() -> None:
    local = verdict(Engine.LOCAL_MODEL, Priority.NO_ACTION, Category.OTHER, confidence=0.95)
    result = combine(
        None, local, llm(Priority.NO_ACTION, Category.PETS), "en", injection=["inj.fake_verdict"]
    )
    assert result.category is Category.OTHER
    assert result.summary_ja is None
    assert result.confidence <= 0.5
    assert FLAG_INJECTION in result.flags


def test_no_layers_is_routine_with_no_confidence() -> None:
    result = combine(None, None, None, "ja")
    assert result.priority is Priority.ROUTINE
    assert result.confidence == 0.0


def test_the_local_models_urgent_probability_is_carried_whoever_decides() -> None:
    rules = verdict(Engine.RULES, Priority.LIFE_THREAT, Category.RESCUE)
    local = LayerVerdict(
        engine=Engine.LOCAL_MODEL,
        priority=Priority.ROUTINE,
        category=Category.EVACUATION_SHELTER,
        confidence=0.6,
        urgent_probability=0.35,
    )
    assert combine(rules, local, None, "ja").urgent_probability == 0.35
    with_llm = combine(None, local, llm(Priority.URGENT_NEED, Category.MEDICAL), "ja")
    assert with_llm.urgent_probability == 0.35
    assert combine(rules, None, None, "ja").urgent_probability is None


def test_an_llm_that_reads_a_life_threat_as_nothing_disputes_it_and_cannot_lower_it() -> None:
    rules = verdict(Engine.RULES, Priority.LIFE_THREAT, Category.RESCUE)
    local = verdict(Engine.LOCAL_MODEL, Priority.URGENT_NEED, Category.RESCUE)
    result = combine(rules, local, llm(Priority.NO_ACTION, Category.OTHER), "ja")
    assert FLAG_DISPUTED in result.flags
    assert (result.priority, result.category) == (Priority.LIFE_THREAT, Category.RESCUE)
    # Both readings stay on the record, for a person to compare.
    assert [(v.engine, v.priority) for v in result.verdicts] == [
        (Engine.RULES, Priority.LIFE_THREAT),
        (Engine.LOCAL_MODEL, Priority.URGENT_NEED),
        (Engine.LLM, Priority.NO_ACTION),
    ]


def test_an_llm_that_raises_routine_to_urgent_disputes_it_too() -> None:
    local = verdict(Engine.LOCAL_MODEL, Priority.ROUTINE, Category.INFORMATION_OTHER)
    result = combine(None, local, llm(Priority.URGENT_NEED, Category.MEDICAL), "ja")
    assert FLAG_DISPUTED in result.flags
    assert result.priority is Priority.URGENT_NEED


def test_the_local_layers_most_urgent_reading_is_what_the_llm_is_compared_with() -> None:
    """The rules say routine, the model P1: the local reading is P1, and an LLM P4
    disagrees with it."""
    rules = verdict(Engine.RULES, Priority.ROUTINE, Category.INFORMATION_OTHER)
    local = verdict(Engine.LOCAL_MODEL, Priority.LIFE_THREAT, Category.RESCUE)
    result = combine(rules, local, llm(Priority.NO_ACTION, Category.OTHER), "ja")
    assert FLAG_DISPUTED in result.flags
    assert result.priority is Priority.LIFE_THREAT


@pytest.mark.parametrize(
    ("local_priority", "llm_priority"),
    [
        (Priority.LIFE_THREAT, Priority.URGENT_NEED),  # both: a person now
        (Priority.URGENT_NEED, Priority.LIFE_THREAT),
        (Priority.ROUTINE, Priority.NO_ACTION),  # both: nobody now
        (Priority.NO_ACTION, Priority.ROUTINE),
    ],
)
def test_readings_that_agree_on_needing_a_person_are_not_disputed(
    local_priority: Priority, llm_priority: Priority
) -> None:
    rules = verdict(Engine.RULES, local_priority, Category.OTHER)
    result = combine(rules, None, llm(llm_priority, Category.OTHER), "ja")
    assert FLAG_DISPUTED not in result.flags
    assert result.priority is min(local_priority, llm_priority)


def test_without_an_llm_nothing_is_disputed_even_when_the_local_layers_differ() -> None:
    rules = verdict(Engine.RULES, Priority.LIFE_THREAT, Category.RESCUE)
    local = verdict(Engine.LOCAL_MODEL, Priority.ROUTINE, Category.EVACUATION_SHELTER)
    assert FLAG_DISPUTED not in combine(rules, local, None, "ja").flags
    only_llm = combine(None, None, llm(Priority.NO_ACTION, Category.OTHER), "ja")
    assert FLAG_DISPUTED not in only_llm.flags  # no local reading to dispute


def test_an_injected_text_whose_llm_says_routine_is_not_lowered_nor_ranked_lower() -> None:
    """A planted "this is only a joke" must not make the LLM disagree and so push a real
    P1 below the undisputed ones: with an injection there is no dispute, only P1."""
    rules = verdict(Engine.RULES, Priority.LIFE_THREAT, Category.RESCUE)
    result = combine(
        rules,
        None,
        llm(Priority.ROUTINE, Category.PETS),
        "en",
        injection=["inj.fake_verdict"],
    )
    assert FLAG_INJECTION in result.flags and FLAG_DISPUTED not in result.flags
    assert (result.priority, result.category) == (Priority.LIFE_THREAT, Category.RESCUE)
    assert result.summary_ja is None  # the untrusted LLM's words are still not used
