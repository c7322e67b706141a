"""Rows that belong to channels rather than to inquiries: who asked not to be messaged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from triage.db import Base, UTCDateTime, utcnow


class OptOut(Base):
    """An address (phone number, LINE user id) that must receive nothing more from us.

    SMS numbers land here after STOP / 停止; LINE users after they unfollow (block) the
    account. START / 開始 or a new follow removes the row.
    """

    __tablename__ = "opt_outs"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(256))
    reason: Mapped[str] = mapped_column(String(32))  # e.g. "STOP", "unfollow", "21610"
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
