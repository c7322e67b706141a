"""Offline language detection for the languages the service answers in.

Script decides first because it is certain and free: kana means Japanese, Hangul
Korean, Devanagari Nepali. Han without kana is Chinese. Latin-script text goes to
py3langid (it bundles its model; no network), restricted to our Latin-script
languages, with a small marker-word check for Vietnamese typed without accents,
which py3langid tends to call Indonesian, and for Japanese and Nepali typed in Latin
letters (`romanised`). Easy Japanese (やさしい日本語) is a heuristic:
mostly kana, few kanji, words separated by spaces.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import py3langid.langid as langid

from triage.assessment.langid_cache import load_identifier
from triage.assessment.romanised import romanised_language

SUPPORTED_LANGUAGES: Final = ("ja", "ja-easy", "en", "zh", "ko", "vi", "pt", "es", "tl", "ne", "id")
LATIN_LANGUAGES: Final = ["en", "vi", "pt", "es", "tl", "id"]
DEFAULT_LANGUAGE: Final = "ja"

_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
# Letters only Vietnamese uses among our languages (ơ, ư, đ, and the stacked tones).
_VIETNAMESE_LETTERS = re.compile(r"[ơưđăƠƯĐĂ\u1ea0-\u1ef9]")
# Words that are common in unaccented Vietnamese SMS and rare in the other languages.
_VIETNAMESE_WORDS = frozenset(
    {
        "toi",
        "chung",
        "giup",
        "cuu",
        "voi",
        "khong",
        "nuoc",
        "nha",
        "bi",
        "dang",
        "chay",
        "em",
        "anh",
        "chi",
        "duoc",
        "ko",
        "mat",
        "di",
        "o",
        "dau",
        "lu",
        "ngap",
        "trong",
        "thuoc",
        "duong",
        "xuong",
        "roi",
        "dien",
        "nguoi",
        "cua",
        "mot",
        "nhieu",
        "qua",
        "rat",
        "het",
        "nhu",
        "nay",
        "lam",
        "gi",
        "sao",
        "da",
        "bo",
        "ba",
        "ong",
        "chau",
        "ben",
        "canh",
        "mui",
        "day",
        "dut",
        "nang",
        "duoi",
        "tieu",
        "can",
        "tim",
        "thay",
        "khi",
        "ga",
        "vui",
        *[
            "hoi",
            "gan",
            "nhat",
            "gio",
            "phat",
            "diem",
            "nua",
            "tuan",
            "nen",
            "chuan",
            "biet",
            "muon",
            "neu",
            "thi",
            "vay",
            "truoc",
            "dinh",
            "cac",
            "nhung",
            "minh",
            "dong",
        ],
    }
)
_WORD = re.compile(r"[a-z]+")
# py3langid confuses short Indonesian and Tagalog messages; these words settle it.
_INDONESIAN_WORDS = frozenset(
    {
        "tolong",
        "saya",
        "tidak",
        "banjir",
        "terjebak",
        "rumah",
        "bantu",
        "kebakaran",
        "gempa",
        "dimana",
        "ada",
        "yang",
        "dan",
        "air",
        "ibu",
        "anak",
        "kami",
        "sakit",
        "butuh",
        "tanah",
    }
)
_TAGALOG_WORDS = frozenset(
    {
        "po",
        "ng",
        "sa",
        "ang",
        "mga",
        "namin",
        "tulong",
        "tulungan",
        "saklolo",
        "hindi",
        "kailangan",
        "baha",
        "lindol",
        "nasaan",
        "ako",
        "kami",
        "ko",
        "may",
        "na",
        "ba",
        "si",
    }
)
# Han-only text is Chinese when it has Chinese function words; otherwise it is most
# likely a terse Japanese message ("火事", "救急車要請") in a Japanese municipality.
_CHINESE_MARKERS = re.compile(
    r"[我的了们們吗嗎被没沒这這里裡请請帮幫个個么麼从為为说說给給还還让讓过過呢吧啊在]"
)


@lru_cache(maxsize=1)
def _latin_identifier() -> langid.LanguageIdentifier:
    """Loaded once, only when Latin-script text is first seen (from the user's cache
    after the first process: `langid_cache`)."""
    return load_identifier(LATIN_LANGUAGES)


def _looks_easy_japanese(text: str, kana_count: int, han_count: int) -> bool:
    """やさしい日本語: spaced words (分かち書き), kanji under a fifth of the Japanese letters."""
    japanese_letters = kana_count + han_count
    spaced_words = len(
        re.findall(r"[\u3041-\u30ff\u4e00-\u9fff]\s+[\u3041-\u30ff\u4e00-\u9fff]", text)
    )
    return spaced_words >= 2 and han_count <= 0.2 * japanese_letters


def _unaccented_vietnamese(words: list[str]) -> bool:
    if len(words) < 2:
        return False
    hits = sum(1 for w in words if w in _VIETNAMESE_WORDS)
    return hits >= 2 and hits >= 0.4 * len(words)


def detect_language(text: str) -> str:
    """One of SUPPORTED_LANGUAGES; Japanese when nothing else is clear (the default audience)."""
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    hangul = len(_HANGUL.findall(text))
    devanagari = len(_DEVANAGARI.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if kana:
        return "ja-easy" if _looks_easy_japanese(text, kana, han) else "ja"
    if hangul and hangul >= han:
        return "ko"
    if devanagari:
        return "ne"
    if han and han * 2 >= latin:
        return "zh" if _CHINESE_MARKERS.search(text) else "ja"
    if latin < 2:
        return DEFAULT_LANGUAGE
    words = _WORD.findall(text.lower())  # the marker-word checks below share them
    if _VIETNAMESE_LETTERS.search(text) or _unaccented_vietnamese(words):
        return "vi"
    romanised = romanised_language(words)
    if romanised is not None:
        return romanised
    language = str(_latin_identifier().classify(text)[0])
    if language in ("id", "tl"):
        indonesian = sum(1 for w in words if w in _INDONESIAN_WORDS)
        tagalog = sum(1 for w in words if w in _TAGALOG_WORDS)
        if indonesian != tagalog:
            return "id" if indonesian > tagalog else "tl"
    return language
