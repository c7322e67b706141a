"""Place names in the reader's script: "Wajima-shi (輪島市)" in an English or Vietnamese reply.

A reader of English, Vietnamese, Portuguese, Spanish, Tagalog, Indonesian, Nepali or
Korean cannot read 輪島市 or 七尾市立東部中学校, but a local they show the answer to can:
both are given, romaji first and the kanji in brackets. Municipalities are romanised
from their official kana (localgovjp), which is exact; a shelter's name has no kana in
the data, so its municipality prefix is taken from the municipality and the rest is
read by pykakasi, as road signs write it (Hepburn, long vowels not marked: Chubu, not
Chuubu). Kana alone is read by jaconv: pykakasi's kanji dictionaries take ~0.5 s to
load, which a process paid on its first Latin-script message naming a designated city.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import jaconv

from triage.geo.gazetteer import Gazetteer, Municipality

# Languages whose readers get romaji (Chinese readers read the kanji themselves).
ROMAJI_READERS = frozenset({"en", "vi", "pt", "es", "tl", "id", "ne", "ko"})
_SUFFIX_KANA = (
    ("ちょう", "cho"), ("まち", "machi"), ("むら", "mura"),
    ("そん", "son"), ("し", "shi"), ("く", "ku"),
)  # fmt: skip
_LONG_VOWELS = (
    (re.compile(r"ou"), "o"),
    (re.compile(r"uu"), "u"),
    (re.compile(r"oo(?=[^aeiou]|$)"), "o"),
)


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    import pykakasi  # its dictionaries take ~0.4 s to load: only for a reply that needs it

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def _plain(romaji: str) -> str:
    for pattern, replacement in _LONG_VOWELS:
        romaji = pattern.sub(replacement, romaji)
    return romaji


def _read(text: str) -> str:
    words = [item["hepburn"] for item in _kakasi().convert(text) if item["hepburn"].strip()]
    return " ".join(_plain(word).capitalize() for word in words)


# Hepburn where jaconv writes otherwise: ん before a vowel is n' (Ten'ei), not
# "tenei"; っ before ch is t (Kutchan), not "kucchan".
_N_BEFORE_VOWEL = re.compile("ん(?=[あいうえお])")


def kana_romaji(kana: str) -> str:
    """Kana in plain Hepburn, one word: ちゅうおう -> Chuo (long vowels plain)."""
    hiragana = _N_BEFORE_VOWEL.sub("n'", jaconv.kata2hira(kana))
    return _plain(jaconv.kana2alphabet(hiragana).replace("cch", "tch")).capitalize()


def _kana_name(kana: str) -> str:
    """さっぽろし -> Sapporo-shi (the suffix read apart, as signs write it)."""
    for suffix, latin in _SUFFIX_KANA:
        if kana.endswith(suffix) and len(kana) > len(suffix):
            return f"{kana_romaji(kana[: -len(suffix)])}-{latin}"
    return kana_romaji(kana)


def municipality_romaji(municipality: Municipality, gazetteer: Gazetteer) -> str:
    """ "Wajima-shi", "Sapporo-shi Chuo-ku" (a ward after its city)."""
    parent = gazetteer.by_lgcode.get(municipality.parent_lgcode or "")
    if parent is not None and municipality.kana.startswith(parent.kana):
        ward = municipality.kana[len(parent.kana) :]
        return f"{_kana_name(parent.kana)} {_kana_name(ward)}"
    return _kana_name(municipality.kana)


def with_romaji(name: str, municipality: Municipality | None, gazetteer: Gazetteer) -> str:
    """`name` (a municipality or a place in it) as "romaji (kanji)"."""
    if municipality is not None and name == municipality.name:
        return f"{municipality_romaji(municipality, gazetteer)} ({name})"
    if municipality is not None and name.startswith(municipality.name):
        rest = name[len(municipality.name) :]
        latin = f"{municipality_romaji(municipality, gazetteer)} {_read(rest)}".strip()
        return f"{latin} ({name})"
    return f"{_read(name)} ({name})"
