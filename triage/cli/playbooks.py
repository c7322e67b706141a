"""`triage playbooks import DIR` and `triage playbooks export DIR`.

Import is how an operator deploys reviewed playbook files: new and changed playbooks get a
new version and that version is published; identical ones are left alone.
"""

from __future__ import annotations

from pathlib import Path

import typer

from playbooks import service
from triage.db import make_engine, make_session_factory, session_scope
from triage.errors import TriageError
from triage.migrate import upgrade_database
from triage.settings import get_settings

IMPORT_ACTOR = "cli-import"


def import_command(directory: Path) -> None:
    settings = get_settings()
    engine = make_engine(settings)
    upgrade_database(settings, engine)
    try:
        with session_scope(make_session_factory(engine)) as session:
            result = service.import_directory(
                directory, actor=IMPORT_ACTOR, session=session, publish_changes=True
            )
            session.commit()
    except TriageError as error:
        typer.echo(f"import refused: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(
        f"created {len(result.created)}, updated {len(result.updated)},"
        f" unchanged {len(result.unchanged)} (created and updated ones are published)"
    )


def export_command(directory: Path) -> None:
    settings = get_settings()
    engine = make_engine(settings)
    upgrade_database(settings, engine)
    try:
        with session_scope(make_session_factory(engine)) as session:
            written = service.export_directory(directory, session=session)
    finally:
        engine.dispose()
    typer.echo(f"exported {len(written)} playbooks to {directory}")
