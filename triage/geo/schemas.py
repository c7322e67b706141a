"""Where an inquiry is: one `GeoLocation` with its source, precision and confidence."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class LocationSource(StrEnum):
    CHANNEL_GPS = "channel_gps"  # LINE location message, browser geolocation
    GPS_TEXT = "gps_text"  # coordinates or a map link written in the text
    TEXT_GAZETTEER = "text_gazetteer"  # a place named in the text, found offline
    LLM = "llm"  # a place the LLM quoted from the text, found in the gazetteer
    GEOCODER = "geocoder"  # an online geopy geocoder
    CHANNEL_HINT = "channel_hint"  # last resort, e.g. the deployment's home area


class LocationPrecision(StrEnum):
    PREFECTURE = "prefecture"
    MUNICIPALITY = "municipality"
    TOWN = "town"
    POINT = "point"


class GeoLocation(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str | None = Field(default=None, description="the matched text, if any")
    prefecture: str | None = None
    municipality: str | None = None
    lgcode: str | None = Field(default=None, description="6-digit local government code")
    town: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: LocationPrecision
    source: LocationSource
    confidence: float = Field(ge=0.0, le=1.0)
