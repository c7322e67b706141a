"""Segment arithmetic: UCS-2 70/67, GSM-7 160/153, and the two-segment answer budget."""

from __future__ import annotations

from channels.sms.segments import count_segments, fit_segments


def test_japanese_is_ucs2_with_70_then_67_per_segment() -> None:
    assert count_segments("あ" * 70).segments == 1
    assert count_segments("あ" * 71).segments == 2
    assert count_segments("あ" * 134).segments == 2
    assert count_segments("あ" * 135).segments == 3
    assert count_segments("あ").encoding == "UCS-2"


def test_plain_english_is_gsm7_with_160_then_153() -> None:
    assert count_segments("a" * 160) == count_segments("a" * 160)
    assert count_segments("a" * 160).segments == 1
    assert count_segments("a" * 161).segments == 2
    assert count_segments("a" * 306).segments == 2
    assert count_segments("a" * 307).segments == 3


def test_extension_characters_take_two_septets_and_emoji_two_units() -> None:
    assert count_segments("€" * 80).units == 160
    assert count_segments("€" * 81).segments == 2
    assert count_segments("🙂" * 35).units == 70


def test_fit_keeps_the_tail_and_shortens_the_head() -> None:
    tail = "\n詳細: https://triage.example.jp/status/" + "x" * 32
    fitted = fit_segments("避難所は" * 40, tail)
    assert fitted.endswith(tail)
    assert "…" in fitted
    assert count_segments(fitted).segments == 2
    assert fit_segments("短い回答", tail) == "短い回答" + tail
