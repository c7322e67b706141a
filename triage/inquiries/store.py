"""Storing a new delivery in one statement: the hot path of intake.

The ORM path (look for the delivery, add the inquiry and its event, flush, commit) costs
four round trips and a unit of work per message. Here a new delivery is written with
`INSERT ... ON CONFLICT (channel, provider_message_id) DO NOTHING RETURNING`, so the
unique constraint itself decides between "new" and "duplicate", even between two
concurrent deliveries of the same message, and the "received" event is written in the
same transaction:

- PostgreSQL: one statement (a data-modifying CTE) run in autocommit, so the insert,
  the event and the durable commit are a single round trip. A single statement is
  atomic: either both rows are committed or neither is.
- SQLite: the two inserts in one transaction (SQLite has no DML in CTEs); the file is
  local, so round trips cost nothing there.

It is only for messages that start a new conversation; a follow-up needs the thread's
row and goes through `service.accept_inbound`.

`store_new_many` is the group commit of the API: many deliveries in one transaction (one
multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING, one multi-row insert of their
events, one commit), so a burst pays one durable flush per batch, not one per message.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import (
    JSON,
    BindParameter,
    Engine,
    String,
    Table,
    bindparam,
    insert,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable

from channels.base import InboundMessage
from triage.db import UTCDateTime, utcnow
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus

_CONFLICT_COLUMNS = ["channel", "provider_message_id"]
_EVENT_COLUMNS = ["inquiry_id", "kind", "actor", "detail", "at"]
_INQUIRY_COLUMNS = (
    "id",
    "public_token",
    "channel",
    "provider_message_id",
    "sender",
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


def new_inquiry_values(message: InboundMessage, inquiry_id: str) -> dict[str, Any]:
    """The row of a message that starts its own conversation, waiting for triage."""
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
        "conversation_id": inquiry_id,
        "status": InquiryStatus.RECEIVED.value,
        "attempts": 0,
        "enqueued_at": now,
        "created_at": now,
        "updated_at": now,
    }


def store_new(engine: Engine, values: dict[str, Any]) -> Stored:
    """Commit the inquiry and its "received" event unless this delivery is already
    stored; then return the first inquiry's id and token with `created=False`.

    A pooled connection found dead (the database restarted; the pool does not ping) is
    tried once more on a fresh one. The insert is idempotent, so the retry is safe; if
    the first try had in fact committed, it reports a duplicate, and the sweeper
    enqueues the inquiry, which is stored and stamped as waiting.
    """
    try:
        return _store_new(engine, values)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        return _store_new(engine, values)


def _store_new(engine: Engine, values: dict[str, Any]) -> Stored:
    event = {
        "event_inquiry_id": values["id"],
        "event_kind": EventKind.RECEIVED.value,
        "event_actor": "system",
        "event_detail": {"channel": values["channel"]},
        "event_at": values["created_at"],
    }
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            created = connection.execute(_POSTGRESQL.statement, {**values, **event}).first()
            if created is None:
                return _existing(connection, values)
    else:
        with engine.begin() as connection:
            created = connection.execute(_SQLITE.statement, values).first()
            if created is None:
                return _existing(connection, values)
            connection.execute(_EVENT.statement, event)
    return Stored(values["id"], values["public_token"], created=True)


def store_new_many(engine: Engine, rows: list[dict[str, Any]]) -> list[Stored | Exception]:
    """`store_new` for many deliveries in one transaction; one result per row, in order.

    Rows for the same (channel, provider_message_id), in the batch or already stored,
    make one inquiry: the first row is inserted (`created=True`) and every other gets the
    first inquiry's id and token with `created=False`. Returns only after the commit; if
    the database refuses the batch, each row is tried alone and a row it still refuses
    gets its error in place of a result. A dead pooled connection is retried once, as in
    `store_new`; if it stays dead, the error is raised for all.
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
        return store_new(engine, values)
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
    for values in rows:
        firsts.setdefault((values["channel"], values["provider_message_id"]), values)
    # Rows go in key order, so two batches sharing keys lock them in the same order and
    # cannot deadlock each other on PostgreSQL.
    ordered = [firsts[key] for key in sorted(firsts)]
    with engine.begin() as connection:
        inserted = set(connection.scalars(_MANY[engine.dialect.name].statement, ordered))
        events = [
            {
                "inquiry_id": values["id"],
                "kind": EventKind.RECEIVED.value,
                "actor": "system",
                "detail": {"channel": values["channel"]},
                "at": values["created_at"],
            }
            for values in firsts.values()
            if values["id"] in inserted
        ]
        if events:
            connection.execute(_EVENTS_MANY.statement, events)
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


def _event_values() -> list[Any]:
    return [
        bindparam("event_kind", type_=String()),
        bindparam("event_actor", type_=String()),
        bindparam("event_detail", type_=JSON()),
        bindparam("event_at", type_=UTCDateTime()),
    ]


def _postgresql() -> Executable:
    """WITH new AS (INSERT inquiry ... RETURNING id) INSERT event SELECT FROM new."""
    new = _insert_inquiry(postgresql.insert(_INQUIRIES)).cte("new")
    return (
        insert(_EVENTS)
        .from_select(_EVENT_COLUMNS, select(new.c.id, *_event_values()))
        .returning(_EVENTS.c.inquiry_id)
    )


def _sqlite_event() -> Executable:
    kind, actor, detail, at = _event_values()
    return insert(_EVENTS).values(
        inquiry_id=bindparam("event_inquiry_id"), kind=kind, actor=actor, detail=detail, at=at
    )


def _insert_many(statement: postgresql.Insert | sqlite.Insert) -> Executable:
    """Run with a list of rows, SQLAlchemy renders it as multi-row INSERTs ("insertmanyvalues")."""
    return statement.on_conflict_do_nothing(index_elements=_CONFLICT_COLUMNS).returning(
        _INQUIRIES.c.id
    )


_POSTGRESQL = _Statement(_postgresql)
_MANY = {
    "postgresql": _Statement(lambda: _insert_many(postgresql.insert(_INQUIRIES))),
    "sqlite": _Statement(lambda: _insert_many(sqlite.insert(_INQUIRIES))),
}
_EVENTS_MANY = _Statement(lambda: insert(_EVENTS))
_SQLITE = _Statement(lambda: _insert_inquiry(sqlite.insert(_INQUIRIES)))
_EVENT = _Statement(_sqlite_event)


def _existing(connection: Connection, values: dict[str, Any]) -> Stored:
    row = connection.execute(
        select(_INQUIRIES.c.id, _INQUIRIES.c.public_token).where(
            _INQUIRIES.c.channel == values["channel"],
            _INQUIRIES.c.provider_message_id == values["provider_message_id"],
        )
    ).one()
    # Our own id means a first try committed before its connection died: it is new.
    return Stored(row.id, row.public_token, created=row.id == values["id"])
