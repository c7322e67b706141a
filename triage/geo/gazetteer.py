"""The bundled offline gazetteer: prefectures, municipalities, towns, shelters, features.

Built by ops/build_gazetteer.py from public data (attributions in data/ATTRIBUTION.md)
and shipped in the package, so geotagging works with no network. Everything is loaded
once per process (`load_gazetteer()` is cached) into plain dicts and numpy arrays, and
the largest name indexes come prebuilt (`triage.geo.name_index`): the lookups a message
needs are dict hits or bisections on substrings, never a scan of the tables.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from triage.geo.columns import unpack_degrees, unpack_numbers
from triage.geo.name_index import (
    NO_PREBUILT,
    SHELTER_NAMES,
    TOWNS,
    NameIndex,
    PrebuiltIndexes,
    read_prebuilt,
)
from triage.geo.normalize import place_key, place_keys, romaji_key
from triage.geo.towns import Town, TownTable

DATA_FILE = "gazetteer.json.gz"
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True, slots=True)
class Prefecture:
    name: str  # 石川県
    short: str  # 石川
    kana: str
    english: str  # Ishikawa
    lgcode: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Municipality:
    lgcode: str  # 6 digits with check digit
    prefecture: str
    name: str  # 輪島市, 札幌市中央区 (a ward carries its city)
    kana: str
    lat: float  # the government office, not a centroid
    lon: float
    parent_lgcode: str | None  # the designated city of a ward
    sites: int  # shelters in it: a rough size, used to break ties between same-named places

    @property
    def ward(self) -> str | None:
        """中央区 for 札幌市中央区: how a ward is written when its city is left out."""
        if self.parent_lgcode is None:
            return None
        return self.name[self.name.index("市") + 1 :]

    @property
    def named_like_its_prefecture(self) -> bool:
        """熊本市 of 熊本県, 千葉市 of 千葉県: a city people also mean the prefecture by."""
        return self.parent_lgcode is None and self.prefecture.startswith(self.name[:-1])


@dataclass(frozen=True, slots=True)
class Feature:
    """A named natural feature or populated place of the Gazetteer of Japan 2007."""

    name: str
    kana: str
    romaji: str
    kind: str
    lat: float
    lon: float


class ShelterTable:
    """Columnar shelter data, sorted by latitude so a lat window is one bisect."""

    def __init__(self, columns: dict[str, str]) -> None:
        self.ids: list[str] = columns["id"].split("\n")
        self.names: list[str] = columns["name"].split("\n")
        self.address_rest: list[str] = columns["rest"].split("\n")
        self.municipality_index: npt.NDArray[np.int64] = unpack_numbers(columns["muni"], "<u2")
        self.lat: npt.NDArray[np.float64] = unpack_degrees(columns["lat"])
        self.lon: npt.NDArray[np.float64] = unpack_degrees(columns["lon"])
        self.hazards: npt.NDArray[np.int64] = unpack_numbers(columns["hazards"], "<u1")
        self.kind: npt.NDArray[np.int64] = unpack_numbers(columns["kind"], "<u1")

    def __len__(self) -> int:
        return len(self.ids)

    def lat_window(self, lat: float, radius_deg: float) -> slice:
        """The rows whose latitude lies within `radius_deg` of `lat` (a binary search)."""
        start, stop = np.searchsorted(self.lat, (lat - radius_deg, lat + radius_deg))
        return slice(int(start), int(stop))


def first_characters(prefixes: Iterable[str]) -> re.Pattern[str]:
    """One character class of the first characters of `prefixes`.

    The place finders test every position of a message against a prefix set; a text
    with no character that begins a prefix (an English message, most Latin-script ones)
    can never pass, so one search in C settles it instead of a slice per position.
    Japanese text nearly always has such characters and still takes the full scan.
    """
    chars = sorted({prefix[0] for prefix in prefixes if prefix})
    return re.compile("[" + "".join(re.escape(char) for char in chars) + "]" if chars else "(?!)")


def approx_distance_m(
    lat: float, lon: float, lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Equirectangular distance: good to well under 1% at the scale of a city, and vectorised.

    Used to rank candidates; the distance reported to people is geopy's geodesic.
    """
    x = np.radians(lons - lon) * math.cos(math.radians(lat))
    y = np.radians(lats - lat)
    result: npt.NDArray[np.float64] = EARTH_RADIUS_M * np.hypot(x, y)
    return result


