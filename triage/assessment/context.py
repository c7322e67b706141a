"""Read context before raising an alarm: is the emergency word a danger to the writer now?

The rules already set aside an expression that is negated, hypothetical, resolved or a
casual idiom in its own clause (`triage.assessment.rules`). Two things stay to read at
the level of the sentence and the message:

- **Rule hits in relayed news or a joke.** "【拡散希望】ダムが決壊寸前らしい" relays a rumour;
  "死ぬかと思ったｗ" laughs. A hit in a sentence that relays or jokes is set aside too,
  unless the sentence asks for help or names a person in danger: a shared appeal for a
  grandmother under a collapsed house is still a rescue.
- **The local model's alarm without any rule.** The model reads character n-grams: it
  cannot see that "けが人はいません" denies an injury, that thanks, a joke or a resolved
  report carries rescue words, or that a rumour is relayed. When only the model raised
  the priority and the message carries one of those cues (or rule expressions that
  were all set aside), its P1/P2 is read as P3 **with a person looking** (routing keeps
  a message whose urgent probability is not small for staff): off the urgent queue,
  never answered or closed automatically. A message that asks for help now, says the
  danger is still there or names a person in danger keeps the model's priority.

Nothing here runs on the common path: only where a rule fired or the model said P1/P2.
The cue lists are in `lexicons/context.json`, reviewed like the rules' lexicons.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from triage.assessment.normalize import (
    normalize,
    normalize_pattern,
    without_japanese_spaces,
    without_links,
)
from triage.assessment.schemas import LayerVerdict, Priority
from triage.core.pattern_screen import PatternScreen, compiled

# Cues in the order they are reported; the first found names the reason.
CALMING_CUES = ("resolved", "relayed", "joke", "gratitude", "test", "hypothetical")
# Cues that set aside a rule hit in their sentence (thanks or a resolved report next to
# an emergency word may still describe it: only the model is moderated by those).
SENTENCE_CUES = ("relayed", "joke")
# Cues under which a message the local model finds possibly urgent may still be answered
# or closed by the machine (`says_it_is_settled`): it thanks, says things are resolved,
# jokes or is a test. Not relayed news ("the kerosene runs out tonight, they say" is a
# need) and not a hypothetical (a "what if" can sit beside a present danger).
SETTLED_CUES = ("gratitude", "resolved", "joke", "test")
# For a message the model reads as routine, the joke does not count: a question can sit
# in a sentence that laughs ("助かります笑 明日の給水車は来ますか"), and a routine reading
# that is settled is closed with the acknowledgement instead of a playbook's answer.
SETTLED_ROUTINE_CUES = ("gratitude", "resolved", "test")
BLOCKERS = (
    "still", "asks_for_help_now", "names_a_person", "speaks_of_dying", "means_it",
    "present_danger",
)  # fmt: skip
# The blockers a later "冗談です" / "just kidding" takes back with the sentence they are in.
_TAKEN_BACK = frozenset({"asks_for_help_now", "present_danger"})
# A moderated verdict is not confident: never closed, never answered on its own.
MODERATED_CONFIDENCE = 0.5
# Sentences as a writer means them: an ellipsis inside a line ("I'm trapped... under a
# pile of emails lol") goes on with the same thought.
_SENTENCE = re.compile(r"(?:[^。.!?\n！？]|\.{2,}(?=[^\n]*[^\s.]))+[。.!?\n！？]*")
# A sentence of at most this many letters (spaces, punctuation and long-vowel marks left
# out) is an interjection: "help", "tolong", "たすけて", "socorro", "tulungan".
INTERJECTION_MAX_LETTERS = 8
_INTERJECTION_NOISE = re.compile(r"[\s。.!?！？〜~ー…、,]+")


@dataclass(frozen=True)
class Cue:
    kind: str
    matched: str


@dataclass(frozen=True)
class _ContextLexicon:
    """Each list as one expression's source, compiled (`compiled`) when a text first
    needs it: the screens say which a text can match, and most texts match none."""

    cues: dict[str, str]
    blockers: dict[str, str]
    asks: str
    asks_nothing: str
    retraction: str
    # RE2 screens (`triage.core.pattern_screen`): which cue kinds, which blockers and
    # whether the request words can be in a text, in one pass each; `re` confirms.
    cue_screen: PatternScreen
    blocker_screen: PatternScreen
    asks_screen: PatternScreen

    def possible_cues(self, normalized: str) -> set[str]:
        return {CALMING_CUES[i] for i in self.cue_screen.candidates(normalized)}

    def cue(self, kind: str) -> re.Pattern[str]:
        return compiled(self.cues[kind])

    def blocker(self, kind: str) -> re.Pattern[str]:
        return compiled(self.blockers[kind])


def _source(patterns: list[str]) -> str:
    return "|".join(f"(?:{normalize_pattern(p)})" for p in patterns)


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    text = resources.files("triage.assessment.lexicons").joinpath("context.json").read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def _cue_sources() -> list[str]:
    return [_source(_document()["cues"][kind]) for kind in CALMING_CUES]


def _blocker_sources() -> list[str]:
    return [_source(_document()["blockers"][kind]) for kind in BLOCKERS]


def screen_sources() -> list[str]:
    """Every expression the context screens read (ops/build_re2_rewrites.py)."""
    return [*_cue_sources(), *_blocker_sources(), _source(_document()["asks_for_something"])]


@lru_cache(maxsize=1)
def _lexicon() -> _ContextLexicon:
    doc = _document()
    cues = _cue_sources()
    blockers = _blocker_sources()
    asks = _source(doc["asks_for_something"])
    return _ContextLexicon(
        cues=dict(zip(CALMING_CUES, cues, strict=True)),
        blockers=dict(zip(BLOCKERS, blockers, strict=True)),
        asks=asks,
        asks_nothing=_source(doc["asks_nothing"]),
        retraction=_source(doc["retraction"]),
        cue_screen=PatternScreen(cues),
        blocker_screen=PatternScreen(blockers),
        asks_screen=PatternScreen([asks]),
    )


def asks_for_something(text: str) -> bool:
    """Whether the message asks a question or for anything (help, a need, please, where):
    such a message is never closed with an acknowledgement alone, whatever the model's
    P4 reading (routing sends it to a person). "I need your help" is not chatter.

    Two kinds of words look like a request and ask the service nothing; they are read
    out first: a help that came already ("消防の人に助けてもらいました", the resolved cues),
    and wishes or relays addressed to others ("無理しないでくださいね", "みんなに知らせて",
    "please share", "请大家转告": the `asks_nothing` list)."""
    spaced = normalize(text)
    # Also read without the spaces easy-Japanese writers put between words: "がんばって
    # ください" wishes others well as がんばってください does. A request must be in both
    # readings (joined, "です笑 今日" would lose the laugh that ends a sentence).
    joined = without_japanese_spaces(spaced)
    return _asks_in(spaced) and (joined == spaced or _asks_in(joined))


def _asks_in(normalized: str) -> bool:
    lexicon = _lexicon()
    asks = compiled(lexicon.asks)
    if not lexicon.asks_screen.candidates(normalized) or asks.search(normalized) is None:
        return False
    for pattern in (lexicon.cue("resolved"), compiled(lexicon.asks_nothing)):
        normalized = pattern.sub(" ", normalized)
    # A question in a sentence that laughs asks the service nothing ("泡面震翻了哈哈哈，
    # 这算不算灾害损失？"), unless it asks for help now or names a person in danger (the
    # blockers `SentenceCues` reads). Not one that relays news: "ニュースで見たけど、
    # 避難所はどこ？" is a real question.
    sentences = SentenceCues(normalized)
    return any(_not_a_joke(sentences.at(m.start())) for m in asks.finditer(normalized))


def _not_a_joke(cue: Cue | None) -> bool:
    return cue is None or cue.kind != "joke"


def first_cue(normalized: str, kinds: tuple[str, ...] = CALMING_CUES) -> Cue | None:
    """The first calming cue of those kinds in the (normalised) text, or None."""
    # A link is random characters to a cue list: "www." is not laughter.
    normalized = without_links(normalized)
    lexicon = _lexicon()
    possible = lexicon.possible_cues(normalized)
    for kind in kinds:
        found = lexicon.cue(kind).search(normalized) if kind in possible else None
        if found is not None:
            return Cue(kind, found.group(0).strip())
    return None


def says_it_is_settled(text: str, kinds: tuple[str, ...] = SETTLED_CUES) -> bool:
    """Whether the message itself says it needs nothing urgent: a thanks, a resolved
    report, a joke or a test, with nothing that keeps it urgent (no blocker: it does not
    ask for help now, say the danger is still there, name a person in danger...).

    Routing closes such a message with the acknowledgement when it asks for nothing,
    past the fail-urgent guard: on the project's holdouts the guard held thanks,
    resolved reports and jokes the model gave P1+P2 0.2-0.5, and no P1/P2 among them, and
    thanks the model read as routine got a topic's playbook (docs/EVALUATION.md, "Sixth
    pass")."""
    normalized = normalize(text)
    # The cue first: most messages have none, and then the blockers need no reading.
    return first_cue(normalized, kinds) is not None and blocker(normalized) is None


