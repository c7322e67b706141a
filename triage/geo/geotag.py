"""Where an inquiry is, from the best source available (see `geotag`).

Sources, best first: the channel's GPS point; places named in the text (and the LLM's
location expressions) read with the bundled gazetteer; an online geocoder when one is
configured; the deployment's home area, marked CHANNEL_HINT. Pure apart from the
optional geocoder: no database, no network unless a geocoder is passed. The online
geocoder is a third party: it gets place expressions only, never the citizen's message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from channels.base import GeoPoint
from triage.geo.candidate import Candidate
from triage.geo.coordinates import find_coordinates
from triage.geo.extract import best_candidate, find_candidates
from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.normalize import normalize_text
from triage.geo.reverse import location_from_point
from triage.geo.schemas import GeoLocation, LocationPrecision, LocationSource

if TYPE_CHECKING:
    # geopy is imported only when an online geocoder is used (0.2 s of start-up).
    from geopy.geocoders.base import Geocoder

logger = logging.getLogger(__name__)

HINT_DISCOUNT = 0.9  # an LLM's expression is read the same way, trusted a little less
GEOCODER_CONFIDENCE = 0.6
AREA_HINT_CONFIDENCE = 0.3
# What the online geocoder may be sent from the text: the address after a place name,
# cut at the first particle or punctuation mark, and never longer than this.
GEOCODER_QUERY_MAX_CHARS = 32
_EXPRESSION_END = re.compile(r"[でにはをへがもやと、。,.!?()（）「」『』:;]")

ASK_BACK_TEXTS = {
    "ja": "住所か近くの目印を返信してください。",
    "ja-easy": (
        "いま いる ばしょを おしえてください。"
        "じゅうしょ か ちかくの めじるし(がっこう、えき など)を おくってください。"
    ),
    "en": "Please reply with your address or a nearby landmark.",
    "zh": "请回复您的地址或附近的地标。",
    "ko": "주소나 근처의 랜드마크를 답장해 주세요.",
    "vi": "Vui lòng trả lời với địa chỉ của bạn hoặc một địa điểm dễ nhận biết gần đó.",
    "pt": "Por favor, responda com o seu endereço ou um ponto de referência próximo.",
    "es": "Por favor, responda con su dirección o un punto de referencia cercano.",
    "tl": "Pakisagot ang inyong address o isang kilalang lugar na malapit sa inyo.",
    "ne": "कृपया आफ्नो ठेगाना वा नजिकैको चिनिने ठाउँ जवाफमा पठाउनुहोस्।",
    "id": "Silakan balas dengan alamat Anda atau tempat terkenal di dekat Anda.",
}


def geotag(
    text: str,
    *,
    gazetteer: Gazetteer,
    gps: GeoPoint | None = None,
    hints: Sequence[str] = (),
    area_hint: str | None = None,
    geocoder: Geocoder | None = None,
) -> GeoLocation | None:
    """The best location of an inquiry, or None when nothing names one.

    `hints` are the LLM's location expressions; `area_hint` is the deployment's home area
    (settings.home_area): it breaks ties between same-named places and is the last
    resort. `geocoder` (an online geopy geocoder) is asked only when the text gave
    nothing better than a prefecture, and only about place expressions: the hints, then
    the addresses written in the text (`place_expressions`).
    """
    if gps is not None:
        return location_from_point(gps.lat, gps.lon, gazetteer, source=LocationSource.CHANNEL_GPS)
    written = find_coordinates(text)
    if written is not None:
        # The citizen's own point, pasted from a map: better than any name in the text.
        return location_from_point(*written, gazetteer, source=LocationSource.GPS_TEXT)
    area = resolve_area(area_hint, gazetteer) if area_hint else None
    candidates = find_candidates(text, gazetteer, prefer=area)
    from_hints = [
        _discounted(c) for hint in hints for c in find_candidates(hint, gazetteer, prefer=area)
    ]
    best = best_candidate(candidates + from_hints)
    # A place only the LLM's expressions gave is recorded as the LLM's.
    source = (
        LocationSource.LLM if any(best is c for c in from_hints) else LocationSource.TEXT_GAZETTEER
    )
    if best is not None and best.precision != LocationPrecision.PREFECTURE:
        return _to_location(best, source)
    if geocoder is not None:
        queries = [*hints, *place_expressions(text, candidates)]
        found = _ask_geocoder(geocoder, queries, gazetteer) if queries else None
        if found is not None:
            return found
    if best is not None:
        return _to_location(best, source)
    if area is not None:
        return _area_location(area_hint or "", area)
    return None


def place_expressions(text: str, candidates: Sequence[Candidate]) -> list[str]:
    """What the text says about where it is, for an online geocoder, without the rest of
    the message: each place the gazetteer found in it, read on over the address written
    after it (石川県ほげ町1-2 when the gazetteer knows 石川県 but not ほげ町) up to a
    particle or punctuation mark, at most `GEOCODER_QUERY_MAX_CHARS`.

    A bare prefecture name is left out: it tells a geocoder nothing the gazetteer does
    not, and its point would be placed in one municipality, more precise than the text.
    A Latin-script name is sent as found (normalisation removed its spaces, so reading on
    would run into the sentence).
    """
    normalized = normalize_text(text)
    expressions: list[str] = []
    for candidate in candidates:
        expression = candidate.text
        start = normalized.find(expression)
        if start >= 0 and not expression.isascii():
            window = normalized[start : start + GEOCODER_QUERY_MAX_CHARS]
            end = _EXPRESSION_END.search(window, len(expression))
            expression = window[: end.start()] if end else window
        if candidate.precision == LocationPrecision.PREFECTURE and expression == candidate.text:
            continue
        if expression not in expressions:
            expressions.append(expression)
    return expressions


def resolve_area(area_hint: str, gazetteer: Gazetteer) -> Municipality | Prefecture | None:
    """石川県七尾市 (or 七尾市, or 石川県) as a gazetteer entry."""
    candidates = find_candidates(area_hint, gazetteer)
    best = best_candidate(candidates)
    if best is None:
        return None
    if best.municipality is not None:
        return best.municipality
    return gazetteer.prefecture_by_name.get(best.prefecture or "")


def _area_location(area_hint: str, area: Municipality | Prefecture) -> GeoLocation:
    if isinstance(area, Municipality):
        return GeoLocation(
            text=area_hint,
            prefecture=area.prefecture,
            municipality=area.name,
            lgcode=area.lgcode,
            lat=area.lat,
            lon=area.lon,
            precision=LocationPrecision.MUNICIPALITY,
            source=LocationSource.CHANNEL_HINT,
            confidence=AREA_HINT_CONFIDENCE,
        )
    return GeoLocation(
        text=area_hint,
        prefecture=area.name,
        lat=area.lat,
        lon=area.lon,
        precision=LocationPrecision.PREFECTURE,
        source=LocationSource.CHANNEL_HINT,
        confidence=AREA_HINT_CONFIDENCE,
    )


def _discounted(candidate: Candidate) -> Candidate:
    return Candidate(
        text=candidate.text,
        prefecture=candidate.prefecture,
        municipality=candidate.municipality,
        town=candidate.town,
        lat=candidate.lat,
        lon=candidate.lon,
        precision=candidate.precision,
        confidence=round(candidate.confidence * HINT_DISCOUNT, 2),
    )


def _to_location(candidate: Candidate, source: LocationSource) -> GeoLocation:
    municipality = candidate.municipality
    return GeoLocation(
        text=candidate.text,
        prefecture=candidate.prefecture,
        municipality=municipality.name if municipality else None,
        lgcode=municipality.lgcode if municipality else None,
        town=candidate.town,
        lat=candidate.lat,
        lon=candidate.lon,
        precision=candidate.precision,
        source=source,
        confidence=candidate.confidence,
    )


def _ask_geocoder(
    geocoder: Geocoder, queries: Sequence[str], gazetteer: Gazetteer
) -> GeoLocation | None:
    """The first query the online geocoder resolves; its point is placed with the gazetteer."""
    from geopy.exc import GeopyError

    for query in queries:
        try:
            found = geocoder.geocode(query, exactly_one=True)
        except GeopyError as error:
            logger.warning("geocoder failed: %s", error)
            return None
        if found is not None:
            located = location_from_point(
                found.latitude, found.longitude, gazetteer, source=LocationSource.GEOCODER
            )
            return located.model_copy(update={"text": query, "confidence": GEOCODER_CONFIDENCE})
    return None


def needs_ask_back(location: GeoLocation | None) -> bool:
    """True when we know nothing better than a municipality: ask the citizen once."""
    if location is None:
        return True
    if location.source == LocationSource.CHANNEL_HINT:
        return True
    return location.precision in (LocationPrecision.PREFECTURE, LocationPrecision.MUNICIPALITY)


def ask_back_text(language: str) -> str:
    """The one question asking for a location, in the citizen's language (fallback ja)."""
    return ASK_BACK_TEXTS.get(
        language, ASK_BACK_TEXTS.get(language.split("-")[0], ASK_BACK_TEXTS["ja"])
    )
