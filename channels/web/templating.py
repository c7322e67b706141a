"""The web channel's pages, rendered with its own templates on the service's base layout."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates

from triage.core.settings import get_settings
from triage.core.templating import TEMPLATE_DIR

WEB_TEMPLATE_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=[WEB_TEMPLATE_DIR, TEMPLATE_DIR])


@cache
def _zone() -> ZoneInfo:
    return ZoneInfo(get_settings().display_timezone)


def local_time(value: datetime) -> str:
    """A stored UTC time as a citizen reads it: the deployment's time zone (Japan time
    by default), with its abbreviation (2026-12-01 20:43 JST)."""
    return value.astimezone(_zone()).strftime("%Y-%m-%d %H:%M %Z")


templates.env.filters["local_time"] = local_time
