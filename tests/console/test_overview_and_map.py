"""The overview's figures and the map's points, from the database as it is."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.console.test_pages import headers, triaged
from tests.helpers import make_staff, post_inquiry
from triage.auth.tables import Role

NANAO = {
    "prefecture": "石川県",
    "municipality": "七尾市",
    "lat": 37.043,
    "lon": 136.967,
    "precision": "municipality",
    "source": "text",
    "confidence": 0.9,
}


def test_the_overview_counts_what_is_open_and_how_long_it_waits(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    for text, priority, age in (("a", "P1", 12), ("b", "P1", 2), ("c", "P2", 40)):
        triaged(session_factory, post_inquiry(client, text)["id"], priority, "urgent", age_min=age)
    triaged(session_factory, post_inquiry(client, "d")["id"], "P3", "staff")
    page = client.get("/console/overview", headers=headers(aya)).text
    assert "P1 命に関わる: 2" in page and "P2 至急: 1" in page
    assert "12:0" in page  # the worst wait (12 minutes and a few seconds)
    assert '<p class="big over">2</p>' in page  # two SLA breaches: the old P1 and the P2
    assert page.count("<rect ") == 24  # one bar per hour of the last day


def test_the_map_has_open_inquiries_with_coordinates_and_the_shelters_around(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    placed = post_inquiry(client, "七尾市で孤立")["id"]
    triaged(session_factory, placed, "P1", "urgent", location=NANAO)
    triaged(session_factory, post_inquiry(client, "場所なし")["id"], "P2", "urgent")
    data = client.get("/console/map.json", headers=headers(aya)).json()
    assert [p["id"] for p in data["inquiries"]] == [placed]
    assert data["inquiries"][0]["place"] == "石川県七尾市"
    assert data["shelters"] and all(s["state"] is None for s in data["shelters"])
    page = client.get("/console/map", headers=headers(aya))
    assert "/console/vendor/leaflet/leaflet.js" in page.text
    assert "cyberjapandata.gsi.go.jp" in page.headers["content-security-policy"]
    script = client.get("/console/vendor/leaflet/leaflet.js")
    assert script.status_code == 200 and "no-store" not in script.headers.get("cache-control", "")
