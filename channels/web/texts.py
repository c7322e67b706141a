"""Citizen-facing texts of the web form and status page, one data file per language.

`locales/<code>.json` holds one flat object of key → text per language; every file has
the same keys as `en.json` (tests/channels/web/test_texts.py checks it). The files are
package data, read once at import: a broken file fails the start, not a citizen's page.
"easy" is easy Japanese (やさしい日本語) for residents still learning Japanese.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files

DEFAULT_LANGUAGE = "ja"
LANGUAGES: tuple[str, ...] = (
    "ja",
    "easy",
    "en",
    "zh-Hans",
    "zh-Hant",
    "ko",
    "vi",
    "pt",
    "es",
    "tl",
    "ne",
    "id",
)


def _load(code: str) -> dict[str, str]:
    """One locale file; anything but a flat object of strings is a packaging bug."""
    source = files("channels.web") / "locales" / f"{code}.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and isinstance(text, str) for key, text in data.items()
    ):
        raise ValueError(f"channels/web/locales/{code}.json is not a flat object of strings")
    return data


TEXTS: dict[str, dict[str, str]] = {code: _load(code) for code in LANGUAGES}
LANGUAGE_NAMES: dict[str, str] = {code: TEXTS[code]["language_name"] for code in LANGUAGES}

_BY_FOLDED_CODE = {code.casefold(): code for code in LANGUAGES}


def _known(lang: str | None) -> str | None:
    """A supported code however it was typed: "zh_hant", "ZH-HANT", "Easy"."""
    if not lang:
        return None
    return _BY_FOLDED_CODE.get(lang.strip().replace("_", "-").casefold())


def texts_for(lang: str | None) -> tuple[str, dict[str, str]]:
    """The language asked for (`?lang=`), Japanese when none or unknown."""
    chosen = _known(lang) or DEFAULT_LANGUAGE
    return chosen, TEXTS[chosen]


# Accept-Language (RFC 9110 §12.5.4): ranges separated by commas, each with an optional
# weight `;q=` between 0 and 1 (at most three decimals), q=0 meaning "not this one".
_LANGUAGE_RANGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")
_MAX_RANGES = 32  # a real browser sends a handful; a hostile header is not read to its end
_BY_PRIMARY_SUBTAG = {
    "ja": "ja",
    "en": "en",
    "ko": "ko",
    "vi": "vi",
    "pt": "pt",  # pt-BR and pt-PT alike: the texts are Brazilian, the community in Japan
    "es": "es",
    "tl": "tl",
    "fil": "tl",  # Filipino, what phones set in the Philippines
    "ne": "ne",
    "id": "id",
    "in": "id",  # the old code for Indonesian, still sent by older Android phones
}
_TRADITIONAL_CHINESE_REGIONS = {"tw", "hk", "mo"}


def _ranges_by_preference(header: str) -> list[str]:
    """The header's language tags, most wanted first (ties keep the header's order);
    q=0, malformed weights, the wildcard and malformed tags are left out."""
    weighted: list[tuple[float, str]] = []
    for item in header.split(",")[:_MAX_RANGES]:
        tag, *parameters = (part.strip() for part in item.split(";"))
        if not _LANGUAGE_RANGE.fullmatch(tag):
            continue
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().casefold() == "q":
                value = value.strip()
                weight = float(value) if _QVALUE.fullmatch(value) else 0.0
        if weight > 0:
            weighted.append((weight, tag))
    weighted.sort(key=lambda pair: -pair[0])
    return [tag for _, tag in weighted]


def _supported(tag: str) -> str | None:
    """The locale for one language tag; "easy" is never chosen from a header."""
    primary, *subtags = tag.casefold().split("-")
    if primary == "zh":
        if "hant" in subtags:
            return "zh-Hant"
        if "hans" in subtags:
            return "zh-Hans"
        if _TRADITIONAL_CHINESE_REGIONS.intersection(subtags):
            return "zh-Hant"
        return "zh-Hans"
    return _BY_PRIMARY_SUBTAG.get(primary)


def choose_language(query: str | None, accept_language: str | None) -> str:
    """The page's language: `?lang=` when it names a supported code, else the browser's
    most wanted supported language, else Japanese. Never raises on a malformed header."""
    asked = _known(query)
    if asked:
        return asked
    for tag in _ranges_by_preference(accept_language or ""):
        supported = _supported(tag)
        if supported:
            return supported
    return DEFAULT_LANGUAGE
