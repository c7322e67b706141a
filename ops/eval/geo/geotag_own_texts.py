"""Geotag every text the project wrote (training examples and its own eval sets) and
write what each gives, or compare two such files: how a change to the geotagger is
checked for places it starts to invent (every difference is read by a person).

    cd /tmp && PYTHONPATH=OLD python NEW/ops/eval/geo/geotag_own_texts.py --write before.json
    cd /tmp && PYTHONPATH=NEW python NEW/ops/eval/geo/geotag_own_texts.py --write after.json
    python ops/eval/geo/geotag_own_texts.py --compare before.json after.json

(OLD and NEW: two checkouts, e.g. a `git worktree` of the commit before. Run from outside
both: from inside a checkout, its own package shadows PYTHONPATH.)
The texts are always read from this file's checkout, so both runs see the same ones.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCES = (
    *sorted((ROOT / "triage" / "assessment" / "training").glob("*.jsonl")),
    ROOT / "ops" / "eval" / "assessment" / "dev.jsonl",
    ROOT / "ops" / "eval" / "assessment" / "injection.jsonl",
    ROOT / "ops" / "eval" / "geo" / "messages.jsonl",
)


def own_texts() -> list[str]:
    texts: list[str] = []
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return list(dict.fromkeys(texts))


def write(out: Path) -> None:
    from triage.geo.gazetteer import load_gazetteer
    from triage.geo.geotag import geotag

    gazetteer = load_gazetteer()
    results: dict[str, list[str | None] | None] = {}
    for text in own_texts():
        found = geotag(text, gazetteer=gazetteer)
        results[text] = None if found is None else [found.municipality, found.town, found.text]
    out.write_text(json.dumps(results, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(results)} texts, {sum(r is not None for r in results.values())} with a place")


def compare(before: Path, after: Path) -> None:
    old = json.loads(before.read_text(encoding="utf-8"))
    new = json.loads(after.read_text(encoding="utf-8"))
    changed = [text for text in new if old.get(text) != new[text]]
    for text in changed:
        print(f"{old.get(text)} -> {new[text]} | {text[:100]}")
    print(f"{len(changed)} of {len(new)} changed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.write:
        write(args.write)
    if args.compare:
        compare(*args.compare)


if __name__ == "__main__":
    main()
