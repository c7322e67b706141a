from __future__ import annotations

from geopy.location import Location

from triage.core.settings import Settings
from triage.geo.gazetteer import Gazetteer
from triage.geo.geocoder import OfflineGeocoder, build_geocoder


def test_offline_geocode_returns_a_geopy_location(gazetteer: Gazetteer) -> None:
    found = OfflineGeocoder(gazetteer).geocode("石川県輪島市河井町")
    assert isinstance(found, Location)
    assert found.address == "石川県輪島市河井町"
    assert abs(found.latitude - 37.39) < 0.02
    assert found.raw["lgcode"] == "172049"


def test_offline_reverse_gives_the_municipality(gazetteer: Gazetteer) -> None:
    found = OfflineGeocoder(gazetteer).reverse("37.043, 136.967")
    assert isinstance(found, Location)
    assert found.raw["municipality"] == "七尾市"


def test_offline_reverse_at_sea_finds_nothing(gazetteer: Gazetteer) -> None:
    assert OfflineGeocoder(gazetteer).reverse((30.0, 160.0)) is None


def test_no_online_geocoder_unless_configured() -> None:
    assert build_geocoder(Settings(geocoder=None)) is None
    assert build_geocoder(Settings(geocoder="nominatim")) is not None
