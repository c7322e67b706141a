"""Japanese place names written in another script (Hangul, Devanagari): one index each.

A script module (`hangul`, `devanagari`) says how it writes kana and what it ignores when
comparing (`Script`); this module does the rest the same way for both: every
municipality's official kana, without its 市/町/村 (a ward's after its city's, with the
script's 区), transliterated and folded into one index; a name in the text counts as a
word (none of the script's letters just before it); a name several municipalities share
counts only for the ward whose city the text names, or else for the one spelt exactly as
written (히타 日田, not 히다 飛騨, which fold alike); wards come first. A name too short to
stand alone (the script's `stands`) counts before one of its own towns written after it
(벳푸 기타하마: 北浜 of 別府市).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from triage.geo.district_readings import build_district_index, district_readings
from triage.geo.gazetteer import Gazetteer, Municipality
from triage.geo.name_index import NameIndex
from triage.geo.short_name_index import city_over_its_towns
from triage.geo.wards import wards_of

_SUFFIXES = ("ちょう", "まち", "むら", "そん", "し")
# Suffixes transliterated with the name as often as cut (시카마치, 구마무라): the whole
# reading is indexed too. Not し, ちょう, そん: 시, 조, 손 end too many words.
_WRITTEN_ON = ("まち", "むら")


def _any_match(name: str, after: str) -> bool:
    return True


@dataclass(frozen=True)
class Script:
    letters: str  # the script's letters as a regex range: "\uac00-\ud7a3"
    ward_suffix: str  # how it writes 区: 구, कु
    transliterate: Callable[[str], str]  # hiragana -> the script
    fold: Callable[[str], str]  # what comparing ignores (vowel length, aspiration…)
    indexed: Callable[[str], bool]  # a folded name long enough to trust
    # Whether a name found counts, given the folded text after it.
    stands: Callable[[str, str], bool] = _any_match
    # Tokyo's wards are written alone too (신주쿠 as well as 신주쿠구).
    bare_tokyo_wards: bool = False
    # 구마모토 마시키: a city named like its prefecture gives way to another place of that
    # prefecture named with it.
    prefecture_cities_give_way: bool = False
    # What may follow a district's name (a particle, 역, the end): 텐진인데 is 天神, but
    # 신고해요 ("report it") is not 新郷 and 시까지 ("until o'clock") not 志賀.
    district_end: str = "$"
    # A district reading long enough to look for after its city; `indexed` when None (a
    # script may index short names that count only before its "city", सुजु सिटी).
    district_indexed: Callable[[str], bool] | None = None
    # The prebuilt index of its district readings (`district_readings`); "" for none.
    district_index: str = ""
    # How the script writes 市/町/村 after a name, unfolded (미야코시: 宮古市, not みやこ町):
    # it decides between municipalities that share a reading.
    kinds_after: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Index:
    names: dict[str, list[Municipality]]  # folded name -> municipalities
    pattern: re.Pattern[str] | None


def name_part(kana: str, ward_suffix: str) -> tuple[str, str]:
    """(kana without 市/町/村/区, how the script writes what was cut: "" or its 区)."""
    for suffix in (*_SUFFIXES, "く"):
        if kana.endswith(suffix) and len(kana) > len(suffix):
            return kana[: -len(suffix)], ward_suffix if suffix == "く" else ""
    return kana, ""


def _written_forms(m: Municipality, gazetteer: Gazetteer, script: Script) -> list[str]:
    """How the script writes the municipality, not yet folded: 히타 (日田), 나가노 (長野)."""
    kana = m.kana
    parent = gazetteer.by_lgcode.get(m.parent_lgcode or "")
    if parent is not None and kana.startswith(parent.kana):
        kana = kana[len(parent.kana) :]  # a ward: 기요타구 after its city
    stem, ending = name_part(kana, script.ward_suffix)
    written = script.transliterate(stem)
    forms = [written + ending]
    if kana.endswith(_WRITTEN_ON):
        # 시카마치 is 志賀町 (しか・まち) whole, not 色麻町 (しかま) and a syllable more.
        forms.append(script.transliterate(kana))
    if script.bare_tokyo_wards and ending and parent is None:
        forms.append(written)
    return forms


@lru_cache(maxsize=8)
def _index(script: Script, gazetteer: Gazetteer) -> _Index:
    names: dict[str, list[Municipality]] = {}
    for m in gazetteer.municipalities:
        for name in map(script.fold, _written_forms(m, gazetteer, script)):
            if script.indexed(name):
                names.setdefault(name, []).append(m)
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(f"(?<![{script.letters}])(?:{alternation})") if names else None
    return _Index(names, pattern)


def find_places(text: str, gazetteer: Gazetteer, script: Script) -> list[Municipality]:
    """Municipalities (wards after their city) the text names in the script, wards first."""
    if not re.search(f"[{script.letters}]", text):
        return []
    index = _index(script, gazetteer)
    if index.pattern is None:
        return []
    folded = script.fold(text)
    found: list[Municipality] = []
    for match in index.pattern.finditer(folded):
        name = match.group(0)
        options = index.names[name]
        if not script.stands(name, folded[match.end() :]):
            # 벳푸 기타하마: a name too short to stand alone, before one of its districts.
            options = _with_district_after(options, folded[match.end() :], gazetteer, script)
            if len(options) != 1:
                continue
        if len(options) > 1:  # 주오구 (中央区) in many cities: the one whose city is named
            named = [m for m in options if _city_named(m, folded, gazetteer, script)]
            options = named or _spelt_as_written(options, text, match, gazetteer, script)
            if len(options) != 1:
                options = _of_kind_after(index.names[name], folded[match.end() :], script)
            if len(options) != 1:  # 쿠시로: 釧路市, not 釧路町 (`city_over_its_towns`)
                city = city_over_its_towns(index.names[name])
                options = [city] if city is not None else options
        if len(options) == 1:
            found.append(options[0])
    if script.prefecture_cities_give_way:
        prefecture_cities = {
            m.lgcode
            for m in found
            if any(o.prefecture == m.prefecture and o.lgcode != m.lgcode for o in found)
            and m.named_like_its_prefecture
        }
        found = [m for m in found if m.lgcode not in prefecture_cities]
    wards = [m for m in found if m.parent_lgcode is not None]
    cities = [m for m in found if m.parent_lgcode is None]
    named_parents = {m.parent_lgcode for m in wards}
    for city in cities:
        if city.lgcode not in named_parents:
            ward = _ward_by_district(city, folded, gazetteer, script)
            if ward is not None:
                wards.append(ward)
    return wards + cities


# Between a name and its district: a space or a comma, as Korean writes an address.
_DISTRICT_SEPARATOR = re.compile(r"[\s,、]+")
_DISTRICT_MIN = 3  # letters of a district reading (기타하마): shorter ones are words
_DISTRICT_MAX = 10


def _with_district_after(
    options: list[Municipality], after: str, gazetteer: Gazetteer, script: Script
) -> list[Municipality]:
    """The options (not wards) one of whose towns the text writes right after the name,
    apart from it and as a word: 벳푸 기타하마 is 別府市 by its 北浜 (きたはま)."""
    separator = _DISTRICT_SEPARATOR.match(after)
    if separator is None:
        return []
    rest = after[separator.end() :]
    found = []
    for m in options:
        if m.parent_lgcode is not None:
            continue
        for length in range(min(len(rest), _DISTRICT_MAX), _DISTRICT_MIN - 1, -1):
            readings = _town_readings(m, gazetteer, script)
            if rest[:length] in readings and _ends_a_word(rest[length:], script):
                found.append(m)
                break
    return found


@lru_cache(maxsize=256)
def _town_readings(m: Municipality, gazetteer: Gazetteer, script: Script) -> frozenset[str]:
    """The municipality's town readings in the script, folded, of `_DISTRICT_MIN` to
    `_DISTRICT_MAX` letters, without the municipality's own name."""
    read = script_reader(script)(m)
    readings = (read(t.kana) for t in gazetteer.towns_of(m.lgcode).values() if t.kana)
    return frozenset(
        r for r in readings if r is not None and _DISTRICT_MIN <= len(r) <= _DISTRICT_MAX
    )


