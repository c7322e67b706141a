"""A publish answers the next inquiry on every worker: the cached playbooks are reloaded
as soon as the publication's generation changes (checked before each inquiry), not
after the 30 s refresh."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from playbooks import service
from tests.playbooks.factories import content
from triage.geo.service import set_shelter_status
from triage.routing.answers import (
    DatabaseAnswers,
    PublishedState,
    read_published_generation,
    read_published_state,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _answers(session_factory: sessionmaker[Session], clock: Clock) -> DatabaseAnswers:
    return DatabaseAnswers(
        lambda: read_published_state(session_factory),
        generation=lambda: read_published_generation(session_factory),
        clock=clock,
    )


def test_a_publish_and_a_shelter_change_are_seen_by_the_next_inquiry(
    session_factory: sessionmaker[Session],
) -> None:
    clock = Clock()
    answers = _answers(session_factory, clock)
    assert answers.state().playbooks == ()
    with session_factory() as session:
        service.create(
            content("water", answers={"ja": "給水は駅前です。"}), actor="mei", session=session
        )
        service.publish("water", 1, session=session)
        session.commit()
    clock.now = 0.01  # far short of the 30 s refresh
    (published,) = answers.state().playbooks
    assert published.answers["ja"] == "給水は駅前です。"

    with session_factory() as session:
        service.update(
            "water",
            content("water", answers={"ja": "給水は学校です。"}),
            actor="mei",
            session=session,
        )
        service.publish("water", 2, session=session)
        set_shelter_status("S1", False, session=session, updated_by="mei")
        session.commit()
    clock.now = 1.2
    state = answers.state()
    assert state.playbooks[0].answers["ja"] == "給水は学校です。"
    assert state.closed_shelter_ids == frozenset({"S1"})


def test_an_unchanged_generation_does_not_reload(session_factory: sessionmaker[Session]) -> None:
    clock = Clock()
    loads: list[float] = []

    def load() -> PublishedState:
        loads.append(clock.now)
        return read_published_state(session_factory)

    answers = DatabaseAnswers(
        load, generation=lambda: read_published_generation(session_factory), clock=clock
    )
    for step in range(20):
        clock.now = step * 0.01
        answers.state()
    assert loads == [0.0]  # checked 19 times, loaded once
