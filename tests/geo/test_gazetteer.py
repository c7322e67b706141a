from __future__ import annotations

from triage.geo.gazetteer import Gazetteer, load_gazetteer


def test_loaded_once_per_process(gazetteer: Gazetteer) -> None:
    assert load_gazetteer() is gazetteer


def test_every_municipality_has_a_code_and_a_point(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.prefectures) == 47
    assert len(gazetteer.municipalities) > 1_900
    assert gazetteer.by_lgcode["172022"].name == "七尾市"
    assert gazetteer.by_lgcode["011011"].name == "札幌市中央区"
    assert gazetteer.by_lgcode["011011"].ward == "中央区"
    assert all(len(m.lgcode) == 6 and 20 < m.lat < 46 for m in gazetteer.municipalities)


def test_towns_are_derived_per_municipality(gazetteer: Gazetteer) -> None:
    towns = gazetteer.towns_of("172049")  # 輪島市
    assert "河井町" in towns
    assert towns["河井町"].lgcode == "172049"


def test_romaji_names_come_from_the_2007_gazetteer(gazetteer: Gazetteer) -> None:
    assert [m.name for m in gazetteer.romaji_index[("wajima", "Shi")]] == ["輪島市"]


def test_shelters_are_sorted_by_latitude(gazetteer: Gazetteer) -> None:
    lat = gazetteer.shelters.lat
    assert len(gazetteer.shelters) > 100_000
    assert bool((lat[1:] >= lat[:-1]).all())