def _spelt_as_written(
    options: list[Municipality],
    text: str,
    match: re.Match[str],
    gazetteer: Gazetteer,
    script: Script,
) -> list[Municipality]:
    """The options spelt exactly as the text spells them: folding makes 히타 (日田 ひた) and
    히다 (飛騨 ひだ), 나가노 (長野) and 나카노 (中野) alike so that a variant spelling still
    meets its name, but where both are places the spelling as written tells which. Only
    for a fold that keeps every character (Hangul's): otherwise the match has no span in
    the text as written."""
    if len(script.fold(text)) != len(text):
        return []
    written = text[match.start() : match.end()]
    return [m for m in options if written in _written_forms(m, gazetteer, script)]


def _of_kind_after(options: list[Municipality], after: str, script: Script) -> list[Municipality]:
    """The options of the kind the text writes right after the name (미야코시 is the 市 of
    みやこ, not みやこ町), when one word of the script's `kinds_after` follows and ends the
    word, alone or with a particle: 나가시고 and 나가시는데 are the verb 나가시다 (to go
    out), not 那珂市."""
    for written, kind in script.kinds_after:
        folded = script.fold(written)
        if after.startswith(folded) and _ends_a_word(after[len(folded) :], script):
            return [m for m in options if m.parent_lgcode is None and m.name.endswith(kind)]
    return []


