"""The prefecture a message names, as what decides between places that share a name.

中野 is 長野県中野市 and Tokyo's 中野区, 東区 a ward of eight cities, 森町 a town of 北海道 and
of 静岡県, 伊達 a city of 北海道 and of 福島県. When the message names the prefecture (東京の
中野, 大阪の東区, 静岡の森町, 府中（東京）) that prefecture says which. Written right beside
the name it is the strongest sign a message gives, stronger than the deployment's home
area (a citizen of 福島 writing about 北海道の伊達 means Hokkaido's); named elsewhere in the
message it still decides what the home area leaves open. It only ever chooses among the
places a name already has: it never makes a place where the message names none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.place_words import FACILITY, HONORIFIC, KANJI_CHAR, REGIONS
from triage.geo.short_name_index import short_name_index

# What may stand between a prefecture and the name it places: 東京の中野, 東京都中野; and
# after the name, 府中（東京） (NFKC makes （ a "("). Not a space or a comma: "横浜、東京、
# 大阪" is a list of places, no one of them placed by the next.
_JOIN_BEFORE = re.compile(r"の?")
_JOIN_AFTER = re.compile(r"\s?\(")
_LONGEST_STEM = 8
# A bracket opened right before a prefecture: 高山（岐阜）, 府中 (東京).
_BRACKET_BEFORE = re.compile(r"\s?\($")


@dataclass(frozen=True, slots=True)
class NamedPrefectures:
    """Where a text names which prefectures: (start, end, official name) of each."""

    text: str
    spans: tuple[tuple[int, int, str], ...]

    def beside(self, start: int, end: int) -> frozenset[str]:
        """The prefectures written right before `text[start:end]` or right after it."""
        return frozenset(
            name
            for s, e, name in self.spans
            if (e <= start and _JOIN_BEFORE.fullmatch(self.text, e, start))
            or (s >= end and _JOIN_AFTER.fullmatch(self.text, end, s))
        )

    def apart_from(self, start: int, end: int) -> frozenset[str]:
        """The prefectures named outside `text[start:end]` (福島 of 福島町 places nothing)."""
        return frozenset(name for s, e, name in self.spans if e <= start or s >= end)


def named_prefectures(text: str, gazetteer: Gazetteer) -> NamedPrefectures:
    """The prefectures `text` names, in full (東京都) or short (東京), but not a person's
    name (山口さん, 千葉様)."""
    spans = tuple(
        (start, end, prefecture.name)
        for start, end, prefecture in gazetteer.prefecture_mentions(text)
        if not HONORIFIC.match(text, end)
    )
    return NamedPrefectures(text, spans)


def prefectures_beside(written: str, text: str, gazetteer: Gazetteer) -> frozenset[str]:
    """The prefectures `text` names right beside the first `written` in it."""
    start = text.find(written) if written else -1
    if start < 0:
        return frozenset()
    return named_prefectures(text, gazetteer).beside(start, start + len(written))


def placed_outside(prefecture: str, text: str, span: tuple[int, int], gazetteer: Gazetteer) -> bool:
    """Whether `text` names a prefecture right beside `span` and `prefecture` is not one:
    長野の中野 is no town 中野 of a home area in Tokyo."""
    beside = named_prefectures(text, gazetteer).beside(*span)
    return bool(beside) and prefecture not in beside


def home_prefectures(prefer: Municipality | Prefecture | None) -> frozenset[str]:
    """The prefecture of the deployment's home area, if one is set."""
    if isinstance(prefer, Municipality):
        return frozenset({prefer.prefecture})
    if isinstance(prefer, Prefecture):
        return frozenset({prefer.name})
    return frozenset()


def one_in(options: Sequence[Municipality], prefectures: frozenset[str]) -> Municipality | None:
    """The one option in `prefectures`, or None when none or several are."""
    inside = [m for m in options if m.prefecture in prefectures]
    return inside[0] if len(inside) == 1 else None


