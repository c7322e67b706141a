"""The database session a one-shot command works in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from triage.core.db import make_engine, make_session_factory, session_scope
from triage.core.settings import get_settings
from triage.operations.migrate import upgrade_database


@contextmanager
def migrated_session() -> Iterator[Session]:
    """A session on the configured database, migrated first (a command may be the first
    thing run on a new deployment); the engine is closed afterwards."""
    settings = get_settings()
    engine = make_engine(settings)
    try:
        upgrade_database(settings, engine)
        with session_scope(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()
