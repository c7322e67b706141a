"""What the geotagger reads as a text's municipality, for the per-pass place tests: one
helper instead of a copy in each test file."""

from __future__ import annotations

from triage.geo.gazetteer import Gazetteer
from triage.geo.geotag import geotag


def municipality_of(text: str, gazetteer: Gazetteer, area: str | None = None) -> str | None:
    """The municipality (or ward) `geotag` gives the text, None where it finds no place;
    `area`: the deployment's home area hint."""
    found = geotag(text, gazetteer=gazetteer, area_hint=area)
    return found.municipality if found is not None else None
