"""Romanised municipality and prefecture names in English (or other Latin) text:
"Wajima-shi", "Ota, Gunma", "Taga-Ginowan", "kanazawa", "suzu no hinanjo"; see
`latin_words` for what the words beside a name say about it, `romaji_towns` for a short
lower-case name before "no" and a place of it, `latin_districts` for the ward a
district gives, and `romaji_wards` for wards written with -ku ("Itabashi-ku")."""

from __future__ import annotations

import re
import unicodedata

from triage.geo.candidate import Candidate
from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.latin_districts import with_latin_districts
from triage.geo.latin_words import (
    beside_a_feature_word,
    big_city_place,
    placed_in_lowercase,
    stands_bare,
    ward_named_alone,
    writes_lowercase,
)
from triage.geo.normalize import drop_accents, romaji_key
from triage.geo.romaji_towns import before_no, place_of_it_after_no, romaji_towns
from triage.geo.romaji_wards import ward_with_ku, written_with_ward_word
from triage.geo.schemas import LocationPrecision

_ROMAJI_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# A route between two places: neither is the other's prefecture.
_ROUTE = re.compile(
    r"\b(?:to|from|between|entre|hasta|até|ate|para|ke|dari|papunta|mula|đến|den|từ"
    r"|dekhi|bata|baata|kara)\b"
    r"|\bde \w+ a\b|→|〜|~",
    re.IGNORECASE,
)
_ROMAJI_SUFFIX: dict[str, tuple[str, ...]] = {
    "city": ("Shi",), "shi": ("Shi",), "town": ("Cho", "Machi"), "machi": ("Machi",),
    "cho": ("Cho",), "village": ("Mura", "Son"), "mura": ("Mura",), "son": ("Son",),
}  # fmt: skip
_ALL_KINDS = ("Shi", "Cho", "Machi", "Mura", "Son")
# English writes "town" or "city" for any municipality ("Wajima town" is 輪島市).
_LOOSE_SUFFIXES = frozenset({"town", "city", "village"})
# Romanised names that are also everyday English words: only with a suffix (Date City).
_ENGLISH_WORDS = frozenset(
    {"date", "mine", "sue", "ono", "ota", "oda", "ise", "tsu", "ube", "kami", "china"}
)

# A destination ("the shinkansen to Kagoshima") is less likely where the writer is than
# a place named otherwise: its confidence drops under a station's or a district's, and
# where the origin is named too ("tokyo to sendai", "Fukushima dekhi Koriyama") it gives
# way to it. Nepali and romaji mark the origin with a word after it (dekhi, bata, kara):
# the name after that word is the destination.
_TOWARDS = frozenset({"to", "towards", "toward", "para", "pra", "hasta", "ke", "đến", "den"})
_FROM_AFTER = frozenset({"dekhi", "bata", "baata", "kara"})
_FROM = frozenset({"from", "dari", "desde", "mula", "tu"})  # tu: Vietnamese từ
DESTINATION_DISCOUNT = 0.2
# "Estoy en Ise", "in Tsu": a capitalised three-letter name right after a word of place is
# the place, where one municipality has it (Ota is 太田市, 大田区 and 大田市); these stay
# words even there ("in China", "in Date order").
_AT = frozenset({"in", "en", "em", "at", "di", "sa", "near"})
_WORDS_EVEN_AFTER_IN = frozenset({"date", "mine", "sue", "china", "kami"})
_VIETNAMESE_AT = re.compile(r"(?<!\w)ở(?!\w)", re.IGNORECASE)
_ACCENTED_WORD = re.compile(r"\w*[^\W\d_a-zA-Z]\w*")


# Tone marks and the horn of Vietnamese; romaji writes only macrons and circumflexes (Chō).
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u031b")


def _accented_suffix_apart(match: re.Match[str]) -> str:
    """A Vietnamese word that would fold into a romaji suffix (chỗ, sơn), as a word no
    finder reads."""
    word = match.group()
    vietnamese = any(c in _VIETNAMESE_MARKS for c in unicodedata.normalize("NFD", word))
    return "x" if vietnamese and drop_accents(word).lower() in _ROMAJI_SUFFIX else word


# Same-named municipalities read bare: a city before a town before a village (Yamato is
# 大和市 of 240,000 people, not 山都町); shelters (sites) only after that.
_RANK = {"市": 2, "区": 2, "町": 1, "村": 0}


