"""Wards written in romaji: "Itabashi-ku desu", "o Kawasaki-ku", "Kita-ku", and Tokyo's
special wards by their name alone ("Setagaya", "en Shinagawa").

The 2007 gazetteer's romaji (`Gazetteer.romaji_index`) lists cities, towns and villages:
Tokyo's 23 special wards, municipalities of their own, are not in it, and a designated
city's ward is read there only after its city. Both kinds are romanised here from their
official kana, as the city names are (`romaji.kana_romaji`, folded by `romaji_key`):
いたばしく is Itabashi, かわさきしさいわいく (its city's kana removed) Saiwai.

A name written with -ku is a ward wherever it stands. Where several wards share it
(Kita-ku: Tokyo's 北区 and the 北区 of eight designated cities) the one of the city or the
prefecture the message names decides ("Sapporo Kita-ku"), else Tokyo's: a special ward
is a municipality people write alone, where a designated city's ward is written after
its city. A name none of the wards of that reading's cities tells apart stays unread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.normalize import romaji_key
from triage.geo.romaji import kana_romaji

TOKYO = "東京都"
# What marks a ward after its name: "Adachi-ku", "Adachi ku", "Adachi ward".
WARD_WORDS = frozenset({"ku", "ward"})


def is_tokyo_ward(m: Municipality) -> bool:
    """One of Tokyo's 23 special wards: a municipality (no parent city) named 区."""
    return m.parent_lgcode is None and m.prefecture == TOKYO and m.name.endswith("区")


def city_key(city: Municipality) -> str:
    """A city's name as a romaji key, without its し: かわさきし is kawasaki."""
    return romaji_key(kana_romaji(city.kana.removesuffix("し")))


@lru_cache(maxsize=4)
def ward_romaji_index(gazetteer: Gazetteer) -> dict[str, tuple[Municipality, ...]]:
    """Romaji key of a ward's name (without its く) -> the wards so named, Tokyo's
    special wards and designated cities' wards together: itabashi, saiwai, kita."""
    index: dict[str, list[Municipality]] = defaultdict(list)
    for m in gazetteer.municipalities:
        if m.parent_lgcode is not None:
            city = gazetteer.by_lgcode.get(m.parent_lgcode)
            kana = m.kana.removeprefix(city.kana) if city is not None else ""
        elif is_tokyo_ward(m):
            kana = m.kana
        else:
            continue
        key = romaji_key(kana_romaji(kana.removesuffix("く"))) if kana else ""
        if key:
            index[key].append(m)
    return {key: tuple(wards) for key, wards in index.items()}


def written_with_ward_word(words: Sequence[str], i: int) -> tuple[str, str] | None:
    """(the name, as written with its ward word) when word `i` is a ward's name with -ku
    after it ("Adachi-ku", "Adachi ku", "Adachi ward"), else None."""
    base, _, tail = words[i].partition("-")
    if tail:
        return (base, words[i]) if tail.lower() in WARD_WORDS else None
    if i + 1 < len(words) and words[i + 1].lower() in WARD_WORDS:
        return base, f"{words[i]} {words[i + 1]}"
    return None


def ward_with_ku(
    name: str, words: Sequence[str], named: Collection[str], gazetteer: Gazetteer
) -> Municipality | None:
    """The ward `name` written with -ku means: the only one so named; else the one whose
    city is written in the message (`words`) or whose prefecture it names (`named`);
    else Tokyo's special ward of that name; None when that leaves several or none."""
    options = ward_romaji_index(gazetteer).get(romaji_key(name), ())
    if len(options) <= 1:
        return options[0] if options else None
    keys = {romaji_key(word) for word in words}
    of_city = [
        m
        for m in options
        if m.parent_lgcode is not None and city_key(gazetteer.by_lgcode[m.parent_lgcode]) in keys
    ]
    if len(of_city) == 1:
        return of_city[0]
    in_named = [m for m in options if m.prefecture in named]
    if len(in_named) == 1:
        return in_named[0]
    tokyo = [m for m in (in_named or options) if is_tokyo_ward(m)]
    return tokyo[0] if len(tokyo) == 1 else None


def ward_of_city_named(
    city: Municipality, keys: Collection[str], gazetteer: Gazetteer
) -> Municipality | None:
    """The ward of a designated city that a word in the message names by its own name
    ("Kawasaki ko Nakahara" is 川崎市中原区), where exactly one of its wards is named. The
    city's own name is not its ward's: Kawasaki alone is the city, not 川崎区."""
    own = city_key(city)
    wards = {
        m
        for key in keys
        if key != own
        for m in ward_romaji_index(gazetteer).get(key, ())
        if m.parent_lgcode == city.lgcode
    }
    return wards.pop() if len(wards) == 1 else None
