"""The web channel's pages, rendered with its own templates on the service's base layout."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from triage.core.templating import TEMPLATE_DIR

WEB_TEMPLATE_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=[WEB_TEMPLATE_DIR, TEMPLATE_DIR])