def _tagalog_from(words: list[str], i: int, gazetteer: Gazetteer) -> bool:
    """The word is Tagalog "taga" (from) before a place name: "Taga Uwajima", "taga
    sendai po". Taga alone, before a word that names no place ("Taga town") or before its
    own prefecture ("Taga, Shiga") stays 多賀町."""
    if words[i].lower() != "taga" or i + 1 >= len(words):
        return False
    key = romaji_key(words[i + 1])
    prefecture = gazetteer.prefecture_by_romaji.get(key)
    if prefecture is not None:
        own = _romaji_municipalities(gazetteer, romaji_key(words[i]), None)
        return all(m.prefecture != prefecture.name for m in own)
    return any(gazetteer.romaji_index.get((key, kind)) for kind in _ALL_KINDS)


def _after_at(words: list[str], i: int) -> bool:
    return i > 0 and (words[i - 1].lower() in _AT or words[i - 1].lower() in _FROM)


def _is_destination(words: list[str], i: int) -> bool:
    return i > 0 and (words[i - 1].lower() in _TOWARDS or words[i - 1].lower() in _FROM_AFTER)


def _after_in(words: list[str], i: int, key: str) -> bool:
    return (
        i > 0
        and words[i - 1].lower() in _AT
        and words[i][0].isupper()
        and len(key) >= 3
        and key not in _WORDS_EVEN_AFTER_IN
    )


# Vietnamese writes a foreign name syllable by syllable, with hyphens and its own spelling
# (Hi-rô-si-ma, Ô-sa-ca, Tô-ki-ô): three syllables or more of up to three letters each.
_SYLLABLE_WORD = re.compile(r"[A-Za-z]{1,3}(?:-[A-Za-z]{1,3}){2,}")
_VIETNAMESE_SPELLING = (("ph", "f"), ("si", "shi"), ("ti", "chi"), ("tu", "tsu"), ("c", "k"))


def _syllables_as_romaji(word: str) -> str:
    """Hi-ro-si-ma (its accents dropped) as the romaji Hiroshima; other words unchanged."""
    if not _SYLLABLE_WORD.fullmatch(word):
        return word
    syllables = []
    for syllable in word.lower().split("-"):
        for vietnamese, romaji in _VIETNAMESE_SPELLING:
            if syllable.startswith(vietnamese) and not syllable.startswith("ch"):
                syllable = romaji + syllable[len(vietnamese) :]
                break
        syllables.append(syllable)
    return "".join(syllables).capitalize()


