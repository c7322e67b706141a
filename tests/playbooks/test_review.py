"""Stale translations, from the versions alone: a changed answer makes the other
languages' answers need review until they are edited or confirmed."""

from __future__ import annotations

from playbooks.review import stale_languages


def version(**answers: str) -> dict[str, object]:
    return {"answers": answers}


def test_editing_japanese_makes_the_others_stale_until_edited_or_confirmed() -> None:
    history = [
        version(ja="給水車は駅前に来ます。", en="Water trucks come to the station."),
        version(ja="給水車は小学校に来ます。", en="Water trucks come to the station."),
    ]
    assert stale_languages(history[:1], {}) == []
    assert stale_languages(history, {}) == ["en"]
    assert stale_languages(history, {2: {"en"}}) == []  # a coordinator confirmed it
    edited = [
        *history,
        version(ja="給水車は小学校に来ます。", en="Water trucks come to the school."),
    ]
    assert stale_languages(edited, {}) == []
    assert stale_languages(edited, {}, upto=2) == ["en"]  # what version 2 was


def test_adding_a_translation_makes_nothing_stale_and_a_later_change_does() -> None:
    history = [
        version(ja="開いています。"),
        version(ja="開いています。", vi="Đang mở cửa."),
        version(ja="閉まりました。", vi="Đang mở cửa."),
    ]
    assert stale_languages(history[:2], {}) == []
    assert stale_languages(history, {}) == ["vi"]
    # Confirming in an older version does not cover a change made after it.
    assert stale_languages(history, {2: {"vi"}}) == ["vi"]
