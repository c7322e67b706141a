"""Text normalisation shared by the gazetteer build and the address parser.

Both sides must normalise the same way, or a town learnt from a shelter address would
never match the same town typed by a citizen. Every mapping here is one character to
one character (except `normalize_text`, which is applied before any offsets are taken),
so a match found in a key maps back to the same span of the normalised text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

KANJI_DIGITS = "〇一二三四五六七八九"
_KANJI_VALUE = {c: i for i, c in enumerate(KANJI_DIGITS)} | {"零": 0, "壱": 1, "弐": 2, "参": 3}
_KANJI_UNIT = {"十": 10, "百": 100, "千": 1000}
KANJI_NUMERAL_CHARS = KANJI_DIGITS + "十百千"

# Dashes, long vowel marks and minus signs that people type between block numbers.
_DASHES = "‐‑‒–—―−ー－ｰ─━"
_DASH_TABLE = str.maketrans({c: "-" for c in _DASHES})

# Spelling variants of the same place name: 霞ヶ関 / 霞ケ関 / 霞が関, 之 / の.
_KEY_VARIANTS = (("ヶ", "ケ"), ("ヵ", "ケ"), ("が", "ケ"), ("ガ", "ケ"), ("之", "の"), ("ノ", "の"))


_OLD_FORMS = str.maketrans({"區": "区", "縣": "県"})


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), dashes unified, spaces removed, chome
    in 漢数字 (3丁目 -> 三丁目), the spelling town names use.

    A dash after a digit is a block separator; elsewhere (カタカナ長音 in a town name such
    as オフィスパーク) it is left alone.
    """
    # 區 and 縣 are the old forms of 区 and 県, and how traditional Chinese writes them
    # ("熊本市中央區"): one character each, so positions in the text stay where they were.
    text = unicodedata.normalize("NFKC", text).replace("巿", "市").translate(_OLD_FORMS)
    text = re.sub(r"(?<=[0-9])[" + _DASHES + r"]", "-", text)
    return chome_to_kanji(re.sub(r"\s+", "", text))


def place_key(name: str) -> str:
    """The lookup key of a place name: same length as `name`, variants folded.

    Six `str.replace` calls rather than one `str.translate`: translate looks every
    character up in a dict, replace scans in C, and this runs on ~130,000 shelter
    names when the indexes are built and hundreds of times per message. The result is
    the same because each variant is one character and no replacement is itself a variant.
    """
    for variant, canonical in _KEY_VARIANTS:
        name = name.replace(variant, canonical)
    return name


def place_keys(names: list[str]) -> list[str]:
    """`place_key` of every name, folded as one string: the gazetteer indexes fold
    hundreds of thousands of names, and one pass over their join is ~5x cheaper than a
    call per name. Names never contain a newline (the data stores them newline-joined)."""
    return place_key("\n".join(names)).split("\n") if names else []


def kanji_to_int(numeral: str) -> int | None:
    """Read 漢数字 such as 二十三, 百五, 一〇二 (positional) as an int; None if not a numeral.

    Positional numerals are read digit by digit, not through `int(str)`, which refuses
    more than 4,300 digits: any text can reach here.
    """
    if not numeral or any(c not in _KANJI_VALUE and c not in _KANJI_UNIT for c in numeral):
        return None
    if not any(c in _KANJI_UNIT for c in numeral):
        value = 0
        for c in numeral:
            value = value * 10 + _KANJI_VALUE[c]
        return value
    total, digit = 0, 0
    for c in numeral:
        if c in _KANJI_UNIT:
            total += (digit or 1) * _KANJI_UNIT[c]
            digit = 0
        else:
            digit = _KANJI_VALUE[c]
    return total + digit


# The largest number `int_to_kanji` writes in 漢数字: 万 is never part of a town name.
MAX_KANJI_NUMBER = 9999


def int_to_kanji(value: int) -> str:
    """Write 1..9999 the way town names write chome numbers: 3 -> 三, 12 -> 十二, 20 -> 二十.

    Any other number is returned in ASCII digits, as written: no town has a 0th or a
    10000th chome (国道10000線 is a road), and 千 is the largest unit a town name uses.
    """
    if not 0 < value <= MAX_KANJI_NUMBER:
        return str(value)
    parts: list[str] = []
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        count, value = divmod(value, unit_value)
        if count:
            parts.append(("" if count == 1 else KANJI_DIGITS[count]) + unit)
    if value:
        parts.append(KANJI_DIGITS[value])
    return "".join(parts)


