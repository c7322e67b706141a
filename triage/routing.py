"""Where an assessed inquiry goes. Pure: no database, no network.

Policy (DESIGN.md): P1/P2 always reach a human on the urgent queue; P3 is answered
automatically only with a confident playbook match, else staff; P4 is closed only when
the assessment is sure of it, else staff.

Fail-urgent guard: the machine answers or closes alone only when the local model gives
urgency (P1+P2) a small probability. A question such as "Where can I find a tent and
food?" is routine by its words and a playbook matches it, yet it may come from someone
without shelter; when the model's P1+P2 probability reaches
`REVIEW_MIN_URGENT_PROBABILITY` such an inquiry goes to staff (a person looks), not to
the urgent queue, whose precision responders rely on.
"""

from __future__ import annotations

from triage.assessment.schemas import Assessment, Priority, Route

# Below these, a person looks rather than the machine deciding alone.
AUTO_REPLY_MIN_MATCH_SCORE = 0.6
CLOSE_MIN_CONFIDENCE = 0.8
# Chosen by 5-fold cross-validation on the training set (ops/eval/assessment/calibrate.py,
# "review threshold"), checked on the dev set; never on the public evaluation sets. It is
# on the shipped model's probability scale: re-run calibrate.py after retraining.
REVIEW_MIN_URGENT_PROBABILITY = 0.3


def decide_route(
    assessment: Assessment,
    playbook_match_score: float | None,
    *,
    review_min_urgent_probability: float = REVIEW_MIN_URGENT_PROBABILITY,
    has_words: bool = True,
) -> Route:
    """The route for an assessment, given the best playbook match score (None: no match).

    An assessment without `urgent_probability` (no local model) is routed on its
    priority and confidence alone, as before the guard existed. A message without words
    (a bare photo, location pin or emoji) says nothing the machine can judge, so a
    person looks at it: it is never answered or closed automatically.
    """
    if assessment.priority.needs_human:
        return Route.URGENT
    if not has_words:
        return Route.STAFF
    urgency_possible = (
        assessment.urgent_probability is not None
        and assessment.urgent_probability >= review_min_urgent_probability
    )
    if urgency_possible:
        return Route.STAFF
    if assessment.priority is Priority.NO_ACTION:
        return Route.CLOSED if assessment.confidence >= CLOSE_MIN_CONFIDENCE else Route.STAFF
    if playbook_match_score is not None and playbook_match_score >= AUTO_REPLY_MIN_MATCH_SCORE:
        return Route.AUTO_REPLY
    return Route.STAFF


def has_words(text: str) -> bool:
    """Whether the text has any letter or digit to judge (not only emoji or punctuation)."""
    return any(character.isalnum() for character in text)
