"""Place extraction on the labelled message set (ops/eval/geo/messages.jsonl), offline.

    .venv/bin/python ops/eval/geo/eval_messages.py [--show-errors]

Reports: municipality right among messages that name one (a ward counts for its city
when the label is the city, as in "Kobe"), prefecture right, and how many of the
messages that name no place got one anyway (invented places).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from triage.cli.assess import load_pipeline, run_message

MESSAGES = Path(__file__).with_name("messages.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    # The pipeline the workers run: a message is located as the service locates it.
    pipeline = load_pipeline()
    records = [json.loads(line) for line in MESSAGES.read_text(encoding="utf-8").splitlines()]
    named = [r for r in records if r["municipality"]]
    unnamed = [r for r in records if not r["municipality"]]
    municipality_ok = prefecture_ok = invented = 0
    by_language: dict[str, list[int]] = {}
    for record in named:
        found = run_message(pipeline, record["text"]).location
        got = found.municipality if found else None
        ok = got is not None and (
            got == record["municipality"] or got.startswith(record["municipality"])
        )
        municipality_ok += ok
        prefecture_ok += found is not None and found.prefecture == record["prefecture"]
        stats = by_language.setdefault(record["language"], [0, 0])
        stats[0] += ok
        stats[1] += 1
        if not ok and args.show_errors:
            print("MISS", record["text"], "->", got)
    for record in unnamed:
        found = run_message(pipeline, record["text"]).location
        if found is not None:
            invented += 1
            if args.show_errors:
                print("INVENTED", record["text"], "->", found.text, found.municipality)
    print(f"messages: {len(records)} ({len(named)} name a place, {len(unnamed)} name none)")
    print(
        f"municipality right: {municipality_ok}/{len(named)} = {municipality_ok / len(named):.1%}"
    )
    print(f"prefecture right:   {prefecture_ok}/{len(named)} = {prefecture_ok / len(named):.1%}")
    for language, (ok, total) in sorted(by_language.items()):
        print(f"  {language}: {ok}/{total} = {ok / total:.1%}")
    print(f"invented places:    {invented}/{len(unnamed)}")


if __name__ == "__main__":
    main()
