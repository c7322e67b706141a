"""Layer 1, safety rules: reviewed lexicons that catch life threats instantly and offline.

A rule fires on an expression from `lexicons/<language>.json` unless the sentence
around it says the danger is not there: negated ("閉じ込められてはいない"), hypothetical
("もし津波が来たら"), over and resolved ("昨日は浸水したが今は大丈夫"), or a casual idiom
("死ぬほど暑い"). The rules only ever raise: when nothing fires they return None and
the other layers decide. Suppressions are strict on purpose (a resolved marker must
follow a past event, a negation must sit right next to the expression), because a
missed emergency costs more than a responder reading a false alarm.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from triage.assessment.context import SentenceCues, with_cue
from triage.assessment.normalize import (
    normalize,
    normalize_pattern,
    without_japanese_spaces,
    without_links,
)
from triage.assessment.schemas import Category, Engine, LayerVerdict, Priority
from triage.core.pattern_screen import PatternScreen, compiled

RULE_CONFIDENCE = {Priority.LIFE_THREAT: 0.95, Priority.URGENT_NEED: 0.9}
# A Latin-script expression must start at a word start ("fire" must not fire in "campfire").
_LATIN_WORD_START = r"(?<![a-z0-9])"
_SENTENCE_END = re.compile(r"[。.!?\n।]")
_CLAUSE_END = re.compile(r"[。.!?\n।、,;]")
# The text that decides which lexicons can apply: an English word cannot occur in Hangul.
_SCRIPT_TESTS: dict[str, re.Pattern[str]] = {
    "cjk": re.compile(r"[\u3041-\u30ff\u4e00-\u9fff]"),
    "hangul": re.compile(r"[\uac00-\ud7af]"),
    "devanagari": re.compile(r"[\u0900-\u097f]"),
    "latin": re.compile(r"[a-z]"),
}
# Lexicon files that are not one language's emergency expressions.
NOT_LANGUAGE_LEXICONS = frozenset({"injection.json", "context.json", "symptoms.json"})
# The entries that say a place is cut off (roads gone): ja.isolated, en.isolated.
ISOLATION_SUFFIX = ".isolated"
# Entries (`<language>.suicidal`) whose statement makes the category medical.
SUICIDAL_SUFFIX = ".suicidal"
# Entries that are a bare cry for help in each lexicon ("助けて", "socorro", "tolong"):
# they set how urgent a message is, never which need it has when another entry says.
CRY_FOR_HELP_ENTRIES = frozenset({"help", "help_general"})
# Every lexicon whose script appears in the text runs: language detection on a short,
# unaccented SMS is a guess, and residents mix English into their own language.


@dataclass(frozen=True)
class LexiconEntry:
    id: str
    priority: Priority
    category: Category
    source: str  # the entry's patterns as one normalised expression
    example: str

    @property
    def pattern(self) -> re.Pattern[str]:
        # Compiled when a message first needs this entry: the lexicon's RE2 screen
        # (`_screen`) reads every message, so most entries are never searched in a
        # short run (compiling all of them at start-up cost ~0.1 s of `triage assess`).
        return compiled(self.source)


@dataclass(frozen=True)
class Modifiers:
    """Per-language context patterns; each list may be empty."""

    negation_before: tuple[re.Pattern[str], ...]
    negation_after: tuple[re.Pattern[str], ...]
    hypothetical_before: tuple[re.Pattern[str], ...]
    hypothetical_after: tuple[re.Pattern[str], ...]
    past: tuple[re.Pattern[str], ...]
    resolved: tuple[re.Pattern[str], ...]
    still: tuple[re.Pattern[str], ...]
    casual: tuple[re.Pattern[str], ...]
    # Read on the sentence up to the expression: a condition in an earlier clause of
    # the same sentence ("もし夜中に避難指示が出たら、寝たきりの母はどう運べば").
    hypothetical_condition: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Lexicon:
    language: str
    script: str
    entries: tuple[LexiconEntry, ...]
    modifiers: Modifiers


@dataclass(frozen=True)
class RuleHit:
    """One expression found in the text, and why it was set aside if it was."""

    entry_id: str
    priority: Priority
    category: Category
    matched: str
    start: int
    suppressed_by: str | None = None


def pattern_source(patterns: list[str], prefix: str = "") -> str:
    """One expression for a list of lexicon patterns, each normalised like the text."""
    body = "|".join(f"(?:{normalize_pattern(p)})" for p in patterns)
    return f"{prefix}(?:{body})"


def compile_patterns(patterns: list[str], prefix: str = "") -> re.Pattern[str]:
    return re.compile(pattern_source(patterns, prefix))


def _compile_each(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(normalize_pattern(p)) for p in patterns)


def _parse_lexicon(doc: dict[str, Any]) -> Lexicon:
    prefix = _LATIN_WORD_START if doc["script"] == "latin" else ""
    entries = tuple(
        LexiconEntry(
            id=raw["id"],
            priority=Priority(raw["priority"]),
            category=Category(raw["category"]),
            source=pattern_source(raw["patterns"], prefix),
            example=raw["example"],
        )
        for raw in doc["entries"]
    )
    mods = doc["modifiers"]
    modifiers = Modifiers(
        negation_before=_compile_each(mods["negation_before"]),
        negation_after=_compile_each(mods["negation_after"]),
        hypothetical_before=_compile_each(mods["hypothetical_before"]),
        hypothetical_after=_compile_each(mods["hypothetical_after"]),
        past=_compile_each(mods["past"]),
        resolved=_compile_each(mods["resolved"]),
        still=_compile_each(mods["still"]),
        casual=_compile_each([c["pattern"] for c in mods["casual"]]),
        hypothetical_condition=_compile_each(mods.get("hypothetical_condition", [])),
    )
    return Lexicon(
        language=doc["language"],
        script=doc["script"],
        entries=entries,
        modifiers=modifiers,
    )


def read_lexicon_file(name: str) -> dict[str, Any]:
    text = resources.files("triage.assessment.lexicons").joinpath(name).read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


@lru_cache(maxsize=1)
def load_lexicons() -> dict[str, Lexicon]:
    """Every language lexicon shipped in `lexicons/`, keyed by language code."""
    lexicons: dict[str, Lexicon] = {}
    for item in resources.files("triage.assessment.lexicons").iterdir():
        if item.name.endswith(".json") and item.name not in NOT_LANGUAGE_LEXICONS:
            lexicon = _parse_lexicon(read_lexicon_file(item.name))
            lexicons[lexicon.language] = lexicon
    return lexicons


def _lexicons_for(normalized: str, language: str) -> list[Lexicon]:
    """The detected language's lexicon first, then every other one its script allows."""
    base_language = "ja" if language == "ja-easy" else language
    present = tuple(test.search(normalized) is not None for test in _SCRIPT_TESTS.values())
    return list(_lexicons_in_order(base_language, present))