def blocker(normalized: str) -> Cue | None:
    """Why no cue may calm this text: it asks for help now, says the danger is still
    there or present, names a person in danger, speaks of dying, or says it means it."""
    normalized = without_links(normalized)
    lexicon = _lexicon()
    for i in lexicon.blocker_screen.candidates(normalized):  # in the order of BLOCKERS
        found = lexicon.blocker(BLOCKERS[i]).search(normalized)
        if found is not None:
            return Cue(BLOCKERS[i], found.group(0).strip())
    return None


class SentenceCues:
    """The relayed-news or joke cue of each sentence of one text, each sentence read once
    (a long text full of rule hits must not be read again for every hit)."""

    def __init__(self, normalized: str) -> None:
        self._normalized = normalized
        self._sentences = [(m.start(), m.end(), m.group(0)) for m in _SENTENCE.finditer(normalized)]
        self._starts = [start for start, _, _ in self._sentences]
        self._cues: dict[int, Cue | None] = {}
        self._retraction: Cue | bool | None = False  # False: not read yet
        self._retraction_at = len(normalized)

    def at(self, position: int) -> Cue | None:
        """The cue of the sentence at `position`, unless a blocker is in that sentence.
        A bare interjection ("Help!", 「たすけて〜」, "Tolong!") is read with the sentence
        after it: "Tolong! Kucingku tidur di atas laptopku lagi 😂" laughs as a whole. Only
        for the joke: "Help! I saw on the news..." may be a frightened writer."""
        index = bisect_right(self._starts, position) - 1
        if index < 0 or position >= self._sentences[index][1]:
            return None
        cue = self._cue(index)
        if cue is None and self._is_interjection(index):
            # Through a run of cries: 「助けて！埋まってる！」→洗濯物の山に、です笑
            after_index = index + 1
            while self._is_interjection(after_index):
                after_index += 1
            after = self._cue(after_index)
            if after is not None and after.kind == "joke":
                return after
        if cue is None:
            cue = self._retracted(index, position)
        return cue

    def _retracted(self, index: int, position: int) -> Cue | None:
        """The joke cue of a later sentence that takes back what came before ("救助要請
        です！！プリンが行方不明…冗談です", "We're trapped!! ...in a meeting. jk"), unless
        the hit's own sentence or anything after the retraction keeps it urgent."""
        if self._retraction is False:
            found = compiled(_lexicon().retraction).search(self._normalized)
            after = self._normalized[found.end() :] if found else ""
            if found is not None and blocker(after) is None:
                self._retraction = Cue("joke", found.group(0).strip(" 。.!?…、"))
                self._retraction_at = found.start()
            else:
                self._retraction = None
        if not isinstance(self._retraction, Cue) or position >= self._retraction_at:
            return None
        if self._sentences[index][1] > self._retraction_at:
            return None  # the same sentence: its own cue was read already
        # The cry or the danger it takes back may stand in that sentence; a person named,
        # "still" or "I mean it" keeps it urgent.
        kept = blocker(self._sentences[index][2])
        if kept is not None and kept.kind not in _TAKEN_BACK:
            return None
        return self._retraction

    def _cue(self, index: int) -> Cue | None:
        if index not in self._cues:
            text = self._sentences[index][2]
            self._cues[index] = (
                None if blocker(text) is not None else first_cue(text, SENTENCE_CUES)
            )
        return self._cues[index]

    def _is_interjection(self, index: int) -> bool:
        """A short sentence with a next one: a cry or a call, no statement of its own."""
        if index < 0 or index + 1 >= len(self._sentences):
            return False
        letters = _INTERJECTION_NOISE.sub("", self._sentences[index][2])
        return len(letters) <= INTERJECTION_MAX_LETTERS


