"""What is measured is what runs: `triage assess` and a real RQ worker on a fresh
database with the default playbooks give every message the same priority, category,
location, route and playbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from playbooks.seed import seed_default_playbooks
from tests.helpers import post_inquiry, run_cli
from triage.core.job_failures import TriageWorker
from triage.core.queues import QueueName, get_queue
from triage.core.resources import Resources, resources_installed
from triage.core.settings import Settings
from triage.inquiries.tables import Inquiry

DEV_SET = Path(__file__).parents[2] / "ops" / "eval" / "assessment" / "dev.jsonl"
LOCATION_FIELDS = ("text", "prefecture", "municipality", "lat", "lon")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """One test client posts every message: raise the per-IP abuse limit for it."""
    return settings.model_copy(update={"rate_limit_per_ip": "10000/minute"})


def sample_messages() -> list[str]:
    """Every 8th message of the project's own dev set: all four routes, eleven
    languages, places and none, plus a message without words."""
    lines = DEV_SET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines[::8]] + ["🙏"]


def test_the_cli_and_the_workers_agree_on_every_message(
    settings: Settings,
    client: TestClient,
    resources: Resources,
    redis_conn: redis.Redis,
    session_factory: sessionmaker[Session],
) -> None:
    seed_default_playbooks(settings)
    texts = sample_messages()
    ids = [post_inquiry(client, text)["id"] for text in texts]
    with resources_installed(resources):
        TriageWorker([get_queue(QueueName.TRIAGE, redis_conn)], connection=redis_conn).work(
            burst=True
        )

    stdin = "".join(
        json.dumps({"id": i, "text": t, "channel": "web"}, ensure_ascii=False) + "\n"
        for i, t in zip(ids, texts, strict=True)
    )
    result = run_cli(settings, "assess", stdin=stdin)
    assert result.returncode == 0, result.stderr
    printed = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}

    with session_factory() as session:
        stored = {i: session.get(Inquiry, i) for i in ids}
    disagreements = []
    for inquiry_id, text in zip(ids, texts, strict=True):
        inquiry, cli = stored[inquiry_id], printed[inquiry_id]
        assert inquiry is not None
        location = inquiry.location
        worker = {
            "priority": inquiry.priority,
            "category": inquiry.category,
            "location": {k: location[k] for k in LOCATION_FIELDS} if location else None,
            "route": inquiry.route,
            "playbook": inquiry.playbook_id,
        }
        said = {key: cli[key] for key in worker}
        if said != worker:
            disagreements.append((text, said, worker))
    assert disagreements == []
    routes = {printed[i]["route"] for i in ids}
    assert routes == {"urgent", "auto_reply", "staff", "closed"}  # the sample covers them all
    assert sum(printed[i]["location"] is not None for i in ids) >= 10  # and places
