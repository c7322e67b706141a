"""`triage serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import uvicorn

from triage.app import create_app
from triage.log_format import configure_logging
from triage.settings import get_settings


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
        # Each uvicorn worker process builds its own app (engine, Redis pool) from the environment.
        uvicorn.run("triage.app:create_app", factory=True, workers=workers, **common)  # type: ignore[arg-type]
        return
    uvicorn.run(create_app(settings), **common)  # type: ignore[arg-type]
