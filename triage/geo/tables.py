"""Rows of the geo package: which shelters a coordinator has marked open, closed or full,
and every such report kept (`shelter_status_history`, append-only)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from triage.core.db import Base, UTCDateTime, utcnow


class ShelterState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    FULL = "full"  # open for those inside, not to be sent to: counts as not open


class ShelterStatus(Base):
    """The current state of one shelter (GSI facility id); no row means "as designated".

    `is_open` is True only for `open` (the answers read it); `state` tells closed from
    full, and is NULL on rows written before it existed (read `current_state`)."""

    __tablename__ = "shelter_status"

    shelter_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    is_open: Mapped[bool] = mapped_column(Boolean, nullable=False)
    evacuees: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    state: Mapped[str | None] = mapped_column(String(8), nullable=True)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def current_state(self) -> ShelterState:
        if self.state in {s.value for s in ShelterState}:
            return ShelterState(self.state)
        return ShelterState.OPEN if self.is_open else ShelterState.CLOSED


class ShelterStatusHistory(Base):
    """One report on a shelter, as it was made: never updated, never deleted."""

    __tablename__ = "shelter_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shelter_id: Mapped[str] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(String(8))
    evacuees: Mapped[int | None] = mapped_column(Integer, nullable=True)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
