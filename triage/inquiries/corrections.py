"""Read responders' reclassifications back as labelled examples (`triage model train
--with-corrections`). What the label is lives in `triage.assessment.corrections`; this
module only finds the events and the inquiries they belong to.

The latest reclassification of an inquiry wins: the event log is append-only, so the
highest event id is the last word (two events can share a timestamp, ids cannot).
Inquiries whose text a retention purge blanked are skipped: their words are gone on
purpose and must not come back through a model. Nothing here logs a text.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage.assessment.corrections import Correction, corrected_label, is_learnable_text
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent

logger = logging.getLogger(__name__)


def read_corrections(*, session: Session) -> list[Correction]:
    """Every inquiry's latest reclassification, oldest correction first."""
    latest = (
        select(func.max(InquiryEvent.id))
        .where(InquiryEvent.kind == EventKind.RECLASSIFIED)
        .group_by(InquiryEvent.inquiry_id)
    )
    rows = session.execute(
        select(
            InquiryEvent.actor,
            InquiryEvent.detail,
            InquiryEvent.at,
            Inquiry.text,
            Inquiry.priority,
            Inquiry.category,
            Inquiry.language,
        )
        .join(Inquiry, Inquiry.id == InquiryEvent.inquiry_id)
        .where(InquiryEvent.id.in_(latest), Inquiry.anonymised_at.is_(None))
        .order_by(InquiryEvent.id)
    ).all()
    corrections: list[Correction] = []
    skipped = 0
    for row in rows:
        label = corrected_label(
            row.detail, stored_priority=row.priority, stored_category=row.category
        )
        if label is None or not is_learnable_text(row.text):
            skipped += 1
            continue
        corrections.append(
            Correction(
                text=row.text,
                priority=label[0],
                category=label[1],
                language=row.language,
                reason=str(row.detail.get("reason") or ""),
                corrected_by=row.actor,
                corrected_at=row.at,
            )
        )
    # Counts only: the texts are citizens' words.
    logger.info("read %d corrections; skipped %d without words or label", len(corrections), skipped)
    return corrections
