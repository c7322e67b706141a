from __future__ import annotations

from triage.geo.gazetteer import Gazetteer
from triage.geo.shelters import Hazard, nearest_shelters

NANAO_STATION = (37.0431, 136.9672)


def test_nearest_shelters_are_ordered_and_suitable(gazetteer: Gazetteer) -> None:
    found = nearest_shelters(*NANAO_STATION, hazard=Hazard.TSUNAMI, limit=5, gazetteer=gazetteer)
    assert len(found) == 5
    distances = [f.distance_m for f in found]
    assert distances == sorted(distances)
    assert all(Hazard.TSUNAMI in f.shelter.hazards for f in found)
    assert all(f.distance_m < 5_000 for f in found)


def test_hazard_filter_excludes_unflagged_sites(gazetteer: Gazetteer) -> None:
    any_site = nearest_shelters(*NANAO_STATION, hazard=None, limit=50, gazetteer=gazetteer)
    volcano = nearest_shelters(*NANAO_STATION, hazard=Hazard.VOLCANO, limit=3, gazetteer=gazetteer)
    near_ids = {f.shelter.id for f in any_site if Hazard.VOLCANO not in f.shelter.hazards}
    assert near_ids, "some nearby sites are not volcano shelters"
    assert not near_ids & {f.shelter.id for f in volcano}


def test_closed_shelters_are_skipped(gazetteer: Gazetteer) -> None:
    first = nearest_shelters(*NANAO_STATION, hazard=Hazard.EARTHQUAKE, limit=2, gazetteer=gazetteer)
    closed = first[0].shelter.id
    again = nearest_shelters(
        *NANAO_STATION, hazard=Hazard.EARTHQUAKE, limit=2, gazetteer=gazetteer, closed_ids={closed}
    )
    assert closed not in {f.shelter.id for f in again}
    assert again[0].shelter.id == first[1].shelter.id
