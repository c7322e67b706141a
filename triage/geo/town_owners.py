"""Which municipality a town named without it is in, where several have a town of that
name (`extract.find_towns`): the one the text names beside it (大森町 横手), the one it is
a former municipality of (門前町: 116 towns of 輪島市); and whether a name another finds
only because 駅 follows it heads towns of more than one municipality (三国ヶ丘駅)."""

from __future__ import annotations

from collections.abc import Sequence

from triage.geo.former_municipalities import former_municipality
from triage.geo.gazetteer import Gazetteer
from triage.geo.longer_names import city_named_beside


def heads_elsewhere(gazetteer: Gazetteer, rows: Sequence[int]) -> bool:
    """Whether the name of the towns at `rows` (all of one municipality) also begins towns
    of another: a station takes the name of a place, not always of the one town so named
    (三国ヶ丘駅 is in 堺市堺区, whose 三国ケ丘御幸通 it names; 小郡市 has its own 三国が丘駅)."""
    table = gazetteer.town_table
    own = table.municipality[rows[0]]
    key = table.keys[rows[0]]
    return any(
        table.municipality[row] != own
        for _, found in gazetteer.town_index.with_prefix(key)
        for row in found
    )


def _row_by_owner(gazetteer: Gazetteer, rows: Sequence[int]) -> dict[str, int]:
    """A row of each municipality the towns at `rows` belong to, by its lgcode."""
    table = gazetteer.town_table
    return {gazetteer.municipalities[table.municipality[row]].lgcode: row for row in rows}


def rows_of_former_municipality(gazetteer: Gazetteer, name: str, rows: Sequence[int]) -> list[int]:
    """The rows of the one municipality `name` is a former municipality of (門前町 heads
    116 towns of 輪島市, one of a dozen others), or none."""
    codes = _row_by_owner(gazetteer, rows)
    former = former_municipality(gazetteer, name, tuple(sorted(codes)))
    return [codes[former]] if former is not None else []


def rows_of_city_beside(
    gazetteer: Gazetteer, text: str, span: tuple[int, int], rows: Sequence[int]
) -> list[int]:
    """The rows of the one owner the text names beside the town (大森町 横手), or none."""
    owners = _row_by_owner(gazetteer, rows)
    city = city_named_beside(text, span, [gazetteer.by_lgcode[code] for code in owners])
    return [owners[city.lgcode]] if city is not None else []
