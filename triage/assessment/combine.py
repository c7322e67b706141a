"""Layer 4, combination: fail urgent, and keep every layer's opinion on the record.

The final priority is the most urgent of the layers (DESIGN.md policy 2): the LLM may
raise a priority, never lower one. The category, summary and facts come from the best
layer that agrees with the final priority, preferring the LLM (it reads context),
then the rules (a reviewed expression), then the local model. When the text looks like
a prompt injection the LLM's category and prose are not used at all: an injection can
then neither lower a priority nor change which playbook answers.
"""

from __future__ import annotations

from triage.assessment.llm_schema import LLMVerdict
from triage.assessment.schemas import (
    FLAG_INJECTION,
    FLAG_INJECTION_ENTRY_PREFIX,
    Assessment,
    Category,
    Engine,
    LayerVerdict,
    most_urgent,
)

# A suspected injection is never closed without a person looking (routing closes P4
# only at confidence >= 0.8).
INJECTION_CONFIDENCE_CAP = 0.5


def combine(
    rules: LayerVerdict | None,
    local: LayerVerdict | None,
    llm: LLMVerdict | None,
    language: str,
    *,
    injection: list[str] | None = None,
    flags: list[str] | None = None,
) -> Assessment:
    """One `Assessment` from up to three layer verdicts (any may be missing)."""
    injection = injection or []
    llm_layer = llm.as_layer_verdict() if llm is not None else None
    layers = [v for v in (rules, local, llm_layer) if v is not None]
    priority = most_urgent(*(v.priority for v in layers))
    deciding = [v for v in layers if v.priority == priority]
    trusted_llm = llm is not None and not injection
    preference = (
        (Engine.LLM, Engine.RULES, Engine.LOCAL_MODEL)
        if trusted_llm
        else (
            Engine.RULES,
            Engine.LOCAL_MODEL,
        )
    )
    best: LayerVerdict | None = None
    for engine in preference:
        best = next((v for v in deciding if v.engine is engine), None)
        if best is not None:
            break
    if best is None:
        # Only an untrusted LLM holds the final priority: keep its priority (raising is
        # always allowed) but take the category from the most urgent local layer.
        locals_ = [v for v in (rules, local) if v is not None]
        fallback = min(locals_, key=lambda v: v.priority) if locals_ else None
        category = fallback.category if fallback else (llm_layer.category if llm_layer else None)
        engine = Engine.LLM
        confidence = llm_layer.confidence if llm_layer else 0.0
    else:
        category, engine, confidence = best.category, best.engine, best.confidence
    all_flags = list(flags or [])
    if injection:
        all_flags.append(FLAG_INJECTION)
        all_flags.extend(f"{FLAG_INJECTION_ENTRY_PREFIX}{entry_id}" for entry_id in injection)
        confidence = min(confidence, INJECTION_CONFIDENCE_CAP)
    return Assessment(
        priority=priority,
        category=category or Category.OTHER,
        language=language,
        confidence=confidence,
        engine=engine,
        verdicts=layers,
        summary_ja=llm.summary_ja if trusted_llm and llm else None,
        translation_ja=llm.translation_ja if trusted_llm and llm else None,
        location_expressions=list(llm.location_expressions) if llm else [],
        people_count=llm.people_count if llm else None,
        needs=list(llm.needs) if trusted_llm and llm else [],
        flags=all_flags,
        # The model's reading, whichever layer decided: routing uses it to keep an
        # automatic answer from a message the model thinks may be urgent.
        urgent_probability=local.urgent_probability if local is not None else None,
    )
