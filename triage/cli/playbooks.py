"""`triage playbooks import DIR` and `triage playbooks export DIR`.

Import is how an operator deploys reviewed playbook files: new and changed playbooks get a
new version and that version is published; identical ones are left alone.
"""

from __future__ import annotations

from pathlib import Path

import typer

from playbooks import service
from triage.cli.database import migrated_session
from triage.core.errors import TriageError

IMPORT_ACTOR = "cli-import"


def import_command(directory: Path) -> None:
    try:
        with migrated_session() as session:
            result = service.import_directory(
                directory, actor=IMPORT_ACTOR, session=session, publish_changes=True
            )
            session.commit()
    except TriageError as error:
        typer.echo(f"import refused: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"created {len(result.created)}, updated {len(result.updated)},"
        f" unchanged {len(result.unchanged)} (created and updated ones are published)"
    )


def export_command(directory: Path) -> None:
    with migrated_session() as session:
        written = service.export_directory(directory, session=session)
    typer.echo(f"exported {len(written)} playbooks to {directory}")
