"""What a romanised word beside a place name says about it, for `extract.find_romaji`:
whether the writer capitalises names at all ("are shinkansen running kanazawa to
tokyo"), whether the word names a river or a mountain rather than its municipality
("sungai Kuma", "Mt Fuji"), whether it is a region more often than a municipality
("Tohoku expressway" is no 東北町), and a designated city's ward written alone by a long
romanised name ("en Higashinada" is 神戸市東灘区).
"""

from __future__ import annotations

from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.landmark_list import landmark_index
from triage.geo.normalize import drop_accents, romaji_key
from triage.geo.place_words import COMMON_READINGS, REGIONS
from triage.geo.romaji import kana_romaji
from triage.geo.romaji_wards import is_tokyo_ward, ward_romaji_index
from triage.geo.short_name_index import stem_of

# In a message written all in lower case a name is a word like the others; it counts
# from this many letters (sapporo, kanazawa), shorter ones (naha, kure) are too often
# syllables of romanised Japanese.
LOWERCASE_MIN = 5
# A name this long stands alone even in lower case with no word of place beside it
# ("... tsukaemasu ka? higashimatsushima"): no syllables of romanised Japanese run so
# long and spell a municipality by chance.
LOWERCASE_ALONE_MIN = 9
# Words that make the name beside them a river, a mountain or a lake, in the languages
# the residents write: "sungai Kuma", "Mt Fuji", "Kamo river", "Gunung Aso".
_FEATURE_BEFORE = frozenset(
    # Compared without accents (sông is song); hồ (lake) is left out: as ho it is a word of
    # romanised Nepali ("ho?") and Vietnamese (họ, they).
    drop_accents(word)
    for word in (
        "river", "mt", "mount", "lake", "sungai", "kali", "gunung", "danau", "rio", "río",
        "ilog", "bundok", "lawa", "sông", "núi", "monte", "lago",
    )
)  # fmt: skip
_FEATURE_AFTER = frozenset(
    {"river", "gawa", "kawa", "san", "yama", "dake", "lake", "volcano",
     "erupts", "erupted", "erupting", "eruption"}  # "if Fuji erupts": the mountain
)  # fmt: skip
# A ward's romanised name long enough to stand alone (Higashinada, Miyagino); shorter
# ones (Kita, Naka, Minami, Tsurumi) are words or shared by several cities.
_WARD_ALONE_MIN = 8
_WARD_AFTER_AT_MIN = 4


# In lower case a name needs what says it is a place: a word of place before it ("in",
# "sa", "di", "em", "ở", Tagalog "taga": from) or after it ("station", a ward, "to"
# another place). "kasama ko" (Tagalog: my companion) is no 笠間市, "china" no 知名町.
_PLACE_BEFORE = frozenset(
    {"in", "at", "to", "from", "near", "around", "sa", "di", "ke", "dari", "em", "no", "na",
     "para", "en", "a", "de", "desde", "ở", "o", "tu", "từ", "den", "đến", "papuntang", "mula",
     "taga"}
)  # fmt: skip
# Romaji particles count after a name too: "fukuyama no eki", "sendai ni sunde".
_PLACE_AFTER = frozenset(
    {"to", "station", "eki", "city", "shi", "ward", "ku", "area", "prefecture", "ken", "ma",
     "no", "ni", "de", "kara", "made"}
)  # fmt: skip


def writes_lowercase(words: list[str]) -> bool:
    """No word of two letters or more capitalised: the writer does not mark names."""
    return not any(word[0].isupper() for word in words if len(word) > 1)


def placed_in_lowercase(words: list[str], i: int) -> bool:
    """A word of a lower-case message that its neighbours say is a place."""
    if len(words[i]) < LOWERCASE_MIN:
        return False
    if len(words[i]) >= LOWERCASE_ALONE_MIN:
        return True
    before = words[i - 1].lower() if i > 0 else ""
    after = words[i + 1].lower() if i + 1 < len(words) else ""
    return before in _PLACE_BEFORE or after in _PLACE_AFTER or after.endswith("-ku")


