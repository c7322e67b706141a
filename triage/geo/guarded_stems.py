"""Stems too common to stand alone (`ShortNameIndex.guarded_stems`), read where the message
itself tells which place they are:

- a stem right before one of its own towns, with or without の: 大島の元町 is 東京都大島町
  (元町), the one 大島 with a 元町;
- a two-kana reading (すず, くれ: a bell, "give me") before a verb of living or staying
  there: "すず に すんで います" is 珠洲市 (`lived_in_readings`).
"""

from __future__ import annotations

import re

from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.normalize import place_key
from triage.geo.place_words import HONORIFIC, KANJI_CHAR, KANJI_RUN, NOT_AFTER_A_READING_JOIN
from triage.geo.short_name_index import short_name_index

STEM_WITH_TOWN_CONFIDENCE = 0.6
_LONGEST = 6
READING_LIVED_IN_CONFIDENCE = 0.5
# A two-kana word, then に and a verb of living or staying: すず に すんで います.
# Not after a digit: 2かい に います is the second floor, not 甲斐市.
_LIVED_IN = re.compile(
    rf"{NOT_AFTER_A_READING_JOIN}([\u3041-\u3096]{{2}})\s?に\s?(?:すん|すま|すむ|住|くらし|暮らし|います|いる)"
)


def find_guarded_stems(
    text: str, gazetteer: Gazetteer
) -> list[tuple[str, Municipality, float, str]]:
    """(stem, municipality, confidence, town) for each guarded stem the text tells.

    A designated city that shares its prefecture's name (熊本, 広島), written alone, is not
    read: "熊本のみんな" may mean the city or the prefecture, and a cheer for "熊本の皆さん"
    names no place to send anyone to (the holdouts disagreed; a place not named is not
    invented)."""
    index = short_name_index(gazetteer)
    found: list[tuple[str, Municipality, float, str]] = []
    for stem, options in index.guarded_stems.items():
        start = text.find(stem)
        if start < 0 or (start > 0 and KANJI_CHAR.match(text, start - 1)):
            continue
        after = text[start + len(stem) :]
        if HONORIFIC.match(after):
            continue
        with_town = [(m, t) for m in options if (t := _town_after(m, after, gazetteer))]
        if len(with_town) == 1:
            municipality, town = with_town[0]
            found.append((stem, municipality, STEM_WITH_TOWN_CONFIDENCE, town))
    return found


def _town_after(municipality: Municipality, after: str, gazetteer: Gazetteer) -> str | None:
    """The municipality's town written right after its stem, as a word: 元町 of 大島の元町."""
    rest = after.removeprefix("の")
    run = KANJI_RUN.match(rest)
    if run is None:
        return None
    towns = gazetteer.towns_of(municipality.lgcode)
    for length in range(min(_LONGEST, run.end()), 1, -1):
        if length == run.end() or not KANJI_CHAR.match(rest, length):
            town = towns.get(place_key(rest[:length]))
            if town is not None:
                return town.name
    return None


def lived_in_readings(hiragana: str, gazetteer: Gazetteer) -> list[tuple[str, Municipality]]:
    """(reading, municipality) for each two-kana reading one municipality has, written
    before a verb of living or staying there."""
    index = short_name_index(gazetteer)
    found: list[tuple[str, Municipality]] = []
    for match in _LIVED_IN.finditer(hiragana):
        options = index.short_readings.get(match.group(1), [])
        if len(options) == 1:
            found.append((match.group(1), options[0]))
    return found
