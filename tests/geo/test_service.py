from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from triage.geo.gazetteer import Gazetteer
from triage.geo.service import (
    closed_shelter_ids,
    import_nanao_history,
    import_nanao_snapshot,
    nanao_shelter_ids,
    open_shelter_ids,
    set_shelter_status,
)
from triage.geo.shelters import Hazard, nearest_shelters
from triage.geo.tables import ShelterStatus, ShelterStatusHistory

NANAO_HISTORY = Path(__file__).resolve().parents[3] / "shared/data/geo/noto2024_nanao/history"


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    tables = [ShelterStatus.__table__, ShelterStatusHistory.__table__]
    ShelterStatus.metadata.create_all(engine, tables=tables)  # type: ignore[arg-type]
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_closed_shelter_is_no_longer_offered(session: Session, gazetteer: Gazetteer) -> None:
    first = nearest_shelters(37.0431, 136.9672, hazard=Hazard.EARTHQUAKE, gazetteer=gazetteer)
    set_shelter_status(first[0].shelter.id, False, session=session, updated_by="coordinator")
    set_shelter_status(first[1].shelter.id, True, session=session, evacuees=40)
    closed = closed_shelter_ids(session=session)
    assert closed == {first[0].shelter.id}
    again = nearest_shelters(
        37.0431, 136.9672, hazard=Hazard.EARTHQUAKE, gazetteer=gazetteer, closed_ids=closed
    )
    assert first[0].shelter.id not in {s.shelter.id for s in again}


def test_status_is_an_upsert(session: Session) -> None:
    set_shelter_status("E1720200005", False, session=session)
    set_shelter_status("E1720200005", True, session=session, evacuees=12)
    assert open_shelter_ids(session=session) == {"E1720200005"}
    assert closed_shelter_ids(session=session) == set()


@pytest.mark.skipif(not NANAO_HISTORY.is_dir(), reason="shared data not present")
def test_nanao_history_snapshot(session: Session, gazetteer: Gazetteer) -> None:
    snapshot = NANAO_HISTORY / "open_shelter_Nanao-shi_2024-01-09-1800.csv"
    opened, unknown = import_nanao_snapshot(snapshot, session=session, gazetteer=gazetteer)
    assert opened >= 25 and len(unknown) <= opened // 4
    assert len(open_shelter_ids(session=session)) == opened
    assert (
        len(closed_shelter_ids(session=session))
        == len(set(nanao_shelter_ids(gazetteer).values())) - opened
    )


@pytest.mark.skipif(not NANAO_HISTORY.is_dir(), reason="shared data not present")
def test_nanao_history_ends_with_few_open(session: Session, gazetteer: Gazetteer) -> None:
    history = import_nanao_history(NANAO_HISTORY, session=session, gazetteer=gazetteer)
    assert len(history) >= 100
    assert history[0][1] > history[-1][1]  # shelters closed as people went home
    assert len(open_shelter_ids(session=session)) == history[-1][1]
