"""Evaluate triage on the Figure Eight disaster messages (evaluation only, never trained on).

Reads ../shared/data/eval/figure8_validation.csv at run time (the file is not in the
repository). For triage, a *direct* message with `request` = 1 asks for help and must
reach a human (urgent or staff route); the English translation in `message` is assessed.
The requests labelled `search_and_rescue`, `medical_help` or `missing_people` are also
counted apart: those are the ones that must never be answered or closed by the machine.
Labels are noisy (SOURCES.md), so the misses are printed for reading, not only counted.

Run: `.venv/bin/python ops/eval/figure8.py [--csv PATH] [--json] [--show N]`
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

from triage.assessment.evaluation import HUMAN_ROUTES
from triage.cli.assess import load_pipeline, run_message

SHARED = Path(__file__).resolve().parents[3] / "shared"
DEFAULT_CSV = SHARED / "data" / "eval" / "figure8_validation.csv"
LIFESAVING_LABELS = ("search_and_rescue", "medical_help", "missing_people")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", type=int, default=15, help="misses to print")
    args = parser.parse_args()
    with args.csv.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["genre"] == "direct"]
    pipeline = load_pipeline()
    requests = misses = 0
    lifesaving = lifesaving_misses = 0
    urgent_routed = urgent_routed_request = 0
    routes: Counter[str] = Counter()
    missed: list[str] = []
    for row in rows:
        outcome = run_message(pipeline, row["message"])
        assessment, route = outcome.assessment, outcome.route
        is_request = row["request"] == "1"
        routes[f"request={int(is_request)} {route.value}"] += 1
        if route.value == "urgent":
            urgent_routed += 1
            urgent_routed_request += is_request
        if is_request:
            requests += 1
            saves_life = any(row[k] == "1" for k in LIFESAVING_LABELS)
            lifesaving += saves_life
            if route not in HUMAN_ROUTES:
                misses += 1
                lifesaving_misses += saves_life
                missed.append(f"{assessment.priority.value}/{route.value}: {row['message'][:110]}")
    result = {
        "direct_messages": len(rows),
        "requests": requests,
        "requests_to_human": round(1 - misses / requests, 4) if requests else None,
        "requests_answered_automatically": misses,
        "rescue_medical_requests": lifesaving,
        "rescue_medical_requests_to_human": round(1 - lifesaving_misses / lifesaving, 4)
        if lifesaving
        else None,
        "urgent_precision_vs_request": round(urgent_routed_request / urgent_routed, 4)
        if urgent_routed
        else None,
        "routes": dict(sorted(routes.items())),
    }
    if args.json:
        document = {**result, "missed": missed}
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        return
    for key, value in result.items():
        print(f"{key}: {value}")
    for line in missed[: args.show]:
        print("  missed", line)


if __name__ == "__main__":
    main()
