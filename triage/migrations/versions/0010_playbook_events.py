"""playbooks: who published, retired or confirmed what (playbook_events), and the stale
languages withheld from a published version

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from triage.core.db import UTCDateTime

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "playbook_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("playbook_id", sa.String(64), sa.ForeignKey("playbooks.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_playbook_events_playbook_id", "playbook_events", ["playbook_id"])
    with op.batch_alter_table("playbooks") as batch:
        batch.add_column(sa.Column("withheld_languages", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("playbooks") as batch:
        batch.drop_column("withheld_languages")
    op.drop_index("ix_playbook_events_playbook_id", "playbook_events")
    op.drop_table("playbook_events")
