"""`triage purge --older-than DAYS [--dry-run]`: anonymise finished inquiries.

An inquiry is anonymised when its whole conversation is resolved or closed and nothing
in it has changed for DAYS days. What could identify the citizen or repeats their words
goes: contact (and its hash), text, reply texts and provider errors, GPS, attachments,
the LINE reply token, the location's matched text, town and coordinates (the
prefecture, municipality and area code stay), the assessment's quotes, summary and
translation, and free text in the event log (notes, reasons, locations). What stays
is what the counts and the evaluation need: channel, times, status, priority,
category, route, playbook. Opt-outs are kept: a STOP must still be honoured.

The rows are counted first (and only counted with --dry-run); then anonymised a batch
at a time, each batch its own transaction, so an interrupted purge is simply run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import typer
from sqlalchemy import Engine, Table, bindparam, exists, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from triage.core.db import make_engine, utcnow
from triage.core.settings import get_settings
from triage.inquiries.tables import Inquiry, InquiryEvent, InquiryStatus, Reply
from triage.operations.migrate import upgrade_database

BATCH_SIZE = 500
FINISHED = (InquiryStatus.RESOLVED, InquiryStatus.CLOSED)

# What an event's detail may keep: ids, enumerations and counts, never free text.
EVENT_KEYS_KEPT = frozenset(
    {
        "action",
        "attachments",
        "attempts",
        "cancelled_replies",
        "category",
        "channel",
        "delivery",
        "engine",
        "flags",
        "from",
        "from_inquiry",
        "inquiry_id",
        "new_reply_id",
        "outcome",
        "playbook_id",
        "precision",
        "priority",
        "reply_id",
        "rerouted_from",
        "route",
        "source",
        "status",
        "to",
    }
)
ASSESSMENT_KEYS_KEPT = ("priority", "category", "language", "confidence", "engine", "flags")
VERDICT_KEYS_KEPT = ("engine", "priority", "category", "confidence", "urgent_probability")

_INQUIRIES: Table = Inquiry.__table__  # type: ignore[assignment]
_REPLIES: Table = Reply.__table__  # type: ignore[assignment]
_EVENTS: Table = InquiryEvent.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Purge:
    cutoff: datetime
    inquiry_ids: list[str]


def find_purgeable(engine: Engine, older_than: timedelta) -> Purge:
    """The finished inquiries not yet anonymised whose conversation has been quiet since
    the cutoff (a closed follow-up of a conversation still open is kept with it)."""
    cutoff = utcnow() - older_than
    other = aliased(Inquiry)
    still_active = exists().where(
        other.conversation_id == Inquiry.conversation_id,
        or_(other.status.not_in(FINISHED), other.updated_at >= cutoff),
    )
    query = (
        select(Inquiry.id)
        .where(
            Inquiry.status.in_(FINISHED),
            Inquiry.updated_at < cutoff,
            Inquiry.anonymised_at.is_(None),
            ~still_active,
        )
        .order_by(Inquiry.id)
    )
    with engine.connect() as connection:
        return Purge(cutoff, list(connection.scalars(query)))


def anonymise(engine: Engine, inquiry_ids: list[str], *, batch_size: int = BATCH_SIZE) -> int:
    done = 0
    for start in range(0, len(inquiry_ids), batch_size):
        batch = inquiry_ids[start : start + batch_size]
        with engine.begin() as connection:
            _anonymise_batch(connection, batch)
        done += len(batch)
    return done


def _anonymise_batch(connection: Connection, batch: list[str]) -> None:
    now = utcnow()
    inquiries = _INQUIRIES
    found = connection.execute(
        select(Inquiry.id, Inquiry.location, Inquiry.assessment).where(
            Inquiry.id.in_(batch), Inquiry.anonymised_at.is_(None)
        )
    ).all()
    if not found:
        return
    connection.execute(
        update(inquiries)
        .where(inquiries.c.id == bindparam("purged_id"))
        .values(
            sender=None,
            sender_hash=None,
            text="",
            reported_lat=None,
            reported_lon=None,
            attachments=[],
            reply_token=None,
            location=bindparam("purged_location"),
            assessment=bindparam("purged_assessment"),
            anonymised_at=now,
            updated_at=inquiries.c.updated_at,  # the last real change: retention counts from it
        ),
        [
            {
                "purged_id": row.id,
                "purged_location": coarse_location(row.location),
                "purged_assessment": assessment_without_words(row.assessment),
            }
            for row in found
        ],
    )
    ids = [row.id for row in found]
    replies = _REPLIES
    connection.execute(
        update(replies)
        .where(replies.c.inquiry_id.in_(ids))
        .values(text="", error=None, updated_at=replies.c.updated_at)
    )
    events = _EVENTS
    logged = connection.execute(
        select(InquiryEvent.id, InquiryEvent.detail).where(InquiryEvent.inquiry_id.in_(ids))
    ).all()
    changed = [
        {"purged_id": event.id, "purged_detail": kept}
        for event in logged
        if (kept := detail_without_words(event.detail)) != event.detail
    ]
    if changed:
        connection.execute(
            update(events)
            .where(events.c.id == bindparam("purged_id"))
            .values(detail=bindparam("purged_detail")),
            changed,
        )


def coarse_location(location: dict[str, Any] | None) -> dict[str, Any] | None:
    """The municipality (or prefecture) of a location; no point, town or quoted text."""
    if not location or not (location.get("municipality") or location.get("prefecture")):
        return None
    return {
        "text": None,
        "prefecture": location.get("prefecture"),
        "municipality": location.get("municipality"),
        "lgcode": location.get("lgcode"),
        "town": None,
        "lat": None,
        "lon": None,
        "precision": "municipality" if location.get("municipality") else "prefecture",
        "source": location.get("source"),
        "confidence": location.get("confidence", 0.0),
    }


def assessment_without_words(assessment: dict[str, Any] | None) -> dict[str, Any] | None:
    if assessment is None:
        return None
    kept = {key: assessment[key] for key in ASSESSMENT_KEYS_KEPT if key in assessment}
    kept["verdicts"] = [
        {key: verdict[key] for key in VERDICT_KEYS_KEPT if key in verdict}
        for verdict in assessment.get("verdicts", [])
    ]
    return kept


def detail_without_words(detail: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in detail.items() if key in EVENT_KEYS_KEPT}


def purge_command(days: int, *, dry_run: bool) -> None:
    settings = get_settings()
    engine = make_engine(settings)
    try:
        upgrade_database(settings, engine)
        purge = find_purgeable(engine, timedelta(days=days))
        count = len(purge.inquiry_ids)
        since = purge.cutoff.strftime("%Y-%m-%d %H:%M UTC")
        typer.echo(f"{count} inquiries resolved or closed, unchanged since {since}")
        if dry_run:
            typer.echo("dry run: nothing changed", err=True)
            return
        done = anonymise(engine, purge.inquiry_ids)
        typer.echo(f"anonymised {done}", err=True)
    finally:
        engine.dispose()
