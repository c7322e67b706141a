"""Which ward of a designated city a district names, per script: every town reading of
the city's wards as the script writes it (romaji, Hangul, Devanagari), to the one ward
that has it (`wards.wards_by_town_reading`).

Reading the ~14,700 towns of the twenty cities' wards into a script cost a process about
0.2 s per script, paid on the first message naming each city (a tenth of a 10,000-message
`triage assess` run on distinct texts). The readings ship prebuilt in the name-index file
(`name_index`, built by ops/build_name_indexes.py), one index per script: names
"<city lgcode>\\t<reading>", rows the ward's position in the gazetteer.
"""

from __future__ import annotations

from collections.abc import Callable

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.name_index import NameIndex
from triage.geo.wards import wards_by_city, wards_by_town_reading

# Readings a town's kana gives in one script for one city (None: not a name to look for).
CityReader = Callable[[Municipality], Callable[[str], str | None]]
_SEPARATOR = "\t"


def build_district_index(gazetteer: Gazetteer, reader: CityReader) -> NameIndex:
    """Every designated city's district readings in one index (what ships prebuilt)."""
    row_of = {m.lgcode: row for row, m in enumerate(gazetteer.municipalities)}
    pairs = []
    for city_lgcode in sorted(wards_by_city(gazetteer)):
        city = gazetteer.by_lgcode[city_lgcode]
        readings = wards_by_town_reading(city, gazetteer, reader(city))
        pairs += [(city_lgcode + _SEPARATOR + r, row_of[w]) for r, w in readings.items()]
    return NameIndex.from_pairs(pairs)


def district_readings(
    city: Municipality, gazetteer: Gazetteer, index_name: str, reader: CityReader
) -> dict[str, str]:
    """reading -> ward lgcode for one city: from the shipped index, or read from the
    towns when the file does not fit this gazetteer."""
    index = gazetteer.prebuilt.get(index_name)
    if index is None:
        return wards_by_town_reading(city, gazetteer, reader(city))
    prefix = city.lgcode + _SEPARATOR
    municipalities = gazetteer.municipalities
    return {
        name[len(prefix) :]: municipalities[rows[0]].lgcode
        for name, rows in index.with_prefix(prefix)
    }
