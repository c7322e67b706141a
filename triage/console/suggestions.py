"""Playbook answers a responder may send with one click on a routine inquiry that no
playbook answered by itself: the best fitting published playbooks, written out for this
inquiry (its language, its place, the nearest open shelter), exactly as the citizen
would receive them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from playbooks.matcher import ranked
from playbooks.render import answer_language, render_reply
from triage.core.db import utcnow
from triage.geo.schemas import GeoLocation
from triage.inquiries.tables import Inquiry
from triage.routing.answers import nearest_shelter_facts, read_published_state, situation_ready


@dataclass(frozen=True)
class Suggestion:
    playbook_id: str
    title: str
    language: str
    text: str
    version: int | None = None


def suggested_answers(
    inquiry: Inquiry, *, session_factory: sessionmaker[Session], limit: int = 3
) -> list[Suggestion]:
    if inquiry.priority in ("P1", "P2"):
        return []  # an urgent inquiry is answered by a person's own words
    published = read_published_state(session_factory)
    applicable = [
        p
        for p in published.playbooks
        if p.applies_to(inquiry.lgcode, utcnow()) and situation_ready(p, published.situation)
    ]
    chosen = ranked(inquiry.category, inquiry.text, applicable, limit=limit)
    facts = {**published.situation, **_facts(inquiry, published.closed_shelter_ids)}
    found = []
    for playbook in chosen:
        language = answer_language(playbook, inquiry.language or "ja")
        found.append(
            Suggestion(
                playbook.id,
                playbook.title_ja,
                language,
                render_reply(playbook, language, facts),
                published.versions.get(playbook.id),
            )
        )
    return found


def render_suggestion(
    inquiry: Inquiry, playbook_id: str, *, session_factory: sessionmaker[Session]
) -> Suggestion | None:
    """One published playbook written out for this inquiry (None: not published)."""
    published = read_published_state(session_factory)
    for playbook in published.playbooks:
        if playbook.id == playbook_id and situation_ready(playbook, published.situation):
            language = answer_language(playbook, inquiry.language or "ja")
            facts = {**published.situation, **_facts(inquiry, published.closed_shelter_ids)}
            text = render_reply(playbook, language, facts)
            version = published.versions.get(playbook.id)
            return Suggestion(playbook.id, playbook.title_ja, language, text, version)
    return None


def _facts(inquiry: Inquiry, closed_ids: frozenset[str]) -> dict[str, str]:
    if not inquiry.location:
        return {}
    location = GeoLocation.model_validate(inquiry.location)
    facts = {"municipality": location.municipality} if location.municipality else {}
    if location.lat is None:
        return facts
    from triage.geo.gazetteer import load_gazetteer  # loaded only where a place is known

    return facts | nearest_shelter_facts(
        location, gazetteer=load_gazetteer(), closed_ids=closed_ids
    )
