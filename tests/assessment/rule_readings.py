"""What the rules layer alone reads in a text, for the per-pass rule tests: one helper
instead of a copy in each test file."""

from __future__ import annotations

from triage.assessment.language import detect_language
from triage.assessment.rules import assess_by_rules
from triage.assessment.schemas import Category, Priority


def reading(text: str) -> tuple[Priority, Category] | None:
    """The rules' (priority, category), None where no rule fires."""
    verdict = assess_by_rules(text, detect_language(text))
    return (verdict.priority, verdict.category) if verdict is not None else None


def priority_of(text: str) -> Priority | None:
    """The rules' priority, None where no rule fires."""
    found = reading(text)
    return found[0] if found is not None else None
