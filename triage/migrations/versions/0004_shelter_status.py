"""shelter status marked by coordinators; joins the playbooks and channels branches

Revision ID: 0004
Revises: 0002, 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import triage.core.db

revision: str = "0004"
down_revision: tuple[str, ...] = ("0002", "0003")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shelter_status",
        sa.Column("shelter_id", sa.String(length=32), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("evacuees", sa.Integer(), nullable=True),
        sa.Column("updated_at", triage.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("shelter_id", name=op.f("pk_shelter_status")),
    )


def downgrade() -> None:
    op.drop_table("shelter_status")
