"""Towns and districts named alone, without their municipality: 鵜住居, 真備, 山古志, 杷木,
梁川, 天応, and their readings in kana (うしつ, のとじま).

The names are the gazetteer's towns: those of shelter addresses, Japan Post's
neighbourhoods, and the districts and former municipalities derived from them
(ops/postal_towns.py). A name is read as a place only when the message tells which one:

- within a municipality the message names (七尾の中島町) or the home area, any town counts;
  a town of another municipality then counts only in a prefecture the message names
  (館山の…、海岸通り is no street of 女川町);
- a name several municipalities share counts when a prefecture the message names (福島の
  梁川), or the home area's prefecture, leaves exactly one;
- otherwise only a name that exactly one municipality in Japan has: three characters or
  more, or two kanji before what follows a place (杷木の, 天応で); never a municipality's
  stem, a generic word (北側, 駅前) or an everyday word (水道, 近所: the build marks them
  with a dictionary), which count only in the named or home municipality, before a place
  particle;
- a reading: three kana or more standing as a word before a particle (うしつ に), found
  the same way, and never one that is also an everyday word (きょう, ところの) or how a
  municipality or prefecture is read (みやこし is 宮古市, not 宮越). One that only a former
  municipality tells (たろう: 田老 heads 78 towns of 宮古市, 太郎 a few elsewhere, and is a
  given name) counts only before a place of it or a verb of living there (ﾀﾛｳ ﾉ ﾋﾅﾝｼﾞｮ).
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

from triage.geo.former_municipalities import (
    DISTRICT_AFTER,
    former_district,
    former_municipality,
    former_municipality_of_heads,
)
from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.name_index import NameIndex
from triage.geo.place_words import (
    BEFORE_A_READING,
    CHINESE_BOUNDARIES,
    FACILITY,
    HONORIFIC,
    KATAKANA_TO_HIRAGANA,
    PARTICLE_AFTER,
)
from triage.geo.short_wards import designated_ward_stems
from triage.geo.town_stems import place_readings, town_reading_index, town_stem, town_stem_index
from triage.geo.towns import Town, TownOrigin
from triage.geo.wards import wards_by_city

TOWN_STEM_CONFIDENCE = 0.5
TOWN_IN_NAMED_CONFIDENCE = 0.65
TOWN_IN_PREFECTURE_CONFIDENCE = 0.55
FORMER_MUNICIPALITY_CONFIDENCE = 0.45
_KANJI = "\u4e00-\u9fff\u3005"
_KANJI_CHAR = re.compile(f"[{_KANJI}]")
# A two-character town name alone (真備, 杷木) is read as a place only before what
# follows a place: の, a place word, a particle of location, or a space ("小石が" is not).
_TWO_CHAR_TOWN_AFTER = re.compile(
    r"(?:の|町|村|区|地区|地域|方面|あたり|周辺|付近|に住|に[いお]|で[すは]?|から|より|[\s。、,.!?！？]|$"
    r"|さ住|だ(?:ども|げど))"  # 余目だども (Tohoku); not だけど: "田中だけど" is a person
)
# A reading of four kana or more ending the message is where the writer is (むかいじま).
_SIGNED_OFF = re.compile(r"\s?[。.!！]?$")
# A reading that only a former municipality tells (ﾀﾛｳ: 田老 of 宮古市, 太郎 elsewhere, and a
# given name) is read as that place only before a place of it or a verb of living there.
_READING_PLACED = re.compile(
    r"\s?(?:の\s?(?:ひなんじょ|ひなんしょ|避難所|こうみんかん|公民館|しょうがっこう|小学校"
    r"|ちゅうがっこう|中学校|えき|駅|ほう|あたり|ちかく|近く|はま|みなと|かいがん|ししょ|支所"
    r"|しゅうらく|集落)|に\s?(?:すん|すま|住))"
)
_KANJI_IN_CHINESE = re.compile(f"(?![{CHINESE_BOUNDARIES}])[{_KANJI}]")
_CHINESE_BOUNDARY_CHARS = frozenset(CHINESE_BOUNDARIES)
_LONGEST_STEM = 6
_LONGEST_READING = 12


@lru_cache(maxsize=8192)
def _owners(gazetteer: Gazetteer, name: str, rows: tuple[int, ...]) -> dict[str, Town]:
    """The town to report per municipality: the former municipality (真備町 for 真備),
    then one known from addresses or a district over a postal neighbourhood. Cached (a
    name shared by 76 municipalities has hundreds of rows, and a long message may repeat
    it): callers must not change the dict."""
    owners: dict[str, Town] = {}
    for row in rows:
        town = gazetteer.town_at(row)
        held = owners.get(town.lgcode)
        if held is None or _preference(town, name) > _preference(held, name):
            owners[town.lgcode] = town
    return owners


def _preference(town: Town, name: str) -> tuple[bool, bool]:
    return town.name[len(name) :] in ("町", "村", "区"), town.origin is not TownOrigin.POSTAL


def find_towns_alone(
    spaced: str,
    gazetteer: Gazetteer,
    named: set[str],
    prefer: Municipality | Prefecture | None,
    *,
    chinese: bool = False,
    placed: bool = False,
) -> list[tuple[str, Municipality, str, float]]:
    """(text, municipality, town, confidence) for the towns and districts `spaced` (the
    message after NFKC) names alone, by name or by reading; `named` are the lgcodes of
    the municipalities it names by their short names. In Chinese (`chinese`) a function
    character (在, 的) ends a name as a particle does: 我们在真备的房子. `placed`: the text
    stands as a place (romaji after "in", "di"): a reading may name a former municipality."""
    within = set(named)
    if isinstance(prefer, Municipality):
        within.add(prefer.lgcode)
    for code in list(within):  # a designated city's towns are its wards' towns
        within.update(w.lgcode for w in wards_by_city(gazetteer).get(code, []))
    finder = _Finder(gazetteer, spaced, within, bool(named), prefer, chinese=chinese, placed=placed)
    joined = _KANJI_IN_CHINESE if chinese else _KANJI_CHAR
    found = finder.scan(spaced, town_stem_index(gazetteer), joined, reading=False)
    hiragana = spaced.translate(KATAKANA_TO_HIRAGANA)
    return found + finder.scan(
        hiragana, town_reading_index(gazetteer), BEFORE_A_READING, reading=True
    )


class _Finder:
    """The scan over one message, and the rules that decide which owner a name means."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        text: str,
        within: set[str],
        names_municipality: bool,
        prefer: Municipality | Prefecture | None,
        *,
        chinese: bool = False,
        placed: bool = False,
    ) -> None:
        self.placed = placed
        self.gazetteer = gazetteer
        self.text = text
        self.within = within
        self.names_municipality = names_municipality
        self.prefer = prefer
        self.chinese = chinese

    @cached_property
    def _prefecture_spans(self) -> list[tuple[int, int, Prefecture]]:
        """The prefectures the message names, where: found once per message, not once per
        name it tests (a long message repeating a name made that quadratic)."""
        return self.gazetteer.prefecture_mentions(self.text)

    def scan(
        self, text: str, index: NameIndex, joined: re.Pattern[str], *, reading: bool
    ) -> list[tuple[str, Municipality, str, float]]:
        found: list[tuple[str, Municipality, str, float]] = []
        longest = _LONGEST_READING if reading else _LONGEST_STEM
        position = 0
        end = len(text) - 1
        starts = index.first_characters
        while position < end:
            at = starts.search(text, position, end)  # no name begins before it
            if at is None:
                break
            position = at.start()
            if text[position : position + 2] not in index.prefixes or (
                position > 0 and joined.match(text, position - 1)
            ):
                position += 1
                continue
            for length in range(min(longest, len(text) - position), 1, -1):
                name = text[position : position + length]
                rows = index.get(name)
                if rows is None:
                    continue
                after = text[position + length :]
                if not self._stands_alone(after, reading=reading, chinese=self.chinese):
                    continue
                if name.endswith("田") and after.startswith("んぼ"):
                    continue  # 下の田んぼ: a rice paddy (田んぼ), not the town 下の田
                if reading and self._begins_place_reading(text, position, length):
                    continue
                owners = _owners(self.gazetteer, name, rows)
                chosen = self._choose(name, owners, after, position, reading=reading)
                if chosen is None:
                    continue
                code, confidence = chosen
                town = owners[code]
                found.append((name, self.gazetteer.by_lgcode[code], town.name, confidence))
                position += length - 1
                break
            position += 1
        return found

    def _begins_place_reading(self, text: str, position: int, length: int) -> bool:
        """おおふな in おおふなと (大船渡): the reading of a municipality, not a town."""
        readings = place_readings(self.gazetteer)
        end = min(len(text), position + _LONGEST_READING)
        return any(
            text[position:stop] in readings for stop in range(position + length + 1, end + 1)
        )

    @staticmethod
    def _stands_alone(after: str, *, reading: bool, chinese: bool) -> bool:
        """Not the start of a longer word: 鶴田ダム, 石垣島, 上田さん, かなざわし."""
        if chinese and after[:1] and after[0] in CHINESE_BOUNDARIES:
            return True
        if reading:
            return PARTICLE_AFTER.match(after) is not None
        if HONORIFIC.match(after):
            return False
        return not (
            _KANJI_CHAR.match(after) and not re.match(r"[町村]|地区|" + FACILITY.pattern, after)
        )

    def _choose(
        self, name: str, owners: dict[str, Town], after: str, position: int, *, reading: bool
    ) -> tuple[str, float] | None:
        """(lgcode, confidence) of the one owner the message means, or None."""
        # 地区 or 小学校 after a name makes a place of it only as a former municipality
        # (追分小学校); a two-character town elsewhere (南砺市's 広安) is not told so.
        by_district_word = DISTRICT_AFTER.match(after) is not None
        placed = bool(_TWO_CHAR_TOWN_AFTER.match(after)) or (
            self.chinese and after[:1] in _CHINESE_BOUNDARY_CHARS
        )
        inside = [code for code in owners if code in self.within]
        if len(inside) == 1:
            if name in self.gazetteer.ordinary_words and not placed:
                return None
            return inside[0], TOWN_IN_NAMED_CONFIDENCE
        if name in self.gazetteer.ordinary_words and not (
            (placed or by_district_word) and former_district(self.gazetteer, name, owners, after)
        ):
            return None
        short = len(name) < 3 and not reading
        if self.names_municipality and short:
            return None  # the message names its municipality: a short town elsewhere is a word
        if short and not (placed or by_district_word):
            return None
        prefectures = self._prefectures(position, len(name))
        in_prefecture = [
            code for code in owners if self.gazetteer.by_lgcode[code].prefecture in prefectures
        ]
        if self.names_municipality and len(in_prefecture) != 1:
            # "館山の北条、海岸通り": the message names its municipality; a town of another
            # one (女川町's 海岸通り) that no prefecture places is a street of that one.
            return None
        if (
            not in_prefecture
            and short
            and name in designated_ward_stems(self.gazetteer)
            and self._town_in_its_only_ward(name, owners) is None
        ):
            return None  # 鶴見の高台: 横浜市's or 大阪市's 鶴見区, not 佐伯市's town 鶴見
        # A former municipality is told by the towns it heads, not by how it is written.
        is_former = False
        if len(in_prefecture) == 1:
            code, confidence = in_prefecture[0], TOWN_IN_PREFECTURE_CONFIDENCE
        elif len(owners) == 1:
            code, confidence = next(iter(owners)), TOWN_STEM_CONFIDENCE
        elif (former := self._former(name, owners, after, reading=reading)) is not None:
            code, confidence, is_former = former, FORMER_MUNICIPALITY_CONFIDENCE, True
        else:
            return None
        if short and not placed and not is_former:
            return None  # placed only by a district word, and no former municipality
        if short and owners[code].origin is TownOrigin.POSTAL and not is_former:
            return None  # two characters only a postal neighbourhood has: too many are words
        return code, confidence

    def _town_in_its_only_ward(self, name: str, owners: dict[str, Town]) -> str | None:
        """The one ward of this stem, where it holds such a town (岩槻; not 鶴見: two wards)."""
        wards = [
            m.lgcode
            for m in self.gazetteer.wards_by_name.get(name + "区", [])
            if m.parent_lgcode is not None
        ]
        return wards[0] if len(wards) == 1 and wards[0] in owners else None

    def _former(
        self, name: str, owners: dict[str, Town], after: str, *, reading: bool
    ) -> str | None:
        """The owner `name` is a former municipality of: by its name, or, for a reading
        placed as a place (ﾀﾛｳ ﾉ ﾋﾅﾝｼﾞｮ), by the name of each owner's town read so (田老
        of 宮古市, 太郎 elsewhere)."""
        if not reading:
            return former_municipality(self.gazetteer, name, tuple(owners))
        signed_off = len(name) >= 4 and _SIGNED_OFF.match(after) is not None
        if not (self.placed or _READING_PLACED.match(after) or signed_off):
            return None
        heads = tuple((code, town_stem(town.name) or town.name) for code, town in owners.items())
        return former_municipality_of_heads(self.gazetteer, heads)

    def _prefectures(self, start: int, length: int) -> set[str]:
        """Prefectures the message names outside the name itself, and the home area's."""
        end = start + length
        found = {p.name for (s, e, p) in self._prefecture_spans if e <= start or s >= end}
        if isinstance(self.prefer, Municipality):
            found.add(self.prefer.prefecture)
        elif isinstance(self.prefer, Prefecture):
            found.add(self.prefer.name)
        return found
