"""Which of many regular expressions can match a text, in one pass: a screen for `re`.

Python's `re` tries every alternative of an alternation at every position of the text,
so screening a lexicon of a few dozen entries (a few hundred expressions) cost 10-30 µs
a message, and a message with Latin letters is screened by eight Latin lexicons. RE2
(`google-re2`) runs a set of expressions as one automaton over the text and reports
which of them matched.

RE2 is not `re`: it has no look-arounds, and its `\\w`, `\\d`, `\\s` and `\\b` are
ASCII. Each expression is therefore rewritten, from Python's own parse of it, into an
RE2 expression that matches wherever the original does and perhaps elsewhere too:
look-arounds and anchors dropped, repeats opened (`{0,15}` becomes `*`, which also keeps
the set's automaton small), Unicode classes spelled out, negated classes widened to any
character. So the screen may name an expression that then does not match, and never
leaves out one that does: callers confirm with `re`, and what they find is exactly what
`re` finds. An expression that cannot be rewritten (a back-reference) is always named.

Parsing and rewriting the project's few hundred expressions took ~0.1-0.2 s of a
process's first message, so the rewrites ship in `re2_rewrites.json`, keyed by the
expression (written by ops/build_re2_rewrites.py, checked by
tests/core/test_re2_rewrites.py). An expression the file does not hold (a lexicon edited
since) is rewritten when its screen is built, as before: the file saves time, it never
changes what a screen names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes
from re import _parser as sre_parse  # type: ignore[attr-defined]  # Python's own parse
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no type hints

# Expressions per RE2 set. A set's automaton tracks every expression at once: 33
# Japanese entries with gaps in one set thrashed its memory (~150 µs a message), sets of
# 8 cost ~6 µs for the whole lexicon (ops/bench, docs/BENCHMARKS.md "eleventh pass").
_PER_SET = 8
# Memory for each set's automaton; RE2 rebuilds its cache when it runs out (slow, not
# wrong). 8 MiB held every lexicon's set on every labelled text.
_SET_MEMORY = 8 << 20

_ANY = "(?s:.)"
# Python's Unicode classes in RE2 terms, each a superset of Python's. \w: letters,
# numbers and the underscore (Python leaves out combining marks; RE2 may include them).
_CATEGORY = {
    sre.CATEGORY_DIGIT: r"\p{Nd}",
    sre.CATEGORY_WORD: r"\p{L}\p{N}\p{Mn}\p{Mc}_",
    sre.CATEGORY_SPACE: r"\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}",
}


class _Unsupported(Exception):
    """An expression RE2 cannot stand in for; the screen always names it."""


def _class_char(code: int) -> str:
    char = chr(code)
    if char in "\\]^-[":
        return "\\" + char
    if code < 32 or code == 127:
        return f"\\x{{{code:x}}}"
    return char


def _literal(code: int) -> str:
    char = chr(code)
    if code > 127 or char.isalnum():
        return char
    if code < 32 or code == 127:
        return f"\\x{{{code:x}}}"
    return re.escape(char)


def _class(items: list[tuple[object, Any]]) -> str:
    if items and items[0][0] is sre.NEGATE:
        return _ANY  # widened: [^。] matches less than any character
    parts: list[str] = []
    for op, arg in items:
        if op is sre.LITERAL:
            parts.append(_class_char(arg))
        elif op is sre.RANGE:
            low, high = arg
            parts.append(f"{_class_char(low)}-{_class_char(high)}")
        elif op is sre.CATEGORY and arg in _CATEGORY:
            parts.append(_CATEGORY[arg])
        else:
            return _ANY  # \S, \W, \D inside a class: widened
    return "[" + "".join(parts) + "]"


def _emit(items: sre_parse.SubPattern) -> str:
    return "".join(_emit_one(op, arg) for op, arg in items)


def _emit_one(op: object, arg: Any) -> str:  # arg's shape depends on the opcode
    if op is sre.LITERAL:
        return _literal(arg)
    if op is sre.NOT_LITERAL:
        return f"[^{_class_char(arg)}]"
    if op is sre.ANY:
        return _ANY
    if op is sre.IN:
        return _class(arg)
    if op is sre.CATEGORY:
        return f"[{_CATEGORY[arg]}]" if arg in _CATEGORY else _ANY
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, item = arg
        body = f"(?:{_emit(item)})"
        if low == 0 and high == 1:
            return body + "?"
        return body + ("*" if low == 0 else "+")
    if op in (sre.SUBPATTERN, sre.ATOMIC_GROUP):
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, item = arg
            if add_flags or del_flags:
                raise _Unsupported("inline flags")
        else:
            item = arg
        return f"(?:{_emit(item)})"
    if op is sre.BRANCH:
        _, branches = arg
        return "(?:" + "|".join(_emit(branch) for branch in branches) + ")"
    if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
        return ""  # look-arounds, ^, $, \b: dropped, so the screen matches more
    raise _Unsupported(str(op))


def to_re2(source: str) -> str | None:
    """An RE2 expression matching at least where `source` matches under `re`, or None
    where there is none (back-references, case or inline flags)."""
    try:
        tree = sre_parse.parse(source)
        if tree.state.flags & (re.IGNORECASE | re.VERBOSE):
            return None
        return _emit(tree)
    except (_Unsupported, re.error, KeyError):
        return None


REWRITES_FILE = "re2_rewrites.json"


@cache
def compiled(source: str) -> re.Pattern[str]:
    """`re.compile(source)`, once per process, when a text first needs it: behind a
    screen most expressions are never searched in a short run. Not left to `re`'s own
    cache, which holds 512 expressions and was evicted by the lexicons' (distinct
    messages fell from 1,340/s to 381/s, docs/BENCHMARKS.md)."""
    return re.compile(source)


@lru_cache(maxsize=1)
def shipped_rewrites() -> dict[str, str | None]:
    """Expression -> its RE2 rewrite (None: always named), as `to_re2` gives it."""
    try:
        text = resources.files("triage.core").joinpath(REWRITES_FILE).read_text("utf-8")
    except FileNotFoundError:
        return {}
    table: dict[str, str | None] = json.loads(text)
    return table


def rewrite(source: str) -> str | None:
    """`to_re2(source)`, from the shipped table where it holds the expression."""
    table = shipped_rewrites()
    return table[source] if source in table else to_re2(source)


class PatternScreen:
    """Built once per list of expressions: `candidates(text)` names, by position in the
    list, every expression that can match somewhere in `text` (and perhaps a few more)."""

    def __init__(self, sources: Sequence[str]) -> None:
        self._always: list[int] = []
        self._sets: list[tuple[re2.Set, list[int]]] = []
        rewritten: list[tuple[int, str]] = []
        for index, source in enumerate(sources):
            expression = rewrite(source)
            if expression is None:
                self._always.append(index)
            else:
                rewritten.append((index, expression))
        for start in range(0, len(rewritten), _PER_SET):
            group = rewritten[start : start + _PER_SET]
            options = re2.Options()
            options.max_mem = _SET_MEMORY
            screen = re2.Set.SearchSet(options)
            for _index, expression in group:
                screen.Add(expression)
            screen.Compile()
            self._sets.append((screen, [index for index, _ in group]))

    def candidates(self, text: str) -> list[int]:
        """Positions of the expressions that can match `text`, in ascending order."""
        found = list(self._always)
        # Once, not once per set. A lone surrogate (a JSON "\ud800") has no UTF-8 form:
        # it becomes "?", which every expression that can match it (any character, a
        # widened class) matches too, so the screen still names them.
        encoded = text.encode("utf-8", errors="replace")
        for screen, positions in self._sets:
            matched = screen.Match(encoded)
            if matched:
                found.extend(positions[i] for i in matched)
        if len(found) > 1:
            found.sort()
        return found
