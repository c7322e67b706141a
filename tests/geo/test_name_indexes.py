"""The prebuilt name indexes: the sorted-array index itself, the shipped file being what
the code builds, and the fallback when the file belongs to another gazetteer."""

from __future__ import annotations

import gzip
import json
import logging
from array import array

import pytest

from triage.geo import name_index
from triage.geo.gazetteer import Gazetteer, read_gazetteer_data, read_gazetteer_file
from triage.geo.name_index import NO_PREBUILT, NameIndex, read_prebuilt
from triage.geo.prebuilt_indexes import BUILDERS, build_indexes


def test_rows_keep_the_order_of_the_pairs_and_misses_are_none() -> None:
    index = NameIndex.from_pairs([("高田", 7), ("真備", 3), ("高田", 2), ("杷木", 9), ("高田", 5)])
    assert index.get("高田") == (7, 2, 5)
    assert index.get("真備") == (3,)
    assert index.get("高") is None and index.get("高田町") is None
    assert "杷木" in index and "梁川" not in index
    assert list(index) == sorted(["高田", "真備", "杷木"])
    assert index.prefixes == frozenset({"高田", "真備", "杷木"})


def test_pack_and_unpack_give_the_same_index() -> None:
    pairs = [(f"町{i % 37}", i) for i in range(500)] + [("一つだけ", 9_999_999)]
    index = NameIndex.from_pairs(pairs)
    again = NameIndex.unpack(json.loads(json.dumps(index.pack())))
    assert list(again.items()) == list(index.items())
    assert list(NameIndex.unpack(NameIndex.from_pairs([]).pack()).items()) == []


def test_starts_that_do_not_fit_the_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="one start per name"):
        NameIndex(["a", "b"], array("I", [0, 1]), array("I", [4]))


def test_the_shipped_indexes_are_what_the_code_builds(gazetteer: Gazetteer) -> None:
    """Fails after a change to how towns, stems or readings are indexed until the file is
    rebuilt: run `python ops/build_name_indexes.py`."""
    fresh = build_indexes(Gazetteer(read_gazetteer_data()))
    for name in BUILDERS:
        shipped = gazetteer.prebuilt.get(name)
        assert shipped is not None, f"{name} is not in the shipped file"
        assert list(shipped.items()) == list(fresh[name].items()), (
            f"the shipped {name} index is stale: run python ops/build_name_indexes.py"
        )


def test_a_file_built_from_another_gazetteer_is_not_used(
    caplog: pytest.LogCaptureFixture,
) -> None:
    other = gzip.compress(read_gazetteer_file() + b" ")
    with caplog.at_level(logging.WARNING):
        assert read_prebuilt(other).get("towns") is None
    assert "built from another gazetteer" in caplog.text
    assert read_prebuilt(read_gazetteer_file()).get("towns") is not None
    assert NO_PREBUILT.get("towns") is None


def test_a_missing_file_is_said_and_the_indexes_are_built(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(name_index, "INDEX_FILE", "absent.json.gz")
    with caplog.at_level(logging.WARNING):
        assert read_prebuilt(read_gazetteer_file()).get("towns") is None
    assert "absent.json.gz is missing" in caplog.text


def test_without_the_file_a_gazetteer_builds_the_same_indexes(gazetteer: Gazetteer) -> None:
    plain = Gazetteer(read_gazetteer_data())
    assert plain.prebuilt is NO_PREBUILT
    assert plain.town_index.get("真備町") == gazetteer.town_index.get("真備町")
    assert plain.shelter_name_index.get("輪島中学校") == gazetteer.shelter_name_index.get(
        "輪島中学校"
    )
