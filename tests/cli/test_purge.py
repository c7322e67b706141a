"""`triage purge --older-than DAYS [--dry-run]`: finished conversations lose what could
identify the citizen; the counts stay; a dry run changes nothing."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import post_inquiry, run_cli
from triage.core.db import utcnow
from triage.core.settings import Settings
from triage.inquiries.tables import Inquiry, InquiryEvent, InquiryStatus, Reply

PHONE = "+819011112222"
WORDS = "輪島市河井町で母が倒れています"
OLD = utcnow() - timedelta(days=100)
LOCATION = {
    "text": "輪島市河井町",
    "prefecture": "石川県",
    "municipality": "輪島市",
    "lgcode": "172049",
    "town": "河井町",
    "lat": 37.39,
    "lon": 136.9,
    "precision": "town",
    "source": "text_gazetteer",
    "confidence": 0.9,
}
ASSESSMENT = {
    "priority": "P1",
    "category": "medical",
    "language": "ja",
    "confidence": 0.9,
    "engine": "rules",
    "verdicts": [
        {
            "engine": "rules",
            "priority": "P1",
            "category": "medical",
            "confidence": 0.9,
            "reasons": ["rule medical: 「母が倒れて」"],
        }
    ],
    "summary_ja": "輪島市河井町で母が倒れた",
    "location_expressions": ["輪島市河井町"],
    "flags": [],
}


def _inquiry(
    client: TestClient,
    session_factory: sessionmaker[Session],
    status: InquiryStatus,
    *,
    changed_at: object = OLD,
    conversation_of: str | None = None,
) -> str:
    inquiry_id = str(
        post_inquiry(client, WORDS, contact=PHONE, location={"lat": 37.39, "lon": 136.9})["id"]
    )
    with session_factory() as session:
        session.add(
            Reply(
                inquiry_id=inquiry_id,
                channel="web",
                text=f"{WORDS}について対応します",
                author="aya",
                error=f"The 'To' number {PHONE} is not valid",
                updated_at=OLD,
            )
        )
        session.add(
            InquiryEvent(
                inquiry_id=inquiry_id,
                kind="resolved",
                actor="aya",
                detail={"outcome": "helped", "note": f"{PHONE}に電話済み"},
            )
        )
        session.flush()
        session.execute(
            update(Inquiry)
            .where(Inquiry.id == inquiry_id)
            .values(
                status=status,
                location=LOCATION,
                assessment=ASSESSMENT,
                attachments=[{"kind": "image", "url": "https://example.jp/photo.jpg"}],
                conversation_id=conversation_of or inquiry_id,
                updated_at=changed_at,
            )
        )
        session.commit()
    return inquiry_id


def test_purge_counts_first_then_anonymises_only_quiet_finished_conversations(
    settings: Settings, client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    resolved = _inquiry(client, session_factory, InquiryStatus.RESOLVED)
    closed = _inquiry(client, session_factory, InquiryStatus.CLOSED)
    still_open = _inquiry(client, session_factory, InquiryStatus.TRIAGED)
    follow_up = _inquiry(client, session_factory, InquiryStatus.CLOSED, conversation_of=still_open)
    recent = _inquiry(client, session_factory, InquiryStatus.RESOLVED, changed_at=utcnow())

    dry = run_cli(settings, "purge", "--older-than", "30", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.split()[0] == "2"
    assert "nothing changed" in dry.stderr
    with session_factory() as session:
        assert (
            session.scalars(select(Inquiry).where(Inquiry.anonymised_at.is_not(None))).all() == []
        )
        kept = session.get(Inquiry, resolved)
        assert kept is not None and kept.text == WORDS

    purged = run_cli(settings, "purge", "--older-than", "30")
    assert purged.returncode == 0, purged.stderr
    assert purged.stdout.split()[0] == "2"
    assert "anonymised 2" in purged.stderr

    with session_factory() as session:
        for inquiry_id in (resolved, closed):
            inquiry = session.get(Inquiry, inquiry_id)
            assert inquiry is not None and inquiry.anonymised_at is not None
            assert (inquiry.sender, inquiry.sender_hash, inquiry.text) == (None, None, "")
            assert (inquiry.reported_lat, inquiry.reported_lon) == (None, None)
            assert inquiry.attachments == [] and inquiry.reply_token is None
            assert inquiry.location is not None
            assert inquiry.location["municipality"] == "輪島市"
            assert inquiry.location["lat"] is None and inquiry.location["text"] is None
            assert inquiry.location["town"] is None
            assert inquiry.updated_at == OLD  # retention still counts from the last change
            assert inquiry.assessment is not None
            assert "summary_ja" not in inquiry.assessment
            assert "reasons" not in str(inquiry.assessment)
            replies = session.scalars(select(Reply).where(Reply.inquiry_id == inquiry_id)).all()
            assert [(r.text, r.error) for r in replies] == [("", None)]
            details = session.scalars(
                select(InquiryEvent.detail).where(InquiryEvent.inquiry_id == inquiry_id)
            ).all()
            assert PHONE not in str(details) and "helped" in str(details)
        for inquiry_id in (still_open, follow_up, recent):
            inquiry = session.get(Inquiry, inquiry_id)
            assert inquiry is not None and inquiry.anonymised_at is None
            assert (inquiry.sender, inquiry.text) == (PHONE, WORDS)

    again = run_cli(settings, "purge", "--older-than", "30")
    assert again.returncode == 0 and again.stdout.split()[0] == "0"


def test_days_must_be_given_and_positive(settings: Settings) -> None:
    assert run_cli(settings, "purge").returncode == 2
    assert run_cli(settings, "purge", "--older-than", "0").returncode == 2
