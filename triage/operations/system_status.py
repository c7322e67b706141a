"""What staff and operators need to know about the service right now: queue depths and
whether surge mode is on (the LLM is being skipped where the local verdict is clear).

Surge mode is decided inside the refine worker; it publishes the state to Redis with a
short expiry, so a stopped worker reads as "off" within two minutes.
"""

from __future__ import annotations

import redis
from fastapi import APIRouter
from pydantic import BaseModel

from triage.auth.deps import CurrentStaff
from triage.core.deps import ResourcesDep
from triage.core.queues import QueueName, get_queue

SURGE_KEY = "triage:surge-active"
SURGE_TTL_SECONDS = 120

router = APIRouter(tags=["staff"])


def publish_surge_state(redis_conn: redis.Redis, active: bool) -> None:
    redis_conn.set(SURGE_KEY, "1" if active else "0", ex=SURGE_TTL_SECONDS)


def read_surge_state(redis_conn: redis.Redis) -> bool:
    return redis_conn.get(SURGE_KEY) == b"1"


class SystemStatus(BaseModel):
    surge_active: bool
    llm_enabled: bool
    queue_depths: dict[str, int]


def system_status(runtime_redis: redis.Redis, llm_enabled: bool) -> SystemStatus:
    return SystemStatus(
        surge_active=read_surge_state(runtime_redis),
        llm_enabled=llm_enabled,
        queue_depths={str(name): get_queue(name, runtime_redis).count for name in QueueName},
    )


@router.get("/api/v1/system", response_model=SystemStatus)
def get_system_status(resources: ResourcesDep, _staff: CurrentStaff) -> SystemStatus:
    return system_status(resources.redis, resources.settings.llm_enabled)
