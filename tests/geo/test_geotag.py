from __future__ import annotations

import pytest
from geopy.location import Location

from channels.base import GeoPoint
from triage.geo.gazetteer import Gazetteer
from triage.geo.geotag import ASK_BACK_TEXTS, ask_back_text, geotag, needs_ask_back
from triage.geo.schemas import GeoLocation, LocationPrecision, LocationSource


@pytest.mark.parametrize(
    ("text", "prefecture", "municipality"),
    [
        ("真備町で浸水しています、助けて", "岡山県", "倉敷市"),
        ("Wajima city, my house collapsed", "石川県", "輪島市"),
        ("輪島市河井町で家が倒壊しました", "石川県", "輪島市"),
        ("七尾駅の近くで水道管が破裂", "石川県", "七尾市"),
        ("石川県七尾市の七尾中学校に避難しています", "石川県", "七尾市"),
        ("Please help, we are stuck in Kurashiki City", "岡山県", "倉敷市"),
    ],
)
def test_places_in_messages(
    gazetteer: Gazetteer, text: str, prefecture: str, municipality: str
) -> None:
    found = geotag(text, gazetteer=gazetteer)
    assert found is not None
    assert (found.prefecture, found.municipality) == (prefecture, municipality)
    assert found.source == LocationSource.TEXT_GAZETTEER
    assert (found.text and found.text in text) or found.text == "真備町"


@pytest.mark.parametrize(
    "text",
    ["水がほしい", "助けてください、家が流されそう", "Thank you for your help", "本当にありがとう"],
)
def test_no_place_is_invented(gazetteer: Gazetteer, text: str) -> None:
    assert geotag(text, gazetteer=gazetteer) is None


def test_landmark_gives_a_point(gazetteer: Gazetteer) -> None:
    found = geotag("七尾市の七尾中学校にいます", gazetteer=gazetteer)
    assert found is not None
    assert found.precision == LocationPrecision.POINT
    assert found.lat is not None and abs(found.lat - 37.038) < 0.01


def test_gps_wins_and_is_reverse_geocoded(gazetteer: Gazetteer) -> None:
    found = geotag("東京都新宿区にいます", gazetteer=gazetteer, gps=GeoPoint(lat=37.39, lon=136.90))
    assert found is not None
    assert found.source == LocationSource.CHANNEL_GPS
    assert found.municipality == "輪島市" and found.lgcode == "172049"
    assert (found.lat, found.lon) == (37.39, 136.90)


def test_area_hint_is_the_last_resort_and_marked(gazetteer: Gazetteer) -> None:
    found = geotag("水がほしい", gazetteer=gazetteer, area_hint="石川県七尾市")
    assert found is not None
    assert found.source == LocationSource.CHANNEL_HINT
    assert found.municipality == "七尾市"
    assert needs_ask_back(found)


def test_llm_hint_is_read_when_text_has_no_place(gazetteer: Gazetteer) -> None:
    found = geotag("家がつぶれた", gazetteer=gazetteer, hints=["輪島市河井町"])
    assert found is not None and found.municipality == "輪島市" and found.town == "河井町"


def test_ask_back_only_when_nothing_better_than_municipality() -> None:
    town = GeoLocation(
        precision=LocationPrecision.TOWN, source=LocationSource.TEXT_GAZETTEER, confidence=0.8
    )
    municipality = town.model_copy(update={"precision": LocationPrecision.MUNICIPALITY})
    assert needs_ask_back(None)
    assert needs_ask_back(municipality)
    assert not needs_ask_back(town)


def test_ask_back_text_in_every_language() -> None:
    for language in ("ja", "ja-easy", "en", "zh", "ko", "vi", "pt", "es", "tl", "ne", "id"):
        assert ask_back_text(language) == ASK_BACK_TEXTS[language]
    assert ask_back_text("fr") == ASK_BACK_TEXTS["ja"]
    assert "住所か近くの目印を返信してください" in ask_back_text("ja")


class RecordingGeocoder:
    """An online geocoder's contract (`geocode(query, exactly_one=...)`), answering from
    a fixed table and remembering every query it was sent."""

    def __init__(self, answers: dict[str, tuple[float, float]] | None = None) -> None:
        self.answers = answers or {}
        self.queries: list[str] = []

    def geocode(self, query: str, *, exactly_one: bool = True) -> Location | None:
        self.queries.append(query)
        point = self.answers.get(query)
        return Location(query, point, {}) if point is not None else None


def test_the_whole_message_never_goes_to_the_online_geocoder(gazetteer: Gazetteer) -> None:
    text = "母が家の下敷きになっています、早く来てください"
    geocoder = RecordingGeocoder()
    assert geotag(text, gazetteer=gazetteer, geocoder=geocoder) is None  # type: ignore[arg-type]
    assert geocoder.queries == []  # no place expression: nothing to ask


def test_the_geocoder_gets_the_hints_and_the_address_written_in_the_text(
    gazetteer: Gazetteer,
) -> None:
    # A municipality the gazetteer does not know, after a prefecture it does.
    text = "石川県ほげ町1-2で祖母が倒れています。すぐ来てください"
    geocoder = RecordingGeocoder({"石川県ほげ町1-2": (37.39, 136.90)})
    found = geotag(text, gazetteer=gazetteer, hints=["ほげ町"], geocoder=geocoder)  # type: ignore[arg-type]
    assert geocoder.queries == ["ほげ町", "石川県ほげ町1-2"]
    assert found is not None and found.source == LocationSource.GEOCODER
    assert found.text == "石川県ほげ町1-2" and found.municipality == "輪島市"


def test_a_bare_prefecture_name_is_not_sent(gazetteer: Gazetteer) -> None:
    geocoder = RecordingGeocoder({"石川県": (36.59, 136.63)})
    found = geotag("石川県にいます。助けて", gazetteer=gazetteer, geocoder=geocoder)  # type: ignore[arg-type]
    assert geocoder.queries == []
    assert found is not None and found.precision == LocationPrecision.PREFECTURE
    assert found.source == LocationSource.TEXT_GAZETTEER
