"""A shorter place read inside a longer one the text writes: 森町 inside 大森町 (a former
town of 横手市), and the city named beside a town that several municipalities have.

"大森町です 横手" names 大森町; reading its tail 森町 (北海道, 静岡県) as the municipality
placed the message 600 km away. A municipality that the kanji before it extend into a
town name the gazetteer knows is the tail of that name, not a place of its own; the
town is then read with its owners (`city_named_beside` picks the one the text names).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.normalize import place_key
from triage.geo.short_name_index import stem_of

_KANJI = re.compile(r"[\u4e00-\u9fff\u3005]")
# How far back a longer name may begin: 大森町 is one kanji before 森町, 上大森町 two.
_LONGEST_HEAD = 3


def inside_longer_town(
    text: str, start: int, municipality: Municipality, gazetteer: Gazetteer
) -> bool:
    """Whether the municipality written at `start` is the tail of a longer town name:
    the kanji right before it and the name together are a town of the gazetteer
    (大森町 ⊃ 森町). Only the name as written counts: 北海道森町 and 茅部郡森町 begin with
    their prefecture or county, which a town name does not."""
    name = municipality.name
    if not text.startswith(name, start):
        return False
    index = gazetteer.town_index
    for head in range(1, min(_LONGEST_HEAD, start) + 1):
        if not _KANJI.match(text, start - head):
            return False
        if index.get(place_key(text[start - head : start + len(name)])) is not None:
            return True
    return False


def city_named_beside(
    text: str, span: tuple[int, int], owners: Sequence[Municipality]
) -> Municipality | None:
    """The one owner of a town whose own name, or its name without 市/町/村, the text
    writes outside the town's span: "大森町です 横手" is 横手市's 大森町, "大森町 大田" 大田市's
    (石見銀山). None when none or several are named."""
    outside = text[: span[0]] + "\n" + text[span[1] :]
    named = {
        m.lgcode: m
        for m in owners
        if m.parent_lgcode is None and any(n in outside for n in _written_names(m))
    }
    return next(iter(named.values())) if len(named) == 1 else None


def _written_names(municipality: Municipality) -> list[str]:
    stem = stem_of(municipality.name)
    return [municipality.name] if stem is None else [municipality.name, stem]
