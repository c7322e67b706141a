"""Playbook rows. Every edit is a new `PlaybookVersion`; publishing points at one.

Versions are never changed or deleted, so what a citizen was told can always be traced to
the exact text a coordinator approved (`Reply.playbook_id` + the version published then).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from triage.core.db import Base, UTCDateTime, utcnow


class Playbook(Base):
    __tablename__ = "playbooks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    current_version: Mapped[int] = mapped_column(Integer)
    published_version: Mapped[int | None] = mapped_column(Integer)
    # Languages whose answer was stale when this version was published and that the
    # coordinator chose to withhold: those citizens get easy Japanese or Japanese.
    withheld_languages: Mapped[list[str] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlaybookVersion(Base):
    __tablename__ = "playbook_versions"

    playbook_id: Mapped[str] = mapped_column(ForeignKey("playbooks.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class PlaybookEvent(Base):
    """Append-only: who published, retired, rolled back or confirmed a translation of a
    playbook, when, and why (the audit of what citizens are told)."""

    __tablename__ = "playbook_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    playbook_id: Mapped[str] = mapped_column(ForeignKey("playbooks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # published, retired, confirmed
    version: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SituationValue(Base):
    """A fact coordinators keep current that answers cite as `{situation_<name>}`: the
    water truck's place and time, an outage area, a hotline number. Changed once here,
    not in every answer."""

    __tablename__ = "situation_values"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    values: Mapped[dict[str, str]] = mapped_column(JSON)  # per language; ja always
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))
