"""Stale translations: when one language's answer changes, the others need review.

A language is stale in a version when another language's answer changed after this
language's own answer last changed or was last confirmed by a coordinator. Computed
from the versions themselves (never changed) and the confirmations (append-only), so
there is no flag to forget to clear.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def _answer_texts(content: Mapping[str, object]) -> dict[str, tuple[str, str]]:
    answers = content.get("answers") or {}
    fallback = content.get("answers_no_location") or {}
    assert isinstance(answers, dict) and isinstance(fallback, dict)
    return {
        language: (str(answers.get(language, "")), str(fallback.get(language, "")))
        for language in set(answers) | set(fallback)
    }


def stale_languages(
    versions: Sequence[Mapping[str, object]],
    confirmed: Mapping[int, set[str]],
    *,
    upto: int | None = None,
) -> list[str]:
    """The stale languages of version `upto` (default: the last). `versions` are the
    versions' contents, oldest first (version n at index n-1); `confirmed` maps a version
    to the languages a coordinator confirmed as still right in it.

    Walked version by version: an edit to an up-to-date answer is new content, and makes
    every other language stale; an edit to a stale answer is catching up, and only makes
    that one current. A new translation makes nothing stale."""
    last = len(versions) if upto is None else upto
    stale: set[str] = set()
    previous: dict[str, tuple[str, str]] = {}
    for number, content in enumerate(versions[:last], start=1):
        texts = _answer_texts(content)
        changed = {
            lang for lang, text in texts.items() if lang in previous and previous[lang] != text
        }
        new_content = changed - stale
        stale -= changed
        if new_content:
            stale |= set(texts) - changed
        stale &= set(texts)
        stale -= confirmed.get(number, set())
        previous = texts
    return sorted(stale)
