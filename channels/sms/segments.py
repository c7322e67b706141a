"""How many SMS segments a text costs, and how to keep an answer within a budget.

Japanese text cannot be sent in the GSM 03.38 7-bit alphabet, so it goes as UCS-2:
70 UTF-16 code units in a single segment, 67 per segment once a message is split (the
other 3 carry the concatenation header). GSM-7 text gets 160, or 153 per segment.
Characters of the GSM extension table (e.g. `{`, `€`) take two septets. Characters
outside the Basic Multilingual Plane (emoji) take two UTF-16 code units.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

UCS2_SINGLE, UCS2_PER_PART = 70, 67
GSM7_SINGLE, GSM7_PER_PART = 160, 153

# Our design budget for one SMS answer: a short answer plus the status link.
MAX_REPLY_SEGMENTS = 2


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def _units(text: str, gsm7: bool) -> int:
    if gsm7:
        return sum(2 if c in GSM7_EXTENDED else 1 for c in text)
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def count_segments(text: str) -> SegmentCount:
    gsm7 = is_gsm7(text)
    units = _units(text, gsm7)
    single, per_part = (GSM7_SINGLE, GSM7_PER_PART) if gsm7 else (UCS2_SINGLE, UCS2_PER_PART)
    segments = 1 if units <= single else -(-units // per_part)
    return SegmentCount("GSM-7" if gsm7 else "UCS-2", units, segments)


def fit_segments(head: str, tail: str, max_segments: int = MAX_REPLY_SEGMENTS) -> str:
    """`head + tail`, with `head` shortened (ending in '…') until it fits `max_segments`.

    The tail (the status link and the 119/110 line) is never cut: it is what lets the
    citizen read the full answer. If the tail alone does not fit, it is sent as it is.
    """
    if count_segments(head + tail).segments <= max_segments:
        return head + tail
    low, high = 0, len(head)
    while low < high:  # the longest prefix that still fits
        middle = (low + high + 1) // 2
        if count_segments(head[:middle].rstrip() + "…" + tail).segments <= max_segments:
            low = middle
        else:
            high = middle - 1
    return head[:low].rstrip() + "…" + tail if low else tail.lstrip()
