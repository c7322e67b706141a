"""Japanese place names written in Hangul: 와지마 (輪島), 삿포로 기요타구 (札幌市清田区).

Korean writers transliterate Japanese names by the Korean standard for Japanese: か is
가 at the start of a word and 카 inside it, っ and ん close the syllable before (삿포로,
센다이), long vowels are dropped (도쿄). Every municipality's official kana is
transliterated the same way here, and both sides are folded before comparing (plain,
aspirated and tense consonants alike, 쓰/츠/스 alike), so 후쿠오카, 후꾸오까 and 후구오가
meet. A name counts when it stands as a word (start, space or punctuation before it),
ends as one (a particle, 시, 역, 근처… or no letter after it: 가와구치코 is 河口湖, no 川口)
and has three syllables, or two before 시/구/역/공항 or one of its own districts (벳푸
기타하마, `transliterated`): 나하 alone is too short to trust.
"""

from __future__ import annotations

import re

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.name_index import DISTRICTS_HANGUL
from triage.geo.transliterated import Script, find_places

_HANGUL_BASE = 0xAC00
# Initial consonants (choseong) by index, and vowels (jungseong) by index.
_INITIAL = {
    "": 11, "g": 0, "k": 15, "n": 2, "d": 3, "t": 16, "r": 5, "m": 6, "b": 7, "p": 17,
    "s": 9, "ss": 10, "j": 12, "ch": 14, "h": 18,
}  # fmt: skip
_VOWEL = {"a": 0, "e": 5, "i": 20, "o": 8, "u": 13, "eu": 18, "ya": 2, "yu": 17, "yo": 12, "wa": 9}
_FINAL_N, _FINAL_S = 4, 19
# Kana -> (initial at the start of a word, initial inside it, vowel).
_ROWS: dict[str, tuple[str, str, str]] = {}
for _kana, _spec in {
    "あいうえお": ("", "", "a i u e o"),
    "かきくけこ": ("g", "k", "a i u e o"),
    "がぎぐげご": ("g", "g", "a i u e o"),
    "さしすせそ": ("s", "s", "a i eu e o"),
    "ざじずぜぞ": ("j", "j", "a i eu e o"),
    "たてと": ("d", "t", "a e o"),
    "だでど": ("d", "d", "a e o"),
    "なにぬねの": ("n", "n", "a i u e o"),
    "はひふへほ": ("h", "h", "a i u e o"),
    "ばびぶべぼ": ("b", "b", "a i u e o"),
    "ぱぴぷぺぽ": ("p", "p", "a i u e o"),
    "まみむめも": ("m", "m", "a i u e o"),
    "やゆよ": ("", "", "ya yu yo"),
    "らりるれろ": ("r", "r", "a i u e o"),
    "わを": ("", "", "wa o"),
}.items():
    for _char, _vowel in zip(_kana, _spec[2].split(), strict=True):
        _ROWS[_char] = (_spec[0], _spec[1], _vowel)
_ROWS |= {
    "ち": ("j", "ch", "i"),
    "ぢ": ("j", "j", "i"),
    "つ": ("ss", "ss", "eu"),
    "づ": ("j", "j", "eu"),
}
_ROWS["し"] = ("s", "s", "i")
_ROWS["じ"] = ("j", "j", "i")
_ROWS["ふ"] = ("h", "h", "u")
_SMALL = {"ゃ": "ya", "ゅ": "yu", "ょ": "yo"}
# Folded for comparison: aspirated and tense initials as plain ones (ㅋ ㄲ -> ㄱ ...).
_FOLD_INITIAL = {15: 0, 1: 0, 16: 3, 4: 3, 17: 7, 8: 7, 14: 12, 13: 12, 10: 9}
_SYLLABLES = 2
_O_OR_U = (8, 12, 13, 17)  # vowel indices of 오 요 우 유
_SHORT_BEFORE = re.compile(r"(?:시|구|역|공항|정|촌|현|쪽|에서)")


def _syllable(initial: str, vowel: str, final: int = 0) -> str:
    return chr(_HANGUL_BASE + (_INITIAL[initial] * 21 + _VOWEL[vowel]) * 28 + final)


