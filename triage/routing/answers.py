"""Where automatic answers come from, and how one is chosen and written out.

An `AnswerSource` says which playbooks are published and which shelters are closed:
- `DatabaseAnswers`: the service's published rows. Workers are long-lived, so the list
  is cached; before each inquiry (`CHECK_SECONDS` = 0) one small query reads the
  publication's generation (the latest change to any playbook, shelter status or
  situation value), and a changed generation reloads the list at once: the first
  inquiry after a coordinator's publish gets the new text on every worker. (Checked
  every 0.5 s instead, the first inquiry after a publish got the old text 18 times
  in 20: `ops/bench/publish_to_answer.py`.) It is read again every
  `REFRESH_SECONDS` whatever happens; when the database cannot be read the last good
  list is kept, and with none ever read nothing is sent automatically.
- `LibraryAnswers`: the playbook files the project ships, for `triage assess` offline.

`Answers` matches a playbook (pure, `playbooks.matcher`) and renders it (pure,
`playbooks.render`) with facts looked up here: the municipality and the nearest open
shelter. Choosing and rendering are apart, so `triage assess` pays only for the choice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from playbooks.files import default_playbooks
from playbooks.library_index import LibraryIndex
from playbooks.render import answer_language, footer, render_reply
from playbooks.schemas import SITUATION_PREFIX, PlaybookContent, situation_variables
from triage.assessment.schemas import Assessment
from triage.geo.gazetteer import Gazetteer
from triage.geo.romaji import ROMAJI_READERS, with_romaji
from triage.geo.schemas import GeoLocation, LocationPrecision
from triage.geo.shelters import nearest_shelters

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

REFRESH_SECONDS = 30.0
CHECK_SECONDS = 0.0
# The published playbook whose answer acknowledges a P4 message, and the id recorded for
# that acknowledgement even when no such playbook is published (the footer alone is sent).
ACKNOWLEDGEMENT_ID = "thanks"
# A nearest shelter is only named for a point or a town: from a municipality's or a
# prefecture's centroid, "the nearest shelter" would be a guess presented as a fact.
PRECISE_ENOUGH = frozenset({LocationPrecision.POINT, LocationPrecision.TOWN})
# Farther than this, the location is probably wrong (or the citizen is far away): say less.
MAX_SHELTER_DISTANCE_KM = 10.0
TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class PublishedState:
    playbooks: tuple[PlaybookContent, ...]
    closed_shelter_ids: frozenset[str]
    # When each shelter with a status row was last reported on (closed and full ones too).
    shelter_updated_at: Mapping[str, datetime] = field(default_factory=dict)
    # The published version of each playbook, recorded on every answer it gives.
    versions: Mapping[str, int] = field(default_factory=dict)
    # Situation values as render facts (`situation_<name>`, `situation_<name>:<lang>`).
    situation: Mapping[str, str] = field(default_factory=dict)


EMPTY_STATE = PublishedState(playbooks=(), closed_shelter_ids=frozenset())


class AnswerSource(Protocol):
    def state(self) -> PublishedState: ...


@dataclass(frozen=True)
class ChosenAnswer:
    """A playbook chosen for an inquiry (never free text from a model)."""

    playbook: PlaybookContent | None  # None: the footer-only acknowledgement
    playbook_id: str
    score: float
    language: str
    version: int | None = None  # the published version (None: the library files)


class LibraryAnswers:
    """The default library, read once: what `triage assess` answers with offline."""

    def __init__(self, playbooks: Collection[PlaybookContent] | None = None) -> None:
        contents = default_playbooks() if playbooks is None else playbooks
        self._state = PublishedState(tuple(contents), frozenset())

    def state(self) -> PublishedState:
        return self._state


def read_published_state(session_factory: sessionmaker[Session]) -> PublishedState:
    # Imported here: `triage assess` answers from files and never loads the ORM layer.
    from sqlalchemy.exc import SQLAlchemyError

    from playbooks import service
    from playbooks.situation import all_values, as_facts
    from triage.core.db import session_scope
    from triage.geo.service import closed_shelter_ids, shelter_updated_at

    updated: dict[str, datetime] = {}
    with session_scope(session_factory) as session:
        playbooks = tuple(service.published_playbooks(session=session))
        versions = service.published_versions(session=session)
        situation = as_facts(all_values(session=session))
        try:
            closed = frozenset(closed_shelter_ids(session=session))
            updated = shelter_updated_at(session=session)
        except SQLAlchemyError:
            session.rollback()
            log.warning("shelter status unreadable; naming shelters as designated")
            closed = frozenset()
    return PublishedState(
        playbooks=playbooks,
        closed_shelter_ids=closed,
        shelter_updated_at=updated,
        versions=versions,
        situation=situation,
    )


def read_published_generation(session_factory: sessionmaker[Session]) -> tuple[object, ...]:
    """What changes whenever what may be sent changes: the latest update (and count) of
    the playbooks and of the shelter statuses. One indexed aggregate per table."""
    from sqlalchemy import func, select

    from playbooks.tables import Playbook, SituationValue
    from triage.core.db import session_scope
    from triage.geo.tables import ShelterStatus

    with session_scope(session_factory) as session:
        playbooks = session.execute(
            select(func.max(Playbook.updated_at), func.count(Playbook.id))
        ).one()
        shelters = session.execute(
            select(func.max(ShelterStatus.updated_at), func.count(ShelterStatus.shelter_id))
        ).one()
        situation = session.execute(
            select(func.max(SituationValue.updated_at), func.count(SituationValue.name))
        ).one()
    return (*playbooks, *shelters, *situation)


class DatabaseAnswers:
    """Published rows, reloaded when their generation changes (checked at most every
    `check_seconds`) and every `refresh_seconds` anyway. Safe to share between threads."""

    def __init__(
        self,
        load: Callable[[], PublishedState],
        *,
        generation: Callable[[], object] | None = None,
        refresh_seconds: float = REFRESH_SECONDS,
        check_seconds: float = CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._generation = generation
        self._refresh_seconds = refresh_seconds
        self._check_seconds = check_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._state = EMPTY_STATE
        self._loaded_at: float | None = None
        self._checked_at: float | None = None
        self._seen: object = None

    @classmethod
    def reading(cls, session_factory: sessionmaker[Session]) -> DatabaseAnswers:
        return cls(
            lambda: read_published_state(session_factory),
            generation=lambda: read_published_generation(session_factory),
        )

    def state(self) -> PublishedState:
        with self._lock:
            now = self._clock()
            if self._loaded_at is None or now - self._loaded_at >= self._refresh_seconds:
                self._reload(now)
            elif self._generation is not None and (
                self._checked_at is None or now - self._checked_at >= self._check_seconds
            ):
                self._checked_at = now
                try:
                    changed = self._generation() != self._seen
                except _database_errors():
                    changed = False  # the timer still reloads; keep serving the last set
                if changed:
                    self._reload(now)
            return self._state

    def _reload(self, now: float) -> None:
        self._loaded_at = self._checked_at = now  # also after a failure: not per message
        try:
            # The generation first: a change that lands while loading is seen next time.
            if self._generation is not None:
                self._seen = self._generation()
            self._state = self._load()
        except _database_errors():
            log.warning("published playbooks unreadable; keeping the last good set")


def _database_errors() -> type[Exception]:
    from sqlalchemy.exc import SQLAlchemyError

    return SQLAlchemyError


class Answers:
    """Chooses and writes out automatic answers from an `AnswerSource`."""

    def __init__(self, source: AnswerSource, gazetteer: Gazetteer | None) -> None:
        self.source = source
        self._gazetteer = gazetteer
        self._index: tuple[LibraryIndex, dict[str, set[str]]] = (LibraryIndex(()), {})

    def _index_of(
        self, playbooks: tuple[PlaybookContent, ...]
    ) -> tuple[LibraryIndex, dict[str, set[str]]]:
        """The keyword index of this published set and the situation values each
        playbook cites, built once per set (a reload gives a new tuple; one assignment,
        so threads sharing this object never see half of it)."""
        cached = self._index
        if cached[0].playbooks is not playbooks:
            needs = {p.id: situation_variables(p) for p in playbooks}
            cached = self._index = (LibraryIndex(playbooks), needs)
        return cached

    def choose(
        self,
        assessment: Assessment,
        text: str,
        *,
        lgcode: str | None = None,
        at: datetime | None = None,
    ) -> ChosenAnswer | None:
        """The playbook that answers this inquiry, or None. Never for P1/P2. Only the
        playbooks that apply to the inquiry's municipality (`lgcode`) and time count."""
        if assessment.priority.needs_human:
            return None  # routing guarantees this too; a second lock on the same door
        state = self.source.state()
        moment = at or datetime.now(UTC)
        index, needs = self._index_of(state.playbooks)
        situation = state.situation
        found = index.match(
            assessment,
            text,
            lambda p: (
                p.applies_to(lgcode, moment)
                and all(SITUATION_PREFIX + name in situation for name in needs[p.id])
            ),
        )
        if found is None:
            return None
        playbook = next(p for p in state.playbooks if p.id == found.playbook_id)
        return ChosenAnswer(
            playbook=playbook,
            playbook_id=playbook.id,
            score=found.score,
            language=answer_language(playbook, assessment.language),
            version=state.versions.get(playbook.id),
        )

    def acknowledgement(self, language: str) -> ChosenAnswer:
        """The published "thanks" answer for a closed P4; without one, the footer alone
        (fixed, approved text), so even then nothing is made up."""
        for playbook in self.source.state().playbooks:
            if playbook.id == ACKNOWLEDGEMENT_ID:
                return ChosenAnswer(playbook, ACKNOWLEDGEMENT_ID, 1.0, language)
        return ChosenAnswer(None, ACKNOWLEDGEMENT_ID, 1.0, language)

    def render(self, chosen: ChosenAnswer, location: GeoLocation | None) -> str:
        """The exact text the citizen receives."""
        if chosen.playbook is None:
            language = chosen.language
            return footer(language if language in ("ja", "ja-easy") else language.split("-")[0])
        state = self.source.state()
        facts = self.facts(location, state.closed_shelter_ids, updated_at=state.shelter_updated_at)
        facts = self.in_readers_script(facts, location, chosen.language)
        return render_reply(chosen.playbook, chosen.language, {**state.situation, **facts})

    def in_readers_script(
        self, facts: dict[str, str], location: GeoLocation | None, language: str
    ) -> dict[str, str]:
        """Place names as "Wajima-shi (輪島市)" for readers of Latin script, Hangul or
        Devanagari (`triage.geo.romaji`); as they are for Japanese and Chinese readers."""
        if self._gazetteer is None or language.split("-")[0] not in ROMAJI_READERS:
            return facts
        municipality = self._gazetteer.by_lgcode.get(location.lgcode or "") if location else None
        shown = dict(facts)
        for key in ("municipality", "nearest_shelter_name"):
            if key in shown:
                shown[key] = with_romaji(shown[key], municipality, self._gazetteer)
        return shown

    def facts(
        self,
        location: GeoLocation | None,
        closed_ids: Collection[str],
        *,
        updated_at: Mapping[str, datetime] | None = None,
    ) -> dict[str, str]:
        """The values a playbook's variables may use, from data only."""
        facts: dict[str, str] = {}
        if location is not None and location.municipality:
            facts["municipality"] = location.municipality
        if self._gazetteer is not None:
            facts |= nearest_shelter_facts(
                location, gazetteer=self._gazetteer, closed_ids=closed_ids, updated_at=updated_at
            )
        return facts


