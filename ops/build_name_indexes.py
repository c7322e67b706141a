"""Build the prebuilt name indexes (triage/geo/data/name_indexes.json.gz) from the
packaged gazetteer, with the code a process would otherwise run on its first message.

    .venv/bin/python ops/build_name_indexes.py

Run it after ops/build_gazetteer.py (which calls it) and after changing how town stems
or readings are chosen (triage/geo/place_words.py, town_stems.py): tests/geo/
test_name_indexes.py fails until the file matches the code. Takes a few seconds.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triage.geo.gazetteer import DATA_FILE, Gazetteer, parse_gazetteer_file  # noqa: E402
from triage.geo.name_index import INDEX_FILE  # noqa: E402
from triage.geo.prebuilt_indexes import build_indexes, write_indexes  # noqa: E402

DATA = ROOT / "triage" / "geo" / "data"


def main() -> None:
    started = time.perf_counter()
    raw = (DATA / DATA_FILE).read_bytes()
    gazetteer = Gazetteer(parse_gazetteer_file(raw))  # nothing prebuilt
    indexes = build_indexes(gazetteer)
    output = DATA / INDEX_FILE
    write_indexes(indexes, raw, output)
    sizes = ", ".join(f"{name} {len(index):,} names" for name, index in indexes.items())
    print(
        f"{output}: {sizes}; {output.stat().st_size / 1e6:.1f} MB "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
