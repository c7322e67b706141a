"""What a configured LLM adds to the local layers, measured on a labelled set.

    TRIAGE_LLM_BASE_URL=http://127.0.0.1:11434/v1 TRIAGE_LLM_MODEL=qwen2.5:7b-instruct \\
        .venv/bin/python ops/eval/llm.py ../shared/data/dev/inquiries.jsonl [--json]

Runs only against the endpoint in TRIAGE_LLM_BASE_URL / TRIAGE_LLM_MODEL (any
OpenAI-compatible server: OpenAI, a local vLLM or Ollama; see docs/EVALUATION.md), and
refuses to run without one: a figure from the project's fake server would say nothing.
For every message it reads the local layers (rules + local model, what routes the
inquiry at once), then the local layers combined with the LLM (the refinement the
workers do), and reports:
- the safety line, which the LLM may not move: P1+P2 routed to a person, with and without;
- disputed inquiries (the LLM reads the need for a person the other way): how many, and
  how often the LLM's reading is the right one on them (what a responder settling the
  dispute would find);
- the category macro-F1 of the local layers and with the LLM;
- LLM calls that failed (kept on the local verdict, flagged `llm_unavailable`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from triage.assessment.engine import FLAG_LLM_UNAVAILABLE, AssessmentEngine
from triage.assessment.evaluation import HUMAN_ROUTES, macro_f1
from triage.assessment.schemas import FLAG_DISPUTED, Assessment, Category, Priority
from triage.core.settings import Settings, get_settings
from triage.routing.decision import RouteContext, route_for

BATCH = 16  # LLM calls in flight at once


def engine_with_llm(settings: Settings) -> AssessmentEngine:
    engine = AssessmentEngine.load(settings)
    if engine.llm is None:
        raise SystemExit(
            "no LLM configured: set TRIAGE_LLM_BASE_URL and TRIAGE_LLM_MODEL "
            "(docs/EVALUATION.md, 'What an LLM adds')"
        )
    return engine


async def _refine_all(
    engine: AssessmentEngine, texts: list[str], locals_: list[Assessment]
) -> list[Assessment]:
    refined: list[Assessment] = []
    for start in range(0, len(texts), BATCH):
        chunk = list(zip(texts[start : start + BATCH], locals_[start : start + BATCH], strict=True))
        refined += await engine.refine_many([(t, a, None) for t, a in chunk])
    return refined


def _needs_person(assessment: Assessment) -> bool:
    # The playbook score does not matter here: P1/P2 go urgent, the rest is compared on
    # whether a person is needed at all.
    return route_for(assessment, RouteContext()) in HUMAN_ROUTES


def _llm_priority(assessment: Assessment) -> Priority | None:
    llm = [v for v in assessment.verdicts if v.engine.value == "llm"]
    return llm[-1].priority if llm else None


def evaluate(records: list[dict[str, Any]], engine: AssessmentEngine) -> dict[str, Any]:
    texts = [r["text"] for r in records]
    locals_ = [engine.assess_local(t) for t in texts]
    refined = asyncio.run(_refine_all(engine, texts, locals_))
    gold = [Priority(r["priority"]) for r in records]
    urgent = [i for i, g in enumerate(gold) if g.needs_human]
    disputed = [i for i, a in enumerate(refined) if FLAG_DISPUTED in a.flags]
    llm_right = sum(
        1
        for i in disputed
        if (p := _llm_priority(refined[i])) is not None and p.needs_human == gold[i].needs_human
    )
    gold_categories = [Category(r["category"]) for r in records]
    return {
        "messages": len(records),
        "llm_failed": sum(1 for a in refined if FLAG_LLM_UNAVAILABLE in a.flags),
        "p12_to_person_local": _share(sum(_needs_person(locals_[i]) for i in urgent), len(urgent)),
        "p12_to_person_with_llm": _share(
            sum(_needs_person(refined[i]) for i in urgent), len(urgent)
        ),
        "disputed": len(disputed),
        "disputed_llm_reading_right": _share(llm_right, len(disputed)),
        "category_macro_f1_local": macro_f1(
            list(zip(gold_categories, [a.category for a in locals_], strict=True))
        ),
        "category_macro_f1_with_llm": macro_f1(
            list(zip(gold_categories, [a.category for a in refined], strict=True))
        ),
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    lines = args.file.read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    result = evaluate(records, engine_with_llm(get_settings()))
    if args.json:
        sys.stdout.write(json.dumps(result, indent=1) + "\n")
        return
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
