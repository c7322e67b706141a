from __future__ import annotations

import pytest

from triage.geo.address import parse_address
from triage.geo.gazetteer import Gazetteer
from triage.geo.normalize import normalize_text


@pytest.mark.parametrize(
    ("address", "prefecture", "municipality", "town"),
    [
        ("大阪府箕面市桜井３丁目９－２０", "大阪府", "箕面市", "桜井三丁目"),
        ("東京都世田谷区若林5-12-2", "東京都", "世田谷区", "若林五丁目"),
        ("大阪府大阪市鶴見区放出東３丁目３１－３９", "大阪府", "大阪市鶴見区", "放出東三丁目"),
        ("石川県七尾市一本杉町１２４", "石川県", "七尾市", "一本杉町"),
        ("北海道札幌市北区北２４条西６丁目１−１", "北海道", "札幌市北区", "北二十四条西六丁目"),
        ("岡山県倉敷市真備町箭田１１４１", "岡山県", "倉敷市", "真備町箭田"),
        ("東京都千代田区一番町２０－２", "東京都", "千代田区", "一番町"),
    ],
)
def test_known_addresses_parse(
    gazetteer: Gazetteer, address: str, prefecture: str, municipality: str, town: str
) -> None:
    parsed = parse_address(normalize_text(address), 0, gazetteer)
    assert parsed is not None
    assert parsed.prefecture is not None and parsed.prefecture.name == prefecture
    assert parsed.municipality is not None and parsed.municipality.name == municipality
    assert parsed.town == town


def test_same_named_municipality_is_chosen_by_its_towns(gazetteer: Gazetteer) -> None:
    """府中市 is in Tokyo and in Hiroshima; 府川町 exists only in Hiroshima's."""
    parsed = parse_address(normalize_text("府中市府川町315"), 0, gazetteer)
    assert parsed is not None and parsed.municipality is not None
    assert parsed.municipality.prefecture == "広島県"
    assert parsed.ambiguous


def test_town_point_is_near_the_town(gazetteer: Gazetteer) -> None:
    parsed = parse_address(normalize_text("石川県輪島市河井町"), 0, gazetteer)
    assert parsed is not None and parsed.point is not None
    lat, lon = parsed.point
    assert abs(lat - 37.39) < 0.02 and abs(lon - 136.90) < 0.02


def test_not_an_address(gazetteer: Gazetteer) -> None:
    assert parse_address(normalize_text("水がほしい"), 0, gazetteer) is None
