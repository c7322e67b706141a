"""FastAPI dependencies on the process's resources, as `Annotated` aliases so views
read plainly. Staff identity lives in `triage.auth.deps`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import redis
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from triage.core.resources import Resources


async def get_resources(request: Request) -> Resources:
    """`async` although it never awaits: FastAPI runs a plain `def` dependency in the
    thread pool, a hop that cost every request more CPU than the rest of the lookup."""
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


def get_session(resources: ResourcesDep) -> Iterator[Session]:
    session = resources.session_factory()
    try:
        yield session
    finally:
        session.close()


async def get_redis(resources: ResourcesDep) -> redis.Redis:
    return resources.redis


SessionDep = Annotated[Session, Depends(get_session)]
RedisDep = Annotated[redis.Redis, Depends(get_redis)]
