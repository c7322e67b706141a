"""The default playbooks the project ships (`playbooks/library/*.yaml`), loaded on first start.

Only ids the database does not have yet are added, as published version 1: a coordinator's
edits, retirements and deletions-by-retirement are never overwritten by a restart.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from playbooks import service
from playbooks.files import LIBRARY_DIR as LIBRARY_DIR
from playbooks.files import default_playbooks as default_playbooks
from playbooks.schemas import PlaybookContent
from playbooks.tables import Playbook
from triage.core.db import make_engine, make_session_factory, session_scope
from triage.core.settings import Settings

SEED_ACTOR = "library"


def seed_missing(contents: list[PlaybookContent], *, session: Session) -> int:
    """Create and publish each playbook whose id is new; returns how many were added."""
    added = 0
    for content in contents:
        if session.get(Playbook, content.id) is not None:
            continue
        service.create(content, actor=SEED_ACTOR, session=session, note="default library")
        service.publish(content.id, 1, session=session)
        added += 1
    return added


def seed_default_playbooks(settings: Settings) -> int:
    """Expects a migrated database (`triage demo` upgrades it first)."""
    engine = make_engine(settings)
    try:
        with session_scope(make_session_factory(engine)) as session:
            added = seed_missing(default_playbooks(), session=session)
            session.commit()
    finally:
        engine.dispose()
    return added
