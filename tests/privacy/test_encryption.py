"""Contacts and message texts are encrypted at rest, readable only through the service,
and `triage keys rotate` moves them to a new key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from channels.base import InboundMessage
from tests.helpers import bearer, make_staff, post_inquiry, run_cli
from triage.app import create_app
from triage.auth.tables import Role
from triage.core.crypto import DataCipher, DataKeyError, cipher_for, generate_data_key
from triage.core.db import make_engine, make_session_factory, utcnow
from triage.core.settings import Settings
from triage.inquiries import optout, threads
from triage.inquiries.tables import Inquiry, Reply
from triage.intake import rows

PHONE = "+819087654321"
WORDS = "七尾市で家が倒れて母が下敷きになっています"
REPLY = "救助隊が向かっています。安全な場所でお待ちください"


def _post_and_reply(client: TestClient, session_factory: sessionmaker[Session]) -> str:
    inquiry_id = post_inquiry(client, WORDS, contact=PHONE)["id"]
    with session_factory() as session:
        session.add(Reply(inquiry_id=inquiry_id, channel="web", text=REPLY, author="aya"))
        optout.opt_out("sms", PHONE, "STOP", session=session)
        session.commit()
    return str(inquiry_id)


def _with_key(settings: Settings, keys: str) -> Settings:
    return settings.model_copy(update={"data_key": SecretStr(keys)})


@pytest.fixture
def engine_for(settings: Settings) -> Iterator[list[Engine]]:
    engines: list[Engine] = []
    yield engines
    for engine in engines:
        engine.dispose()


def test_nothing_readable_in_the_database_file(
    settings: Settings, client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    if not settings.resolved_database_url.startswith("sqlite"):
        pytest.skip("reads the SQLite file itself")
    _post_and_reply(client, session_factory)
    database = Path(settings.resolved_database_url.removeprefix("sqlite:///"))
    stored = b"".join(
        path.read_bytes()
        for path in (database, database.with_name(database.name + "-wal"))
        if path.exists()
    )
    assert b"gAAAAA" in stored  # the Fernet tokens are there
    for secret in (PHONE, WORDS, REPLY, PHONE.removeprefix("+")):
        assert secret.encode() not in stored


def test_a_raw_select_shows_tokens_and_the_staff_api_the_words(
    settings: Settings,
    client: TestClient,
    db_engine: Engine,
    session_factory: sessionmaker[Session],
) -> None:
    inquiry_id = _post_and_reply(client, session_factory)
    with db_engine.connect() as connection:
        sender, words = connection.execute(text("SELECT sender, text FROM inquiries")).one()
        (reply,) = connection.execute(text("SELECT text FROM replies")).one()
        (address,) = connection.execute(text("SELECT address FROM opt_outs")).one()
    for token, secret in ((sender, PHONE), (words, WORDS), (reply, REPLY), (address, PHONE)):
        assert token.startswith("gAAAAA") and secret not in token

    token = make_staff(session_factory, "aya", Role.RESPONDER)
    shown = client.get(f"/api/v1/inquiries/{inquiry_id}", headers=bearer(token)).json()
    assert shown["text"] == WORDS
    assert shown["sender"] == "••••••••" + PHONE[-4:]  # masked until someone asks
    revealed = client.post(f"/api/v1/inquiries/{inquiry_id}/contact", headers=bearer(token))
    assert revealed.json() == {"sender": PHONE}
    assert REPLY in str(shown)
    listed = client.get("/api/v1/inquiries", headers=bearer(token)).text
    assert WORDS in listed


def test_both_insert_paths_encrypt_and_a_follow_up_finds_its_conversation(
    db_engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    """`store_new_many` (one multi-row INSERT) and `store_in_thread` (the ORM session's
    INSERT) bind through the column type, so both write tokens and the sender's hash."""
    first = InboundMessage(
        channel="sms", provider_message_id="SM1", sender=PHONE, text=WORDS, received_at=utcnow()
    )
    [stored] = rows.store_new_many(db_engine, [rows.inquiry_values(first, "inq-first")])
    assert stored.created
    later = first.model_copy(update={"provider_message_id": "SM2", "text": "まだ助けが来ません"})
    with session_factory() as session:
        thread = threads.open_inquiry_for(later, session=session)
        assert thread is not None and thread.id == "inq-first"
        values = rows.inquiry_values(later, "inq-later", conversation_id=thread.conversation_id)
        assert rows.store_in_thread(session, values).created
        session.commit()
    with db_engine.connect() as connection:
        stored_rows = connection.execute(
            text("SELECT sender, sender_hash, text FROM inquiries ORDER BY id")
        ).all()
    assert len(stored_rows) == 2
    for sender, sender_hash, words in stored_rows:
        assert sender.startswith("gAAAAA") and words.startswith("gAAAAA")
        assert sender_hash == cipher_for(db_engine).lookup_hash(PHONE)
        assert PHONE not in sender + sender_hash


