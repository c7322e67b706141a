"""Alembic environment: the URL comes from Settings, the metadata from all_tables."""

from __future__ import annotations

from alembic import context

from triage.core.db import make_engine
from triage.core.settings import Settings
from triage.operations.all_tables import metadata

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(Settings())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
