"""shelter status: open, closed or full, with capacity and a note; every report kept

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from triage.core.db import UTCDateTime

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shelter_status") as batch:
        batch.add_column(sa.Column("state", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    op.execute("UPDATE shelter_status SET state = CASE WHEN is_open THEN 'open' ELSE 'closed' END")
    op.create_table(
        "shelter_status_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shelter_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("evacuees", sa.Integer(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(length=128), nullable=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelter_status_history")),
    )
    with op.batch_alter_table("shelter_status_history") as batch:
        batch.create_index("ix_shelter_status_history_shelter_id", ["shelter_id"])


def downgrade() -> None:
    with op.batch_alter_table("shelter_status_history") as batch:
        batch.drop_index("ix_shelter_status_history_shelter_id")
    op.drop_table("shelter_status_history")
    with op.batch_alter_table("shelter_status") as batch:
        batch.drop_column("note")
        batch.drop_column("capacity")
        batch.drop_column("state")
