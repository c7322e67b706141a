"""Storing deliveries: one row builder, one INSERT, whatever the path.

Every new inquiry row comes from `inquiry_values` and is written by the same
`INSERT ... ON CONFLICT (channel, provider_message_id) DO NOTHING RETURNING`, so the
unique constraint itself decides between "new" and "duplicate", even between two
concurrent deliveries of the same message, and its "received" event is written in the
same transaction.

- `store_new_many`: deliveries that start their own conversation, any number at once
  (a batch of one is a batch): one multi-row INSERT, one multi-row insert of their
  events, one commit, so a burst pays one durable flush per batch.
- `store_in_thread`: a delivery that continues an open conversation needs the thread's
  row (the ORM session): the same row and INSERT, plus the change to the thread.

The sender and text are encrypted by their column type (`EncryptedText`) as the INSERT
binds them, on both paths; the sender's keyed hash is added to the row here.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import (
    JSON,
    BindParameter,
    Engine,
    Table,
    Text,
    bindparam,
    cast,
    func,
    insert,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from channels.base import InboundMessage
from triage.core.crypto import DataCipher, cipher_for
from triage.core.db import utcnow
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus

_CONFLICT_COLUMNS = ["channel", "provider_message_id"]
_INQUIRY_COLUMNS = (
    "id",
    "public_token",
    "channel",
    "provider_message_id",
    "sender",
    "sender_hash",
    "text",
    "received_at",
    "reported_lat",
    "reported_lon",
    "language",
    "attachments",
    "reply_token",
    "conversation_id",
    "status",
    "attempts",
    "enqueued_at",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class Stored:
    inquiry_id: str
    public_token: str
    created: bool


def inquiry_values(
    message: InboundMessage,
    inquiry_id: str,
    *,
    conversation_id: str | None = None,
    adds_only: bool = False,
) -> dict[str, Any]:
    """The row of a new delivery. It starts its own conversation unless
    `conversation_id` is given; `adds_only` marks a message that only adds to an open
    inquiry (a bare location or photo): stored and shown, with nothing to triage."""
    now = utcnow()
    return {
        "id": inquiry_id,
        "public_token": secrets.token_urlsafe(24),
        "channel": message.channel,
        "provider_message_id": message.provider_message_id,
        "sender": message.sender,
        "text": message.text,
        "received_at": message.received_at,
        "reported_lat": message.location.lat if message.location else None,
        "reported_lon": message.location.lon if message.location else None,
        "language": message.language,
        "attachments": [a.model_dump() for a in message.attachments],
        "reply_token": message.reply_token,
        "conversation_id": conversation_id or inquiry_id,
        "status": (InquiryStatus.CLOSED if adds_only else InquiryStatus.RECEIVED).value,
        "attempts": 0,
        "enqueued_at": None if adds_only else now,
        "created_at": now,
        "updated_at": now,
    }


def _add_lookup_hash(values: dict[str, Any], cipher: DataCipher) -> None:
    """The sender's keyed hash, by which a later message finds its conversation. (The
    sender and text themselves are encrypted by their column type as they are bound.)"""
    sender = values["sender"]
    values["sender_hash"] = cipher.lookup_hash(sender) if sender else None


def _received_event(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "inquiry_id": values["id"],
        "kind": EventKind.RECEIVED.value,
        "actor": "system",
        "detail": {"channel": values["channel"]},
        "at": values["created_at"],
    }


def store_in_thread(session: Session, values: dict[str, Any]) -> Stored:
    """Insert a delivery that continues a conversation, in the caller's transaction (the
    caller updates the thread and commits). A duplicate returns the first inquiry."""
    _add_lookup_hash(values, cipher_for(session))
    inserted = session.execute(_INSERT_ONE[_dialect(session)].statement, values).first()
    if inserted is None:
        return _existing(session.connection(), values)
    session.execute(insert(_EVENTS), [_received_event(values)])
    return Stored(values["id"], values["public_token"], created=True)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def store_new_many(engine: Engine, rows: list[dict[str, Any]]) -> list[Stored | Exception]:
    """Commit new deliveries in one transaction; one result per row, in order.

    Rows for the same (channel, provider_message_id), in the batch or already stored,
    make one inquiry: the first row is inserted (`created=True`) and every other gets the
    first inquiry's id and token with `created=False`. Returns only after the commit; if
    the database refuses the batch, each row is tried alone and a row it still refuses
    gets its error in place of a result. A pooled connection found dead (the database
    restarted; the pool does not ping) is retried once on a fresh one: the insert is
    idempotent, and our own id found after the retry still counts as created. If it
    stays dead, the error is raised for all.
    """
    try:
        return list(_store_new_many(engine, rows))
    except DBAPIError as error:
        if error.connection_invalidated:
            return list(_store_new_many(engine, rows))
        if len(rows) == 1:
            raise
    # One row the database refuses must not fail its neighbours: store them one by one,
    # so only the bad row's request gets the error.
    return [_store_alone(engine, values) for values in rows]


def _store_alone(engine: Engine, values: dict[str, Any]) -> Stored | Exception:
    try:
        try:
            return _store_new_many(engine, [values])[0]
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            return _store_new_many(engine, [values])[0]
    except DBAPIError as error:
        return error


def find_stored(engine: Engine, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Stored]:
    """The inquiries already stored for these (channel, provider_message_id) keys."""
    if not keys:
        return {}
    try:
        with engine.connect() as connection:
            return _stored_for(connection, keys)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        with engine.connect() as connection:
            return _stored_for(connection, keys)


def _store_new_many(engine: Engine, rows: list[dict[str, Any]]) -> list[Stored]:
    firsts: dict[tuple[str, str], dict[str, Any]] = {}
    cipher = cipher_for(engine)
    for values in rows:
        _add_lookup_hash(values, cipher)
        firsts.setdefault((values["channel"], values["provider_message_id"]), values)
    # Rows go in key order, so two batches sharing keys lock them in the same order and
    # cannot deadlock each other on PostgreSQL.
    ordered = [firsts[key] for key in sorted(firsts)]
    with engine.begin() as connection:
        inserted = set(_insert_rows(connection, ordered))
        events = [_received_event(values) for values in firsts.values() if values["id"] in inserted]
        if events:
            _insert_events(connection, events)
        stored = {
            key: Stored(values["id"], values["public_token"], created=True)
            for key, values in firsts.items()
            if values["id"] in inserted
        }
        missing = [key for key in firsts if key not in stored]
        if missing:
            stored.update(_stored_for(connection, missing))
    results = []
    for values in rows:
        key = (values["channel"], values["provider_message_id"])
        first = stored[key]
        # Our own id found after a dead connection's retry also counts as created.
        is_first = values is firsts[key] and (first.created or first.inquiry_id == values["id"])
        results.append(Stored(first.inquiry_id, first.public_token, created=is_first))
    return results


def _insert_rows(connection: Connection, rows: list[dict[str, Any]]) -> list[str]:
    """The ids of the rows inserted (a row whose key is already stored is skipped)."""
    if connection.dialect.name == "postgresql":
        parameters = _UNNEST_INQUIRIES.parameters(rows)
        return list(connection.scalars(_INSERT_INQUIRIES_UNNEST.statement, parameters))
    return list(connection.scalars(_MANY[connection.dialect.name].statement, rows))


def _insert_events(connection: Connection, events: list[dict[str, Any]]) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(_UNNEST_EVENTS.statement, _UNNEST_EVENTS.parameters(events))
    else:
        connection.execute(_EVENTS_MANY.statement, events)


def _stored_for(
    connection: Connection, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], Stored]:
    found = connection.execute(
        select(
            _INQUIRIES.c.channel,
            _INQUIRIES.c.provider_message_id,
            _INQUIRIES.c.id,
            _INQUIRIES.c.public_token,
        ).where(tuple_(_INQUIRIES.c.channel, _INQUIRIES.c.provider_message_id).in_(keys))
    )
    return {
        (row.channel, row.provider_message_id): Stored(row.id, row.public_token, created=False)
        for row in found
    }


class _Statement:
    """A statement built once, on first use. Building an INSERT of eighteen columns and
    computing its cache key cost more CPU than PostgreSQL spends storing the row; a
    statement object that is reused has its cache key memoized, so only the parameters
    are new on each call."""

    def __init__(self, build: Callable[[], Executable]) -> None:
        self._build = build

    @cached_property
    def statement(self) -> Executable:
        return self._build()


# The Core tables: an insert on the mapped class would go through the ORM's bulk
# machinery on every call.
_INQUIRIES: Table = Inquiry.__table__  # type: ignore[assignment]
_EVENTS: Table = InquiryEvent.__table__  # type: ignore[assignment]


def _inquiry_values() -> dict[str, BindParameter[Any]]:
    return {name: bindparam(name) for name in _INQUIRY_COLUMNS}


def _insert_inquiry(statement: postgresql.Insert | sqlite.Insert) -> Any:
    return (
        statement.values(_inquiry_values())
        .on_conflict_do_nothing(index_elements=_CONFLICT_COLUMNS)
        .returning(_INQUIRIES.c.id)
    )


def _insert_many(statement: postgresql.Insert | sqlite.Insert) -> Executable:
    """Run with a list of rows, SQLAlchemy renders it as multi-row INSERTs ("insertmanyvalues")."""
    return statement.on_conflict_do_nothing(index_elements=_CONFLICT_COLUMNS).returning(
        _INQUIRIES.c.id
    )


_INSERT_ONE = {
    "postgresql": _Statement(lambda: _insert_inquiry(postgresql.insert(_INQUIRIES))),
    "sqlite": _Statement(lambda: _insert_inquiry(sqlite.insert(_INQUIRIES))),
}
_MANY = {
    "postgresql": _Statement(lambda: _insert_many(postgresql.insert(_INQUIRIES))),
    "sqlite": _Statement(lambda: _insert_many(sqlite.insert(_INQUIRIES))),
}
_EVENTS_MANY = _Statement(lambda: insert(_EVENTS))


class _UnnestInsert:
    """`INSERT ... SELECT unnest(:a), unnest(:b), ...` on PostgreSQL: one array parameter
    per column, so the text is the same for every batch size. A multi-row VALUES has 19
    parameters per row: psycopg caches a parsed query only up to 50 parameters, so it
    split every batch's placeholders again in Python (about half the cost of storing),
    and PostgreSQL never saw the same text twice to prepare it. This one is parsed once
    and prepared after five uses. Each column's own type applies to every element (the
    encrypted columns encrypt); JSON goes as text and is cast back, because an array of
    JSON lists would read as a multi-dimensional array. The unnested rows keep the
    order of the lists."""

    def __init__(self, table: Table, columns: tuple[str, ...]) -> None:
        self._table = table
        self._columns = columns
        self._json = {name for name in columns if isinstance(table.c[name].type, JSON)}

    @cached_property
    def statement(self) -> postgresql.Insert:
        arrays = [self._unnest(name) for name in self._columns]
        return postgresql.insert(self._table).from_select(list(self._columns), select(*arrays))

    def _unnest(self, name: str) -> Any:
        column_type = self._table.c[name].type
        if name in self._json:
            return cast(func.unnest(bindparam(name, type_=postgresql.ARRAY(Text))), column_type)
        return func.unnest(bindparam(name, type_=postgresql.ARRAY(column_type)))

    def parameters(self, rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
        """The rows as one list per column."""
        return {
            name: [json.dumps(row[name]) if name in self._json else row[name] for row in rows]
            for name in self._columns
        }


_UNNEST_INQUIRIES = _UnnestInsert(_INQUIRIES, _INQUIRY_COLUMNS)
_UNNEST_EVENTS = _UnnestInsert(_EVENTS, ("inquiry_id", "kind", "actor", "detail", "at"))
_INSERT_INQUIRIES_UNNEST = _Statement(
    lambda: _UNNEST_INQUIRIES.statement.on_conflict_do_nothing(
        index_elements=_CONFLICT_COLUMNS
    ).returning(_INQUIRIES.c.id)
)


def _existing(connection: Connection, values: dict[str, Any]) -> Stored:
    row = connection.execute(
        select(_INQUIRIES.c.id, _INQUIRIES.c.public_token).where(
            _INQUIRIES.c.channel == values["channel"],
            _INQUIRIES.c.provider_message_id == values["provider_message_id"],
        )
    ).one()
    # Our own id means a first try committed before its connection died: it is new.
    return Stored(row.id, row.public_token, created=row.id == values["id"])
