from __future__ import annotations

from triage.geo.gazetteer import Gazetteer, load_gazetteer
from triage.geo.towns import TownOrigin


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


def test_postal_towns_and_districts_come_with_readings(gazetteer: Gazetteer) -> None:
    """Japan Post's neighbourhoods the shelters lack, and the districts derived from them."""
    yamakoshi = gazetteer.towns_of("152021")["山古志"]  # 長岡市: a prefix of 山古志竹沢…
    assert (yamakoshi.origin, yamakoshi.kana) == (TownOrigin.DISTRICT, "やまこし")
    assert not yamakoshi.approximate  # the median of the shelters in 山古志竹沢, 山古志虫亀…
    ushitsu = gazetteer.towns_of("174637")["宇出津"]  # 能登町
    assert (ushitsu.origin, ushitsu.kana) == (TownOrigin.POSTAL, "うしつ")
    yanagawa = gazetteer.towns_of("072133")  # 伊達市 (Fukushima): a former municipality
    assert yanagawa["梁川"].origin is TownOrigin.DISTRICT
    assert yanagawa["梁川町"].kana == "やながわまち"


def test_a_town_with_no_shelter_has_an_approximate_point(gazetteer: Gazetteer) -> None:
    approximate = [t for t in gazetteer.towns_of("402281").values() if t.approximate]  # 朝倉市
    assert approximate and all(t.sites == 0 and t.origin is TownOrigin.POSTAL for t in approximate)


def test_everyday_words_are_listed(gazetteer: Gazetteer) -> None:
    assert {"水道", "小石", "大滝", "すいどう", "ところの"} <= gazetteer.ordinary_words
    assert not {"杷木", "山古志", "うしつ"} & gazetteer.ordinary_words
