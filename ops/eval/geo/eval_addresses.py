"""`triage geocode` on jp_addresses_dev.csv: prefecture, municipality, town, distance.

    .venv/bin/python ops/eval/geo/eval_addresses.py [CSV]

Runs the same code as the CLI (geocode_line). The expected point column 緯度経度 is
"longitude,latitude". Municipality counts as right when it equals the expected one or
the expected one with its county (郡) removed, because our municipality names follow the
local-government list, which writes 宮代町 rather than 南埼玉郡宮代町; both figures are given.
"""

from __future__ import annotations

import csv
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from geopy.distance import geodesic

from triage.cli.geocode import geocode_line
from triage.geo.gazetteer import load_gazetteer

DEFAULT = Path(__file__).resolve().parents[4] / "shared/data/geo/jp_addresses_dev.csv"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    gazetteer = load_gazetteer()
    prefecture = municipality = municipality_exact = town = 0
    distances: list[float] = []
    started = time.perf_counter()
    for row in rows:
        got = geocode_line(row["住所"], gazetteer)
        prefecture += got["prefecture"] == row["都道府県"]
        expected = row["市区町村"]
        municipality_exact += got["municipality"] == expected
        municipality += got["municipality"] in (expected, re.sub(r"^.+?郡", "", expected))
        town += (got["town"] or "") == row["町字"]
        lon, lat = (float(v) for v in row["緯度経度"].split(","))
        if got["lat"] is None:
            distances.append(float("inf"))
        else:
            distances.append(geodesic((lat, lon), (got["lat"], got["lon"])).meters)
    elapsed = time.perf_counter() - started
    n = len(rows)
    print(f"addresses: {n} ({n / elapsed:.0f}/s)")
    print(f"prefecture right:   {prefecture / n:.2%}")
    exact = municipality_exact / n
    print(f"municipality right: {municipality / n:.2%} (exact string incl. 郡: {exact:.2%})")
    print(f"town right:         {town / n:.2%}")
    finite = sorted(distances)
    print(f"distance: median {statistics.median(finite):.0f} m, "
          f"p75 {finite[int(n * 0.75)]:.0f} m, p90 {finite[int(n * 0.9)]:.0f} m, "
          f"within 1 km {sum(d < 1000 for d in finite) / n:.1%}")  # fmt: skip


if __name__ == "__main__":
    main()
