"""Name -> rows indexes kept as sorted arrays, and the file that ships them prebuilt.

The place finders look names up in four large indexes (towns by place key, shelter
names, the stems and the readings of towns named alone: ~340,000 names, ~470,000 rows). Built as
dicts they cost a process ~0.6 s on its first message, the larger part of `triage
assess`'s start-up. `ops/build_name_indexes.py` builds them once, with the same code a
process would run, into `data/name_indexes.json.gz`; loading them is a string split and
two array copies, and a lookup is a bisection (~0.3 µs more than a dict hit, paid only
where a name's first characters already matched).

The file is tied to the gazetteer it was built from (its SHA-256): a process reading
another gazetteer, or one rebuilt since, builds the indexes itself, as before, and
`tests/geo/test_name_indexes.py` fails until the file is rebuilt.
"""

from __future__ import annotations

import base64
import bisect
import gzip
import hashlib
import json
import logging
import re
import sys
from array import array
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from importlib import resources
from itertools import accumulate
from typing import Any

INDEX_FILE = "name_indexes.json.gz"
# The indexes the file holds, by name (`prebuilt_indexes.BUILDERS` builds each).
TOWNS = "towns"
SHELTER_NAMES = "shelter_names"
TOWN_STEMS = "town_stems"
TOWN_READINGS = "town_readings"
# Town readings of designated cities' wards, per script (`district_readings`).
DISTRICTS_LATIN = "districts_latin"
DISTRICTS_HANGUL = "districts_hangul"
DISTRICTS_DEVANAGARI = "districts_devanagari"

logger = logging.getLogger(__name__)


def _packed(values: Iterable[int], typecode: str = "I") -> str:
    copy = array(typecode, values)
    if sys.byteorder == "big":
        copy.byteswap()  # the file is little-endian everywhere
    return base64.b64encode(copy.tobytes()).decode("ascii")


def _unpacked(text: str, typecode: str = "I") -> array[int]:
    values = array(typecode)
    values.frombytes(base64.b64decode(text))
    if sys.byteorder == "big":
        values.byteswap()
    return values


class NameIndex:
    """Sorted distinct names; the rows of the i-th are rows[starts[i]:starts[i + 1]], in
    the order they were given. Read like a dict: `get`, `in`, iteration over names."""

    def __init__(self, names: list[str], starts: array[int], rows: array[int]) -> None:
        if len(starts) != len(names) + 1 or (starts and starts[-1] != len(rows)):
            raise ValueError("a name index needs one start per name and one for the end")
        self._names = names
        self._starts = starts
        self._rows = rows

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, int]]) -> NameIndex:
        """The index of (name, row) pairs; a name's rows keep the pairs' order (the sort
        is stable)."""
        listed = list(pairs)
        order = sorted(range(len(listed)), key=lambda i: listed[i][0])
        names: list[str] = []
        starts = array("I")
        rows = array("I")
        for i in order:
            name, row = listed[i]
            if not names or names[-1] != name:
                names.append(name)
                starts.append(len(rows))
            rows.append(row)
        starts.append(len(rows))
        return cls(names, starts, rows)

    def _position(self, name: str) -> int:
        at = bisect.bisect_left(self._names, name)
        return at if at < len(self._names) and self._names[at] == name else -1

    def get(self, name: str) -> tuple[int, ...] | None:
        """The rows of `name`, or None."""
        at = self._position(name)
        if at < 0:
            return None
        return tuple(self._rows[self._starts[at] : self._starts[at + 1]])

    def items(self) -> Iterator[tuple[str, tuple[int, ...]]]:
        for at, name in enumerate(self._names):
            yield name, tuple(self._rows[self._starts[at] : self._starts[at + 1]])

    def with_prefix(self, prefix: str) -> Iterator[tuple[str, tuple[int, ...]]]:
        """The names that start with `prefix` and their rows, in name order."""
        at = bisect.bisect_left(self._names, prefix)
        while at < len(self._names) and self._names[at].startswith(prefix):
            yield self._names[at], tuple(self._rows[self._starts[at] : self._starts[at + 1]])
            at += 1

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._position(name) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    @cached_property
    def prefixes(self) -> frozenset[str]:
        """The first two characters of every name: the finders' cheap first test."""
        return frozenset(name[:2] for name in self._names)

    @cached_property
    def first_characters(self) -> re.Pattern[str]:
        """Any character a name begins with: a scan jumps from one to the next in C
        (`pattern.search(text, position)`) instead of testing every position in Python."""
        characters = sorted({name[0] for name in self._names if name})
        return re.compile("[" + "".join(map(re.escape, characters)) + "]")

    def pack(self) -> dict[str, str]:
        """Names joined by newlines; rows per name as 16-bit counts (most names have one
        row: the counts compress to almost nothing, where starts would not)."""
        counts = (b - a for a, b in zip(self._starts, self._starts[1:], strict=False))
        return {
            "names": "\n".join(self._names),
            "counts": _packed(counts, "H"),
            "rows": _packed(self._rows),
        }

    @classmethod
    def unpack(cls, packed: Mapping[str, str]) -> NameIndex:
        names = packed["names"].split("\n") if packed["names"] else []
        starts = array("I", accumulate(_unpacked(packed["counts"], "H"), initial=0))
        return cls(names, starts, _unpacked(packed["rows"]))


def gazetteer_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class PrebuiltIndexes:
    """The shipped indexes for one gazetteer: the file is read on the first `get` (a
    process that never geotags never pays for it), each index unpacked on its first use."""

    def __init__(self, gazetteer_sha256: str | None) -> None:
        self._digest = gazetteer_sha256  # None: nothing prebuilt (a gazetteer from elsewhere)
        self._packed: dict[str, Mapping[str, str]] | None = None if gazetteer_sha256 else {}
        self._unpacked: dict[str, NameIndex] = {}

    def get(self, name: str) -> NameIndex | None:
        index = self._unpacked.get(name)
        if index is None:
            packed = self._read()
            if name in packed:
                index = self._unpacked[name] = NameIndex.unpack(packed.pop(name))
        return index

    def _read(self) -> dict[str, Mapping[str, str]]:
        if self._packed is None:
            self._packed = _read_file(self._digest or "")
        return self._packed


NO_PREBUILT = PrebuiltIndexes(None)


def read_prebuilt(gazetteer_raw: bytes) -> PrebuiltIndexes:
    """The packaged indexes, used if they were built from this gazetteer file."""
    return PrebuiltIndexes(gazetteer_digest(gazetteer_raw))


def _read_file(digest: str) -> dict[str, Mapping[str, str]]:
    try:
        raw = resources.files("triage.geo").joinpath("data", INDEX_FILE).read_bytes()
    except FileNotFoundError:
        logger.warning(
            "%s is missing from the package: the name indexes are built on the first "
            "message instead (run ops/build_name_indexes.py)",
            INDEX_FILE,
        )
        return {}
    stored: dict[str, Any] = json.loads(gzip.decompress(raw))
    if stored.get("gazetteer_sha256") != digest:
        logger.warning(
            "%s was built from another gazetteer: the name indexes are built on the first "
            "message instead (run ops/build_name_indexes.py)",
            INDEX_FILE,
        )
        return {}
    indexes: dict[str, Mapping[str, str]] = stored["indexes"]
    return indexes
