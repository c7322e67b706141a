"""replies: staff idempotency key and the row a dead letter was resent as

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("replies") as batch:
        batch.add_column(sa.Column("client_key", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_replies_inquiry_id_client_key"), ["inquiry_id", "client_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("replies") as batch:
        batch.drop_constraint(op.f("uq_replies_inquiry_id_client_key"), type_="unique")
        batch.drop_column("superseded_by")
        batch.drop_column("client_key")
