"""The citizen's texts in every language: the same keys everywhere, the emergency numbers
in the page's own language, easy Japanese without kanji, and the language chosen from
`?lang=` or the browser's Accept-Language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from channels.web.texts import LANGUAGE_NAMES, LANGUAGES, TEXTS, choose_language, texts_for

LOCALES = Path(__file__).resolve().parents[3] / "channels" / "web" / "locales"
# CJK ideographs (the unified blocks, extension A, compatibility ideographs, extensions
# B and later) and the iteration mark 々 and 〇: what easy Japanese leaves out.
KANJI = re.compile(r"[\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
EXPECTED_HTML_LANG = {
    "ja": "ja",
    "easy": "ja",
    "en": "en",
    "zh-Hans": "zh-Hans",
    "zh-Hant": "zh-Hant",
    "ko": "ko",
    "vi": "vi",
    "pt": "pt",
    "es": "es",
    "tl": "tl",
    "ne": "ne",
    "id": "id",
}


def locale_file(code: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((LOCALES / f"{code}.json").read_text(encoding="utf-8"))
    return data


def test_there_is_one_file_per_language_and_nothing_else() -> None:
    assert sorted(path.stem for path in LOCALES.glob("*.json")) == sorted(LANGUAGES)
    assert tuple(EXPECTED_HTML_LANG) == LANGUAGES  # the order of the language switch


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_locale_has_the_keys_of_english_and_no_empty_text(code: str) -> None:
    texts = locale_file(code)
    english = locale_file("en")
    assert set(texts) == set(english), set(texts) ^ set(english)
    assert [
        key for key, text in texts.items() if not isinstance(text, str) or not text.strip()
    ] == []
    assert TEXTS[code] == texts


@pytest.mark.parametrize("code", LANGUAGES)
def test_html_lang_and_language_name_are_right(code: str) -> None:
    assert TEXTS[code]["html_lang"] == EXPECTED_HTML_LANG[code]
    assert LANGUAGE_NAMES[code] == TEXTS[code]["language_name"]


def test_language_names_are_each_language_s_own() -> None:
    assert LANGUAGE_NAMES == {
        "ja": "日本語",
        "easy": "やさしい にほんご",
        "en": "English",
        "zh-Hans": "简体中文",
        "zh-Hant": "繁體中文",
        "ko": "한국어",
        "vi": "Tiếng Việt",
        "pt": "Português",
        "es": "Español",
        "tl": "Tagalog",
        "ne": "नेपाली",
        "id": "Bahasa Indonesia",
    }


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("key", ["emergency", "urgent_advice_2"])
def test_the_emergency_numbers_are_in_every_language(code: str, key: str) -> None:
    assert "119" in TEXTS[code][key] and "110" in TEXTS[code][key]


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_phone_number_but_119_and_110_is_given(code: str) -> None:
    numbers = {number for text in TEXTS[code].values() for number in re.findall(r"\d{3,}", text)}
    assert numbers <= {"119", "110"}


def test_easy_japanese_emergency_banner_is_in_easy_japanese() -> None:
    emergency = TEXTS["easy"]["emergency"]
    assert "119" in emergency and "110" in emergency
    assert KANJI.findall(emergency) == []
    assert emergency != TEXTS["ja"]["emergency"]


def test_easy_japanese_uses_no_kanji_anywhere() -> None:
    with_kanji = {key: text for key, text in TEXTS["easy"].items() if KANJI.search(text)}
    assert with_kanji == {}
    assert KANJI.search(TEXTS["ja"]["emergency"])  # the pattern does find kanji


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "en"),
        ("easy", "easy"),
        ("EASY", "easy"),
        ("zh_hant", "zh-Hant"),
        ("ZH-HANT", "zh-Hant"),
        (" ko ", "ko"),
        ("fr", "ja"),
        ("", "ja"),
        (None, "ja"),
    ],
)
def test_texts_for_names_a_known_code_else_japanese(lang: str | None, expected: str) -> None:
    chosen, texts = texts_for(lang)
    assert chosen == expected
    assert texts is TEXTS[expected]
    assert texts["title"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "ja"),
        ("", "ja"),
        (";;;", "ja"),
        (",,,", "ja"),
        ("*", "ja"),
        ("zh-TW,zh;q=0.9", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-Hant-TW", "zh-Hant"),
        ("zh", "zh-Hans"),
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hans-HK", "zh-Hans"),
        ("fil-PH", "tl"),
        ("tl", "tl"),
        ("pt-BR", "pt"),
        ("pt-PT", "pt"),
        ("in-ID", "id"),
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("ja-JP,ja;q=0.9,en;q=0.8", "ja"),
        ("xx;q=0.5, ko;q=0.4", "ko"),
        ("vi;q=0.2, es;q=0.8", "es"),
        ("ne;q=0.5, id;q=0.5", "ne"),
        ("en;q=0, ne", "ne"),
        ("en;q=0", "ja"),
        ("ko;q=abc, id;q=0.1", "id"),
        ("en;q=1.5", "ja"),
        ("es;Q=0.7, vi;q=0.6", "es"),
        ("easy", "ja"),
        ("en-US;;, ;", "en"),
        ("en-US;q==0.8, ko", "ko"),
        ("\u00e9n, \x00, ko", "ko"),
        ("x" * 10_000, "ja"),
    ],
)
def test_choose_language_reads_accept_language(header: str | None, expected: str) -> None:
    assert choose_language(None, header) == expected


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ("en", "ko", "en"),
        ("easy", "en-US,en;q=0.9", "easy"),
        ("zh_hant", "zh-CN", "zh-Hant"),
        ("ja", "vi", "ja"),
        ("fr", "ko", "ko"),
        ("", "vi", "vi"),
    ],
)
def test_the_query_parameter_wins_when_it_is_a_known_code(
    query: str, header: str, expected: str
) -> None:
    assert choose_language(query, header) == expected
