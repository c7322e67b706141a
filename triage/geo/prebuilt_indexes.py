"""The name indexes shipped prebuilt (`triage.geo.name_index`), each with the function a
process runs instead when the shipped file does not fit its gazetteer: one list, read by
ops/build_name_indexes.py, which writes them, and by the test that they are current."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

from triage.geo.devanagari import DEVANAGARI
from triage.geo.gazetteer import Gazetteer, build_shelter_name_index, build_town_index
from triage.geo.hangul import HANGUL
from triage.geo.latin_districts import build_latin_district_index
from triage.geo.name_index import (
    DISTRICTS_DEVANAGARI,
    DISTRICTS_HANGUL,
    DISTRICTS_LATIN,
    SHELTER_NAMES,
    TOWN_READINGS,
    TOWN_STEMS,
    TOWNS,
    NameIndex,
    gazetteer_digest,
)
from triage.geo.town_stems import build_reading_index, build_stem_index
from triage.geo.transliterated import build_script_district_index

BUILDERS: dict[str, Callable[[Gazetteer], NameIndex]] = {
    TOWNS: build_town_index,
    SHELTER_NAMES: build_shelter_name_index,
    TOWN_STEMS: build_stem_index,
    TOWN_READINGS: build_reading_index,
    DISTRICTS_LATIN: build_latin_district_index,
    DISTRICTS_HANGUL: lambda gazetteer: build_script_district_index(gazetteer, HANGUL),
    DISTRICTS_DEVANAGARI: lambda gazetteer: build_script_district_index(gazetteer, DEVANAGARI),
}


def build_indexes(gazetteer: Gazetteer) -> dict[str, NameIndex]:
    """Every index, built by the code (never read from the shipped file)."""
    return {name: build(gazetteer) for name, build in BUILDERS.items()}


def write_indexes(indexes: dict[str, NameIndex], gazetteer_raw: bytes, path: Path) -> None:
    """The file `read_prebuilt` reads, tied to the gazetteer file it was built from."""
    stored = {
        "gazetteer_sha256": gazetteer_digest(gazetteer_raw),
        "indexes": {name: index.pack() for name, index in indexes.items()},
    }
    payload = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(payload)
