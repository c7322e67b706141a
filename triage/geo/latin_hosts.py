"""Two municipalities named in romaji, one of them a town of the other: "Yoshida
(Tsubame)" is 燕市's 吉田, not 静岡県's 吉田町; "Aikawa on Sado" 佐渡市's 相川, not 愛川町.

People who write in romaji name their district, then the city to say which one; each
word alone is a municipality somewhere, and both are found with the same confidence. A
romaji word whose strict Hepburn reading is a town of the other municipality named is
read as that town.
"""

from __future__ import annotations

import re

from triage.geo.candidate import Candidate
from triage.geo.gazetteer import Gazetteer
from triage.geo.romaji_towns import hepburn_kana
from triage.geo.schemas import LocationPrecision
from triage.geo.towns import Town

# What may stand between a district and its city: "Yoshida (Tsubame)", "Aikawa, Sado",
# "Aikawa on Sado", "Yoshida Uwajima", "Yoshida - Tsubame".
_GAP = re.compile(r"[\s,、(（/\-]*(?:(?:on|in|de|em|en|sa|di)\s+)?[\s(（]*")
# Above the municipality both words were read as: the town of the city says more.
TOWN_OF_NAMED_HOST_CONFIDENCE = 0.8


def towns_of_named_hosts(
    found: list[Candidate], text: str, gazetteer: Gazetteer
) -> list[Candidate]:
    """`found`, with each romaji municipality that is a town of another municipality
    written right after it ("Yoshida (Tsubame)", "Aikawa, Sado") replaced by that town.
    Named apart, they are two places: "I am in Takashima. My son lives in Otaru"."""
    named = [c for c in found if c.precision is LocationPrecision.MUNICIPALITY and c.municipality]
    if len(named) < 2:
        return found
    lowered = text.lower()
    replaced: dict[int, Candidate] = {}
    for i, candidate in enumerate(found):
        if candidate not in named or not candidate.text.isascii():
            continue
        words = candidate.text.split()
        kana = hepburn_kana(words[0]) if words else None
        if kana is None:
            continue
        for host in named:
            if host.municipality is None or host.municipality == candidate.municipality:
                continue
            if not _written_beside(lowered, candidate.text, host.text):
                continue
            town = _town_read_so(host.municipality.lgcode, kana, gazetteer)
            if town is not None:
                replaced[i] = Candidate(
                    candidate.text, host.prefecture, host.municipality, town.name,
                    town.lat, town.lon, LocationPrecision.TOWN, TOWN_OF_NAMED_HOST_CONFIDENCE,
                )  # fmt: skip
                break
    return [replaced.get(i, c) for i, c in enumerate(found)]


def _written_beside(lowered: str, district: str, city: str) -> bool:
    """Whether `city` follows `district` in the lower-cased text with only a separator
    between: a comma, a bracket, a dash, or "on"/"in" ("Aikawa on Sado")."""
    start = lowered.find(district.lower())
    if start < 0:
        return False
    rest = lowered[start + len(district) :]
    gap = _GAP.match(rest)
    return gap is not None and rest[gap.end() :].startswith(city.lower())


def _town_read_so(lgcode: str, kana: str, gazetteer: Gazetteer) -> Town | None:
    """The town of the municipality whose reading is `kana` (the town itself, not one of
    its 丁目 or 字), or None."""
    towns = [t for t in gazetteer.towns_of(lgcode).values() if t.kana == kana]
    return min(towns, key=lambda t: len(t.name)) if towns else None
