from triage.assessment.combine import combine
from triage.assessment.llm_schema import LLMVerdict
from triage.assessment.schemas import FLAG_INJECTION, Category, Engine, LayerVerdict, Priority


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