def moderate_model_alarm(
    local: LayerVerdict, text: str, set_aside: list[tuple[str, str]]
) -> LayerVerdict:
    """The local model's P1/P2, read again when no rule raised the priority.

    `set_aside` holds (reason, expression) of the rule expressions found but set aside
    (negated, hypothetical, resolved, casual, relayed, joke): evidence that the words
    the model reacts to are not a present danger. Returns `local` unchanged when no cue
    calms the message or a blocker keeps it urgent.
    """
    if not local.priority.needs_human:
        return local
    normalized = normalize(text)
    if blocker(normalized) is not None:
        return local
    cue = first_cue(normalized)
    if cue is None and set_aside:
        reason, expression = set_aside[0]
        cue = Cue(reason, expression)
    if cue is None:
        return local
    reason = (
        f"context: {cue.kind} 「{cue.matched}」: the model's {local.priority} read as "
        "not an emergency by itself; a person looks"
    )
    return local.model_copy(
        update={
            "priority": Priority.ROUTINE,
            "confidence": min(local.confidence, MODERATED_CONFIDENCE),
            "reasons": [*local.reasons, reason],
        }
    )


def with_cue(hit_reason: str | None, cue: Cue | None) -> str | None:
    """A rule hit's suppression after the sentence-level reading (the first reason wins)."""
    if hit_reason is not None or cue is None:
        return hit_reason
    return cue.kind
