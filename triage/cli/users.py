"""`triage users add`, `triage users issue-token`, `triage users revoke-token`."""

from __future__ import annotations

import getpass
import sys
from datetime import timedelta

import typer
from sqlalchemy.orm import Session

from triage.auth import service
from triage.auth.tables import Role, StaffUser
from triage.cli.database import migrated_session
from triage.core.db import utcnow
from triage.core.errors import TriageError
from triage.core.settings import get_settings


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
        _print_token(token)


def issue_token(name: str) -> None:
    """A new bearer token for an existing account (an expired one is not renewed)."""
    with migrated_session() as session:
        user = _existing(name, session=session)
        token = service.issue_token(user, session=session)
        session.commit()
    _print_token(token)


def revoke_tokens(name: str) -> None:
    """Every bearer token of the account stops working at once."""
    with migrated_session() as session:
        user = _existing(name, session=session)
        count = service.revoke_tokens(user, session=session)
        session.commit()
    typer.echo(f"revoked {count} token{'' if count == 1 else 's'} of {name}")


def _existing(name: str, *, session: Session) -> StaffUser:
    user = service.user_by_name(name, session=session)
    if user is None:
        typer.echo(f"error: no user {name!r}", err=True)
        raise typer.Exit(1)
    return user


def _print_token(token: str) -> None:
    """The token alone on the last line of stdout; when it expires, on stderr."""
    days = get_settings().api_token_ttl_days
    expires = (utcnow() + timedelta(days=days)).strftime("%Y-%m-%d %H:%M UTC")
    typer.echo(f"token expires {expires} (TRIAGE_API_TOKEN_TTL_DAYS={days})", err=True)
    typer.echo(token)
