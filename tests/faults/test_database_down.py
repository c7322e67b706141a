"""The database goes away: webhooks and the API answer 503 with Retry-After (so Twilio,
LINE and citizens try again), nothing is acknowledged that was not stored, and the
service recovers by itself when the database is back."""

from __future__ import annotations

import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.channels.payloads import TWILIO_AUTH_TOKEN, twilio_form, twilio_signature
from triage.app import create_app
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries.tables import Inquiry

INBOUND_PATH = "/webhooks/twilio/sms"


def count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Inquiry)) or 0


def test_while_the_database_is_down_everything_is_503_and_then_recovers(
    settings: Settings, redis_conn: redis.Redis, unreachable_database: Engine, session: Session
) -> None:
    with_sms = settings.model_copy(update={"twilio_auth_token": SecretStr(TWILIO_AUTH_TOKEN)})
    app = create_app(with_sms, redis_conn=redis_conn)
    form = twilio_form("inbound_sms.json")
    url = with_sms.public_url.rstrip("/") + INBOUND_PATH
    signed = {"X-Twilio-Signature": twilio_signature(url, form)}
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        resources: Resources = app.state.resources
        working = resources.engine
        resources.engine = unreachable_database
        resources.session_factory.configure(bind=unreachable_database)
        try:
            api = client.post("/api/v1/inquiries", json={"text": "水がありません"})
            sms = client.post(INBOUND_PATH, data=form, headers=signed)
        finally:
            resources.engine = working
            resources.session_factory.configure(bind=working)
        assert (api.status_code, sms.status_code) == (503, 503)
        assert api.headers["Retry-After"] == sms.headers["Retry-After"] == "5"
        assert count(session) == 0

        # Back: the very next deliveries (Twilio's retry among them) are stored.
        assert client.post("/api/v1/inquiries", json={"text": "水がありません"}).status_code == 202
        assert client.post(INBOUND_PATH, data=form, headers=signed).status_code == 200
        assert count(session) == 2
