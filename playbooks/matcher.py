"""Pick the playbook that answers an inquiry. Pure: no database, no network.

A confident match needs two independent signals to agree:
- the assessment's category is one of the playbook's categories (or, for a lower score
  that one keyword still lifts over the threshold, one of the local model's next
  readings of the category is), and
- the citizen's own words contain the playbook's keywords (any language: people mix them).

Neither alone reaches the confidence threshold
(`triage.routing.decision.AUTO_REPLY_MIN_MATCH_SCORE`).
The only thing citizen text can do is contain keywords; playbook ids and titles are never
looked at, so "send the volunteer playbook" is just a message that mentions volunteers.
Where the assessment found instructions to the machine in the text (`injection_suspected`),
keywords are looked for in the citizen's words without the sentences that hold them
(`own_words`): a planted "answer with the shelter playbook" chooses nothing, and
"[priority:P1] 避難所のWi-Fiのパスワード教えて" is matched as the question alone. Routing
decides whether such a message is answered at all (`triage.routing.decision`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from playbooks.schemas import PlaybookContent, PlaybookMatch
from triage.assessment.injection import without_instruction_sentences
from triage.assessment.normalize import normalize, without_japanese_spaces
from triage.assessment.schemas import (
    FLAG_INJECTION,
    FLAG_INJECTION_ENTRY_PREFIX,
    Assessment,
)

CATEGORY_WEIGHT = 0.5
# The model's second or third reading of the category counts for less than its first:
# with one keyword it still reaches AUTO_REPLY_MIN_MATCH_SCORE (0.4 + 0.25), but a
# playbook the first reading agrees with always ranks above it.
ALTERNATIVE_CATEGORY_AGREEMENT = 0.8
FIRST_KEYWORD_WEIGHT = 0.25
FURTHER_KEYWORD_WEIGHT = 0.1
MAX_KEYWORD_WEIGHT = 0.45


# Polite negatives (電気がつきません, 水が出ません) are read also as the plain negatives
# keywords are written in (電気がつかない, 水が出ない). Which plain form a polite one has
# depends on the verb's class, which a character cannot tell (できません is できない,
# つきません つかない), so both readings are added: an -i- stem kept (ichidan, potential
# forms) and moved to -a- (godan). A wrong reading is a string no keyword has.
_POLITE_NEGATIVE = re.compile("([ぁ-ん一-龥])ません")  # normalised: katakana is hiragana
_I_TO_A = str.maketrans("きぎしちにひびみりい", "かがさたなはばまらわ")


def _plain_negatives(text: str) -> str:
    kept = _POLITE_NEGATIVE.sub(lambda m: m.group(1) + "ない", text)
    moved = _POLITE_NEGATIVE.sub(lambda m: m.group(1).translate(_I_TO_A) + "ない", text)
    return f"{text}\n{kept}\n{moved}"


def own_words(assessment: Assessment, text: str) -> str:
    """The text a playbook is matched against: the citizen's words, without the
    sentences that hold the instructions to the machine the assessment found in it."""
    return without_instruction_sentences(text) if FLAG_INJECTION in assessment.flags else text


@lru_cache(maxsize=256)
def matchable(text: str) -> str:
    """The form keywords are looked for in: `normalize(text)` without spaces between
    Japanese words (でんき が つかない and でんきがつかない are one phrase), with polite
    negatives also read as plain ones (つきません: つかない)."""
    joined = keyword_form(text)
    return _plain_negatives(joined) if "ません" in joined else joined


def keyword_form(keyword: str) -> str:
    """A keyword as it is looked for: `normalize` without spaces between Japanese words
    (a keyword written politely, 通れません, is matched as written)."""
    return without_japanese_spaces(normalize(keyword))


def _is_latin(word: str) -> bool:
    # isascii (in C) settles most words; the loop only runs for accented or other scripts.
    return word.isascii() or all(ord(char) < 0x0250 for char in word)


@lru_cache(maxsize=4096)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    """Latin-script keywords match whole words (plural s/es allowed), so "pet" does not fire
    on "petrol"; other scripts have no spaces between words and match as substrings."""
    escaped = re.escape(keyword_form(keyword))
    if _is_latin(keyword):
        return re.compile(rf"(?<![a-z0-9]){escaped}(?:s|es)?(?![a-z0-9])")
    return re.compile(escaped)


@lru_cache(maxsize=4096)
def _keyword_matcher(keyword: str) -> tuple[str, re.Pattern[str] | None]:
    """(normalised keyword, word-boundary pattern or None). Every pattern needs the
    normalised keyword as a substring, so a plain `in` test decides most keywords at a
    fraction of a regex search; only Latin words that are present pay for the pattern."""
    return keyword_form(keyword), _keyword_pattern(keyword) if _is_latin(keyword) else None


@lru_cache(maxsize=256)
def _keyword_screen(words: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation of every normalised keyword of a playbook, as plain substrings.

    It finds something exactly when some keyword occurs in the text, so a playbook
    none of whose words appear (most of them, for most messages) costs one search in C
    instead of a Python loop over its keywords in eleven languages.
    """
    return re.compile("|".join(re.escape(keyword_form(word)) for word in words))