@lru_cache(maxsize=4)
def ward_stems(gazetteer: Gazetteer) -> dict[str, list[Municipality]]:
    """Wards by their name without 区, for the wards no stem index has: Tokyo's (中野,
    大田, 世田谷) and designated cities' of two characters (青葉, 鶴見, 白石). Alone such
    a stem is a town or city elsewhere (中野市, 大田市), a surname or a word, so it is read
    only where the message names the ward's prefecture or the home area is in it."""
    index = short_name_index(gazetteer)
    stems: dict[str, list[Municipality]] = {}
    for m in gazetteer.municipalities:
        if m.ward is None and not m.name.endswith("区"):
            continue
        stem = (m.ward or m.name).removesuffix("区")
        indexed = (*index.stems.get(stem, ()), *index.guarded_stems.get(stem, ()))
        if len(stem) >= 2 and KANJI_CHAR.search(stem) and m not in indexed:
            stems.setdefault(stem, []).append(m)
    return stems


def wards_in_named_prefectures(
    stem: str,
    text: str,
    span: tuple[int, int],
    gazetteer: Gazetteer,
    prefer: Municipality | Prefecture | None,
) -> list[Municipality]:
    """The wards of the stem at `span` (`ward_stems`) in a prefecture named elsewhere in
    `text` or in the home area's: 東京の中野, or 中野 in Tokyo, adds 中野区 to 中野's 中野市."""
    wards = ward_stems(gazetteer).get(stem)
    if not wards:
        return []  # most stems are no ward's: the text need not be read for prefectures
    named = named_prefectures(text, gazetteer).apart_from(*span) | home_prefectures(prefer)
    return [m for m in wards if m.prefecture in named]


def stems_beside_prefecture(
    text: str, gazetteer: Gazetteer, kanji: re.Pattern[str]
) -> list[tuple[str, Municipality]]:
    """(stem, municipality) for each stem written right after its own prefecture (大分日田,
    福島の本宮, 岐阜県の高山, 東京都中野, 神奈川の青葉) or right before it in brackets (高山
    （岐阜）). The prefecture tells which, so even a stem too common to stand alone (本宮,
    高山) or a ward's (`ward_stems`) is read. `kanji`: what joins a kanji beside the stem
    into a longer word."""
    index = short_name_index(gazetteer)
    names = (index.stems, index.guarded_stems, ward_stems(gazetteer))
    found: list[tuple[str, Municipality]] = []
    for start, end, prefecture in gazetteer.prefecture_mentions(text):
        end += 1 if text.startswith("の", end) else 0
        after = _stem_after(text, end, prefecture.name, names, kanji)
        bracket = _BRACKET_BEFORE.search(text, 0, start)
        before = (
            _stem_before(text, bracket.start(), prefecture.name, names, kanji) if bracket else None
        )
        for stem in (after, before):
            if stem is not None and stem[0] not in {s for s, _ in found}:
                found.append(stem)
    return found


def _one_of(
    stem: str, prefecture: str, names: tuple[dict[str, list[Municipality]], ...]
) -> Municipality | None:
    """The one municipality of `prefecture` that `stem` names in one of the indexes."""
    options = [m for found in names for m in found.get(stem, ()) if m.prefecture == prefecture]
    return options[0] if len(options) == 1 and stem not in REGIONS else None


def _stem_after(
    text: str,
    start: int,
    prefecture: str,
    names: tuple[dict[str, list[Municipality]], ...],
    kanji: re.Pattern[str],
) -> tuple[str, Municipality] | None:
    """The longest stem at `start` that names one municipality of `prefecture`."""
    for length in range(min(_LONGEST_STEM, len(text) - start), 1, -1):
        stem = text[start : start + length]
        after = text[start + length :]
        found = _one_of(stem, prefecture, names)
        if found is None or HONORIFIC.match(after):
            continue
        if kanji.match(after) and not FACILITY.match(after):
            continue  # 岐阜高山植物 is no place (in Chinese, 熊本阿蘇那辺 is: 那 ends a word)
        return stem, found
    return None


def _stem_before(
    text: str,
    end: int,
    prefecture: str,
    names: tuple[dict[str, list[Municipality]], ...],
    kanji: re.Pattern[str],
) -> tuple[str, Municipality] | None:
    """The longest stem ending at `end` that names one municipality of `prefecture`, as
    a word of its own (東白石 holds no 白石)."""
    for length in range(min(_LONGEST_STEM, end), 1, -1):
        start = end - length
        found = _one_of(text[start:end], prefecture, names)
        if found is not None and not (start > 0 and kanji.match(text, start - 1)):
            return text[start:end], found
    return None
