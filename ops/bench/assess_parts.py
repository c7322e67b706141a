"""Where a message's time goes in the pipeline, part by part (a benchmark, not a test).

    cd /tmp && PYTHONPATH=TREE taskset -c 0 /path/to/.venv/bin/python TREE/ops/bench/assess_parts.py

Runs each part of `TriagePipeline.run` on its own over the ~4,700 training texts made
distinct (a number appended, so no cache answers for a repeat), after one warm pass of
the whole pipeline over all of them, and prints the median of three runs per message:
language detection, injection detection, the rules, the local model, the assessment as a
whole, geotagging, routing (context cues, symptoms, playbook choice), the whole run.
Compare two trees by running it from outside both (from inside a checkout its own
package shadows PYTHONPATH), alternately.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from triage.assessment.injection import detect_injection
from triage.assessment.language import detect_language
from triage.assessment.rules import assess_by_rules
from triage.assessment.training_run import load_training_examples
from triage.core.settings import get_settings
from triage.routing.answers import LibraryAnswers
from triage.routing.pipeline import MessageFacts, TriagePipeline


def per_message_us(texts: list[str], work: Callable[[], object]) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        runs.append((time.perf_counter() - started) / len(texts) * 1e6)
    return statistics.median(runs)


def main() -> None:
    pipeline = TriagePipeline.load(get_settings(), LibraryAnswers(), offline=True)
    texts = [f"{e['text']} {i}" for i, e in enumerate(load_training_examples())]
    languages = [detect_language(text) for text in texts]
    assessments = [pipeline.engine.assess_local(text) for text in texts]
    locations = [
        pipeline.locate(text, hints=a.location_expressions)
        for text, a in zip(texts, assessments, strict=True)
    ]
    for text in texts:
        pipeline.run(text)
    model = pipeline.engine.local_model
    parts: dict[str, Callable[[], object]] = {
        "language": lambda: [detect_language(t) for t in texts],
        "injection": lambda: [detect_injection(t) for t in texts],
        "rules": lambda: [
            assess_by_rules(t, lang) for t, lang in zip(texts, languages, strict=True)
        ],
        "local model": lambda: [model.predict(t) for t in texts] if model else None,
        "assessment": lambda: [pipeline.engine.assess_local(t) for t in texts],
        "geotag": lambda: [
            pipeline.locate(t, hints=a.location_expressions)
            for t, a in zip(texts, assessments, strict=True)
        ],
        "routing": lambda: [
            pipeline.route(t, a, place, MessageFacts())
            for t, a, place in zip(texts, assessments, locations, strict=True)
        ],
        "whole run": lambda: [pipeline.run(t) for t in texts],
    }
    print(f"{len(texts)} distinct messages, median of 3 runs, per message:")
    for name, work in parts.items():
        print(f"  {name:12} {per_message_us(texts, work):7.1f} µs")


if __name__ == "__main__":
    main()