_CHOME_DIGITS = re.compile(r"([0-9]+)(丁目|丁(?!目)|条|線|番丁)")


def chome_to_kanji(text: str) -> str:
    """3丁目 -> 三丁目, 24条 -> 二十四条, 12番丁 -> 十二番丁: town names write these in 漢数字.

    A number past 9999 (国道10000線, a 5,000-digit string) is left as written.
    """
    return _CHOME_DIGITS.sub(_chome_in_kanji, text)


def _chome_in_kanji(match: re.Match[str]) -> str:
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > len(str(MAX_KANJI_NUMBER)):
        # Checked before `int()`: past 4,300 digits it raises instead of converting.
        return match.group(0)
    return int_to_kanji(int(digits)) + match.group(2)


# Where the town part of an address ends: a block number in ASCII digits, a 番地 written
# in 漢数字 (but not 一番町, a town), or a chome (kept inside the town).
_K = "[" + KANJI_NUMERAL_CHARS + "]"
_TOWN_END = re.compile(
    r"[0-9A-Za-z]|" + _K + r"+(?:番地|番(?![町丁]|" + _K + r"+丁)|号)|[,、。!?()（）「」\s]"
)
_CHOME = re.compile(_K + r"+丁目|" + _K + r"+丁$")
# Kyoto writes the streets before the town: 河原町二条下ル一之船入町.
_KYOTO_STREET = re.compile(r".*(?:上ル|下ル|東入ル?|西入ル?)")


def split_town(rest: str) -> tuple[str, str]:
    """Split the text after a municipality into (town as written, the rest).

    The town runs until the first block number; a chome (三丁目) stays in the town and
    ends it. Used on its own (no gazetteer) this is the rule for towns we have never seen.
    """
    rest = chome_to_kanji(rest)
    street = _KYOTO_STREET.match(rest)
    if street is not None and _TOWN_END.search(rest[: street.end()]) is None:
        rest = rest[street.end() :]
    end = _TOWN_END.search(rest)
    town = rest[: end.start()] if end else rest
    chome = _CHOME.search(town)
    if chome:
        town = town[: chome.end()]
    return town, rest[len(town) :]


def drop_accents(text: str) -> str:
    """Latin text without its accents and macrons ("Nagata, Kōbe" -> "Nagata, Kobe").
    NFKD also parts kana from their dakuten, so only the Latin reading of it is kept."""
    if text.isascii():
        return text  # nothing to decompose: most English text, every romaji key
    decomposed = unicodedata.normalize("NFKD", text)
    if max(decomposed) > _LAST_BMP:
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    return decomposed.translate(_combining_marks())


_LAST_BMP = "\uffff"


@cache
def _combining_marks() -> dict[int, None]:
    """Every combining mark of the Basic Multilingual Plane, to be deleted by
    str.translate: one pass in C instead of a test per character in Python (a message
    is folded several times by the romaji and landmark readers)."""
    return {c: None for c in range(0x10000) if unicodedata.combining(chr(c))}


# How Spanish and Portuguese write some cities (Kioto, Tokio, Nagóia): their romaji.
LATIN_EXONYMS = {
    "kioto": "kyoto",
    "quioto": "kyoto",
    "tokio": "tokyo",
    "toquio": "tokyo",
    "nagoia": "nagoya",
    "osaca": "osaka",
}
_EXONYM = re.compile(r"\b(" + "|".join(LATIN_EXONYMS) + r")\b")


def latin_exonyms_as_romaji(folded: str) -> str:
    """Lower-case, accent-free Latin text with the exonyms above in romaji."""
    return _EXONYM.sub(lambda m: LATIN_EXONYMS[m.group(1)], folded)


def romaji_key(word: str) -> str:
    """Fold macrons and long vowels so Ōsaka, Oosaka and Osaka meet (and Kioto, Kyoto)."""
    plain = drop_accents(word).lower()
    plain = LATIN_EXONYMS.get(plain, plain)
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a")):
        plain = plain.replace(long, short)
    return plain.replace("-", "").replace("'", "")
