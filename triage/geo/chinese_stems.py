"""Municipalities Chinese text names by their stem right after a verb of being or going
(在, 住在, 到, 去, 回, 从), read in the text once converted to Japanese kanji:

- a stem with a verb or a noun written against it, as Chinese writes them with no space
  ("我是在冈崎工作的": 岡崎 then 工作, work), where in Japanese a kanji after the stem
  would join it to a longer name (鶴田ダム);
- a stem too common to stand alone in Japanese (高山, a surname and a word; 熊本, the
  prefecture as often), as a word of its own after a verb of being there or coming from
  it, not of going to it ("住在高山的民宿", "我们家在熊本，"; not "先去大阪"): its one
  city among the municipalities of that stem, as English and Korean read Takayama and
  Kumamoto (`romaji_places`, `hangul`). A stem naming only towns and villages (大島,
  中島), or a region (能登), stays unread.
"""

from __future__ import annotations

from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.place_words import (
    CHINESE_BOUNDARIES,
    CHINESE_PLACE_BEFORE,
    FACILITY,
    HONORIFIC,
    KANJI_CHAR,
    REGIONS,
)
from triage.geo.prefecture_named import home_prefectures, one_in
from triage.geo.short_name_index import short_name_index

# Verbs of going to a place (到, 去, 往): a guarded stem after them is where the writer
# goes, not where they are ("要不要先去大阪": should I go to Osaka first), and stays unread.
_GOING_TO = frozenset("到去往")


def after_chinese_verb(text: str, start: int) -> bool:
    """Whether a verb of being or going stands right before `text[start]`."""
    return start > 0 and text[start - 1] in CHINESE_PLACE_BEFORE


def guarded_stems_in_chinese(
    text: str, gazetteer: Gazetteer, prefer: Municipality | Prefecture | None = None
) -> list[tuple[str, Municipality]]:
    """(stem, municipality) for each guarded stem right after a verb of being (在, 住) or
    of coming (从, 来, 回) and before a word's end (a function character, punctuation, a
    facility word): the one of the home area (`prefer`), else the one city."""
    index = short_name_index(gazetteer)
    found: list[tuple[str, Municipality]] = []
    for stem, options in index.guarded_stems.items():
        start = text.find(stem)
        while start >= 0 and not (
            after_chinese_verb(text, start) and text[start - 1] not in _GOING_TO
        ):
            start = text.find(stem, start + 1)
        if start < 0 or stem in REGIONS:
            continue
        after = text[start + len(stem) :]
        if HONORIFIC.match(after) or (
            KANJI_CHAR.match(after)
            and after[0] not in CHINESE_BOUNDARIES
            and not FACILITY.match(after)
        ):
            continue  # 高山植物: a longer word; 熊本先生: a person
        # The home area's first, as for every name (高山村 in a deployment for 長野県).
        cities = [m for m in options if m.name.endswith("市") and m.parent_lgcode is None]
        chosen = one_in(options, home_prefectures(prefer)) or (
            cities[0] if len(cities) == 1 else None
        )
        if chosen is not None:
            found.append((stem, chosen))
    return found
