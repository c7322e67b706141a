"""One canonical form of citizen text, so that one lexicon entry covers many spellings.

Citizens type in a hurry on phones: half-width katakana (ﾀｽｹﾃ), full-width Latin
(ＨＥＬＰ), katakana or hiragana for the same word (タスケテ / たすけて), Vietnamese or
Portuguese without their accents. Rules and the local model both read this form, and
the lexicons are normalised the same way when loaded, so an entry is written once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WHITESPACE = re.compile(r"\s+")
# Repeated long-vowel marks and wave dashes ("たすけてーーー", "助けて〜〜") carry no meaning.
_REPEATED_MARKS = re.compile(r"([ー〜~!?！？])\1+")
# Latin letters, Latin-1 supplement, Latin Extended-A/B and Latin Extended Additional
# (Vietnamese). Only these lose their diacritics: Japanese dakuten must stay (が ≠ か).
_LATIN_RANGES = ((0x0041, 0x024F), (0x1E00, 0x1EFF))


def _build_latin_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for low, high in _LATIN_RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            if char.isascii():
                continue
            decomposed = unicodedata.normalize("NFD", char)
            table[code] = "".join(c for c in decomposed if not unicodedata.combining(c))
    for char, replacement in (
        ("đ", "d"),
        ("Đ", "d"),
        ("ø", "o"),
        ("ł", "l"),
        ("ß", "ss"),
        ("\u2019", "'"),
        ("\u2018", "'"),
        ("\u02bc", "'"),
    ):
        table[ord(char)] = replacement
    return table


# Precomputed translation tables: normalisation runs on every message, twice per
# assessment budget of half a millisecond, so per-character Python loops are too slow.
_LATIN_FOLD = _build_latin_fold_table()
# Katakana ァ..ヶ map to hiragana ぁ..ゖ by a fixed offset (as jaconv.kata2hira does, without
# a dependency for one table).
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


# Spaces between Japanese words: kana-only and easy-Japanese writers put them where an
# expression has none (がす の におい, ｶﾞｽ ｸｻｲ), so lexicons and keywords are also looked
# for without them. Spaces between Latin words stay: they are the word boundaries there.
_JAPANESE = "\u3040-\u30ff\u3400-\u9fff\u3005"
_JAPANESE_SPACE = re.compile(f"(?<=[{_JAPANESE}])\\s+(?=[{_JAPANESE}])")


def without_japanese_spaces(normalized: str) -> str:
    """`normalized` without the spaces between two Japanese characters
    ("でんき が つかない" -> "でんきがつかない"; "no water" keeps its space)."""
    return _JAPANESE_SPACE.sub("", normalized)


def fold_latin_diacritics(text: str) -> str:
    """Drop accents from Latin letters only ("cứu tôi" -> "cuu toi"); leave kana intact."""
    return text.translate(_LATIN_FOLD)


def normalize_pattern(pattern: str) -> str:
    """A lexicon regular expression in the form `normalize` gives text.

    Like `normalize` but without collapsing repeated characters or whitespace, which
    would corrupt the expression ("??" is a lazy quantifier).
    """
    pattern = unicodedata.normalize("NFKC", pattern).lower()
    return pattern.translate(_KATAKANA_TO_HIRAGANA).translate(_LATIN_FOLD)


# Rules, injection checks, the local model and the playbook matcher each normalise the
# message they are given; the cache makes that one computation per message instead of
# five without threading a second "already normalised" argument through every layer.
# Small on purpose: it only has to outlive one message (and repeats in a surge).
@lru_cache(maxsize=256)
def normalize(text: str) -> str:
    """The matching form of `text`.

    Steps, each for a reason:
    - NFKC: half-width katakana and full-width Latin/digits become their ordinary forms.
    - lower case: "HELP" and "help" are one word.
    - katakana -> hiragana: "タスケテ", "ﾀｽｹﾃ" and "たすけて" become one string.
    - Latin diacritics dropped: SMS often loses them ("socorro nao consigo sair").
    - repeated marks and whitespace collapsed.
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    text = text.translate(_KATAKANA_TO_HIRAGANA).translate(_LATIN_FOLD)
    text = _REPEATED_MARKS.sub(r"\1", text)
    return _WHITESPACE.sub(" ", text).strip()


# A web address in normalised text: "https://...", "www....", or a bare host with a path
# or a common ending ("bit.ly/ajuda-jp", "example.com"). Scams and forwarded posts carry
# links whose words ("ajuda", "help-me", "rescue") are nobody's cry for help.
_LINK = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:ly|com|net|org|info|jp|me|io|co|gl|xyz|top|link|site)\b(?:/\S*)?"
)


def without_links(normalized: str) -> str:
    """`normalized` with every web address blanked to spaces of the same length, so that
    positions in it are positions in `normalized` ("clique bit.ly/ajuda-jp" -> "clique ")."""
    if "." not in normalized and "://" not in normalized:
        return normalized  # every address has one: most messages skip the search
    return _LINK.sub(lambda link: " " * len(link.group(0)), normalized)
