"""Where an assessed inquiry goes. Pure: no database, no network.

Policy (DESIGN.md): P1/P2 always reach a human on the urgent queue; P3 is answered
automatically only with a confident playbook match, else staff; P4 is closed only when
the assessment is sure of it, else staff.
"""

from __future__ import annotations

from triage.assessment.schemas import Assessment, Priority, Route

# Below these, a person looks rather than the machine deciding alone.
AUTO_REPLY_MIN_MATCH_SCORE = 0.6
CLOSE_MIN_CONFIDENCE = 0.8


def decide_route(assessment: Assessment, playbook_match_score: float | None) -> Route:
    """The route for an assessment, given the best playbook match score (None: no match)."""
    if assessment.priority.needs_human:
        return Route.URGENT
    if assessment.priority is Priority.NO_ACTION:
        return Route.CLOSED if assessment.confidence >= CLOSE_MIN_CONFIDENCE else Route.STAFF
    if playbook_match_score is not None and playbook_match_score >= AUTO_REPLY_MIN_MATCH_SCORE:
        return Route.AUTO_REPLY
    return Route.STAFF
