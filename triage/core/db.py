"""Database engine and sessions. The database is the source of truth for every record.

SQLite (WAL) is the embedded default; PostgreSQL is production. Nothing connects at
import time: `make_engine(settings)` is called by the app factory, workers and CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from triage.core.crypto import DataCipher, install_cipher
from triage.core.private_files import ensure_private_dir, ensure_private_file
from triage.core.settings import Settings

# Stable constraint names so that migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _enable_sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the API write while workers read; busy_timeout rides out short write locks.
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before the 2xx, even across a power cut (NORMAL in WAL
    # mode may lose the last commits); group commit pays that flush once per batch.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(settings: Settings) -> Engine:
    """The engine for Settings' database.

    `hide_parameters`: a statement's parameters are citizens' words and phone numbers, and
    an error's text travels into logs and RQ's failed-job registry (kept for days), so
    errors show the SQL only. The SQLite file (and so its -wal and -shm files, which SQLite
    creates with the database file's mode) and TRIAGE_HOME are private to this user. The
    engine carries the data keys its encrypted columns are read and written with."""
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        ensure_private_dir(settings.home)
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            ensure_private_file(Path(database))
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, hide_parameters=True
        )
        event.listen(engine, "connect", _enable_sqlite_wal)
        install_cipher(engine, DataCipher(settings.data_keys()))
        return engine
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # No pre-ping: it is a round trip on every checkout (a third of a one-statement
    # intake). Connections are recycled before servers or proxies drop idle ones, and a
    # connection found dead is invalidated with its pool, so only the statement that met
    # it fails; intake retries that one (`triage.intake.rows`), jobs are retried by RQ.
    engine = create_engine(
        url, pool_size=20, max_overflow=20, pool_recycle=1800, hide_parameters=True
    )
    install_cipher(engine, DataCipher(settings.data_keys()))
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that is closed afterwards; the caller commits explicitly."""
    session = factory()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