def _add_final(syllables: list[str], final: int) -> None:
    if syllables:
        code = ord(syllables[-1]) - _HANGUL_BASE
        if code % 28 == 0:
            syllables[-1] = chr(ord(syllables[-1]) + final)


def _long_vowel(char: str, previous: str) -> bool:
    """う after an o or u sound, お after an o sound (おお, とお)."""
    vowel = (ord(previous) - _HANGUL_BASE) // 28 % 21
    return vowel in _O_OR_U if char == "う" else vowel in (8, 12)


def kana_to_hangul(kana: str) -> str:
    """Hiragana to Hangul by the Korean standard (simplified: long vowels dropped)."""
    out: list[str] = []
    index = 0
    while index < len(kana):
        char = kana[index]
        following = kana[index + 1] if index + 1 < len(kana) else ""
        if char == "ん":
            _add_final(out, _FINAL_N)
        elif char == "っ":
            _add_final(out, _FINAL_S)
        elif char in "うお" and out and _long_vowel(char, out[-1]):
            pass  # a long vowel: 도쿄, 오사카, not 도우쿄우, 오오사카
        elif char in _ROWS:
            start, inside, vowel = _ROWS[char]
            if following in _SMALL:
                # ちゃ じゅ ちょ are 자 주 조: the j already carries the glide.
                vowel = _SMALL[following][1:] if char in "ちぢじ" else _SMALL[following]
                index += 1
            out.append(_syllable(inside if out else start, vowel))
        index += 1
    return "".join(out)


def fold(text: str) -> str:
    """Hangul with plain, aspirated and tense initials alike, for comparing names."""
    folded = []
    for char in text:
        code = ord(char) - _HANGUL_BASE
        if 0 <= code < 11172:
            initial, rest = divmod(code, 21 * 28)
            char = chr(_HANGUL_BASE + _FOLD_INITIAL.get(initial, initial) * 21 * 28 + rest)
        folded.append(char)
    return "".join(folded)


# What Korean writes right after a place name, with no space: its kind (시, 현, 마치), a
# word of place (역, 근처) or a particle (에, 에서, 는, 까지) or copula (예요, 인데). Any other
# syllable makes the name the head of a longer word: 가와구치코 is 河口湖, not 川口市; 사쿠라지마
# (桜島) no さくら. Not 고: 나가시고 is the verb 나가시다 (to go out).
_AFTER_A_NAME = re.compile(
    fold(
        "(?:시|구|정|초|쵸|촌|손|마치|무라|현|군|역|공항|항|성|근처|쪽|주변|부근|방면|지역|지방"
        "|온천|온센|출신|에|의|은|는|이|가|을|를|도|로|으로|와|과|랑|까지|부터|만|인데|예요|입니|이었"
        "|였|이에|이라|라고|요)"
    )
    + "|[^\uac00-\ud7a3]|$"
)


def _stands(name: str, after: str) -> bool:
    """A word of its own (`_AFTER_A_NAME` after it) of three syllables, or of two before
    시/구/역/공항 (나하 alone is too short to trust)."""
    if _AFTER_A_NAME.match(after) is None:
        return False
    return len(name) >= 3 or _SHORT_BEFORE.match(after) is not None


HANGUL = Script(
    letters="\uac00-\ud7a3",
    ward_suffix="구",
    transliterate=kana_to_hangul,
    fold=fold,
    indexed=lambda name: len(name) >= _SYLLABLES,
    stands=_stands,
    prefecture_cities_give_way=True,
    district_index=DISTRICTS_HANGUL,
    district_end="에|의|인|이|역|쪽|근처|는|은|도|로|으로",
    # Longest first: 마치 and 무라 before the one-syllable 정, 초, 촌.
    kinds_after=(
        ("마치", "町"),
        ("무라", "村"),
        ("시", "市"),
        ("정", "町"),
        ("초", "町"),
        ("쵸", "町"),
        ("촌", "村"),
        ("손", "村"),
    ),
)


def find_hangul_places(text: str, gazetteer: Gazetteer) -> list[Municipality]:
    """Municipalities (wards after their city) named in Hangul, most specific first."""
    return find_places(text, gazetteer, HANGUL)
