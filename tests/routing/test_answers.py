"""Answers: published rows (cached, refreshed, the last good set kept), the library, the
choice of a playbook and the text written out with facts from data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from playbooks import service
from playbooks.render import footer
from playbooks.seed import default_playbooks, seed_missing
from tests.playbooks.factories import NANAO, assessment
from triage.assessment.schemas import Assessment, Category, Priority
from triage.geo.gazetteer import load_gazetteer
from triage.geo.schemas import GeoLocation
from triage.routing.answers import (
    Answers,
    DatabaseAnswers,
    LibraryAnswers,
    PublishedState,
    read_published_state,
)


@dataclass(frozen=True)
class Planned:
    playbook_id: str
    language: str
    text: str


class Planner:
    """Choose, then render: what a worker does for an automatic answer."""

    def __init__(self, answers: Answers) -> None:
        self.answers = answers

    def plan(self, assessed: Assessment, text: str, location: GeoLocation | None) -> Planned | None:
        chosen = self.answers.choose(assessed, text)
        if chosen is None:
            return None
        return Planned(chosen.playbook_id, chosen.language, self.answers.render(chosen, location))

    def acknowledgement(self, language: str) -> str:
        return self.answers.render(self.answers.acknowledgement(language), None)


def planner_for(session_factory: sessionmaker[Session], clock: list[float]) -> Planner:
    source = DatabaseAnswers(lambda: read_published_state(session_factory), clock=lambda: clock[0])
    return Planner(Answers(source, load_gazetteer()))


def fixed(state: PublishedState) -> Planner:
    return Planner(Answers(DatabaseAnswers(lambda: state), None))


def test_only_published_playbooks_are_used_and_edits_show_up_after_refresh(
    session_factory: sessionmaker[Session],
) -> None:
    clock = [0.0]
    planner = planner_for(session_factory, clock)
    question = assessment(Category.EVACUATION_SHELTER)
    assert planner.plan(question, "避難所はどこですか", NANAO) is None  # empty database

    with session_factory() as session:
        for playbook in default_playbooks():
            service.create(playbook, actor="coord", session=session)  # drafts only
        session.commit()
    clock[0] += 31
    assert planner.plan(question, "避難所はどこですか", NANAO) is None

    with session_factory() as session:
        service.publish("shelter_location", 1, session=session)
        session.commit()
    assert planner.plan(question, "避難所はどこですか", NANAO) is None  # still cached
    clock[0] += 31
    reply = planner.plan(question, "避難所はどこですか", NANAO)
    assert reply is not None
    assert (reply.playbook_id, reply.language) == ("shelter_location", "ja")
    assert "最寄りの指定避難所" in reply.text and reply.text.endswith(footer("ja"))

    with session_factory() as session:
        service.retire("shelter_location", session=session)
        session.commit()
    clock[0] += 31
    assert planner.plan(question, "避難所はどこですか", NANAO) is None


def test_reply_in_the_citizens_language(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        seed_missing(default_playbooks(), session=session)
        session.commit()
    planner = planner_for(session_factory, [0.0])
    reply = planner.plan(
        assessment(Category.WATER_FOOD_SUPPLIES, language="en"),
        "Where can I get drinking water?",
        None,
    )
    assert reply is not None
    assert reply.language == "en" and reply.text.endswith(footer("en"))


def test_urgent_is_never_planned(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        seed_missing(default_playbooks(), session=session)
        session.commit()
    planner = planner_for(session_factory, [0.0])
    urgent = assessment(Category.EVACUATION_SHELTER, priority=Priority.LIFE_THREAT)
    assert planner.plan(urgent, "避難所はどこですか", NANAO) is None


def test_acknowledgement_uses_the_thanks_playbook_or_only_the_footer() -> None:
    thanks = next(p for p in default_playbooks() if p.id == "thanks")
    with_thanks = fixed(PublishedState((thanks,), frozenset()))
    assert with_thanks.acknowledgement("en").startswith(thanks.answers["en"])
    assert with_thanks.acknowledgement("en").endswith(footer("en"))
    without = fixed(PublishedState((), frozenset()))
    assert without.acknowledgement("ko-KR") == footer("ko")


def test_a_failing_database_keeps_the_last_good_set() -> None:
    from sqlalchemy.exc import OperationalError

    thanks = next(p for p in default_playbooks() if p.id == "thanks")
    calls = [0]
    clock = [0.0]

    def load() -> PublishedState:
        calls[0] += 1
        if calls[0] > 1:
            raise OperationalError("select", {}, Exception("database is locked"))
        return PublishedState((thanks,), frozenset())

    source = DatabaseAnswers(load, clock=lambda: clock[0])
    assert source.state().playbooks == (thanks,)
    clock[0] += 31
    assert source.state().playbooks == (thanks,)
    assert calls[0] == 2


def test_the_library_answers_offline_like_the_published_defaults(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        seed_missing(default_playbooks(), session=session)
        session.commit()
    offline = Planner(Answers(LibraryAnswers(), load_gazetteer()))
    online = planner_for(session_factory, [0.0])
    question = assessment(Category.EVACUATION_SHELTER)
    assert offline.plan(question, "避難所はどこですか", NANAO) == online.plan(
        question, "避難所はどこですか", NANAO
    )
