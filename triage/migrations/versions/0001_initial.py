"""inquiries, events, replies, staff users and tokens

Revision ID: 0001
Revises:
Create Date: 2026-11-27 13:59:07.604217
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import triage.core.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "inquiries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("public_token", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("provider_message_id", sa.String(length=128), nullable=False),
        sa.Column("sender", sa.String(length=256), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("received_at", triage.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_lat", sa.Double(), nullable=True),
        sa.Column("reported_lon", sa.Double(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("reply_token", sa.String(length=256), nullable=True),
        sa.Column("conversation_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=2), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("location", sa.JSON(), nullable=True),
        sa.Column("lgcode", sa.String(length=6), nullable=True),
        sa.Column("assessment", sa.JSON(), nullable=True),
        sa.Column("route", sa.String(length=16), nullable=True),
        sa.Column("playbook_id", sa.String(length=64), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("enqueued_at", triage.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("triaged_at", triage.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", triage.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", triage.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
        sa.UniqueConstraint(
            "channel", "provider_message_id", name=op.f("uq_inquiries_channel_provider_message_id")
        ),
        sa.UniqueConstraint("public_token", name=op.f("uq_inquiries_public_token")),
    )
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inquiries_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inquiries_lgcode"), ["lgcode"], unique=False)
        batch_op.create_index("ix_inquiries_route_priority", ["route", "priority"], unique=False)
        batch_op.create_index(
            "ix_inquiries_status_received_at", ["status", "received_at"], unique=False
        )

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", triage.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("name", name=op.f("uq_staff_users_name")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", triage.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", triage.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_users.id"], name=op.f("fk_api_tokens_user_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_tokens_token_sha256")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "inquiry_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("inquiry_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", triage.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"], ["inquiries.id"], name=op.f("fk_inquiry_events_inquiry_id_inquiries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_events")),
    )
    with op.batch_alter_table("inquiry_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inquiry_events_inquiry_id"), ["inquiry_id"], unique=False
        )

    op.create_table(
        "replies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("inquiry_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("playbook_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ask_location", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("provider_message_id", sa.String(length=128), nullable=True),
        sa.Column("send_method", sa.String(length=16), nullable=True),
        sa.Column("segments", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", triage.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", triage.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", triage.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"], ["inquiries.id"], name=op.f("fk_replies_inquiry_id_inquiries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replies")),
    )
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replies_inquiry_id"), ["inquiry_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_replies_provider_message_id"), ["provider_message_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replies_provider_message_id"))
        batch_op.drop_index(batch_op.f("ix_replies_inquiry_id"))

    op.drop_table("replies")
    with op.batch_alter_table("inquiry_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiry_events_inquiry_id"))

    op.drop_table("inquiry_events")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("staff_users")
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.drop_index("ix_inquiries_status_received_at")
        batch_op.drop_index("ix_inquiries_route_priority")
        batch_op.drop_index(batch_op.f("ix_inquiries_lgcode"))
        batch_op.drop_index(batch_op.f("ix_inquiries_conversation_id"))

    op.drop_table("inquiries")
