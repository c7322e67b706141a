"""Of the automatic answers `triage assess` gave, how many came from a playbook that lists
the gold category: the "right playbook" figure in docs/EVALUATION.md.

    .venv/bin/triage assess < inputs.jsonl > predictions.jsonl
    .venv/bin/python ops/eval/right_playbook.py GOLD.jsonl predictions.jsonl

GOLD is a labelled set with `id` and `category` per line (the independent dev set, say);
the playbooks are read from playbooks/library. Prints the share and each answer that
missed, so a person can judge its content too.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml  # type: ignore[import-untyped]  # no stubs in the project's dependencies

LIBRARY = Path(__file__).resolve().parents[2] / "playbooks" / "library"


def playbook_categories() -> dict[str, set[str]]:
    categories: dict[str, set[str]] = {}
    for path in sorted(LIBRARY.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        categories[str(doc.get("id", path.stem))] = set(doc.get("categories") or [])
    return categories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("predictions", type=Path)
    args = parser.parse_args()
    gold = {
        record["id"]: record
        for line in args.gold.read_text(encoding="utf-8").splitlines()
        if line.strip() and (record := json.loads(line))
    }
    predictions = [
        json.loads(line)
        for line in args.predictions.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    categories = playbook_categories()
    answered = [p for p in predictions if p.get("route") == "auto_reply" and p.get("id") in gold]
    missed = [
        p for p in answered if gold[p["id"]]["category"] not in categories.get(p["playbook"], set())
    ]
    right = len(answered) - len(missed)
    print(f"automatic answers from a playbook listing the gold category: {right}/{len(answered)}"
          f" = {right / max(1, len(answered)):.3f}")  # fmt: skip
    for p in missed:
        print(f"  {p['id']}: gold {gold[p['id']]['category']}, playbook {p['playbook']}")


if __name__ == "__main__":
    main()
