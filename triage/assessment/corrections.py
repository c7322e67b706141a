"""Responders' corrections as labelled examples: pure functions, no database.

A responder who changes an inquiry's priority or category in the console records why
(`triage.inquiries.state.reclassify`); `triage.inquiries.corrections` reads those events
and this module turns each into an example the model can be trained and measured on.
What the label is, and which correction counts, is decided here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from triage.assessment.schemas import Category, Priority


@dataclass(frozen=True)
class Correction:
    """The label a responder gave one inquiry, with who gave it, when and why."""

    text: str
    priority: Priority
    category: Category
    language: str | None
    reason: str
    corrected_by: str
    corrected_at: datetime

    def as_example(self) -> dict[str, Any]:
        """A labelled JSON record, the shape of `training/*.jsonl` and the eval sets."""
        return {
            "text": self.text,
            "priority": self.priority.value,
            "category": self.category.value,
            "language": self.language,
            "reason": self.reason,
            "corrected_by": self.corrected_by,
            "corrected_at": self.corrected_at.isoformat(),
        }


def _changed_to(detail: Mapping[str, Any], field: str) -> Any:
    """The value a reclassification set `field` to, or None when it left it alone."""
    change = detail.get(field)
    return change.get("to") if isinstance(change, Mapping) else None


def corrected_label(
    detail: Mapping[str, Any], *, stored_priority: str | None, stored_category: str | None
) -> tuple[Priority, Category] | None:
    """(priority, category) a reclassification's detail stands for: the value it set
    where it changed one, and the inquiry's stored value for the other (a responder who
    changed only the category let the priority stand). None when either is not one of
    ours (an inquiry never triaged, or a value from an older schema): no guessing."""
    priority = _changed_to(detail, "priority") or stored_priority
    category = _changed_to(detail, "category") or stored_category
    try:
        return Priority(str(priority)), Category(str(category))
    except ValueError:  # None reads "None": not one of ours either
        return None


def is_learnable_text(text: str | None) -> bool:
    """Whether there are words to learn from: a retention purge blanks the text (the
    label stays, for the counts), and an empty message teaches the model nothing."""
    return bool(text and text.strip())


def distinct_texts(corrections: Iterable[Correction]) -> list[Correction]:
    """One correction per text, the latest: a copied appeal or an SMS resent ten times
    and corrected on each inquiry is one lesson, not ten, and two responders who
    disagree about the same words are settled by the later one. First-seen order."""
    latest: dict[str, Correction] = {}
    for correction in corrections:
        held = latest.get(correction.text)
        if held is None or correction.corrected_at >= held.corrected_at:
            latest[correction.text] = correction
    return list(latest.values())