def after_place_word(words: list[str], i: int) -> bool:
    """Whether a word of place ("in", "sa", "near", "taga") comes right before word i."""
    return i > 0 and words[i - 1].lower() in _PLACE_BEFORE


def beside_a_feature_word(words: list[str], i: int) -> bool:
    """The word names a river or a mountain: "sungai Kuma" is the river, not 球磨村."""
    before = words[i - 1].lower().rstrip(".") if i > 0 else ""
    after = words[i + 1].lower() if i + 1 < len(words) else ""
    tail = words[i].partition("-")[2].lower()
    return before in _FEATURE_BEFORE or after in _FEATURE_AFTER or tail in _FEATURE_AFTER


@lru_cache(maxsize=4)
def _common_romaji() -> frozenset[str]:
    """The everyday readings (みどり, さくら) as romaji keys: in lower-case text they are
    the words, not the places."""
    return frozenset(romaji_key(kana_romaji(reading)) for reading in COMMON_READINGS)


def stands_bare(m: Municipality, key: str, *, lowercase: bool) -> bool:
    """Whether the municipality may be read from its romanised name without -shi, -machi
    or "city": not when its stem names a region more often (Tohoku is the region, as 東北
    is), nor, written in lower case, an everyday reading (midori, sakura)."""
    stem = stem_of(m.name)
    if stem is not None and stem in REGIONS:
        return False  # (COMMON_STEMS are words in kanji: Takayama is the city)
    return not (lowercase and key in _common_romaji())


@lru_cache(maxsize=8)
def _wards_alone(gazetteer: Gazetteer, *, shortest: int = 0) -> dict[str, Municipality]:
    """Romaji key -> the one ward named so, a designated city's or one of Tokyo's special
    wards (Setagaya, Shinagawa: the gazetteer's romaji has no 区), for names no
    municipality has (Kawasaki is the city, not 川崎区); with `shortest`, those too
    (Shimizu: 清水町 and 静岡市清水区; Toshima: 豊島区, not the islands 利島村, 十島村)."""
    municipal = {key for key, _kind in gazetteer.romaji_index} if not shortest else set()
    return {
        key: found[0]
        for key, found in ward_romaji_index(gazetteer).items()
        if len(found) == 1 and len(key) >= (shortest or _WARD_AFTER_AT_MIN) and key not in municipal
    }


def ward_named_alone(
    word: str, gazetteer: Gazetteer, *, placed: bool = False
) -> Municipality | None:
    """The ward a capitalised word names by itself: "Higashinada" is 神戸市東灘区; a shorter
    name ("Moji", 北九州市門司区) only after a word of place ("sa Moji", "in Moji")."""
    key = romaji_key(word)
    if not word[:1].isupper() or len(key) < (_WARD_AFTER_AT_MIN if placed else _WARD_ALONE_MIN):
        return None
    return _wards_alone(gazetteer).get(key)


def big_city_place(
    key: str, options: list[Municipality], words: list[str], gazetteer: Gazetteer
) -> Municipality | None:
    """Which of several municipalities read bare by the same romaji a message means, where
    a well-known place tells: the one with a hot spring of that name when the message says
    onsen (Kusatsu is 草津町's, not 草津市); and where only towns and villages have the
    name, a big city's district of it (Sakae, by its station, is 名古屋市中区, not 栄村) or
    its ward (Shimizu is 静岡市清水区, not 清水町)."""
    latin = landmark_index(gazetteer).latin
    if "onsen" in (w.lower() for w in words):
        spas = {
            lm.municipality for lm in latin.get(f"{key} onsen", ()) if lm.municipality in options
        }
        if len(spas) == 1:
            return spas.pop()
    if any(m.name.endswith("市") for m in options):
        return None
    stations = {lm.municipality for lm in latin.get(f"{key} station", ())}
    if len(stations) == 1 and (
        (station := stations.pop()).parent_lgcode is not None or is_tokyo_ward(station)
    ):
        return station  # Ueno, by its station, is 台東区, not 上野村
    return _wards_alone(gazetteer, shortest=_WARD_AFTER_AT_MIN).get(key)
