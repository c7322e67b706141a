"""Liveness, readiness and metrics endpoints for operators."""

from __future__ import annotations

import os

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from sqlalchemy import text

from triage.core.deps import ResourcesDep
from triage.core.queues import QueueName, get_queue

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up. Says nothing about dependencies, on purpose."""
    return {"status": "ok"}


def _check_dependencies(runtime_: object) -> dict[str, str]:
    from triage.core.resources import Resources

    assert isinstance(runtime_, Resources)
    checks: dict[str, str] = {}
    try:
        with runtime_.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # readiness reports any failure, it never raises
        checks["database"] = f"error: {type(error).__name__}"
    try:
        runtime_.redis.ping()
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = f"error: {type(error).__name__}"
    return checks


@router.get("/readyz")
async def readyz(resources: ResourcesDep) -> JSONResponse:
    """Ready when the database and Redis both answer."""
    checks = await run_in_threadpool(_check_dependencies, resources)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status_code=200 if ready else 503
    )


def _process_metrics() -> bytes:
    """This process's metrics, or every API process's when they share a directory."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()


@router.get("/metrics")
def metrics(resources: ResourcesDep) -> Response:
    """Prometheus metrics, plus queue depths read from Redis at scrape time."""
    lines = [_process_metrics().decode()]
    lines.append(
        "# HELP triage_queue_depth Jobs waiting in each RQ queue\n# TYPE triage_queue_depth gauge\n"
    )
    for name in QueueName:
        try:
            depth = get_queue(name, resources.redis).count
        except Exception:
            continue
        lines.append(f'triage_queue_depth{{queue="{name}"}} {depth}\n')
    return Response("".join(lines), media_type=CONTENT_TYPE_LATEST)
