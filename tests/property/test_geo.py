"""The geo layer on hostile text: the normaliser and the geotagger never raise."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channels.base import GeoPoint
from triage.geo.gazetteer import Gazetteer, load_gazetteer
from triage.geo.geotag import GEOCODER_QUERY_MAX_CHARS, geotag
from triage.geo.normalize import (
    chome_to_kanji,
    int_to_kanji,
    kanji_to_int,
    normalize_text,
    place_key,
    split_town,
)
from triage.geo.schemas import GeoLocation

from .hostile import BOUNDED, BOUNDED_SLOW, hostile_text


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@BOUNDED
@given(hostile_text)
def test_normalisation_never_raises(text: str) -> None:
    normalized = normalize_text(text)
    assert isinstance(normalized, str)
    assert len(place_key(normalized)) == len(normalized)
    town, rest = split_town(normalized)
    assert isinstance(town, str) and isinstance(rest, str)
    assert chome_to_kanji(normalized) == normalized  # already applied, nothing left to do


@BOUNDED
@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_numbers_are_written_and_read_back(value: int) -> None:
    written = int_to_kanji(value)
    if 1 <= value <= 9999:
        assert kanji_to_int(written) == value
    else:
        assert written == str(value)


@BOUNDED
@given(st.text(st.sampled_from("〇一二三四五六七八九十百千零壱弐参"), max_size=6000))
def test_any_kanji_numeral_is_read_or_refused(numeral: str) -> None:
    value = kanji_to_int(numeral)
    assert value is None or value >= 0


class RecordingGeocoder:
    """Stands in for an online geocoder: answers nothing and remembers every query."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def geocode(self, query: str, *, exactly_one: bool = True) -> None:
        self.queries.append(query)


@BOUNDED_SLOW
@given(
    text=hostile_text,
    hints=st.lists(hostile_text, max_size=2),
    gps=st.none() | st.builds(GeoPoint, lat=st.floats(-90, 90), lon=st.floats(-180, 180)),
    area_hint=st.sampled_from((None, "石川県七尾市", "輪島市", "石川県", "", "国道10000線")),
)
def test_geotag_never_raises(
    gazetteer: Gazetteer,
    text: str,
    hints: Sequence[str],
    gps: GeoPoint | None,
    area_hint: str | None,
) -> None:
    found = geotag(text, gazetteer=gazetteer, gps=gps, hints=hints, area_hint=area_hint)
    assert found is None or isinstance(found, GeoLocation)


@BOUNDED_SLOW
@given(
    text=hostile_text.filter(lambda text: len(text) > 12), hints=st.lists(hostile_text, max_size=2)
)
def test_only_place_expressions_go_to_the_geocoder(
    gazetteer: Gazetteer, text: str, hints: Sequence[str]
) -> None:
    geocoder = RecordingGeocoder()
    geotag(text, gazetteer=gazetteer, hints=hints, geocoder=geocoder)  # type: ignore[arg-type]
    normalized = normalize_text(text)
    for query in geocoder.queries:
        assert query in hints or (
            len(query) <= GEOCODER_QUERY_MAX_CHARS and (query in normalized or query in text)
        ), "the geocoder got more than a place expression"
