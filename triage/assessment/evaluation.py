"""Triage quality metrics on a labelled set, as DESIGN.md's policies define success.

What counts is where an inquiry goes, not only its label: a P1 or P2 inquiry must reach
a human (urgent or staff route) and must never be answered only by the machine
(auto_reply or closed). Routine P3 inquiries should mostly be answered automatically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from triage.assessment.schemas import Category, Priority, Route

HUMAN_ROUTES = frozenset({Route.URGENT, Route.STAFF})
AUTOMATIC_ROUTES = frozenset({Route.AUTO_REPLY, Route.CLOSED})


@dataclass(frozen=True)
class Outcome:
    """One labelled message and what the service did with it."""

    id: str
    text: str
    gold_priority: Priority
    gold_category: Category | None
    gold_language: str | None
    priority: Priority
    category: Category
    language: str
    route: Route


@dataclass
class Report:
    count: int
    p1_recall: float | None
    p1_p2_to_human: float | None
    urgent_precision: float | None
    p1_p2_auto_answered: float | None
    p3_auto_answered: float | None
    category_macro_f1: float | None
    language_accuracy: float | None
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _share(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def macro_f1(pairs: list[tuple[Category, Category]]) -> float | None:
    """Macro-F1 over the categories that occur in the gold labels."""
    labels = sorted({gold for gold, _ in pairs})
    if not labels:
        return None
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return round(sum(scores) / len(scores), 4)


def report(outcomes: Iterable[Outcome], *, max_failures: int = 50) -> Report:
    items = list(outcomes)
    gold_p1 = [o for o in items if o.gold_priority is Priority.LIFE_THREAT]
    gold_urgent = [o for o in items if o.gold_priority.needs_human]
    gold_p3 = [o for o in items if o.gold_priority is Priority.ROUTINE]
    routed_urgent = [o for o in items if o.route is Route.URGENT]
    with_category = [(o.gold_category, o.category) for o in items if o.gold_category is not None]
    with_language = [o for o in items if o.gold_language]
    confusion: dict[str, dict[str, int]] = {
        gold.value: {pred.value: 0 for pred in Priority} for gold in Priority
    }
    for o in items:
        confusion[o.gold_priority.value][o.priority.value] += 1
    # The failures that matter most first: urgent messages that did not reach a human.
    missed = [o for o in gold_urgent if o.route not in HUMAN_ROUTES or o.priority > o.gold_priority]
    wrong_category = [o for o in items if o.gold_category and o.category != o.gold_category]
    failures = [
        {
            "id": o.id,
            "text": o.text[:120],
            "gold": f"{o.gold_priority.value}/{o.gold_category.value if o.gold_category else '-'}",
            "got": f"{o.priority.value}/{o.category.value}/{o.route.value}",
        }
        for o in [*missed, *wrong_category][:max_failures]
    ]
    return Report(
        count=len(items),
        p1_recall=_share(
            sum(1 for o in gold_p1 if o.priority is Priority.LIFE_THREAT), len(gold_p1)
        ),
        p1_p2_to_human=_share(
            sum(1 for o in gold_urgent if o.route in HUMAN_ROUTES), len(gold_urgent)
        ),
        urgent_precision=_share(
            sum(1 for o in routed_urgent if o.gold_priority.needs_human), len(routed_urgent)
        ),
        p1_p2_auto_answered=_share(
            sum(1 for o in gold_urgent if o.route in AUTOMATIC_ROUTES), len(gold_urgent)
        ),
        p3_auto_answered=_share(
            sum(1 for o in gold_p3 if o.route is Route.AUTO_REPLY), len(gold_p3)
        ),
        category_macro_f1=macro_f1([(g, p) for g, p in with_category if g is not None]),
        language_accuracy=_share(
            sum(1 for o in with_language if o.language == o.gold_language), len(with_language)
        ),
        confusion=confusion,
        failures=failures,
    )


def count_by(items: Iterable[Outcome], attribute: str) -> Counter[str]:
    return Counter(str(getattr(o, attribute)) for o in items)