def _ends_a_word(rest: str, script: Script) -> bool:
    """Nothing of the script follows, or only a particle ("에", "에서", "근처") and then a
    word's end."""
    particles = script.fold(f"{script.district_end}|에서|입니다|이에요|예요")
    return re.match(f"(?:{particles})?(?![{script.letters}])", rest) is not None


def _ward_by_district(
    city: Municipality, folded: str, gazetteer: Gazetteer, script: Script
) -> Municipality | None:
    """The ward of a named designated city that a district of it tells (후쿠오카 텐진 is
    福岡市中央区 by 天神): a town reading of exactly one ward, as a word in the text."""
    districts = _districts(city.lgcode, gazetteer, script)
    if districts.pattern is None:
        return None
    wards = {districts.ward_of[m.group(1)] for m in districts.pattern.finditer(folded)}
    return gazetteer.by_lgcode.get(next(iter(wards))) if len(wards) == 1 else None


@dataclass(frozen=True)
class _Districts:
    ward_of: dict[str, str]  # folded reading -> the one ward that has it
    pattern: re.Pattern[str] | None  # every reading as a word, longest first


@lru_cache(maxsize=64)
def _districts(city_lgcode: str, gazetteer: Gazetteer, script: Script) -> _Districts:
    """Folded town readings of a designated city's wards -> the one ward each names
    (a reading two wards share names neither), and one pattern for them all. The town
    readings ship prebuilt (`district_readings`)."""
    city = gazetteer.by_lgcode[city_lgcode]
    reader = script_reader(script)
    ward_of = district_readings(city, gazetteer, script.district_index, reader)
    read = reader(city)
    # The ward's own name without its 区 after the city (ओसाका इकुनो, 후쿠오카 하카타):
    # written so as often as a district of it, and surer than a town reading it shares.
    for ward in wards_of(city, gazetteer):
        own = read(ward.kana.removeprefix(city.kana))
        if own is not None:
            ward_of[own] = ward.lgcode
    if not ward_of:
        return _Districts(ward_of, None)
    names = "|".join(re.escape(n) for n in sorted(ward_of, key=len, reverse=True))
    # Folded like the text it is matched in (मा is म there, 근처 is 근저).
    end = f"(?=[^{script.letters}]|$|{script.fold(script.district_end)})"
    return _Districts(ward_of, re.compile(f"(?<![{script.letters}])({names}){end}"))


def script_reader(script: Script) -> Callable[[Municipality], Callable[[str], str | None]]:
    """For a city, how a town's kana is read in the script: folded, long enough to look
    for, and not the city's own name (逢阪 reads like 大阪 once vowel length is folded)."""
    long_enough = script.district_indexed or script.indexed

    def for_city(city: Municipality) -> Callable[[str], str | None]:
        city_name = script.fold(script.transliterate(name_part(city.kana, "")[0]))

        def read(kana: str) -> str | None:
            stem, _ = name_part(kana, "")
            name = script.fold(script.transliterate(stem)) if stem else ""
            if long_enough(name) and len(name) >= 2 and name not in city_name:
                return name
            return None

        return read

    return for_city


def build_script_district_index(gazetteer: Gazetteer, script: Script) -> NameIndex:
    return build_district_index(gazetteer, script_reader(script))


def _city_named(ward: Municipality, folded: str, gazetteer: Gazetteer, script: Script) -> bool:
    parent = gazetteer.by_lgcode.get(ward.parent_lgcode or "")
    if parent is None:
        return False
    stem, _ = name_part(parent.kana, script.ward_suffix)
    return script.fold(script.transliterate(stem)) in folded
