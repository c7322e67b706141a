"""The `triage` command. Each sub-command builds Settings from the environment and passes
them on; heavy imports happen inside commands so `triage --help` stays instant."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from triage.core.queue_names import QueueName

app = typer.Typer(
    help="災害時問い合わせトリアージ / Disaster-time inquiry triage service.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
model_app = typer.Typer(help="The local classification model.", no_args_is_help=True)
playbooks_app = typer.Typer(help="Playbooks: the approved automatic answers.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(model_app, name="model")
app.add_typer(playbooks_app, name="playbooks")
keys_app = typer.Typer(help="Data keys of the encrypted columns.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
shelters_app = typer.Typer(help="Shelters: open, closed or full.", no_args_is_help=True)
app.add_typer(shelters_app, name="shelters")

HostOption = Annotated[str, typer.Option(help="Address to listen on.")]
PortOption = Annotated[int, typer.Option(help="Port to listen on.")]


@app.command()
def demo(host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Run everything on the embedded default: API, workers, embedded Redis, SQLite."""
    from triage.cli.demo import run_demo

    run_demo(host=host, port=port)


@app.command()
def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    workers: Annotated[int, typer.Option(min=1, help="HTTP worker processes.")] = 1,
) -> None:
    """Run the HTTP API (webhooks, citizen form, staff API, console)."""
    from triage.cli.serve import run_server

    run_server(host=host, port=port, workers=workers)


@app.command()
def worker(
    queue: Annotated[QueueName, typer.Argument(help="The one queue this process works.")],
    burst: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False,
) -> None:
    """Run an RQ worker for one queue (triage, outbound, or refine when an LLM is set)."""
    from triage.cli.worker import run_worker

    run_worker(queue, burst=burst)


@app.command()
def sweep() -> None:
    """Re-enqueue inquiries and replies left unprocessed (runs inside workers too)."""
    from triage.cli.worker import run_sweep_once

    count = run_sweep_once()
    typer.echo(f"re-enqueued {count}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    from triage.core.settings import get_settings
    from triage.operations.migrate import upgrade_database

    settings = get_settings()
    upgrade_database(settings)
    typer.echo("database is up to date", err=True)


@users_app.command("add")
def users_add(
    name: str,
    role: Annotated[str, typer.Option(help="responder, coordinator or admin")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    token: Annotated[
        bool, typer.Option("--token", help="Print a bearer API token on the last line.")
    ] = False,
) -> None:
    """Add a staff account."""
    from triage.cli.users import add_user

    add_user(name, role, password_stdin=password_stdin, with_token=token)


@users_app.command("issue-token")
def users_issue_token(name: str) -> None:
    """Print a new bearer API token for an account on the last line (shown once)."""
    from triage.cli.users import issue_token

    issue_token(name)


@users_app.command("revoke-token")
def users_revoke_token(name: str) -> None:
    """Revoke every bearer API token of an account, at once."""
    from triage.cli.users import revoke_tokens

    revoke_tokens(name)


DatabaseOption = Annotated[
    bool,
    typer.Option(
        "--database",
        help="Answer with the published playbooks of TRIAGE_DATABASE_URL, not the library files.",
    ),
]


@app.command()
def assess(
    database: DatabaseOption = False,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Add each layer's verdict and reasons to every line."),
    ] = False,
) -> None:
    """Assess JSON lines {"id","text","channel"?} from stdin; one JSON line out per message."""
    from triage.cli.assess import assess_command

    assess_command(database=database, explain=explain)


@app.command("eval")
def evaluate(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    json_output: Annotated[
        bool, typer.Option("--json", help="Print machine-readable JSON.")
    ] = False,
    database: DatabaseOption = False,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            exists=True,
            dir_okay=False,
            help="Use this local model file (e.g. from `model train --with-corrections`).",
        ),
    ] = None,
) -> None:
    """Evaluate triage on a labelled JSON-lines file (the same pipeline as the workers)."""
    from triage.cli.assess import eval_command

    eval_command(file, json_output, database=database, model_path=model)


@app.command()
def geocode() -> None:
    """Geocode lines of text from stdin (offline by default); one JSON line each."""
    from triage.cli.geocode import geocode_command

    geocode_command()


@model_app.command("train")
def model_train(
    with_corrections: Annotated[
        bool,
        typer.Option(
            "--with-corrections",
            help=(
                "Add responders' reclassifications from TRIAGE_DATABASE_URL, write a new "
                "file and print before/after figures."
            ),
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            dir_okay=False,
            help=(
                "Where to write the model. Default: the shipped one; with corrections, a "
                "new file under TRIAGE_HOME/models (never the shipped one)."
            ),
        ),
    ] = None,
) -> None:
    """Train the local model from the project's own examples (reproducible), or also
    from responders' corrections. Nothing retrains by itself in production: an operator
    runs this, reads the before/after table, and points TRIAGE_LOCAL_MODEL_PATH at the
    new file."""
    from triage.cli.model import train_command

    train_command(with_corrections=with_corrections, out=out)


@playbooks_app.command("import")
def playbooks_import(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False)],
) -> None:
    """Import playbooks from a folder (new versions of changed ones)."""
    from triage.cli.playbooks import import_command

    import_command(directory)


@playbooks_app.command("export")
def playbooks_export(directory: Path) -> None:
    """Export the current playbooks to a folder."""
    from triage.cli.playbooks import export_command

    export_command(directory)


@shelters_app.command("set")
def shelters_set(
    shelter_id: Annotated[str, typer.Argument(help="The GSI facility id.")],
    status: Annotated[str, typer.Option("--status", help="open, closed or full")],
    capacity: Annotated[int | None, typer.Option(min=0, help="How many it holds.")] = None,
    evacuees: Annotated[int | None, typer.Option(min=0, help="How many are there now.")] = None,
    note: Annotated[str | None, typer.Option(help="A short note (500 characters).")] = None,
) -> None:
    """Report on one shelter (kept in its history; answers use it within a second)."""
    from triage.cli.shelters import set_command

    set_command(shelter_id, status, capacity=capacity, evacuees=evacuees, note=note)


@shelters_app.command("import")
def shelters_import(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Import a CSV: shelter_id (or name, municipality),state,capacity,evacuees,note."""
    from triage.cli.shelters import import_command

    import_command(file)


@app.command()
def purge(
    older_than: Annotated[
        int,
        typer.Option(
            "--older-than",
            metavar="DAYS",
            min=1,
            help="Anonymise conversations resolved or closed and unchanged this many days.",
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count; change nothing.")] = False,
) -> None:
    """Anonymise old finished inquiries: contact, text, replies, GPS, attachments."""
    from triage.cli.purge import purge_command

    purge_command(older_than, dry_run=dry_run)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored contact and message with the newest TRIAGE_DATA_KEY."""
    from triage.cli.keys import rotate_command

    rotate_command()


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new data key (put it first in TRIAGE_DATA_KEY, then rotate)."""
    from triage.cli.keys import generate_command

    generate_command()


def main() -> None:
    app(prog_name="triage")


if __name__ == "__main__":
    main()