def situation_ready(playbook: PlaybookContent, situation: Mapping[str, str]) -> bool:
    """Every situation value the playbook cites is set (else a person answers)."""
    return all(SITUATION_PREFIX + name in situation for name in situation_variables(playbook))


def nearest_shelter_facts(
    location: GeoLocation | None,
    *,
    gazetteer: Gazetteer,
    closed_ids: Collection[str] = (),
    updated_at: Mapping[str, datetime] | None = None,
) -> dict[str, str]:
    """`nearest_shelter_name` and `nearest_shelter_distance_km`, or {} when the place is
    not known well enough to tell a citizen; with `shelter_status_updated_at` (Japan
    time, "12月1日 14:05") when a coordinator has reported on that shelter."""
    if location is None or location.lat is None or location.lon is None:
        return {}
    if location.precision not in PRECISE_ENOUGH:
        return {}
    found = nearest_shelters(
        location.lat, location.lon, hazard=None, limit=1, gazetteer=gazetteer, closed_ids=closed_ids
    )
    if not found or found[0].distance_m / 1000 > MAX_SHELTER_DISTANCE_KM:
        return {}
    facts = {
        "nearest_shelter_name": found[0].shelter.name,
        "nearest_shelter_distance_km": f"{max(found[0].distance_m / 1000, 0.1):.1f}",
    }
    reported = (updated_at or {}).get(found[0].shelter.id)
    if reported is not None:
        facts["shelter_status_updated_at"] = japanese_time(reported)
        facts["shelter_status_updated_at:intl"] = f"{reported.astimezone(TOKYO):%m/%d %H:%M} JST"
    return facts


def japanese_time(value: datetime) -> str:
    """12月1日 14:05: a time as a citizen reads it (Japan time)."""
    local = value.astimezone(TOKYO)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
