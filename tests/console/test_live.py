"""The live feed is the event log: a reconnect with Last-Event-ID replays every change
after it, so a console that lost its connection misses nothing."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.console.test_pages import triaged
from tests.helpers import bearer, make_staff, post_inquiry
from triage.auth.tables import Role
from triage.console.live import events_after, latest_event_id


def _read_events(client: TestClient, headers: dict[str, str], wanted: int) -> list[dict[str, str]]:
    """The first `wanted` `inquiry` events of the stream, as SSE fields."""
    events: list[dict[str, str]] = []
    current: dict[str, str] = {}
    with client.stream("GET", "/console/events", headers=headers) as stream:
        for line in stream.iter_lines():
            if not line:
                if current.get("event") == "inquiry":
                    events.append(current)
                    if len(events) == wanted:
                        break
                current = {}
                continue
            field, _, value = line.partition(":")
            current[field] = value.strip()
    return events


def test_a_reconnect_replays_what_happened_while_it_was_gone(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    first = post_inquiry(client, "最初")["id"]
    with session_factory() as session:
        seen = latest_event_id(session=session)  # the console saw everything up to here
    # While the console is away: a new inquiry, and the first one claimed.
    second = post_inquiry(client, "二番目")["id"]
    triaged(session_factory, first, "P1", "urgent")
    client.post(f"/api/v1/inquiries/{first}/claim", headers=bearer(token))

    replayed = _read_events(client, {**bearer(token), "Last-Event-ID": str(seen)}, wanted=2)
    data = [json.loads(e["data"]) for e in replayed]
    assert [(d["inquiry_id"], d["kind"]) for d in data] == [
        (second, "received"),
        (first, "claimed"),
    ]
    assert data[1]["priority"] == "P1" and data[1]["route"] == "urgent"
    ids = [int(e["id"]) for e in replayed]
    assert ids == sorted(ids) and ids[0] > seen


def test_events_after_is_in_log_order_and_bounded(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    for n in range(5):
        post_inquiry(client, f"message {n}")
    with session_factory() as session:
        everything = events_after(0, session=session)
        assert [e.kind for e in everything] == ["received"] * 5
        assert len(events_after(0, session=session, limit=2)) == 2
        assert events_after(everything[-1].id, session=session) == []


def test_the_feed_is_for_responders_only(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    assert client.get("/console/events").status_code == 401
    coordinator = make_staff(session_factory, "mei", Role.COORDINATOR)
    assert client.get("/console/events", headers=bearer(coordinator)).status_code == 403