@lru_cache(maxsize=256)
def _lexicons_in_order(base_language: str, present: tuple[bool, ...]) -> tuple[Lexicon, ...]:
    """Per (language, scripts present): a few dozen combinations, sorted once each."""
    scripts = {script for script, here in zip(_SCRIPT_TESTS, present, strict=True) if here}
    ordered = sorted(
        load_lexicons().values(), key=lambda lexicon: lexicon.language != base_language
    )
    return tuple(lexicon for lexicon in ordered if lexicon.script in scripts)


def _span(text: str, start: int, end: int, boundary: re.Pattern[str]) -> tuple[int, int]:
    """The sentence or clause around text[start:end]."""
    left = 0
    for found in boundary.finditer(text, 0, start):
        left = found.end()
    right_match = boundary.search(text, end)
    right = right_match.start() if right_match else len(text)
    return left, right


def _suppression(
    text: str, start: int, end: int, mods: Modifiers, casual: list[tuple[int, int]]
) -> str | None:
    """Why the expression at text[start:end] is not a present danger, or None if it is."""
    if any(c_start < end and start < c_end for c_start, c_end in casual):
        return "casual"
    clause_start, clause_end = _span(text, start, end, _CLAUSE_END)
    before = text[clause_start:start]
    after = text[end:clause_end]
    afters = (after, after.lstrip())  # たすけて くれて: kana-only writers' spaces
    if any(p.search(before[-30:]) for p in mods.negation_before) or any(
        p.match(words) for p in mods.negation_after for words in afters
    ):
        return "negated"
    if any(p.search(before) for p in mods.hypothetical_before) or any(
        p.match(after) for p in mods.hypothetical_after
    ):
        return "hypothetical"
    clause = text[clause_start:clause_end]
    sentence_start, _ = _span(text, start, end, _SENTENCE_END)
    if any(p.search(text, sentence_start, start) for p in mods.hypothetical_condition):
        return "hypothetical"
    around = text[sentence_start:clause_end]
    if (
        any(p.search(around) for p in mods.past)
        and any(p.search(text, end) for p in mods.resolved)
        and not any(p.search(clause) for p in mods.still)
    ):
        return "resolved"
    return None


