"""`triage serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import uvicorn

from triage.app import create_app
from triage.core.log_format import configure_logging
from triage.core.settings import get_settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def share_metrics_between_processes(directory: Path) -> None:
    """Prometheus multiprocess mode; an operator's PROMETHEUS_MULTIPROC_DIR is kept."""
    if os.environ.get(MULTIPROC_ENV):
        return
    shutil.rmtree(directory, ignore_errors=True)  # counts of a previous run are stale
    directory.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(directory)


def run_server(*, host: str, port: int, workers: int = 1) -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    common = {
        "host": host,
        "port": port,
        "log_config": None,
        "access_log": False,
        "proxy_headers": True,
    }
    if workers > 1:
        # Each uvicorn worker process builds its own app (engine, Redis pool) from the
        # environment, and keeps its own counters: they are shared through files so that
        # /metrics, answered by any one worker, reports the sum.
        share_metrics_between_processes(settings.home / "prometheus")
        uvicorn.run("triage.app:create_app", factory=True, workers=workers, **common)  # type: ignore[arg-type]
        return
    uvicorn.run(create_app(settings), **common)  # type: ignore[arg-type]
