"""The keyword index chooses exactly what the plain matcher chooses: same playbook, same
score, same reasons, for any text and any allowed subset of the library."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from playbooks.files import default_playbooks
from playbooks.library_index import LibraryIndex
from playbooks.matcher import match
from triage.assessment.schemas import (
    FLAG_INJECTION,
    Assessment,
    Category,
    Engine,
    Priority,
)

LIBRARY = tuple(default_playbooks())
INDEX = LibraryIndex(LIBRARY)
KEYWORDS = sorted({w for p in LIBRARY for words in p.keywords.values() for w in words})
pieces = st.one_of(
    st.sampled_from(KEYWORDS),
    st.text(max_size=8),
    st.sampled_from(["、", "。", " ", "ですか", "please", "?", "ｷｭｳｽｲ", "WATER"]),
)
texts = st.lists(pieces, max_size=8).map("".join)
assessments = st.builds(
    Assessment,
    priority=st.sampled_from([Priority.ROUTINE, Priority.NO_ACTION, Priority.URGENT_NEED]),
    category=st.sampled_from(list(Category)),
    language=st.sampled_from(["ja", "en", "vi"]),
    confidence=st.just(0.8),
    engine=st.just(Engine.RULES),
    flags=st.sampled_from([[], [FLAG_INJECTION, "injection:ignore_previous"]]),
)


@settings(max_examples=400, deadline=None)
@given(
    assessment=assessments,
    text=texts,
    allowed=st.sets(st.sampled_from([p.id for p in LIBRARY])),
)
def test_the_index_chooses_what_the_matcher_chooses(
    assessment: Assessment, text: str, allowed: set[str]
) -> None:
    subset = [p for p in LIBRARY if p.id in allowed]
    assert INDEX.match(assessment, text, lambda p: p.id in allowed) == match(
        assessment, text, subset
    )
    assert INDEX.match(assessment, text) == match(assessment, text, LIBRARY)
