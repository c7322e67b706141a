"""Impact replay over 10,000 stored inquiries (a benchmark, not a test).

    .venv/bin/python -m ops.bench.impact --inquiries 10000 --runs 5

Seeds a temporary SQLite database (a temporary TRIAGE_HOME, the data key made there)
with the shipped playbook library published and `--inquiries` triaged inquiries of the
last week: the labelled development messages (ops/eval/assessment/dev.jsonl, eleven
languages, P1-P4 as labelled) repeated, each made unique by a number so no cache sees
the same text twice, with the route and playbook the pipeline's policy gives them.
Then, median of `--runs` runs each:

Measured in this process alone first (no app running), then through the app:

- `read`: the one query of the replay (only the needed columns, the text decrypted, the
  assessment rebuilt and its routing eligibility worked out);
- `replay`: the pure comparison (`playbooks.impact.replay`) over what was read;
- `impact_of`: both and the published library read, what the API's handler calls;
- `api`: `POST /api/v1/playbooks/{id}/impact` through the app (a coordinator token);
- `baseline`: the same loop with the matcher, once per inquiry, against the unchanged
  library (what triage itself spends matching these inquiries).

For two drafts: a new version of a published playbook (`water_food_distribution` with
two more keywords) and a new playbook (`toilets`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert

from playbooks import service
from playbooks.files import default_playbooks
from playbooks.impact import BUCKETS, ImpactReport, replay, stored_assessment
from playbooks.matcher import match
from playbooks.schemas import PlaybookContent
from triage.app import create_app
from triage.auth import service as auth_service
from triage.auth.tables import Role
from triage.console.playbook_analysis import answerable, impact_of, read_replay_inquiries
from triage.console.playbook_analysis_views import router as analysis_router
from triage.core.db import make_engine, make_session_factory, utcnow
from triage.core.settings import Settings
from triage.inquiries.service import new_inquiry_id
from triage.inquiries.tables import Inquiry, InquiryStatus
from triage.operations.migrate import upgrade_database
from triage.routing.decision import AUTO_REPLY_MIN_MATCH_SCORE

MESSAGES = Path(__file__).resolve().parents[1] / "eval" / "assessment" / "dev.jsonl"
STATUS_FOR_ROUTE = {
    "urgent": InquiryStatus.TRIAGED,
    "staff": InquiryStatus.TRIAGED,
    "auto_reply": InquiryStatus.ANSWERED,
    "closed": InquiryStatus.CLOSED,
}


def _route(priority: str, answered: str | None, urgent_probability: float | None) -> str:
    if priority in ("P1", "P2"):
        return "urgent"
    if answered:
        return "auto_reply"
    if priority == "P4" and (urgent_probability or 0) < 0.3:
        return "closed"
    return "staff"


def seed(settings: Settings, count: int, library: list[PlaybookContent]) -> str:
    """`count` triaged inquiries over the last 6 days and the library published; returns
    a coordinator's bearer token."""
    messages = [json.loads(line) for line in MESSAGES.read_text(encoding="utf-8").splitlines()]
    randomness = random.Random(20250101)
    engine = make_engine(settings)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for n in range(count):
        message = messages[n % len(messages)]
        text = f"{message['text']}（{n}）"
        priority, category = message["priority"], message["category"]
        language = message.get("language") or "ja"
        urgent_probability = round(randomness.uniform(0.0, 0.45), 3)
        assessment = stored_assessment(
            priority=priority,
            category=category,
            language=language,
            urgent_probability=urgent_probability,
        )
        chosen = match(assessment, text, library)
        answered = (
            chosen.playbook_id
            if chosen is not None
            and chosen.score >= AUTO_REPLY_MIN_MATCH_SCORE
            and answerable(assessment, text)
            else None
        )
        route = _route(priority, answered, urgent_probability)
        inquiry_id = new_inquiry_id()
        rows.append(
            {
                "id": inquiry_id,
                "public_token": f"t{inquiry_id}",
                "channel": ("web", "sms", "line")[n % 3],
                "provider_message_id": f"bench-{inquiry_id}",
                "sender": None,
                "text": text,
                "received_at": now - timedelta(seconds=n * 50),  # 10,000 in under 6 days
                "attachments": [],
                "conversation_id": inquiry_id,
                "status": STATUS_FOR_ROUTE[route],
                "priority": priority,
                "category": category,
                "language": language,
                "route": route,
                "playbook_id": answered,
                "assessment": assessment.model_dump(mode="json"),
                "attempts": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    with engine.begin() as connection:
        for start in range(0, len(rows), 500):
            connection.execute(insert(Inquiry), rows[start : start + 500])
    factory = make_session_factory(engine)
    with factory() as session:
        service.import_contents(library, actor="bench", session=session, publish_changes=True)
        user = auth_service.create_user("bench", Role.COORDINATOR, session=session)
        token = auth_service.issue_token(user, session=session)
        session.commit()
    engine.dispose()
    return token


def _median_ms(run: Callable[[], object], runs: int) -> float:
    run()  # warm-up: imports, compiled patterns, the connection pool
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return round(statistics.median(seconds) * 1000, 1)


def drafts(library: list[PlaybookContent]) -> dict[str, PlaybookContent]:
    water = next(p for p in library if p.id == "water_food_distribution")
    keywords = {**water.keywords}
    keywords["ja"] = [*keywords.get("ja", []), "弁当", "炊き出し"]
    toilets = PlaybookContent(
        id="toilets",
        title_ja="仮設トイレ",
        categories=["information_other", "evacuation_shelter"],
        keywords={"ja": ["トイレ"], "en": ["toilet"]},
        answers={"ja": "仮設トイレの場所は{municipality}のお知らせをご覧ください。"},
    )
    return {
        "new version of water_food_distribution": water.model_copy(update={"keywords": keywords}),
        "new playbook toilets": toilets,
    }


def measure(settings: Settings, runs: int, library: list[PlaybookContent]) -> dict[str, Any]:
    """The replay's parts and the baseline, in this process alone (no app running)."""
    engine = make_engine(settings)
    results: dict[str, Any] = {}
    with make_session_factory(engine)() as session:
        published = service.published_playbooks(session=session)
        inquiries = read_replay_inquiries(session=session)
        results["scanned"] = len(inquiries)
        results["read_ms"] = _median_ms(lambda: read_replay_inquiries(session=session), runs)
        results["baseline_ms"] = _median_ms(
            lambda: [match(i.assessment, i.text, published) for i in inquiries], runs
        )
        for name, draft in drafts(library).items():

            def replayed(draft: PlaybookContent = draft) -> ImpactReport:
                return replay(draft, published, inquiries, min_score=AUTO_REPLY_MIN_MATCH_SCORE)

            def end_to_end(draft: PlaybookContent = draft) -> ImpactReport:
                return impact_of(draft, session=session)

            replay_ms = _median_ms(replayed, runs)
            report = replayed()
            results[name] = {
                "replay_ms": replay_ms,
                "replay_to_baseline": round(replay_ms / results["baseline_ms"], 2),
                "impact_of_ms": _median_ms(end_to_end, runs),
                "counts": {bucket: getattr(report, bucket).count for bucket in BUCKETS},
            }
    engine.dispose()
    return results


def measure_api(
    settings: Settings, token: str, runs: int, library: list[PlaybookContent]
) -> dict[str, float]:
    """`POST /api/v1/playbooks/{id}/impact` through the app, per draft."""
    app = create_app(settings)
    app.include_router(analysis_router)  # `/{id}/impact` is shadowed by nothing
    headers = {"Authorization": f"Bearer {token}"}
    results: dict[str, float] = {}
    with TestClient(app, base_url="https://testserver") as client:
        for name, draft in drafts(library).items():
            path = f"/api/v1/playbooks/{draft.id}/impact"
            body = {"content": draft.model_dump(mode="json")}

            def call(path: str = path, body: dict[str, Any] = body) -> None:
                response = client.post(path, json=body, headers=headers)
                assert response.status_code == 200, response.text

            results[name] = _median_ms(call, runs)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inquiries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    library = default_playbooks()
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), rate_limit_per_ip="100000/minute")
        upgrade_database(settings)
        token = seed(settings, arguments.inquiries, library)
        report = {
            "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs",
            "processor": platform.processor() or platform.machine(),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": "sqlite",
            "inquiries": arguments.inquiries,
            "runs": arguments.runs,
            "playbooks_published": len(library),
            **measure(settings, arguments.runs, library),
            "api_ms": measure_api(settings, token, arguments.runs, library),
        }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
