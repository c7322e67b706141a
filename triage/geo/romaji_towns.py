"""A town or former town written in romaji alone: "Malapit sa Hijikawa, Ozu" names 肱川
(大洲市's former town) where Ozu alone is too short to trust and is also 大津町.

The word is read back into hiragana by strict Hepburn (every letter must make a kana, so
English and Tagalog words rarely parse: "malapit" ends in a lone t) and then looked up
as `towns_alone` looks up a reading written in kana, with all of its rules: one owner
in Japan or a former municipality that stands out, never an everyday word. The same
reading back tells a short lower-case municipality before "no" and one of its towns
("himi no shimao": 島尾 of 氷見市, `place_of_it_after_no`).
"""

from __future__ import annotations

import re

from triage.geo.candidate import Candidate
from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.latin_words import after_place_word
from triage.geo.towns_alone import find_towns_alone

# Six letters or more: shorter words (Mabi, Sama) are too often syllables of other words.
MIN_LETTERS = 6
ROMAJI_TOWN_CONFIDENCE = 0.45
_VOWELS = "aiueo"
_ROWS = {
    "": "あいうえお", "k": "かきくけこ", "s": "さ_すせそ", "t": "た__てと", "n": "なにぬねの",
    "h": "はひ_へほ", "m": "まみむめも", "y": "や_ゆ_よ", "r": "らりるれろ", "w": "わ___を",
    "g": "がぎぐげご", "z": "ざ_ずぜぞ", "d": "だ__でど", "b": "ばびぶべぼ", "p": "ぱぴぷぺぽ",
}  # fmt: skip
_SYLLABLES: dict[str, str] = {
    consonant + vowel: kana
    for consonant, row in _ROWS.items()
    for vowel, kana in zip(_VOWELS, row, strict=True)
    if kana != "_"
} | {"shi": "し", "chi": "ち", "tsu": "つ", "fu": "ふ", "ji": "じ"}
for _head, _kana in {
    "ky": "き", "sh": "し", "ch": "ち", "ny": "に", "hy": "ひ", "my": "み", "ry": "り",
    "gy": "ぎ", "j": "じ", "by": "び", "py": "ぴ",
}.items():  # fmt: skip
    for _vowel, _small in zip("auo", "ゃゅょ", strict=True):
        _SYLLABLES[_head + _vowel] = _kana + _small
_WORD = re.compile(r"[a-z]+")


def hepburn_kana(word: str) -> str | None:
    """Hiragana for a romaji word (hijikawa -> ひじかわ), None when a letter makes none."""
    text = word.lower()
    if not _WORD.fullmatch(text):
        return None
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "n" and (i + 1 == len(text) or text[i + 1] not in _VOWELS + "y"):
            out.append("ん")
            i += 1
            continue
        if i + 1 < len(text) and text[i] == text[i + 1] and text[i] not in _VOWELS + "n":
            out.append("っ")  # a doubled consonant: hokkaido
            i += 1
            continue
        for length in (3, 2, 1):
            kana = _SYLLABLES.get(text[i : i + length])
            if kana is not None:
                out.append(kana)
                i += length
                break
        else:
            return None
    return "".join(out)


# Words for a place people shelter in or gather at, in romaji: "suzu no hinanjo".
_PLACES_OF_A_MUNICIPALITY = frozenset(
    {"hinanjo", "hinansho", "hinanbasho", "kouminkan", "kominkan", "eki", "shiyakusho",
     "yakuba", "gakkou", "gakko", "shougakkou", "shogakko", "chuugakkou", "chugakko",
     "byouin", "byoin", "taiikukan", "shisho", "minato", "kyuusuijo", "kyusuijo"}
)  # fmt: skip
# A lower-case name this short (suzu, himi) is a syllable of romanised Japanese too often
# to stand alone; before "no" and a place of it, it is the municipality.
SHORT_BEFORE_NO_MIN = 4
_TOWN_SUFFIXES = ("まち", "ちょう", "むら", "そん")


def before_no(words: list[str], i: int) -> bool:
    """Word i is short, and "no" and another word follow it: "suzu no hinanjo"."""
    return len(words[i]) >= SHORT_BEFORE_NO_MIN and i + 2 < len(words) and words[i + 1] == "no"


def place_of_it_after_no(
    words: list[str], i: int, municipality: Municipality, gazetteer: Gazetteer
) -> bool:
    """After word i and "no", a place of the municipality: a shelter, a station ("suzu no
    hinanjo"), or one of its towns read back into kana, with its 町/村 or without ("himi
    no shimao": 島尾 of 氷見市; "suzu no iida": 飯田町 of 珠洲市)."""
    place = words[i + 2].lower()
    if place in _PLACES_OF_A_MUNICIPALITY:
        return True
    kana = hepburn_kana(place)
    return kana is not None and any(
        town.kana in (kana, *(kana + suffix for suffix in _TOWN_SUFFIXES))
        for town in gazetteer.towns_of(municipality.lgcode).values()
    )


def romaji_towns(words: list[str], gazetteer: Gazetteer) -> list[Candidate]:
    """The municipalities of towns the words name alone in romaji, capitalised as names
    are, after a word of place ("sa Hijikawa", "near Kabira"). A bare or lower-case word is
    too often another language's: Nepali "kasari" (how) reads as 笠利 (奄美市), Tagalog
    "Sarado po" (closed) as a town of 大田原市."""
    found: list[Candidate] = []
    for i, word in enumerate(words):
        if len(word) < MIN_LETTERS or not word[0].isupper() or not after_place_word(words, i):
            continue
        kana = hepburn_kana(word)
        if kana is None:
            continue
        # Read as a reading written alone, before a particle, in a message naming nothing.
        for _, municipality, _, _ in find_towns_alone(
            f"{kana} に", gazetteer, set(), None, placed=True
        ):
            found.append(Candidate.of_municipality(word, municipality, ROMAJI_TOWN_CONFIDENCE))
    return found
