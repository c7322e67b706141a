"""Place names of the stockmark Wikipedia NER set (CC BY-SA 3.0: read at eval time only).

    .venv/bin/python ops/eval/geo/eval_ner.py

The set labels spans, not municipalities, and many 地名 are abroad (アメリカ, パリ), so
this reports: how many 地名 spans the geotagger places when given the span alone (and,
of those, how many are Japanese prefecture/municipality names it should know), and how
often a sentence with no place or facility span still gets a place (false places).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from triage.cli.assess import load_pipeline

DATA = Path(__file__).resolve().parents[4] / "shared/data/ner/stockmark_ner_wikipedia.json"


def main() -> None:
    # The pipeline the workers run, asked to place the span alone.
    pipeline = load_pipeline()
    gazetteer = pipeline.gazetteer
    sentences = json.loads(DATA.read_text(encoding="utf-8"))
    japanese_names = {p.name for p in gazetteer.prefectures} | {
        m.name for m in gazetteer.municipalities
    }
    spans = [e["name"] for s in sentences for e in s["entities"] if e["type"] == "地名"]
    placed = [name for name in spans if pipeline.locate(name) is not None]
    known = [name for name in spans if name in japanese_names]
    known_placed = [name for name in known if pipeline.locate(name) is not None]
    facilities = [e["name"] for s in sentences for e in s["entities"] if e["type"] == "施設名"]
    facilities_placed = [f for f in facilities if pipeline.locate(f) is not None]
    no_place = [
        s["text"]
        for s in sentences
        if not any(e["type"] in ("地名", "施設名") for e in s["entities"])
    ]
    false_places = [t for t in no_place if pipeline.locate(t) is not None]
    print(f"地名 spans: {len(spans)}; placed alone: {len(placed)} ({len(placed) / len(spans):.1%})")
    print(
        f"  of which exact Japanese prefecture/municipality names: {len(known)}; "
        f"placed: {len(known_placed) / max(1, len(known)):.1%}"
    )
    print(
        f"施設名 spans: {len(facilities)}; placed alone: {len(facilities_placed)} "
        f"({len(facilities_placed) / len(facilities):.1%})"
    )
    print(
        f"sentences with no 地名/施設名: {len(no_place)}; got a place anyway: {len(false_places)} "
        f"({len(false_places) / len(no_place):.1%})"
    )
    for text in false_places[:15]:
        print("   ", text[:60], "->", pipeline.locate(text))


if __name__ == "__main__":
    main()
