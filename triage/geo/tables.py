"""Rows of the geo package: which shelters a coordinator has marked open or closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from triage.core.db import Base, UTCDateTime, utcnow


class ShelterStatus(Base):
    """The current state of one shelter (GSI facility id); no row means "as designated"."""

    __tablename__ = "shelter_status"

    shelter_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    is_open: Mapped[bool] = mapped_column(Boolean, nullable=False)
    evacuees: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
