"""Where an inquiry stands, in the words its citizen's status page uses.

The stored status says what the service did (triaged, claimed, answered…); the citizen
needs to know what it means for them. One pure function maps the record to one stage,
so the page, its live updates and the JSON view can never disagree:

- received: stored, not yet assessed;
- urgent: a responder has it (P1/P2, the urgent queue), until it is resolved, even after
  a responder wrote (their messages show below the stage);
- with_person: a member of staff will answer (routine, nothing answered yet);
- answered: an answer was sent (a playbook's or a person's);
- reopened: a person opened it again after it was resolved;
- resolved: a person finished it, with the outcome in words the citizen understands;
- closed: nothing to do (thanks, chatter), closed automatically with an acknowledgement.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from triage.assessment.schemas import Route
from triage.inquiries.tables import EventKind, InquiryStatus


class CitizenStage(StrEnum):
    RECEIVED = "received"
    URGENT = "urgent"
    WITH_PERSON = "with_person"
    ANSWERED = "answered"
    REOPENED = "reopened"
    RESOLVED = "resolved"
    CLOSED = "closed"


# Events that change where the inquiry stands for its citizen, latest wins.
_TURNS = frozenset({EventKind.RESOLVED, EventKind.REOPENED, EventKind.REPLIED})


def citizen_stage(status: str, route: str | None, event_kinds: Sequence[str]) -> CitizenStage:
    """The stage of an inquiry from its status, route and events (oldest first)."""
    if status == InquiryStatus.RECEIVED:
        return CitizenStage.RECEIVED
    if status == InquiryStatus.RESOLVED:
        return CitizenStage.RESOLVED
    if status == InquiryStatus.CLOSED:
        return CitizenStage.CLOSED
    turns = [kind for kind in event_kinds if kind in _TURNS]
    if turns and turns[-1] == EventKind.REOPENED:
        return CitizenStage.REOPENED
    if route == Route.URGENT:
        return CitizenStage.URGENT
    if status == InquiryStatus.ANSWERED:
        return CitizenStage.ANSWERED
    return CitizenStage.WITH_PERSON


def resolution_outcome(events: Sequence[tuple[str, dict[str, object]]]) -> str | None:
    """The outcome of the latest resolution ("helped", "referred"…), if it had one."""
    for kind, detail in reversed(events):
        if kind == EventKind.RESOLVED:
            outcome = detail.get("outcome")
            return str(outcome) if outcome else None
    return None