def _merge_modifiers(lexicons: list[Lexicon]) -> Modifiers:
    languages = tuple(lexicon.language for lexicon in lexicons)
    return _merged_modifiers(languages)


@lru_cache(maxsize=64)
def _merged_modifiers(languages: tuple[str, ...]) -> Modifiers:
    """Keyed by language codes, not by the Lexicon objects: hashing a frozen Lexicon
    hashes every pattern it holds, which cost more than the merge it was saving."""
    lexicons = load_lexicons()
    return Modifiers(
        **{
            field: tuple(
                p for language in languages for p in getattr(lexicons[language].modifiers, field)
            )
            for field in Modifiers.__dataclass_fields__
        }
    )


def find_hits(text: str, language: str) -> list[RuleHit]:
    """Every lexicon expression in `text`, in order, each marked fired or suppressed.

    Also looked for without the spaces kana-only writers put between Japanese words
    ("がす の におい します"): the plain form first (a cut-off 「たすけ」 ends at a space),
    then an entry found only without the spaces, its position in that form.
    """
    # A link's words are not the writer's: "bit.ly/ajuda-jp" in a scam asks nobody for help.
    normalized = without_links(normalize(text))
    hits = _hits_in(normalized, language)
    joined = without_japanese_spaces(normalized)
    if joined != normalized:
        found = {hit.entry_id for hit in hits}
        again = _hits_in(joined, language, scripts=("cjk",))  # only Japanese spaces went
        hits += [hit for hit in again if hit.entry_id not in found]
    hits.sort(key=lambda hit: hit.start)
    return hits


def _matches_in(normalized: str, lexicon: Lexicon) -> list[tuple[LexiconEntry, re.Match[str]]]:
    """Every match of the lexicon's entries, entry by entry. RE2 names the entries that
    can match (one pass over the text for the whole lexicon); `re` confirms each."""
    entries = lexicon.entries
    return [
        (entries[i], match)
        for i in _screen(lexicon.language).candidates(normalized)
        for match in entries[i].pattern.finditer(normalized)
    ]


@cache
def _screen(language: str) -> PatternScreen:
    """Built when a message first needs the lexicon (~10 ms for the Japanese one)."""
    return PatternScreen(screen_sources(language))


def screen_sources(language: str) -> list[str]:
    """The expressions the lexicon's screen reads, in the order of its entries."""
    return [entry.source for entry in load_lexicons()[language].entries]


