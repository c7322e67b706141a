"""Japanese place names written in Devanagari by Nepali writers: ओसाका (大阪), सापोरो हिगाशी-कु.

Every municipality's official kana is transliterated the way Nepali writes Japanese
names (か का, し शि, つ त्सु, ん न्, long vowels dropped), and both sides are folded before
comparing: vowel length, nasal marks and the halant ignored, श/ष/स alike, the retroflex
ट and the dental त alike, so ओसाका and ओशाका meet. A name counts as a word of three
letters or more (start, space or punctuation before it, a danda after it), or of two
before its "city" (सुजु सिटी); a ward (-कु) of a designated city only after its city,
where its name without -कु counts too (ओसाका इकुनो).
"""

from __future__ import annotations

import re

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.name_index import DISTRICTS_DEVANAGARI
from triage.geo.transliterated import Script, find_places

_VOWELS = {"a": ("अ", "ा"), "i": ("इ", "ि"), "u": ("उ", "ु"), "e": ("ए", "े"), "o": ("ओ", "ो")}
_CONSONANTS = {
    "k": "क", "g": "ग", "s": "स", "sh": "श", "z": "ज", "j": "ज", "t": "त", "ch": "च",
    "ts": "त्स", "d": "द", "n": "न", "h": "ह", "f": "फ", "b": "ब", "p": "प", "m": "म",
    "y": "य", "r": "र", "w": "व", "": "",
}  # fmt: skip
_ROWS: dict[str, tuple[str, str]] = {}
for _row, _consonants in {
    "あいうえお": ("", "", "", "", ""), "かきくけこ": ("k",) * 5, "がぎぐげご": ("g",) * 5,
    "さしすせそ": ("s", "sh", "s", "s", "s"), "ざじずぜぞ": ("z", "j", "z", "z", "z"),
    "たちつてと": ("t", "ch", "ts", "t", "t"), "だぢづでど": ("d", "j", "z", "d", "d"),
    "なにぬねの": ("n",) * 5, "はひふへほ": ("h", "h", "f", "h", "h"), "ばびぶべぼ": ("b",) * 5,
    "ぱぴぷぺぽ": ("p",) * 5, "まみむめも": ("m",) * 5, "らりるれろ": ("r",) * 5,
}.items():  # fmt: skip
    for _kana, _consonant, _vowel in zip(_row, _consonants, "aiueo", strict=True):
        _ROWS[_kana] = (_consonant, _vowel)
_ROWS |= {"や": ("y", "a"), "ゆ": ("y", "u"), "よ": ("y", "o"), "わ": ("w", "a"), "を": ("", "o")}
_SMALL = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
_HALANT = "्"
_FOLD = str.maketrans(
    {"ी": "ि", "ू": "ु", "आ": "अ", "ई": "इ", "ऊ": "उ", "श": "स", "ष": "स", "ं": None,
     "ँ": None, "़": None, _HALANT: None, "ा": None, "-": None, "ट": "त", "ड": "द",
     "ठ": "थ", "ढ": "ध"}
)  # fmt: skip
_LETTER = re.compile("[\u0904-\u0939]")
_MIN_LETTERS = 3


def _syllable(consonant: str, vowel: str, glide: bool) -> str:
    independent, sign = _VOWELS[vowel]
    if not consonant:
        return independent  # ओसाका, फुकुओका: a vowel of its own, even inside a word
    base = _CONSONANTS[consonant]
    if glide and consonant not in ("sh", "ch", "j"):
        base += _HALANT + "य"  # きょ क्यो; しゅ शु and じゅ जु carry the glide already
    return base + sign


def _long_vowel(char: str, last_vowel: str) -> bool:
    return (
        (char == "う" and last_vowel in ("o", "u"))
        or (char == "お" and last_vowel == "o")
        or (char == "い" and last_vowel == "e")
    )


def _letters(name: str) -> int:
    """Consonants and vowels, not their signs: ओसक has three, सकु (佐久) two."""
    return len(_LETTER.findall(name))


def kana_to_devanagari(kana: str) -> str:
    """Hiragana to Devanagari as Nepali writes Japanese names (long vowels dropped)."""
    out: list[str] = []
    last_vowel = ""
    index = 0
    while index < len(kana):
        char = kana[index]
        following = kana[index + 1] if index + 1 < len(kana) else ""
        if char == "ん":
            out.append("न" + _HALANT)
        elif char == "っ":
            pass  # the doubled consonant: Nepali writes it single more often than not
        elif _long_vowel(char, last_vowel):
            pass  # a long vowel: とうきょう टोकियो, おおさか ओसाका
        elif char in _ROWS:
            consonant, vowel = _ROWS[char]
            glide = following in _SMALL
            if glide:
                vowel = _SMALL[following]
                index += 1
            out.append(_syllable(consonant, vowel, glide))
            last_vowel = vowel
            index += 1
            continue
        last_vowel = ""
        index += 1
    return "".join(out)


# A doubled consonant (っ as some write it: साप्पोरो, हक्कैदो) folds to one, as
# `kana_to_devanagari` writes it; not न्न or म्म, where ん meets な or ま (かんな कन्ना).
_DOUBLED = re.compile(f"([\u0915-\u0927\u092a-\u092d\u092f-\u0939]){_HALANT}\\1")


def fold(text: str) -> str:
    return _DOUBLED.sub(r"\1", text).translate(_FOLD)


# What may follow a name in the same word, folded: nothing, or a case ending or
# postposition Nepali writes onto it (वाजिमामा, ओसाकाको).
_ENDINGS = frozenset(
    fold(ending)
    for ending in (
        "",
        "को",
        "का",
        "की",
        "मा",
        "बाट",
        "लाई",
        "ले",
        "सम्म",
        "तिर",
        "भन्दा",
        "नजिक",
        "देखि",
    )
)
# The rest of a word: letters and signs, not the danda (।, ॥) that ends a sentence.
_WORD_REST = re.compile("[\u0900-\u0963\u0966-\u097f]*")
# After a two-letter name (सुजु 珠洲, नारा 奈良): "city" as Nepali writes it, in English or
# in Nepali, then what may follow a word.
_CITY_AFTER = re.compile(fold(r"[ -]?(?:सिटी|शहर|नगर)"))
_SHORT_LETTERS = 2


def _stands(name: str, after: str) -> bool:
    """The name is the whole word, or the word is the name and a case ending: ओसाकाको is
    Osaka's, but सन्देशको ("of the message") does not hold सन्दा (三田). A name of two
    letters is a syllable of too many words: it counts only before its "city"."""
    if _letters(name) < _MIN_LETTERS:
        city = _CITY_AFTER.match(after)
        if city is None:
            return False
        after = after[city.end() :]
    rest = _WORD_REST.match(after)  # matches always: "*" takes the empty rest too
    return rest is not None and rest.group(0) in _ENDINGS


DEVANAGARI = Script(
    letters="\u0900-\u097f",
    ward_suffix="कु",
    transliterate=kana_to_devanagari,
    fold=fold,
    indexed=lambda name: _letters(name) >= _SHORT_LETTERS,
    stands=_stands,
    bare_tokyo_wards=True,  # शिन्जुकु alone, as for a city
    district_index=DISTRICTS_DEVANAGARI,
    district_end="मा|को|बाट|देखि|तिर|नजिक",
    district_indexed=lambda name: _letters(name) >= _MIN_LETTERS,
)


def find_devanagari_places(text: str, gazetteer: Gazetteer) -> list[Municipality]:
    """Municipalities (wards after their city) named in Devanagari, wards first."""
    return find_places(text, gazetteer, DEVANAGARI)