def test_an_encrypted_column_cannot_be_compared() -> None:
    """`==` on a token column would silently match nothing: it is refused outright."""
    with pytest.raises(TypeError, match="keyed-hash"):
        select(Inquiry.id).where(Inquiry.sender == PHONE)
    select(Inquiry.id).where(Inquiry.sender.is_(None))  # IS NULL still works


def test_rotation_moves_every_row_to_the_new_key(
    settings: Settings,
    client: TestClient,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    engine_for: list[Engine],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inquiry_id = _post_and_reply(client, session_factory)
    old_key = settings.data_keys()[0]  # generated in TRIAGE_HOME (dev)
    new_key = generate_data_key()

    monkeypatch.setenv("TRIAGE_DATA_KEY", f"{new_key},{old_key}")
    rotated = run_cli(settings, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert "inquiries: 1 rows, 1 rewritten" in rotated.stdout
    assert "replies: 1 rows, 1 rewritten" in rotated.stdout
    assert "opt_outs: 1 rows, 1 rewritten" in rotated.stdout
    again = run_cli(settings, "keys", "rotate")  # interrupted or not: run it again
    assert again.returncode == 0, again.stderr
    assert "inquiries: 1 rows, 0 rewritten" in again.stdout

    new_only = _with_key(settings, new_key)
    engine = make_engine(new_only)
    engine_for.append(engine)
    with make_session_factory(engine)() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None and (inquiry.sender, inquiry.text) == (PHONE, WORDS)
        assert session.scalars(select(Reply.text)).one() == REPLY
        assert optout.is_opted_out("sms", PHONE, session=session)  # found by the new hash
        stored_hash = session.scalar(select(Inquiry.sender_hash))
        assert stored_hash == DataCipher([new_key]).lookup_hash(PHONE)

    with TestClient(create_app(new_only, redis_conn=redis_conn)) as new_client:
        token = make_staff(make_session_factory(engine), "ken", Role.RESPONDER)
        path = f"/api/v1/inquiries/{inquiry_id}"
        shown = new_client.get(path, headers=bearer(token)).json()
        revealed = new_client.post(f"{path}/contact", headers=bearer(token)).json()
        assert (revealed["sender"], shown["text"]) == (PHONE, WORDS)

    old_only = make_engine(_with_key(settings, old_key))
    engine_for.append(old_only)
    with make_session_factory(old_only)() as session, pytest.raises(DataKeyError):
        session.get(Inquiry, inquiry_id)


def test_a_malformed_key_is_refused_at_start(settings: Settings) -> None:
    with pytest.raises(ValueError, match="not a Fernet key"):
        Settings(home=settings.home, data_key="not-a-key")  # type: ignore[arg-type]


def test_production_requires_a_data_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="TRIAGE_DATA_KEY must be set"):
        Settings(env="production", home=tmp_path, secret_key="a-real-secret-0123456789abcdef")  # type: ignore[arg-type]
