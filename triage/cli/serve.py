"""`triage serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import uvicorn

from triage.app import create_app
from triage.log_format import configure_logging
from triage.settings import get_settings


def run_server(*, host: str, port: int) -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False, proxy_headers=True)
