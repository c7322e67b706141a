"""The migrations build exactly the schema the table classes describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from triage.operations.all_tables import metadata
from triage.operations.migrate import alembic_config


def test_migrated_schema_matches_the_tables(db_engine: Engine) -> None:
    with db_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_one_head(db_engine: Engine) -> None:
    """Package migrations branch from 0001 and are joined again, so upgrades are linear."""
    heads = ScriptDirectory.from_config(alembic_config(db_engine)).get_heads()
    assert len(heads) == 1
