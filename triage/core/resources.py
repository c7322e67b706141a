"""What a process holds for its whole life: settings, database, Redis.

One object for API processes (built by `create_app`, kept on `app.state.resources`) and
for workers (built by `triage worker`). RQ jobs take ids only, so a worker installs its
resources here once and jobs look them up with `current_resources()`. Tests install
theirs with `resources_installed(...)`, which puts back what was there before, so no
test leaves its database or Redis behind for the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from triage.core.db import make_engine, make_session_factory
from triage.core.redis_conn import connect_redis
from triage.core.settings import Settings, get_settings


# eq=False: compared (and hashed) by identity, so caches can be keyed on the object.
@dataclass(eq=False)
class Resources:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: Redis

    @classmethod
    def build(cls, settings: Settings, redis_conn: Redis | None = None) -> Resources:
        # Workers do not fork (RQ's SimpleWorker, and the scheduler as a thread: see
        # triage/core/scheduler_thread.py), so no child ever shares these sockets.
        engine = make_engine(settings)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine),
            redis=redis_conn if redis_conn is not None else connect_redis(settings),
        )


_current: Resources | None = None


def install_resources(resources: Resources | None) -> None:
    """Set (or, with None, forget) this process's resources: worker start-up."""
    global _current
    _current = resources


def installed_resources() -> Resources | None:
    return _current


def current_resources() -> Resources:
    """This process's resources, built from the environment on first use (a worker
    started by plain `rq worker` rather than `triage worker`)."""
    global _current
    if _current is None:
        _current = Resources.build(get_settings())
    return _current


@contextmanager
def resources_installed(resources: Resources) -> Iterator[Resources]:
    """Install `resources` for the block, then put back what was installed before."""
    previous = _current
    install_resources(resources)
    try:
        yield resources
    finally:
        install_resources(previous)
