"""`triage keys rotate` and `triage keys generate`: the data keys of encrypted columns.

Rotation, step by step: put a new key in front of TRIAGE_DATA_KEY (`NEW,OLD`) on every
process, run `triage keys rotate`, then drop OLD. Rows are rewritten a batch at a time,
each batch its own transaction, and a row already under the newest key is left as it is:
interrupted, the command is simply run again. Every row stays readable throughout, since
each process holds both keys. A row changed by someone else meanwhile is left for the
next run (its update compares the old token).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
import typer
from sqlalchemy import Engine

from triage.core.crypto import HASHED_AS, DataCipher, DataKeyError, EncryptedText, cipher_for
from triage.core.db import make_engine
from triage.core.settings import get_settings
from triage.operations.all_tables import metadata
from triage.operations.migrate import upgrade_database

BATCH_SIZE = 500


@dataclass
class Rotation:
    rows: int = 0
    rewritten: int = 0  # rows whose tokens or hashes were rewritten
    changed_meanwhile: int = 0  # left for the next run


@dataclass(frozen=True)
class _EncryptedTable:
    """A table's encrypted columns, seen as plain text (the tokens as stored)."""

    name: str
    table: sa.TableClause
    columns: tuple[str, ...]
    hashes: dict[str, str]  # encrypted column -> its keyed-hash column


def encrypted_tables() -> list[_EncryptedTable]:
    found = []
    for table in metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, EncryptedText)]
        if not columns:
            continue
        hashes = {c.name: c.info[HASHED_AS] for c in columns if HASHED_AS in c.info}
        plain = sa.table(
            table.name,
            sa.column("id"),
            *(sa.column(c.name, sa.Text) for c in columns),
            *(sa.column(h, sa.String) for h in hashes.values()),
        )
        found.append(_EncryptedTable(table.name, plain, tuple(c.name for c in columns), hashes))
    return found


def rotate_keys(
    engine: Engine, *, batch_size: int = BATCH_SIZE, advance: Callable[[int], None] | None = None
) -> dict[str, Rotation]:
    """Re-encrypt every encrypted value under the newest key, and recompute its hashes."""
    cipher = cipher_for(engine)
    return {
        spec.name: _rotate_table(engine, cipher, spec, batch_size, advance or (lambda n: None))
        for spec in encrypted_tables()
    }


def count_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return sum(
            connection.execute(sa.select(sa.func.count()).select_from(spec.table)).scalar_one()
            for spec in encrypted_tables()
        )


def _rotate_table(
    engine: Engine,
    cipher: DataCipher,
    spec: _EncryptedTable,
    batch_size: int,
    advance: Callable[[int], None],
) -> Rotation:
    t = spec.table
    read = [t.c[name] for name in spec.columns] + [t.c[h] for h in spec.hashes.values()]
    result = Rotation()
    last = None
    while True:
        query = sa.select(t.c.id, *read).order_by(t.c.id).limit(batch_size)
        if last is not None:
            query = query.where(t.c.id > last)
        with engine.begin() as connection:
            rows = connection.execute(query).all()
            for row in rows:
                changes, guard = _changes(cipher, spec, row._mapping)
                if changes:
                    updated = connection.execute(
                        sa.update(t).where(t.c.id == row.id, *guard).values(changes)
                    )
                    if updated.rowcount == 1:
                        result.rewritten += 1
                    else:
                        result.changed_meanwhile += 1
        if not rows:
            return result
        result.rows += len(rows)
        advance(len(rows))
        last = rows[-1].id


def _changes(
    cipher: DataCipher, spec: _EncryptedTable, row: sa.RowMapping
) -> tuple[dict[str, str | None], list[sa.ColumnElement[bool]]]:
    """What to write for one row, and the condition that it still holds the tokens read."""
    changes: dict[str, str | None] = {}
    read: dict[str, str] = {}
    for name in spec.columns:
        token = row[name]
        if token is None:
            continue
        try:
            value, newer = cipher.reencrypt(token)
        except DataKeyError as error:
            raise DataKeyError(
                f"{spec.name} row {row['id']}: {name} cannot be decrypted with the keys held; "
                "keep every old key in TRIAGE_DATA_KEY until a rotation has finished"
            ) from error
        if newer is not None:
            changes[name], read[name] = newer, token
        hash_column = spec.hashes.get(name)
        if hash_column is not None and row[hash_column] != cipher.lookup_hash(value):
            changes[hash_column], read[name] = cipher.lookup_hash(value), token
    return changes, [spec.table.c[name] == token for name, token in read.items()]


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr when stderr is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [TextColumn("re-encrypting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("re-encrypting", total=total)
        yield lambda n: progress.advance(task, n)


def rotate_command() -> None:
    settings = get_settings()
    engine = make_engine(settings)
    try:
        upgrade_database(settings, engine)
        keys = cipher_for(engine).key_count
        with _progress(count_rows(engine)) as advance:
            try:
                results = rotate_keys(engine, advance=advance)
            except DataKeyError as error:
                typer.echo(f"error: {error}", err=True)
                raise typer.Exit(1) from None
    finally:
        engine.dispose()
    for table, rotation in results.items():
        line = f"{table}: {rotation.rows} rows, {rotation.rewritten} rewritten"
        if rotation.changed_meanwhile:
            line += f", {rotation.changed_meanwhile} changed meanwhile (run again)"
        typer.echo(line)
    if keys > 1 and not any(r.changed_meanwhile for r in results.values()):
        typer.echo("every row is under the newest key: the older keys may now be removed", err=True)


def generate_command() -> None:
    from triage.core.crypto import generate_data_key

    typer.echo(generate_data_key())
