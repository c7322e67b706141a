"""`triage db upgrade`: Alembic migrations run programmatically against Settings' database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from triage.core.db import make_engine
from triage.core.settings import Settings

MIGRATIONS_DIR = Path(__file__).parents[1] / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade_database(settings: Settings, engine: Engine | None = None) -> None:
    engine = engine or make_engine(settings)
    # "heads": packages add their own migrations on top of 0001 (merged at release).
    command.upgrade(alembic_config(engine), "heads")


def make_revision(settings: Settings, message: str) -> None:
    """Autogenerate a revision (developers only)."""
    engine = make_engine(settings)
    command.revision(alembic_config(engine), message=message, autogenerate=True)
