"""`triage users add`."""

from __future__ import annotations

import getpass
import sys

import typer

from triage.auth import service
from triage.auth.tables import Role
from triage.cli.database import migrated_session
from triage.core.errors import TriageError


def add_user(name: str, role: str, *, password_stdin: bool, with_token: bool) -> None:
    try:
        parsed_role = Role(role)
    except ValueError:
        typer.echo(f"unknown role {role!r}: use responder, coordinator or admin", err=True)
        raise typer.Exit(2) from None
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not with_token:
        if not sys.stdin.isatty():
            typer.echo(
                "give --password-stdin or --token (no terminal to ask for a password)", err=True
            )
            raise typer.Exit(2)
        password = getpass.getpass("パスワード / password: ")
    with migrated_session() as session:
        try:
            user = service.create_user(name, parsed_role, session=session, password=password)
            token = service.issue_token(user, session=session) if with_token else None
            session.commit()
        except TriageError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"added {name} ({parsed_role})", err=token is not None)
    if token is not None:
        typer.echo(token)
