"""Geotagging speed and footprint, offline, one core (a benchmark, not a test).

    .venv/bin/python ops/bench/geotag.py

Measures: gazetteer load (fresh process: import + load), the lazy indexes built on the
first message, peak memory (ru_maxrss), and messages/s over the labelled message set
(repeated), and nearest-shelter queries/s.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

MESSAGES = Path(__file__).resolve().parents[1] / "eval" / "geo" / "messages.jsonl"


def main() -> None:
    started = time.perf_counter()
    from triage.geo.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    loaded = time.perf_counter() - started

    from triage.geo.geotag import geotag
    from triage.geo.shelters import Hazard, nearest_shelters

    # The first message of each kind builds what that path needs once per process and the
    # prebuilt name indexes (triage/geo/data/name_indexes.json.gz) do not hold: an
    # address, a place written alone (the town table, the landmark list), and English
    # naming a designated city (its wards' romaji, from kana). Timed apart so messages/s
    # below is the steady state.
    started = time.perf_counter()
    geotag("石川県輪島市河井町で家が倒壊", gazetteer=gazetteer)
    geotag("避難所はどこですか", gazetteer=gazetteer)
    geotag("鵜住居の実家が心配です", gazetteer=gazetteer)
    geotag("We live in Kobe now", gazetteer=gazetteer)
    first = time.perf_counter() - started

    texts = [json.loads(line)["text"] for line in MESSAGES.read_text(encoding="utf-8").splitlines()]
    batch = texts * 10
    started = time.perf_counter()
    for text in batch:
        geotag(text, gazetteer=gazetteer)
    elapsed = time.perf_counter() - started

    points = [(34.0 + i * 0.01, 133.0 + i * 0.013) for i in range(500)]
    started = time.perf_counter()
    for lat, lon in points:
        nearest_shelters(lat, lon, hazard=Hazard.FLOOD, gazetteer=gazetteer)
    shelters_elapsed = time.perf_counter() - started

    # The longest message the service takes (TRIAGE_MAX_TEXT_LENGTH, 5,000 characters),
    # repeating one name: every finder then sees thousands of matches. The slowest of these
    # is what one hostile message costs a worker.
    worst = 0.0
    for unit in (
        "呉 ",
        "すず 宝立 ",
        "でうるまの",
        "福島の本宮",
        "那覇小",
        "Sendai ",
        "かなざわ に ",
        "高田の ",  # a town name 76 municipalities share
        "丸岡の ",
    ):
        text = (unit * (5000 // len(unit) + 1))[:5000]
        geotag(text, gazetteer=gazetteer)  # the first call may build what its finders need
        started = time.perf_counter()
        geotag(text, gazetteer=gazetteer)
        worst = max(worst, time.perf_counter() - started)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"gazetteer load (import + load): {loaded:.2f} s")
    print(f"first message of each kind (builds what is not prebuilt): {first:.2f} s")
    print(f"geotag: {len(batch) / elapsed:,.0f} messages/s ({len(batch)} messages)")
    print(
        f"nearest_shelters(hazard=flood, limit=3): {len(points) / shelters_elapsed:,.0f} queries/s"
    )
    print(f"slowest 5,000-character message repeating one name: {worst:.3f} s")
    print(f"peak memory (ru_maxrss, whole process): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
