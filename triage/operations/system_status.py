"""What staff and operators need to know about the service right now: queue depths and
whether surge mode is on (the LLM is being skipped where the local verdict is clear).

Surge mode is decided inside the refine worker, which publishes it to Redis
(`triage.core.surge_flag`).
"""

from __future__ import annotations

import redis
from fastapi import APIRouter
from pydantic import BaseModel

from triage.auth.deps import CurrentStaff
from triage.core.deps import ResourcesDep
from triage.core.queues import QueueName, get_queue
from triage.core.surge_flag import read_surge_state

router = APIRouter(
    tags=["staff"],
    responses={401: {"description": "no valid bearer token or console session"}},
)


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
