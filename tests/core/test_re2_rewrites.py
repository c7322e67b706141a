"""The shipped RE2 rewrites (triage/core/re2_rewrites.json): what `to_re2` gives for every
expression the assessment screens, and for every one of them. Out of date, the screens
are only slower; these tests say so, and how to rebuild the file."""

from __future__ import annotations

from ops.build_re2_rewrites import rewrites, screened_expressions
from triage.core.pattern_screen import rewrite, shipped_rewrites, to_re2

REBUILD = "run .venv/bin/python ops/build_re2_rewrites.py"


def test_every_screened_expression_is_in_the_file() -> None:
    shipped = shipped_rewrites()
    missing = [source[:60] for source in screened_expressions() if source not in shipped]
    assert not missing, f"{len(missing)} expressions not in re2_rewrites.json: {REBUILD}"


def test_the_file_holds_what_to_re2_gives_and_nothing_else() -> None:
    assert shipped_rewrites() == rewrites(), f"re2_rewrites.json is out of date: {REBUILD}"


def test_an_expression_the_file_does_not_hold_is_rewritten_as_before() -> None:
    source = "(?<![a-z])flooded basement(?! party)"
    assert source not in shipped_rewrites()
    assert rewrite(source) == to_re2(source) == "flooded\\ basement"
