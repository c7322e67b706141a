"""Jinja2 templates for the citizen pages and the console (Japanese first)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

TEMPLATE_DIR = Path(__file__).parents[1] / "templates"
templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
