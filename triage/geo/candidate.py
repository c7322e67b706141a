"""A place found in a text, as every finder reports it."""

from __future__ import annotations

from dataclasses import dataclass

from triage.geo.gazetteer import Municipality
from triage.geo.schemas import LocationPrecision

PRECISION_RANK = {
    LocationPrecision.PREFECTURE: 0,
    LocationPrecision.MUNICIPALITY: 1,
    LocationPrecision.TOWN: 2,
    LocationPrecision.POINT: 3,
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place found in a text, with what we know of it."""

    text: str
    prefecture: str | None
    municipality: Municipality | None
    town: str | None
    lat: float | None
    lon: float | None
    precision: LocationPrecision
    confidence: float

    @classmethod
    def of_municipality(cls, text: str, municipality: Municipality, confidence: float) -> Candidate:
        """A municipality (or ward) named by `text`, at its office point."""
        return cls(
            text, municipality.prefecture, municipality, None, municipality.lat,
            municipality.lon, LocationPrecision.MUNICIPALITY, confidence,
        )  # fmt: skip

    @property
    def rank(self) -> tuple[int, float]:
        return PRECISION_RANK[self.precision], self.confidence

    def in_ward(self, ward: Municipality) -> Candidate:
        """This city candidate narrowed to one of its wards: the ward's office point."""
        return Candidate.of_municipality(self.text, ward, self.confidence)