class Gazetteer:
    """Indexes over the bundled data. Build with `load_gazetteer()`, not directly."""

    def __init__(self, data: dict[str, Any], prebuilt: PrebuiltIndexes = NO_PREBUILT) -> None:
        # Name indexes ops/build_name_indexes.py built from this same data, if any.
        self.prebuilt = prebuilt
        self.prefectures = [Prefecture(*row) for row in data["prefectures"]]
        self.prefecture_by_name = {p.name: p for p in self.prefectures}
        self.shelters = ShelterTable(data["shelters"])
        site_counts = np.bincount(
            self.shelters.municipality_index, minlength=len(data["municipalities"])
        )
        # A designated city's shelters are its wards': count them for the city too, so a
        # size comparison (Yokohama: 横浜市 or 横浜町?) sees the city's real size.
        row_of = {row[0]: index for index, row in enumerate(data["municipalities"])}
        for index, row in enumerate(data["municipalities"]):
            if row[6] and row[6] in row_of:
                site_counts[row_of[row[6]]] += site_counts[index]
        self.municipalities: list[Municipality] = [
            Municipality(
                lgcode=row[0],
                prefecture=self.prefectures[row[1]].name,
                name=row[2],
                kana=row[3],
                lat=row[4],
                lon=row[5],
                parent_lgcode=row[6] or None,
                sites=int(site_counts[index]),
            )
            for index, row in enumerate(data["municipalities"])
        ]
        self.by_lgcode = {m.lgcode: m for m in self.municipalities}
        self.municipalities_by_name: dict[str, list[Municipality]] = defaultdict(list)
        self.wards_by_name: dict[str, list[Municipality]] = defaultdict(list)
        for m in self.municipalities:
            self.municipalities_by_name[place_key(m.name)].append(m)
            if m.ward is not None:
                self.wards_by_name[place_key(m.ward)].append(m)
        # Former names people keep writing (浜松市中区, 浜北区: Hamamatsu's 2024 wards): the
        # ward each place is in now. A former ward name alone only where no ward has it
        # today (浜北区, not 東区: 札幌の東区 is Sapporo's).
        for name, index in data.get("former_names", []):
            now = self.municipalities[index]
            self.municipalities_by_name[place_key(name)].append(now)
            city = self.by_lgcode.get(now.parent_lgcode or "")
            former_ward = place_key(name.removeprefix(city.name)) if city else ""
            if former_ward and former_ward not in self.wards_by_name:
                self.wards_by_name[former_ward].append(now)
        self.max_municipality_name = max(len(name) for name in self.municipalities_by_name)
        self.romaji: dict[str, list[Municipality]] = defaultdict(list)
        for index, romaji in data["romaji"]:
            self.romaji[romaji].append(self.municipalities[index])
        self._town_columns = data["towns"]
        self._towns: dict[str, dict[str, Town]] = {}
        self.features = [Feature(*row) for row in data["features"]]
        # Town names and readings that are everyday words (水道, 小石, すいどう): marked by the
        # build with a dictionary, never read as a place on their own.
        self.ordinary_words = frozenset(data.get("ordinary_words", "").split("\n")) - {""}

    @cached_property
    def town_table(self) -> TownTable:
        """Every town's columns, and per municipality index its rows."""
        return TownTable(self._town_columns)

    def towns_of(self, lgcode: str) -> dict[str, Town]:
        """The known towns of a municipality by `place_key`, built on first use."""
        towns = self._towns.get(lgcode)
        if towns is None:
            table = self.town_table
            index = self._municipality_index[lgcode]
            towns = {
                table.keys[row]: table.town(row, lgcode) for row in table.rows.get(index, range(0))
            }
            self._towns[lgcode] = towns
        return towns

    @cached_property
    def _any_prefecture(self) -> re.Pattern[str]:
        """Any prefecture's short name, which every full name holds."""
        return re.compile("|".join(re.escape(p.short) for p in self.prefectures))

    @cached_property
    def _municipality_index(self) -> dict[str, int]:
        return {m.lgcode: i for i, m in enumerate(self.municipalities)}

    def prefecture_mentions(self, text: str) -> list[tuple[int, int, Prefecture]]:
        """(start, end, prefecture) for every prefecture `text` names: full names (石川県),
        then short ones (石川) outside them (京都 inside 東京都 is not Kyoto)."""
        if self._any_prefecture.search(text) is None:
            return []  # most messages name none: one search instead of 94 finds
        full = [
            (start, start + len(p.name), p)
            for p in self.prefectures
            for start in _occurrences(text, p.name)
        ]
        short = [
            (start, start + len(p.short), p)
            for p in self.prefectures
            for start in _occurrences(text, p.short)
            if not any(s <= start and start + len(p.short) <= e for s, e, _ in full)
        ]
        return full + short

    def municipality_of_shelter(self, row: int) -> Municipality:
        return self.municipalities[int(self.shelters.municipality_index[row])]

    def nearest_shelter_row(self, lat: float, lon: float) -> tuple[int, float] | None:
        """The closest shelter to a point and its approximate distance in metres.

        Shelters are dense where people live, so the closest one tells the municipality
        and town of a GPS point without municipal boundary polygons.
        """
        radius = 0.02
        while radius <= 2.0:
            window = self.shelters.lat_window(lat, radius)
            if window.stop > window.start:
                distances = approx_distance_m(
                    lat, lon, self.shelters.lat[window], self.shelters.lon[window]
                )
                best = int(np.argmin(distances))
                # The closest in the window is the closest overall only if it lies
                # within the window's radius.
                if distances[best] <= radius * 111_000:
                    return window.start + best, float(distances[best])
            radius *= 2
        return None

    @cached_property
    def town_index(self) -> NameIndex:
        """Town names across Japan (place keys), for a place named without its
        municipality (真備町): the rows of `town_table`, read with `town_at`."""
        return self.prebuilt.get(TOWNS) or build_town_index(self)

    def town_at(self, row: int) -> Town:
        """The town of a row of `town_table`."""
        table = self.town_table
        return table.town(row, self.municipalities[table.municipality[row]].lgcode)

    @cached_property
    def shelter_name_index(self) -> NameIndex:
        """Shelter (landmark) names: schools, community centres, parks, to shelter rows."""
        return self.prebuilt.get(SHELTER_NAMES) or build_shelter_name_index(self)

    @cached_property
    def municipality_prefixes(self) -> frozenset[str]:
        """First two characters of every municipality and ward name: a cheap first test."""
        names = [*self.municipalities_by_name, *self.wards_by_name]
        return frozenset(name[:2] for name in names)

    @cached_property
    def prefecture_prefixes(self) -> frozenset[str]:
        """First two characters of every prefecture name, with or without 県/府/都."""
        return frozenset(
            name[:2] for p in self.prefectures for name in (p.name, p.short) if len(name) >= 2
        )

    @cached_property
    def prefecture_by_short(self) -> dict[str, Prefecture]:
        return {p.short: p for p in self.prefectures}

    @cached_property
    def shelter_name_prefixes(self) -> frozenset[str]:
        """First four characters of every shelter name (the shortest landmark we accept)."""
        return frozenset(key[:4] for key in self.shelter_name_index)

    @cached_property
    def town_prefixes(self) -> frozenset[str]:
        return self.town_index.prefixes

    @cached_property
    def feature_prefixes(self) -> frozenset[str]:
        return frozenset(key[:2] for key in self.feature_index)

    @cached_property
    def municipality_starts(self) -> re.Pattern[str]:
        return first_characters(self.municipality_prefixes)

    @cached_property
    def prefecture_starts(self) -> re.Pattern[str]:
        return first_characters(self.prefecture_prefixes)

    @cached_property
    def town_starts(self) -> re.Pattern[str]:
        return first_characters(self.town_prefixes)

    @cached_property
    def shelter_name_starts(self) -> re.Pattern[str]:
        return first_characters(self.shelter_name_prefixes)

    @cached_property
    def feature_starts(self) -> re.Pattern[str]:
        return first_characters(self.feature_prefixes)

    @cached_property
    def romaji_index(self) -> dict[tuple[str, str], list[Municipality]]:
        """("wajima", "Shi") -> 輪島市: romanised name and kind, as the 2007 gazetteer writes."""
        index: dict[tuple[str, str], list[Municipality]] = defaultdict(list)
        for romaji, municipalities in self.romaji.items():
            *name, kind = romaji.split(" ")
            index[(romaji_key("".join(name)), kind)].extend(municipalities)
        return index

    @cached_property
    def prefecture_by_romaji(self) -> dict[str, Prefecture]:
        return {romaji_key(p.english): p for p in self.prefectures}

    @cached_property
    def feature_index(self) -> dict[str, list[Feature]]:
        index: dict[str, list[Feature]] = defaultdict(list)
        for feature in self.features:
            index[place_key(feature.name)].append(feature)
        return index

    def build_all_indexes(self) -> None:
        """Build every lazy index now (workers call this before forking, so that work
        horses share the built indexes instead of each rebuilding them)."""
        for name, value in vars(type(self)).items():
            if isinstance(value, cached_property):
                getattr(self, name)


