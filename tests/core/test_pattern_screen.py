"""The RE2 screen names every expression that matches under `re` (it may name more)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.assessment.normalize import normalize
from triage.assessment.rules import load_lexicons
from triage.core.pattern_screen import PatternScreen, to_re2

ROOT = Path(__file__).resolve().parents[2]

# (Python expression, text it matches under `re`): each a construct RE2 reads
# differently, so the rewrite must widen it rather than copy it.
CONSTRUCTS = [
    (r"(?<![a-z0-9])fire", "a fire"),  # look-behind dropped
    (r"help(?! me later)", "help now"),  # look-ahead dropped
    (r"\bsocorro\b", "socorro!"),
    (r"^閉じ込め", "閉じ込められた"),
    (r"助けて$", "誰か助けて"),
    (r"\w+が倒れ", "祖母が倒れた"),  # RE2's \w is ASCII: Japanese must still count
    (r"\d+人", "３人"),  # full-width digits are \d in Python
    (r"水が\s?来", "水が\u3000来た"),  # the ideographic space is \s in Python
    (r"[^。]{0,15}動けない", "足が痛くて動けない"),  # a negated class widened
    (r"\S+ trapped", "we're trapped"),
    (r"x{2,3}y", "xxy"),
    (r"(?:a|b)c?d", "ad"),
    (r"(?>ab|a)c", "ac"),  # an atomic group
    (r"a++b", "aab"),  # a possessive repeat
    (r"\.\+\(", ".+("),  # escaped metacharacters
    (r"[\]\-^]x", "-x"),
    (r"tab\there", "tab\there"),
    (r"ऊ[\u0900-\u097f]*", "ऊपर"),
]


@pytest.mark.parametrize(("expression", "text"), CONSTRUCTS)
def test_each_construct_is_screened_in(expression: str, text: str) -> None:
    assert re.search(expression, text), "the example must match under re"
    assert PatternScreen([expression]).candidates(text) == [0]


def test_an_expression_re2_cannot_stand_in_for_is_always_named() -> None:
    # A back-reference and a case flag have no RE2 superset written here.
    assert to_re2(r"(ab)\1") is None
    assert to_re2(r"(?i)Fire") is None
    screen = PatternScreen([r"(ab)\1", "never here"])
    assert screen.candidates("nothing at all") == [0]


def test_no_candidates_where_nothing_can_match() -> None:
    screen = PatternScreen(["閉じ込め", "trapped", "fire"])
    assert screen.candidates("避難所はどこですか") == []
    assert screen.candidates("we are trapped by fire") == [1, 2]


def _labelled_texts() -> list[str]:
    paths = [*ROOT.glob("triage/assessment/training/*.jsonl")]
    paths += [*ROOT.glob("ops/eval/assessment/*.jsonl")]
    return [
        json.loads(line)["text"]
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_every_lexicon_entry_on_every_labelled_text() -> None:
    """What the rules rely on: on the ~8,000 training and evaluation texts, no entry
    that matches under `re` is left out by its lexicon's screen."""
    texts = [normalize(text) for text in _labelled_texts()]
    for lexicon in load_lexicons().values():
        sources = [entry.source for entry in lexicon.entries]
        screen = PatternScreen(sources)
        compiled = [re.compile(source) for source in sources]
        for text in texts:
            matching = [i for i, pattern in enumerate(compiled) if pattern.search(text)]
            assert set(matching) <= set(screen.candidates(text)), (lexicon.language, text)


_JAPANESE_SCREEN = PatternScreen([entry.source for entry in load_lexicons()["ja"].entries])
_JAPANESE = [re.compile(entry.source) for entry in load_lexicons()["ja"].entries]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("助けて閉じ込められた水が来る動けない火事の中 。、!?1２３abc"),
        max_size=40,
    )
)
def test_japanese_lexicon_on_random_text(text: str) -> None:
    text = normalize(text)
    matching = {i for i, pattern in enumerate(_JAPANESE) if pattern.search(text)}
    assert matching <= set(_JAPANESE_SCREEN.candidates(text))


def test_a_lone_surrogate_is_screened_not_raised() -> None:
    """A JSON "\\ud800" reaches the rules as a lone surrogate: no UTF-8 form, no crash."""
    text = "助けて\ud800閉じ込められた"
    screen = PatternScreen(["閉じ込め", "助けて.閉じ込め", "never"])
    assert screen.candidates(text) == [0, 1]