def _hits_in(normalized: str, language: str, scripts: tuple[str, ...] = ()) -> list[RuleHit]:
    hits: list[RuleHit] = []
    found = [
        (lexicon, matches)
        for lexicon in _lexicons_for(normalized, language)
        if (not scripts or lexicon.script in scripts)
        and (matches := _matches_in(normalized, lexicon))
    ]
    if not found:
        return hits
    lexicons = [lexicon for lexicon, _ in found]
    # Casual idioms count across lexicons: "火災保険" is insurance whichever lexicon saw "火災".
    casual = [
        (m.start(), m.end())
        for lexicon in lexicons
        for p in lexicon.modifiers.casual
        for m in p.finditer(normalized)
    ]
    # Context words of every language present apply to every hit: residents mix
    # languages, and an English word inside a Tagalog message is negated in English.
    modifiers = _merge_modifiers(lexicons)
    sentences = SentenceCues(normalized)
    for _lexicon, matches in found:
        for entry, match in matches:
            suppressed_by = _suppression(normalized, match.start(), match.end(), modifiers, casual)
            if suppressed_by is None and not entry.id.endswith(SUICIDAL_SUFFIX):
                # Its sentence may relay news or joke; not a suicidal statement: "she
                # says we would be better off without her" relays a present danger.
                suppressed_by = with_cue(None, sentences.at(match.start()))
            hits.append(
                RuleHit(
                    entry_id=entry.id,
                    priority=entry.priority,
                    category=entry.category,
                    matched=match.group(0).strip(),
                    start=match.start(),
                    suppressed_by=suppressed_by,
                )
            )
    return hits


def set_aside_expressions(text: str, language: str) -> list[tuple[str, str]]:
    """(reason, expression) of every expression found but set aside, in order."""
    return [(h.suppressed_by, h.matched) for h in find_hits(text, language) if h.suppressed_by]


def _cut_off_and_short_of_supplies(fired: list[RuleHit], priority: Priority) -> bool:
    """Every rescue expression at this priority is an isolation (`*.isolated`), and a
    supplies shortage fired at the same priority."""
    at_priority = [hit for hit in fired if hit.priority == priority]
    rescue = [hit for hit in at_priority if hit.category is Category.RESCUE]
    return all(hit.entry_id.endswith(ISOLATION_SUFFIX) for hit in rescue) and any(
        hit.category is Category.WATER_FOOD_SUPPLIES for hit in at_priority
    )


def _category_of(fired: list[RuleHit], priority: Priority) -> Category:
    """The category of the most urgent expressions.

    A suicidal statement is the need, whatever else the message tells ("家も全部流された。
    もう生きてる意味ない" is not a flood rescue). Otherwise the earliest expression of that
    priority names it (citizens lead with what matters most: "火事で閉じ込められた" is first
    a fire), passing over a bare cry for help ("Socorro! minha filha sumiu" is a missing
    child): the cry says how urgent, not what is needed.
    """
    at_priority = [hit for hit in fired if hit.priority == priority]
    if any(hit.entry_id.endswith(SUICIDAL_SUFFIX) for hit in at_priority):
        return Category.MEDICAL
    specific = [hit for hit in at_priority if not _is_a_cry_for_help(hit)] or at_priority
    return specific[0].category


def _is_a_cry_for_help(hit: RuleHit) -> bool:
    return hit.entry_id.rsplit(".", 1)[-1] in CRY_FOR_HELP_ENTRIES


def assess_by_rules(text: str, language: str) -> LayerVerdict | None:
    """The rules' verdict: the most urgent expression that fired, or None if none did."""
    hits = find_hits(text, language)
    fired = [hit for hit in hits if hit.suppressed_by is None]
    if not fired:
        return None
    priority = min(hit.priority for hit in fired)
    category = _category_of(fired, priority)
    if category is Category.RESCUE and _cut_off_and_short_of_supplies(fired, priority):
        # "孤立して4日目、水と食べ物が底をつきそう": isolation says where the people are,
        # the shortage says what they need (a supply run, not a rescue team).
        category = Category.WATER_FOOD_SUPPLIES
    reasons = [f"rule {hit.entry_id}: 「{hit.matched}」" for hit in fired]
    reasons += [
        f"rule {hit.entry_id} set aside ({hit.suppressed_by}): 「{hit.matched}」"
        for hit in hits
        if hit.suppressed_by
    ]
    return LayerVerdict(
        engine=Engine.RULES,
        priority=priority,
        category=category,
        confidence=RULE_CONFIDENCE.get(priority, 0.8),
        reasons=reasons,
    )