def build_town_index(gazetteer: Gazetteer) -> NameIndex:
    table = gazetteer.town_table
    return NameIndex.from_pairs(zip(table.keys, table.row_ids, strict=True))


def build_shelter_name_index(gazetteer: Gazetteer) -> NameIndex:
    keys = place_keys(gazetteer.shelters.names)
    return NameIndex.from_pairs((key, row) for row, key in enumerate(keys))


def _occurrences(text: str, written: str) -> list[int]:
    """Where `written` starts in `text`, each occurrence after the one before."""
    starts: list[int] = []
    start = text.find(written) if written else -1
    while start >= 0:
        starts.append(start)
        start = text.find(written, start + len(written))
    return starts


def read_gazetteer_file(path: Path | None = None) -> bytes:
    """The gzipped file: the packaged one unless a path is given (tests, rebuilt data)."""
    if path is None:
        return resources.files("triage.geo").joinpath("data", DATA_FILE).read_bytes()
    return path.read_bytes()


def parse_gazetteer_file(raw: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(gzip.decompress(raw))
    return data


def read_gazetteer_data(path: Path | None = None) -> dict[str, Any]:
    """The raw data: the packaged file unless a path is given (tests, rebuilt data)."""
    return parse_gazetteer_file(read_gazetteer_file(path))


@cache
def load_gazetteer() -> Gazetteer:
    """The bundled gazetteer with its prebuilt name indexes, loaded once per process
    (well under a second)."""
    raw = read_gazetteer_file()
    return Gazetteer(parse_gazetteer_file(raw), read_prebuilt(raw))