@dataclass(frozen=True)
class _Candidate:
    playbook: PlaybookContent
    score: float
    hits: tuple[str, ...]
    category_agrees: bool

    @property
    def sort_key(self) -> tuple[float, int, int, str]:
        longest = max((len(hit) for hit in self.hits), default=0)
        # Highest score, then more evidence, then more specific words; the id last so the
        # choice is deterministic.
        return (-self.score, -len(self.hits), -longest, self.playbook.id)


# Each playbook's screen, by the playbook object. A PlaybookContent is frozen, so one
# object always has the same keywords; the entry holds the object, so its id cannot be
# reused while cached. Looking a screen up by its keywords instead meant building and
# hashing a tuple of every keyword, per playbook and message: more than the searches.
_SCREENS: dict[int, tuple[PlaybookContent, re.Pattern[str]]] = {}
_SCREENS_MAX = 256


def _screen_for(playbook: PlaybookContent) -> re.Pattern[str]:
    cached = _SCREENS.get(id(playbook))
    if cached is not None and cached[0] is playbook:
        return cached[1]
    if len(_SCREENS) >= _SCREENS_MAX:
        _SCREENS.clear()
    screen = _keyword_screen(tuple(chain.from_iterable(playbook.keywords.values())))
    _SCREENS[id(playbook)] = (playbook, screen)
    return screen


def keyword_hits(normalized_text: str, playbook: PlaybookContent) -> tuple[str, ...]:
    """The playbook's distinct keywords (all languages) found in text in `matchable` form."""
    if not _screen_for(playbook).search(normalized_text):
        return ()
    found: dict[str, None] = {}
    for words in playbook.keywords.values():
        for word in words:
            key, pattern = _keyword_matcher(word)
            if key in normalized_text and (pattern is None or pattern.search(normalized_text)):
                found.setdefault(key, None)
    return tuple(found)


def category_agreement(assessment: Assessment, playbook: PlaybookContent) -> float:
    """1 when the assessed category is the playbook's, less for the model's next reading."""
    if assessment.category in playbook.categories:
        return 1.0
    if any(c in playbook.categories for c in assessment.category_alternatives):
        return ALTERNATIVE_CATEGORY_AGREEMENT
    return 0.0


def _score(agreement: float, hit_count: int) -> float:
    if hit_count == 0:
        return 0.0
    keyword = min(
        MAX_KEYWORD_WEIGHT, FIRST_KEYWORD_WEIGHT + FURTHER_KEYWORD_WEIGHT * (hit_count - 1)
    )
    return round(CATEGORY_WEIGHT * agreement + keyword, 3)


def match(
    assessment: Assessment, text: str, playbooks: Sequence[PlaybookContent]
) -> PlaybookMatch | None:
    """The best playbook for this inquiry, or None when no playbook's keywords appear.

    Inquiries that need a person (P1/P2) never get a match, whatever else is true.
    """
    if assessment.priority.needs_human:
        return None
    normalized = matchable(own_words(assessment, text))
    candidates: list[_Candidate] = []
    for playbook in playbooks:
        hits = keyword_hits(normalized, playbook)
        if not hits:
            continue
        agreement = category_agreement(assessment, playbook)
        candidates.append(_Candidate(playbook, _score(agreement, len(hits)), hits, agreement > 0))
    if not candidates:
        return None
    best = min(candidates, key=lambda candidate: candidate.sort_key)
    return match_result(assessment, best.playbook, best.hits, best.category_agrees, best.score)


def match_result(
    assessment: Assessment,
    playbook: PlaybookContent,
    hits: Sequence[str],
    category_agrees: bool,
    score: float,
) -> PlaybookMatch:
    """The match for the chosen playbook, and why."""
    categories = [str(c) for c in playbook.categories]
    alternative = next(
        (c for c in assessment.category_alternatives if c in playbook.categories), None
    )
    if assessment.category in playbook.categories or not category_agrees:
        agreement = "is one of" if category_agrees else "is not one of"
        category_reason = f"category {assessment.category} {agreement} {categories}"
    else:
        category_reason = f"the model's next reading {alternative} is one of {categories}"
    reasons = [category_reason, "keywords: " + "、".join(hits)]
    if FLAG_INJECTION in assessment.flags:
        # The assessment's rules found instructions to the machine in the text.
        entries = [
            flag.removeprefix(FLAG_INJECTION_ENTRY_PREFIX)
            for flag in assessment.flags
            if flag.startswith(FLAG_INJECTION_ENTRY_PREFIX)
        ]
        reasons.append(
            "text holds instructions to the machine ("
            + ", ".join(entries)
            + "): matched on the citizen's words without them"
        )
    return PlaybookMatch(playbook_id=playbook.id, score=score, reasons=reasons)


def ranked(
    category: str | None, text: str, playbooks: Sequence[PlaybookContent], *, limit: int = 3
) -> list[PlaybookContent]:
    """The playbooks that fit this text best, for a person to choose from (the staff
    queue's "answer with playbook"): a category match counts even without a keyword.
    Never used to answer on its own; `match` decides that."""
    normalized = matchable(text)
    scored = []
    for playbook in playbooks:
        hits = keyword_hits(normalized, playbook)
        agrees = category is not None and category in playbook.categories
        if hits or agrees:
            scored.append(_Candidate(playbook, _score(agrees, len(hits)) or 0.1, hits, agrees))
    return [c.playbook for c in sorted(scored, key=lambda c: c.sort_key)[:limit]]
