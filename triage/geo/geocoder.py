"""geopy geocoders: the offline one over the bundled gazetteer, and an optional online one.

Both share geopy's interface (`geocode()`, `reverse()` returning `Location`), so code that
takes a geocoder does not care whether it is offline. The online one is built only when
settings.geocoder names one; it is rate limited and cached, because public services such
as Nominatim allow one request a second and a disaster repeats the same places.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from triage.core.settings import Settings
from triage.geo.gazetteer import Gazetteer, load_gazetteer
from triage.geo.reverse import location_from_point as location_from_point
from triage.geo.schemas import GeoLocation, LocationSource

USER_AGENT = "disaster-triage/0.1 (municipal emergency inquiry triage)"


def _address(location: GeoLocation) -> str:
    return "".join(p for p in (location.prefecture, location.municipality, location.town) if p)


class OfflineGeocoder(Geocoder):  # type: ignore[misc]
    """A geopy geocoder backed by the bundled gazetteer: no network, ever."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        super().__init__(user_agent=USER_AGENT)
        self.gazetteer = gazetteer if gazetteer is not None else load_gazetteer()

    def geocode(
        self, query: str, *, exactly_one: bool = True, **_: Any
    ) -> Location | list[Location] | None:
        """An address, place or message; `raw` holds the full GeoLocation as a dict."""
        from triage.geo.geotag import geotag

        found = geotag(query, gazetteer=self.gazetteer)
        if found is None or found.lat is None or found.lon is None:
            return None
        location = Location(_address(found), (found.lat, found.lon), found.model_dump(mode="json"))
        return location if exactly_one else [location]

    def reverse(
        self, query: Any, *, exactly_one: bool = True, **_: Any
    ) -> Location | list[Location] | None:
        """A point ("lat, lon", (lat, lon) or geopy Point) to its municipality and town."""
        point = self._coerce_point_to_string(query).split(",")
        lat, lon = float(point[0]), float(point[1])
        found = location_from_point(lat, lon, self.gazetteer, source=LocationSource.GEOCODER)
        if found.municipality is None:
            return None
        location = Location(_address(found), (lat, lon), found.model_dump(mode="json"))
        return location if exactly_one else [location]


class RateLimitedGeocoder(Geocoder):  # type: ignore[misc]
    """An online geocoder behind geopy's RateLimiter and a small in-memory LRU cache."""

    def __init__(self, inner: Geocoder, *, min_delay_seconds: float = 1.0, cache_size: int = 1024):
        super().__init__(user_agent=USER_AGENT)
        self.inner = inner
        self._geocode: Callable[..., Any] = RateLimiter(
            inner.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=1,
            swallow_exceptions=False,
        )
        self._reverse: Callable[..., Any] = RateLimiter(
            inner.reverse,
            min_delay_seconds=min_delay_seconds,
            max_retries=1,
            swallow_exceptions=False,
        )
        self._cache: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._cache_size = cache_size

    def _cached(self, kind: str, key: str, call: Callable[[], Any]) -> Any:
        cache_key = (kind, key)
        if cache_key in self._cache:
            self._cache.move_to_end(cache_key)
            return self._cache[cache_key]
        value = call()
        self._cache[cache_key] = value
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return value

    def geocode(self, query: str, *, exactly_one: bool = True, **kwargs: Any) -> Any:
        return self._cached(
            "geocode", f"{query}|{exactly_one}",
            lambda: self._geocode(query, exactly_one=exactly_one, **kwargs),
        )  # fmt: skip

    def reverse(self, query: Any, *, exactly_one: bool = True, **kwargs: Any) -> Any:
        key = self._coerce_point_to_string(query)
        return self._cached(
            "reverse", f"{key}|{exactly_one}",
            lambda: self._reverse(query, exactly_one=exactly_one, **kwargs),
        )  # fmt: skip


def build_geocoder(settings: Settings) -> Geocoder | None:
    """The online geocoder named by settings.geocoder (e.g. "nominatim"), or None.

    "offline" gives the OfflineGeocoder, for code that wants a geocoder either way.
    """
    name = settings.geocoder
    if not name:
        return None
    if name.lower() == "offline":
        return OfflineGeocoder()
    geocoder_class = get_geocoder_for_service(name.lower())
    inner = geocoder_class(user_agent=USER_AGENT, timeout=5)
    delay = 1.0 if name.lower() == "nominatim" else 0.1
    return RateLimitedGeocoder(inner, min_delay_seconds=delay)
