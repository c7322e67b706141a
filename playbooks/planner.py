"""The pipeline's `ReplyPlanner`: published playbooks from the database, matched and rendered.

Workers are long-lived, so published playbooks (and closed shelters) are cached and read
again every `REFRESH_SECONDS`: a coordinator's publish reaches citizens within that time,
without restarts. If the database cannot be read, the last good list is kept; with none
ever read, nothing is sent automatically and people answer instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from playbooks import service
from playbooks.matcher import match
from playbooks.render import answer_language, footer, render_reply
from playbooks.schemas import PlaybookContent
from triage.assessment.schemas import Assessment
from triage.db import make_engine, make_session_factory, session_scope
from triage.geo.gazetteer import Gazetteer, load_gazetteer
from triage.geo.schemas import GeoLocation
from triage.pipeline import PlannedReply
from triage.settings import Settings

log = logging.getLogger(__name__)

REFRESH_SECONDS = 30.0
# The published playbook whose answer acknowledges a P4 message ("thanks").
ACKNOWLEDGEMENT_PLAYBOOK_ID = "thanks"


@dataclass(frozen=True)
class PublishedState:
    playbooks: tuple[PlaybookContent, ...]
    closed_shelter_ids: frozenset[str]


def read_published_state(session_factory: sessionmaker[Session]) -> PublishedState:
    with session_scope(session_factory) as session:
        playbooks = tuple(service.published_playbooks(session=session))
        closed = _closed_shelter_ids(session)
    return PublishedState(playbooks=playbooks, closed_shelter_ids=closed)


def _closed_shelter_ids(session: Session) -> frozenset[str]:
    """Shelters coordinators marked closed (the geo package's records), when it has them."""
    try:
        from triage.geo.service import closed_shelter_ids
    except ImportError:
        return frozenset()
    try:
        return frozenset(closed_shelter_ids(session=session))
    except SQLAlchemyError:
        session.rollback()
        log.warning("shelter status unreadable; naming shelters as designated")
        return frozenset()


class PlaybookReplyPlanner:
    """Implements `triage.pipeline.ReplyPlanner`. Safe to share between threads."""

    def __init__(
        self,
        load: Callable[[], PublishedState],
        *,
        gazetteer: Gazetteer | None = None,
        refresh_seconds: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._gazetteer = gazetteer
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._state = PublishedState(playbooks=(), closed_shelter_ids=frozenset())
        self._loaded_at: float | None = None

    def state(self) -> PublishedState:
        with self._lock:
            now = self._clock()
            if self._loaded_at is None or now - self._loaded_at >= self._refresh_seconds:
                self._loaded_at = now  # also after a failure: retry later, not per message
                try:
                    self._state = self._load()
                except SQLAlchemyError:
                    log.warning("published playbooks unreadable; keeping the last good set")
            return self._state

    @property
    def playbooks(self) -> Sequence[PlaybookContent]:
        return self.state().playbooks

    def plan(
        self, assessment: Assessment, text: str, location: GeoLocation | None
    ) -> PlannedReply | None:
        if assessment.priority.needs_human:
            return None  # routing guarantees this too; a second lock on the same door
        state = self.state()
        found = match(assessment, text, state.playbooks)
        if found is None:
            return None
        playbook = next(p for p in state.playbooks if p.id == found.playbook_id)
        language = answer_language(playbook, assessment.language)
        reply = render_reply(
            playbook,
            language,
            location,
            gazetteer=self._gazetteer,
            closed_shelter_ids=state.closed_shelter_ids,
        )
        return PlannedReply(
            playbook_id=playbook.id, score=found.score, text=reply, language=language
        )

    def acknowledgement(self, language: str) -> str:
        """The published "thanks" answer; without one, only the mandatory footer (fixed,
        approved text), so even then nothing is made up."""
        for playbook in self.state().playbooks:
            if playbook.id == ACKNOWLEDGEMENT_PLAYBOOK_ID:
                return render_reply(playbook, language, None)
        return footer(language if language in ("ja", "ja-easy") else language.split("-")[0])


def load_reply_planner(settings: Settings) -> PlaybookReplyPlanner:
    """A planner reading this deployment's database; the engine lives as long as the process."""
    session_factory = make_session_factory(make_engine(settings))
    return PlaybookReplyPlanner(
        lambda: read_published_state(session_factory), gazetteer=load_gazetteer()
    )
