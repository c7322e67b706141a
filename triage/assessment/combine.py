"""Layer 4, combination: fail urgent, and keep every layer's opinion on the record.

The final priority is the most urgent of the layers (DESIGN.md policy 2): the LLM may
raise a priority, never lower one. The category, summary and facts come from the best
layer that agrees with the final priority, preferring the LLM (it reads context),
then the rules (a reviewed expression), then the local model. When the text looks like
a prompt injection the LLM's category and prose are not used at all: an injection can
then neither lower a priority nor change which playbook answers.

A layer that raised is skipped, and the rule for it is the same whichever layer it was
(the rules, the injection detector, the language detector, the local model, or later in
the pipeline the geotagger or the playbook matcher): the assessment is flagged
`layer_failed:<layer>` and its confidence capped at `FAILED_LAYER_CONFIDENCE_CAP`, and
nothing is answered or closed automatically; a person looks. The priority is still the
most urgent of the layers that ran, so a P1 they see goes to the urgent queue at once,
and a message they read as routine goes to staff, not to P2: a failure is not an
emergency, but it is never an automatic answer either. In particular, without the rules
the local model alone never answers a citizen.

When the LLM reads a message the other way from the local layers on whether a person is
needed now (P1/P2 against P3/P4, either way round) the assessment is flagged
`disputed`. The priority is still the most urgent one: the flag only says that two
readings stand, both kept in `verdicts`, for a person to settle. It is set whether or
not the text looks like an injection: an injected "this is nothing" against a local P1
is exactly the disagreement a person should see.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path

from triage.assessment.llm_schema import LLMVerdict
from triage.assessment.schemas import (
    FLAG_DISPUTED,
    FLAG_INJECTION,
    FLAG_INJECTION_ENTRY_PREFIX,
    Assessment,
    Category,
    Engine,
    LayerVerdict,
    most_urgent,
)

# A suspected injection is never closed without a person looking (routing closes P4
# only at confidence >= routing.decision.CLOSE_MIN_CONFIDENCE, 0.6).
INJECTION_CONFIDENCE_CAP = 0.5
# An assessment a layer is missing from is never closed (routing closes P4 only at
# confidence >= CLOSE_MIN_CONFIDENCE, 0.6) and gets no playbook (`TriagePipeline.route`).
FAILED_LAYER_CONFIDENCE_CAP = 0.5
FLAG_LAYER_FAILED_PREFIX = "layer_failed:"


def combine(
    rules: LayerVerdict | None,
    local: LayerVerdict | None,
    llm: LLMVerdict | None,
    language: str,
    *,
    injection: list[str] | None = None,
    flags: list[str] | None = None,
    failed_layers: Sequence[str] = (),
) -> Assessment:
    """One `Assessment` from up to three layer verdicts (any may be missing).

    `failed_layers` names the layers that raised and were skipped (see the module).
    """
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
        fallback = local_reading(layers)
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
    if failed_layers:
        all_flags.extend(f"{FLAG_LAYER_FAILED_PREFIX}{layer}" for layer in failed_layers)
        confidence = min(confidence, FAILED_LAYER_CONFIDENCE_CAP)
    # Not for a text that talks to the machine: a planted "this is a joke" must not make
    # the LLM disagree and so rank a real P1 below the others (the priority stays anyway).
    if not injection and readings_disagree(local_reading(layers), llm_layer):
        all_flags.append(FLAG_DISPUTED)
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
        category_alternatives=(
            [c for c in local.category_alternatives if c != category] if local is not None else []
        ),
    )


def local_reading(verdicts: Iterable[LayerVerdict]) -> LayerVerdict | None:
    """The most urgent verdict of the local layers (rules, local model), None without
    one: what the inquiry would be routed on without the LLM."""
    found = [v for v in verdicts if v.engine is not Engine.LLM]
    return min(found, key=lambda v: v.priority) if found else None


def llm_reading(verdicts: Iterable[LayerVerdict]) -> LayerVerdict | None:
    """The LLM's verdict among `verdicts`, None when it was not consulted."""
    return next((v for v in verdicts if v.engine is Engine.LLM), None)


def readings_disagree(local: LayerVerdict | None, llm: LayerVerdict | None) -> bool:
    """Whether the two readings differ on needing a person now (P1/P2 against P3/P4)."""
    if local is None or llm is None:
        return False
    return local.priority.needs_human != llm.priority.needs_human


def failed_layers(assessment: Assessment) -> list[str]:
    """The layers that raised and were skipped for this assessment, in order."""
    prefix = FLAG_LAYER_FAILED_PREFIX
    return [flag[len(prefix) :] for flag in assessment.flags if flag.startswith(prefix)]


def with_failed_layer(assessment: Assessment, layer: str) -> Assessment:
    """`assessment` with one more skipped layer (the geotagger, the playbook matcher)."""
    return assessment.model_copy(
        update={
            "flags": [*assessment.flags, f"{FLAG_LAYER_FAILED_PREFIX}{layer}"],
            "confidence": min(assessment.confidence, FAILED_LAYER_CONFIDENCE_CAP),
        }
    )


def describe_failure(error: BaseException) -> str:
    """An exception as a log line may show it: its type and where it was raised, never
    its message (which may quote the citizen's text)."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{where}"
