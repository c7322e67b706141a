"""contacts and message texts encrypted at rest; keyed hashes to look senders up;
when an inquiry was anonymised by `triage purge`

Existing rows are encrypted in place with the newest data key (TRIAGE_DATA_KEY, or the
one kept in TRIAGE_HOME) and their hashes filled; downgrade decrypts them again.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from triage.core.crypto import DataCipher, cipher_for
from triage.core.db import UTCDateTime

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500

# Plain (untyped) views of the tables: the values as they are on disk.
_inquiries = sa.table(
    "inquiries",
    sa.column("id", sa.String),
    sa.column("sender", sa.Text),
    sa.column("new_sender", sa.Text),
    sa.column("sender_hash", sa.String),
    sa.column("text", sa.Text),
)
_replies = sa.table("replies", sa.column("id", sa.Integer), sa.column("text", sa.Text))
_opt_outs = sa.table(
    "opt_outs",
    sa.column("id", sa.Integer),
    sa.column("address", sa.Text),
    sa.column("address_hash", sa.String),
)


def upgrade() -> None:
    # `inquiries` is the parent of events and replies: on SQLite a batch copy of it would
    # drop the table under their foreign keys. So the wider sender column is a new column
    # renamed into place (ALTER TABLE ... DROP / RENAME COLUMN, on both backends).
    op.add_column("inquiries", sa.Column("new_sender", sa.Text(), nullable=True))
    op.add_column("inquiries", sa.Column("sender_hash", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_inquiries_sender_hash"), "inquiries", ["sender_hash"])
    op.add_column(
        "inquiries", sa.Column("anonymised_at", UTCDateTime(timezone=True), nullable=True)
    )
    with op.batch_alter_table("opt_outs") as batch:
        batch.alter_column("address", type_=sa.Text(), existing_type=sa.String(length=256))
        batch.add_column(sa.Column("address_hash", sa.String(length=64), nullable=True))

    cipher = cipher_for(op.get_bind())
    _rewrite(
        _inquiries,
        ["sender", "text"],
        lambda row: {
            "new_sender": _encrypted(cipher, row.sender),
            "sender_hash": cipher.lookup_hash(row.sender) if row.sender else None,
            "text": cipher.encrypt(row.text),
        },
    )
    _rewrite(_replies, ["text"], lambda row: {"text": cipher.encrypt(row.text)})
    _rewrite(
        _opt_outs,
        ["address"],
        lambda row: {
            "address": cipher.encrypt(row.address),
            "address_hash": cipher.lookup_hash(row.address),
        },
    )

    op.drop_column("inquiries", "sender")
    op.alter_column("inquiries", "new_sender", new_column_name="sender")
    with op.batch_alter_table("opt_outs") as batch:
        batch.alter_column("address_hash", existing_type=sa.String(length=64), nullable=False)
        batch.drop_constraint(op.f("uq_opt_outs_channel_address"), type_="unique")
        batch.create_unique_constraint(
            op.f("uq_opt_outs_channel_address_hash"), ["channel", "address_hash"]
        )


def downgrade() -> None:
    cipher = cipher_for(op.get_bind())
    op.add_column("inquiries", sa.Column("new_sender", sa.String(length=256), nullable=True))
    _rewrite(
        _inquiries,
        ["sender", "text"],
        lambda row: {
            "new_sender": _decrypted(cipher, row.sender),
            "text": cipher.decrypt(row.text),
        },
    )
    _rewrite(_replies, ["text"], lambda row: {"text": cipher.decrypt(row.text)})
    _rewrite(_opt_outs, ["address"], lambda row: {"address": cipher.decrypt(row.address)})
    op.drop_column("inquiries", "anonymised_at")
    op.drop_index(op.f("ix_inquiries_sender_hash"), "inquiries")
    op.drop_column("inquiries", "sender_hash")
    op.drop_column("inquiries", "sender")
    op.alter_column("inquiries", "new_sender", new_column_name="sender")
    with op.batch_alter_table("opt_outs") as batch:
        batch.drop_constraint(op.f("uq_opt_outs_channel_address_hash"), type_="unique")
        batch.create_unique_constraint(op.f("uq_opt_outs_channel_address"), ["channel", "address"])
        batch.drop_column("address_hash")
        batch.alter_column("address", type_=sa.String(length=256), existing_type=sa.Text())


def _encrypted(cipher: DataCipher, value: str | None) -> str | None:
    return None if value is None else cipher.encrypt(value)


def _decrypted(cipher: DataCipher, value: str | None) -> str | None:
    return None if value is None else cipher.decrypt(value)


def _rewrite(
    table: sa.TableClause,
    columns: list[str],
    new_values: Callable[[Any], dict[str, object]],
) -> None:
    """Every row of `table` once, in primary-key order, a batch at a time."""
    connection = op.get_bind()
    key = table.c.id
    last = None
    while True:
        query = sa.select(key, *(table.c[name] for name in columns)).order_by(key).limit(BATCH)
        if last is not None:
            query = query.where(key > last)
        rows = connection.execute(query).all()
        if not rows:
            return
        for row in rows:
            connection.execute(sa.update(table).where(key == row.id).values(new_values(row)))
        last = rows[-1].id
