"""inquiries: the claim's last activity (leases lapse) and the incident a report was merged into

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from triage.core.db import UTCDateTime

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inquiries") as batch:
        batch.add_column(sa.Column("claim_active_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("incident_id", sa.String(32), nullable=True))
        batch.create_index("ix_inquiries_incident_id", ["incident_id"])


def downgrade() -> None:
    with op.batch_alter_table("inquiries") as batch:
        batch.drop_index("ix_inquiries_incident_id")
        batch.drop_column("incident_id")
        batch.drop_column("claim_active_at")
