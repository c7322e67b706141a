"""The gazetteer's towns (町字) and districts, one row each, grouped by municipality.

Rows come from three places (`TownOrigin`): the towns of shelter addresses, each with the
median point of its shelters; Japan Post's neighbourhoods that no shelter address has,
with a reading and a borrowed, approximate point; and the districts and former
municipalities derived from those neighbourhoods (山古志, 杷木, 梁川), which people name
instead of the merged city. ops/build_gazetteer.py writes the columns.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from triage.geo.columns import unpack_degrees, unpack_numbers
from triage.geo.normalize import place_keys


class TownOrigin(IntEnum):
    """Where a town's name comes from."""

    ADDRESS = 0  # a shelter's address (or a broader name of one: 真備町 of 真備町箭田)
    POSTAL = 1  # Japan Post's neighbourhoods (町域) only
    DISTRICT = 2  # a district or former municipality heading several (山古志, 杷木, 梁川)


_ORIGINS = tuple(TownOrigin)
# Taken off the confidence of a town found by a point it only borrows (`Town.approximate`).
APPROXIMATE_DISCOUNT = 0.05


@dataclass(frozen=True, slots=True)
class Town:
    """A town of a municipality, or a district people name instead of it."""

    lgcode: str
    name: str  # as written in addresses: 桜井三丁目, 大字鶴馬, 真備町箭田, 山古志
    lat: float  # median of the shelters in the town, or an approximate point (below)
    lon: float
    sites: int  # shelters behind the point; 0: the point is approximate
    kana: str = ""  # its reading in hiragana (Japan Post's), "" where unknown
    origin: TownOrigin = TownOrigin.ADDRESS

    @property
    def approximate(self) -> bool:
        """True when no shelter lies in the town: a postal town without a point of its own
        has the point of a broader town or district containing it, else its
        municipality's (the office)."""
        return self.sites == 0


def _compact(values: npt.NDArray[Any], typecode: str) -> array[Any]:
    """A numpy column as a stdlib array: as small, and indexing it gives a Python number
    directly (a numpy scalar costs a conversion every time)."""
    return array(typecode, values.astype(np.dtype(typecode)).tobytes())


class TownTable:
    """The town columns: names and readings as lists, numbers as compact arrays (a Python
    object per number would cost ~20 MB for the 140,000 towns)."""

    def __init__(self, columns: dict[str, str]) -> None:
        munis = unpack_numbers(columns["muni"], "<u2")
        bounds = np.flatnonzero(np.diff(munis)) + 1
        starts = [0, *bounds.tolist()]
        stops = [*bounds.tolist(), len(munis)]
        self.rows: dict[int, range] = {
            int(munis[a]): range(a, b) for a, b in zip(starts, stops, strict=True)
        }
        self.municipality: array[int] = _compact(munis, "H")  # Gazetteer.municipalities index
        self.names: list[str] = columns["name"].split("\n")
        # A key equal to its name is the name itself: one string, not two, per town.
        self.keys: list[str] = [
            name if key == name else key
            for name, key in zip(self.names, place_keys(self.names), strict=True)
        ]
        self.lat: array[float] = _compact(unpack_degrees(columns["lat"]), "d")
        self.lon: array[float] = _compact(unpack_degrees(columns["lon"]), "d")
        self.sites: array[int] = _compact(unpack_numbers(columns["sites"], "<u2"), "H")
        count = len(self.names)
        self.kana: list[str] = columns["kana"].split("\n") if "kana" in columns else [""] * count
        origins = (
            unpack_numbers(columns["origin"], "<u1")
            if "origin" in columns
            else np.zeros(count, dtype=np.int64)
        )
        self.origins: array[int] = _compact(origins, "B")
        # One int object per row, shared by every index that lists the row.
        self.row_ids: list[int] = list(range(count))

    def __len__(self) -> int:
        return len(self.names)

    def town(self, row: int, lgcode: str) -> Town:
        return Town(
            lgcode,
            self.names[row],
            self.lat[row],
            self.lon[row],
            self.sites[row],
            self.kana[row],
            _ORIGINS[self.origins[row]],
        )
