"""Does the message report a bodily symptom now? Then a person answers it.

A calm question can carry a medical emergency: "the child has a 40-degree fever and we
have no car, how do we get to a hospital?", "we ran the generator in the hall and
everyone has a headache, is it a cold?". Their words are routine (a question, a
hospital, a cold), the local model gives them little urgency, and a playbook would
answer them. Routing therefore sends a message that reports a symptom (pain with where
it hurts, fever, vomiting, dizziness, breathlessness, bleeding, a wound, a burn,
convulsions) to staff, never to a playbook or the P4 acknowledgement; the priority
does not change (staff, not the urgent queue, whose precision responders rely on).

Negated mentions do not count ("no fever", "不发烧", 痛くない); the list is in
`lexicons/symptoms.json`, reviewed like the rules' lexicons.
"""

from __future__ import annotations

import re
from functools import lru_cache

from triage.assessment.normalize import normalize, without_japanese_spaces
from triage.assessment.rules import compile_patterns, pattern_source, read_lexicon_file
from triage.core.pattern_screen import PatternScreen, compiled

LEXICON = "symptoms.json"


def screen_sources() -> list[str]:
    """The one expression the symptom screen reads (ops/build_re2_rewrites.py)."""
    return [pattern_source(read_lexicon_file(LEXICON)["symptoms"])]


@lru_cache(maxsize=1)
def _screen() -> PatternScreen:
    # One RE2 pass says when no symptom word can be there (most messages).
    return PatternScreen(screen_sources())


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compiled for the first text the screen lets through."""
    doc = read_lexicon_file(LEXICON)
    return compiled(screen_sources()[0]), compile_patterns(doc["negation_before"])


def reports_a_symptom(text: str) -> bool:
    """Whether `text` reports a present bodily symptom that is not negated just before."""
    normalized = without_japanese_spaces(normalize(text))
    if not _screen().candidates(normalized):
        return False
    symptoms, negation_before = _patterns()
    for found in symptoms.finditer(normalized):
        if negation_before.search(normalized, max(0, found.start() - 14), found.start()) is None:
            return True
    return False