def find_romaji(original: str, gazetteer: Gazetteer) -> list[Candidate]:
    """Romanised municipality and prefecture names in English (or other Latin) text."""
    if _ROMAJI_WORD.search(unicodedata.normalize("NFKD", original)) is None:
        # No Latin letter even decomposed (Ｋōbe is K-o-b-e there): no romaji word, and
        # the Japanese text most messages are needs none of the passes below.
        return []
    # Vietnamese ở (at) would lose its accent and read as the Portuguese article o, and
    # chỗ (place) or sơn (mountain) as the romaji suffixes cho and son.
    latin = _ACCENTED_WORD.sub(_accented_suffix_apart, _VIETNAMESE_AT.sub("at", original))
    words = [  # "Nagóia" is one word
        _syllables_as_romaji(word) for word in _ROMAJI_WORD.findall(drop_accents(latin))
    ]
    prefectures = [gazetteer.prefecture_by_romaji.get(romaji_key(word)) for word in words]
    # Prefectures named anywhere: "Ota, Gunma" is 太田市 of 群馬県, not 大田区 or 大田市.
    named = {p.name for p in prefectures if p is not None}
    found: list[Candidate] = []
    destinations: list[Candidate] = []
    its_prefecture = -1  # "Fuchu, Hiroshima": the word that is the 県 of the city before it
    lowercase = writes_lowercase(words)
    for i, word in enumerate(words):
        placed = word[0].isupper() or (lowercase and placed_in_lowercase(words, i))
        # "suzu no hinanjo", "himi no shimao": short, but before "no" and a place of it.
        short_before_no = not placed and lowercase and before_no(words, i)
        if not (placed or short_before_no):
            continue
        if _tagalog_from(words, i, gazetteer):
            continue  # "Taga Uwajima po ako": Tagalog "from", not 多賀町
        if beside_a_feature_word(words, i):
            continue  # "sungai Kuma", "Mt Fuji": the river, the mountain
        with_ku = written_with_ward_word(words, i)  # "Itabashi-ku", "Saiwai ku"
        ward = ward_with_ku(with_ku[0], words, named, gazetteer) if with_ku else None
        if with_ku is not None and ward is not None:
            found.append(Candidate.of_municipality(with_ku[1], ward, 0.75))
            continue
        base, _, tail = word.partition("-")  # "Ota-shi", "Mabi-cho"
        suffix = _ROMAJI_SUFFIX.get(tail.lower()) if tail else None
        if suffix is None and i + 1 < len(words):
            base, suffix = word, _ROMAJI_SUFFIX.get(words[i + 1].lower())
        key = romaji_key(base)
        has_suffix = suffix is not None
        matches = _romaji_municipalities(gazetteer, key, suffix)
        if not matches and has_suffix and (tail or words[i + 1]).lower() in _LOOSE_SUFFIXES:
            matches = _romaji_municipalities(gazetteer, key, None)  # "Wajima town": 輪島市
        if not has_suffix:
            matches = [m for m in matches if stands_bare(m, key, lowercase=lowercase)]
        if short_before_no:
            matches = [m for m in matches if place_of_it_after_no(words, i, m, gazetteer)]
        if not matches and tail[:1].isupper() and suffix is None:
            # "Taga-Ginowan" (Tagalog: from Ginowan), "Near-Sendai": the name after the hyphen.
            key = romaji_key(tail)
            matches = _romaji_municipalities(gazetteer, key, None)
        in_named = [m for m in matches if m.prefecture in named]
        # "Ota, Gunma", "Date, Fukushima": the prefecture right after it says it is a
        # place even when the word is short or English.
        following = prefectures[i + 1] if i + 1 < len(words) else None
        before_its_prefecture = following is not None and any(
            m.prefecture == following.name for m in matches
        )
        plain = (len(key) >= 4 and key not in _ENGLISH_WORDS) or (
            len(matches) == 1 and _after_in(words, i, key)
        )
        if i == its_prefecture:
            matches = []
        if matches and (has_suffix or plain or before_its_prefecture):
            m = in_named[0] if len(in_named) == 1 else None
            if m is None and not has_suffix:
                m = big_city_place(key, in_named or matches, words, gazetteer)
            m = m or max(in_named or matches, key=lambda m: (_RANK.get(m.name[-1], 0), m.sites))
            if following is not None and m.prefecture == following.name:
                its_prefecture = i + 1
            text = word + (" " + words[i + 1] if has_suffix and not tail else "")
            confidence = 0.75 if len(in_named or matches) == 1 else 0.55
            if _is_destination(words, i):
                confidence -= DESTINATION_DISCOUNT  # "at Hakata, is the train to Kagoshima"
            found.append(Candidate.of_municipality(text, m, confidence))
            if _is_destination(words, i):
                destinations.append(found[-1])
            continue
        prefecture = gazetteer.prefecture_by_romaji.get(key)
        if prefecture is not None and (len(key) >= 4 or has_suffix):
            found.append(
                Candidate(
                    word, prefecture.name, None, None, prefecture.lat, prefecture.lon,
                    LocationPrecision.PREFECTURE, 0.5,
                )
            )  # fmt: skip
            if _is_destination(words, i):
                destinations.append(found[-1])
    if not any(c.municipality for c in found if not any(c is d for d in destinations)):
        found += [  # "en Higashinada", "sa Moji": a ward's name alone
            Candidate.of_municipality(word, ward, 0.55)
            for i, word in enumerate(words)
            if (ward := ward_named_alone(word, gazetteer, placed=_after_at(words, i))) is not None
        ]
    if len(destinations) < len(found):  # the origin, or a place named otherwise, stands
        found = [c for c in found if not any(c is d for d in destinations)]
    if not any(c.municipality for c in found):
        found += romaji_towns(words, gazetteer)  # "sa Hijikawa, Ozu"
    if not _ROUTE.search(original):  # "between Kumamoto and Hitoyoshi": two cities
        found = _prefecture_cities_give_way(found)
    return with_latin_districts(found, words, gazetteer, _ENGLISH_WORDS)


def _prefecture_cities_give_way(found: list[Candidate]) -> list[Candidate]:
    """ "Kumamoto Mashiki", "Chiba … Kimitsu": a city named like its prefecture, written
    without -shi or "city", is the prefecture when another place of it is named too."""
    others = {c.prefecture for c in found if c.municipality and not _named_like_prefecture(c)}
    return [
        c
        for c in found
        if not (_named_like_prefecture(c) and " " not in c.text and "-" not in c.text)
        or c.prefecture not in others
    ]


def _named_like_prefecture(candidate: Candidate) -> bool:
    m = candidate.municipality
    return m is not None and m.named_like_its_prefecture


def _romaji_municipalities(
    gazetteer: Gazetteer, key: str, kinds: tuple[str, ...] | None
) -> list[Municipality]:
    """Municipalities romanised as `key` of one of `kinds` (Shi, Cho, …), all when None."""
    return [m for kind in kinds or _ALL_KINDS for m in gazetteer.romaji_index.get((key, kind), [])]
