"""`triage shelters set ID --status open|closed|full` and `triage shelters import FILE`.

The operators' way to report on shelters without the console (a script, a shift without
a browser): the same service, the same history, the answers see it within a second.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from triage.cli.database import migrated_session
from triage.core.errors import InvalidInputError
from triage.geo import service
from triage.geo.gazetteer import load_gazetteer
from triage.geo.tables import ShelterState

CLI_ACTOR = "cli"


def set_command(
    shelter_id: str,
    status: str,
    *,
    capacity: int | None,
    evacuees: int | None,
    note: str | None,
) -> None:
    try:
        state = ShelterState(status.strip().lower())
    except ValueError:
        typer.echo(f"unknown status {status!r}: use open, closed or full", err=True)
        raise typer.Exit(2) from None
    gazetteer = load_gazetteer()
    if shelter_id not in service.shelter_rows(gazetteer):
        typer.echo(f"no shelter {shelter_id} in the gazetteer", err=True)
        raise typer.Exit(1)
    try:
        with migrated_session() as session:
            service.set_shelter_status(
                shelter_id,
                session=session,
                state=state,
                capacity=capacity,
                evacuees=evacuees,
                note=note,
                updated_by=CLI_ACTOR,
            )
            session.commit()
    except InvalidInputError as error:
        typer.echo(f"refused: {error}", err=True)
        raise typer.Exit(1) from None
    name = gazetteer.shelters.names[service.shelter_rows(gazetteer)[shelter_id]]
    typer.echo(f"{shelter_id} {name}: {state.value}")


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr when stderr is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("importing", total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


def import_command(file: Path) -> None:
    """Apply the file; skipped rows are listed on stderr (the rest are applied)."""
    gazetteer = load_gazetteer()
    try:
        with migrated_session() as session, _progress() as advance:
            result = service.import_shelter_csv(
                file, session=session, updated_by=CLI_ACTOR, gazetteer=gazetteer, progress=advance
            )
            session.commit()
    except (InvalidInputError, UnicodeDecodeError) as error:
        typer.echo(f"import refused: {error}", err=True)
        raise typer.Exit(1) from None
    for kind, problems in (("unmatched", result.unmatched), ("invalid", result.invalid)):
        for problem in problems:
            typer.echo(f"line {problem.line}: {kind}: {problem.reason}", err=True)
    typer.echo(
        f"imported {len(result.imported)}, unmatched {len(result.unmatched)},"
        f" invalid {len(result.invalid)}"
    )
