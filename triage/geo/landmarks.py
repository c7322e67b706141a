"""Well-known places people name instead of their municipality (issue 13): 仙台駅前,
博多駅の地下街, "Sapporo station", 熊本城の近く, のと里山空港の手前, 函館車站附近, 신오쿠보역.

The list is the project's own (`landmark_list`, data/landmarks.tsv). A landmark gives
its municipality's office point at MUNICIPALITY precision: it tells the ward, not the
street.

The matching is as strict as the other finders':
- a station counts only with its 駅 (站, 車站, 역, "station", "stn", "eki"): a bare 仙台 is
  the city, found elsewhere; an airport only with its 空港 (机场, 機場, 공항, "airport");
- a name stands as a word: not the tail of a longer name (南浦和駅 is not 浦和駅, 戸越銀座
  not 銀座), nor the head of one (天神橋, 天神様 are not 天神) unless what follows keeps it
  the same place (天神駅, 天神周辺, 天神の); its own city or prefecture may stand before it
  (福岡天神, 東京浅草);
- a name several places share (白石駅, 府中駅) counts only when the text names the
  prefecture or city of one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from triage.geo.candidate import Candidate
from triage.geo.chinese import looks_chinese
from triage.geo.gazetteer import Gazetteer, Municipality, Prefecture
from triage.geo.landmark_list import (
    CLOSED_ENDINGS,
    HAS_LATIN,
    KANA,
    LATIN_TOKEN,
    Landmark,
    LandmarkIndex,
    fold_latin,
    landmark_index,
)
from triage.geo.normalize import place_key
from triage.geo.place_words import CHINESE_BOUNDARIES, HONORIFIC, PARTICLE_AFTER
from triage.geo.schemas import LocationPrecision

CONFIDENCE = 0.6
# Kanji after an open name that keep it the same place (天神駅, 天神周辺, 嵐山温泉).
_CONTINUATIONS = (
    "駅", "站", "周辺", "周边", "周邊", "付近", "附近", "近辺", "近く", "界隈", "方面", "地区",
    "一帯", "一带", "一帶", "辺", "前", "内", "側", "口", "地下", "上空", "沖", "跡", "址", "温泉",
)  # fmt: skip
# Kanji before a name that end a word of their own (今天神にいる, 昨日博多駅で, 発/着).
_WORD_ENDS = frozenset("今在日朝夜晩時分頃達等人族員者所母父妻夫娘私僕俺我皆発着経由近隣")
# Railway companies written before a station (京急川崎駅, 阪急梅田駅): the same station.
_RAILWAYS = (
    "地下鉄", "市営", "都営", "京急", "京成", "京王", "小田急", "東急", "東武", "西武", "相鉄",
    "阪急", "阪神", "近鉄", "南海", "京阪", "名鉄", "西鉄", "北総", "新幹線",
)  # fmt: skip
_PARTICLES = frozenset("はがのにでをへともや")
# "Xの駅" for the station X駅 (`_station_before_no`): 駅 ending a word, or 駅前, 駅の.
_NO_STATION = re.compile(r"の駅(?![\u4e00-\u9fff])|の駅前")
_STATION_NAME_LONGEST = 6
# Scripts written with spaces between words, which normalisation took out: a name may be
# run together with the words on either side (하카타역근처, हाकातास्टेसननजिक).
_SPACED_SCRIPTS = frozenset({"hangul", "devanagari"})
_TOWN_MARKS = frozenset("町村丁条通区市郡")
# In text that reads as Chinese, a name this long stands on its own (`_stands_alone`).
CHINESE_NAME_ON_ITS_OWN = 3
# A shrine or temple is called with さん or 様 (熱田神宮さん, 外宮さん, 大須観音様); a person
# is not, and names that are also surnames (大宮, 三宮) do not end so. 外宮 and 内宮, the
# two shrines of 伊勢神宮, are called so by name alone.
_SHRINE = re.compile(r"(?:神宮|大社|神社|八幡宮|天満宮|観音|稲荷|^外宮|^内宮)$")


def find_named_landmarks(
    text: str,
    original: str,
    gazetteer: Gazetteer,
    prefer: Municipality | Prefecture | None = None,
) -> list[Candidate]:
    """Landmarks named in `text` (normalised) and, in Latin letters, in `original`: each
    its municipality's (ward's) office point, MUNICIPALITY precision, the name as written.
    `prefer` (the home area) tells same-named ones apart like a prefecture named would."""
    index = landmark_index(gazetteer)
    found: list[Candidate] = []
    home = _prefecture_of(prefer)
    keyed = place_key(text)  # same length as text: slices line up
    for start, end, options in [
        *_written(text, keyed, index),
        *_station_before_no(text, keyed, index),
    ]:
        chosen = _one_place(options, text[:start] + text[end:], home)
        if chosen is not None and not _of_another_place(text, start, chosen, index):
            found.append(_candidate(text[start:end], chosen.municipality))
    if HAS_LATIN.search(text):
        folded = fold_latin(original)
        shown = original if len(folded) == len(original) else folded
        named = frozenset(
            p.name
            for word in LATIN_TOKEN.findall(folded)
            if (p := gazetteer.prefecture_by_romaji.get(word))
        )
        for start, end, options in _latin(folded, index):
            chosen = _one_place(options, "", home, named)
            if chosen is not None:
                found.append(_candidate(shown[start:end], chosen.municipality))
    return found


def _written(
    text: str, keyed: str, index: LandmarkIndex
) -> Iterator[tuple[int, int, tuple[Landmark, ...]]]:
    """(start, end, landmarks) of the longest name standing as a word at each position
    (`keyed`: the text's place key). The first-character class skips to the next position
    that may start one (in C), and only the lengths some name of those two first
    characters has are tried."""
    chinese = KANA.search(text) is None
    # Chinese words in it, not only Japanese without kana: read once, not per name.
    reads_chinese = chinese and looks_chinese(text)
    search, lengths, size = index.starts.search, index.lengths, len(text)
    position = 0
    while (found := search(keyed, position)) is not None:
        position = found.start()
        for length in lengths.get(keyed[position : position + 2], ()):
            key = keyed[position : position + length]
            options = index.written.get(key)
            if options and _stands_alone(text, position, position + length, options,
                                         key in index.closed, chinese, reads_chinese):  # fmt: skip
                yield position, position + length, options
                position += length - 1
                break
        position += 1
        if position >= size - 1:
            return


def _station_before_no(
    text: str, keyed: str, index: LandmarkIndex
) -> Iterator[tuple[int, int, tuple[Landmark, ...]]]:
    """A station written as its name, の and 駅: "大井町の駅前" is 大井町駅 (品川区), not the
    town 大井町 of 神奈川県, which has no station of that name. The name stands as a word
    (no kanji before it) and 駅 after it is the station's own: 駅前, 駅の, not 駅伝."""
    for match in _NO_STATION.finditer(keyed):
        at = match.start()
        for length in range(min(_STATION_NAME_LONGEST, at), 1, -1):
            start = at - length
            options = index.written.get(keyed[start:at] + "駅")
            if options and not (start > 0 and _script(text[start - 1]) == "kanji"):
                yield start, match.end(), options
                break


def _stands_alone(
    text: str,
    start: int,
    end: int,
    options: Sequence[Landmark],
    closed: bool,
    chinese: bool,
    reads_chinese: bool,
) -> bool:
    """Not the tail nor the head of a longer word written in the same script (`chinese`:
    no kana, so Chinese function characters separate words too). In text that reads as
    Chinese (`reads_chinese`), which writes verbs and nouns against a name with no space
    (在横浜中華街開店, 是池袋駅東口), a name of three characters or more stands on its own."""
    if reads_chinese and end - start >= CHINESE_NAME_ON_ITS_OWN and not HONORIFIC.match(text, end):
        return True
    if start > 0 and _script(text[start - 1]) == _script(text[start]):
        before, script = text[start - 1], _script(text[start])
        if script == "kanji":
            ok = (
                before in _WORD_ENDS
                or (chinese and before in CHINESE_BOUNDARIES)
                or text.endswith(_RAILWAYS, 0, start)
                or any(text.endswith(place, 0, start) for o in options for place in o.places)
            )
        else:
            ok = script in _SPACED_SCRIPTS or (script == "hiragana" and before in _PARTICLES)
        if not ok:
            return False
    if end >= len(text):
        return True
    if closed:
        # 天王寺町, 金閣寺町: a town named after the place, not the place.
        return text.endswith(CLOSED_ENDINGS, 0, end) or text[end] not in _TOWN_MARKS
    if HONORIFIC.match(text, end) and not (
        text.startswith(("さん", "様", "さま"), end) and _SHRINE.search(text[start:end])
    ):
        return False  # 梅田さん, 宮島様: a person
    script = _script(text[end])
    if script != _script(text[end - 1]) and not (script == "kanji" and text[end - 1] == "の"):
        return True  # (すすきの穂 is pampas grass)
    if script == "kanji":
        return text.startswith(_CONTINUATIONS, end) or (chinese and text[end] in CHINESE_BOUNDARIES)
    if script == "hiragana":
        return PARTICLE_AFTER.match(text, end) is not None
    return script in _SPACED_SCRIPTS


def _of_another_place(text: str, start: int, landmark: Landmark, index: LandmarkIndex) -> bool:
    """A place written just before the name with の that the landmark is not in: 広島の祇園
    is 広島市安佐南区's 祇園, not Kyoto's."""
    if start < 3 or text[start - 1] != "の":
        return False
    before = text[: start - 1]
    return any(
        before[-size:] in index.place_names and before[-size:] not in landmark.places
        for size in range(2, min(7, len(before)) + 1)
    )


def _script(char: str) -> str:
    if "\u4e00" <= char <= "\u9fff" or char == "\u3005":
        return "kanji"
    if "\u3041" <= char <= "\u309f":
        return "hiragana"
    if "\u30a1" <= char <= "\u30ff":
        return "katakana"
    if "\uac00" <= char <= "\ud7a3":
        return "hangul"
    if "\u0900" <= char <= "\u097f" and char not in "।॥":
        return "devanagari"
    return "other"


def _latin(folded: str, index: LandmarkIndex) -> Iterator[tuple[int, int, tuple[Landmark, ...]]]:
    """(start, end, landmarks) of the longest run of words that names one, left to right."""
    words = list(LATIN_TOKEN.finditer(folded))
    position = 0
    while position < len(words):
        step = 1
        if words[position].group() in index.latin_first:
            for count in range(min(index.latin_longest, len(words) - position), 0, -1):
                run = words[position : position + count]
                options = index.latin.get(" ".join(w.group() for w in run))
                if options:
                    yield run[0].start(), run[-1].end(), options
                    step = count
                    break
        position += step


def _one_place(
    options: Sequence[Landmark],
    rest: str,
    home: str | None,
    prefectures: frozenset[str] = frozenset(),
) -> Landmark | None:
    """The one landmark meant: the only one, or the one whose prefecture or city the rest
    of the text names (or, in Latin letters, whose prefecture it names, or where the home
    area is); None when nothing tells."""
    if len({o.municipality.lgcode for o in options}) == 1:
        return options[0]
    for named in (
        [o for o in options if any(place in rest for place in o.prefecture_names)],
        [o for o in options if any(place in rest for place in o.places)],
        [o for o in options if o.municipality.prefecture in prefectures],
        [o for o in options if o.municipality.prefecture == home],
    ):
        if len({o.municipality.lgcode for o in named}) == 1:
            return named[0]
    return None


def _candidate(text: str, municipality: Municipality) -> Candidate:
    return Candidate.of_municipality(text, municipality, CONFIDENCE)


def _prefecture_of(area: Municipality | Prefecture | None) -> str | None:
    if isinstance(area, Municipality):
        return area.prefecture
    return area.name if isinstance(area, Prefecture) else None


def with_named_landmarks(
    candidates: list[Candidate],
    landmarks: list[Candidate],
    text: str,
    prefer: Municipality | Prefecture | None = None,
) -> list[Candidate]:
    """The other finders' candidates (of normalised `text`) with its landmarks.

    - A prefecture the text names, outside the landmark's own words, keeps only the
      landmarks inside it: "石川県から東京駅へ" stays 石川県 ("Tokyo Disneyland" is in
      浦安市). So does the deployment's home area: far from home, a landmark is more
      often where one goes (鹿児島空港への道, from 倉敷) than where one is.
    - A city found elsewhere is narrowed to the ward its landmark is in: "Sapporo
      station" -> 札幌市北区, 仙台駅前 (仙台市 by its stem) -> 仙台市青葉区; a ward's
      name alone that several cities have is the one the landmark is in: 梅田 … 北区 is
      大阪市北区, not Tokyo's 北区.
    - A place another finder read in the landmark's own characters, elsewhere, is
      dropped: 綾瀬駅 is in 足立区, not 綾瀬市; 今博多駅 is not the town 今博多町.
    """
    home = _prefecture_of(prefer)
    if home is not None:
        landmarks = [landmark for landmark in landmarks if landmark.prefecture == home]
    prefectures = [c for c in candidates if c.precision is LocationPrecision.PREFECTURE]
    landmarks = [
        landmark
        for landmark in landmarks
        # "Tokyo Disneyland" names no prefecture but the landmark's own words.
        if all(
            c.prefecture == landmark.prefecture or _overlap(c.text, landmark.text, text)
            for c in prefectures
        )
    ]
    if not landmarks:
        return candidates
    kept = [_narrowed(c, landmarks) for c in candidates if not _read_otherwise(c, landmarks, text)]
    return kept + landmarks


def _read_otherwise(candidate: Candidate, landmarks: list[Candidate], text: str) -> bool:
    """True when the candidate's words overlap a landmark's in another municipality."""
    found = candidate.municipality
    if found is None or not candidate.text:
        return False
    return any(
        _overlap(candidate.text, landmark.text, text) and not _related(found, landmark.municipality)
        for landmark in landmarks
    )


def _overlap(one: str, other: str, text: str) -> bool:
    """Whether `one` shares characters with `other` in `text` without holding all of it
    (first occurrences, as place keys): 今博多 with 博多駅 does, an address around a
    landmark does not. A name of the Latin text, not in the normalised one: when
    `other` holds it."""
    keyed = place_key(text)
    start, other_start = keyed.find(place_key(one)), keyed.find(place_key(other))
    if start < 0 or other_start < 0:
        return one.casefold() in other.casefold()
    end, other_end = start + len(one), other_start + len(other)
    holds = start <= other_start and other_end <= end and len(one) > len(other)
    return start < other_end and other_start < end and not holds


def _related(one: Municipality, other: Municipality | None) -> bool:
    """The same municipality, or a city and one of its wards (not two wards of a city)."""
    if other is None:
        return True
    return one.lgcode in (other.lgcode, other.parent_lgcode) or other.lgcode == one.parent_lgcode


def _narrowed(candidate: Candidate, landmarks: list[Candidate]) -> Candidate:
    """A designated city narrowed to the one ward of it that the landmarks name, and a
    ward's bare name to the one ward of that name they are in."""
    city = candidate.municipality
    if city is None or candidate.precision is not LocationPrecision.MUNICIPALITY:
        return candidate
    if candidate.text.endswith("区"):
        named = {
            landmark.municipality.lgcode: landmark.municipality
            for landmark in landmarks
            if landmark.municipality is not None and landmark.municipality.ward == candidate.text
        }
        if len(named) == 1:
            return candidate.in_ward(named.popitem()[1])
    if city.parent_lgcode is not None:
        return candidate
    wards = {
        landmark.municipality.lgcode: landmark.municipality
        for landmark in landmarks
        if landmark.municipality is not None and landmark.municipality.parent_lgcode == city.lgcode
    }
    if len(wards) != 1:
        return candidate
    (ward,) = wards.values()
    return candidate.in_ward(ward)
