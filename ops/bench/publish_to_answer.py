"""From a publish to the first citizen answered with the new text (a benchmark, not a test).

    .venv/bin/python -m ops.bench.publish_to_answer --rounds 20

On PostgreSQL and Redis on 127.0.0.1: a fresh database (`triage_bench_publish`, dropped
and created), an empty Redis database (`--redis-url`; refused when it holds keys), the
shipped playbooks seeded, `triage serve` on a free port and `--workers` (2) `triage
worker triage`. After a warm-up (a few inquiries at once, so every worker has loaded
its model and answered), `--rounds` times:

- publish: a new version of `water_food_distribution` whose Japanese answer carries a
  marker sentence of its own (PUT, then POST .../publish with stale=fallback, as a
  coordinator's API client does), then at once post a matching Japanese inquiry as a
  citizen and poll the staff API (every `--poll-ms`) until its automatic reply exists.
  It carries the marker (the new text) or not; the delay is the first new-text reply's
  `created_at` minus the published row's `updated_at` (both stamped by the service on
  this machine);
- baseline, interleaved round by round: the same post and poll without a publish; the
  delay is the reply's `created_at` minus the inquiry's `received_at`.

Every first inquiry after a publish must get the new text (`new_text_fraction` 1.0).
When one does not, inquiries are posted again at once until one does: the delay to the
first new-text answer, and how many old-text answers went out first, are reported too.
Also: what one generation check (the workers' "did anything change" query) costs.
`--check-seconds 0` runs the workers with that check on every inquiry (the fix
proposed; an experiment through a bootstrap, not a setting of the service).
Prints JSON (medians, p99, each round). The database is dropped at the end
(`--keep` keeps it, and the home with the processes' logs, which a failed run keeps
too); only the processes started here are stopped, by their handles.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import redis
from sqlalchemy import create_engine, text

from playbooks.seed import seed_default_playbooks
from triage.auth import service as auth_service
from triage.auth.tables import Role
from triage.core.db import make_engine, make_session_factory
from triage.core.settings import Settings
from triage.routing.answers import CHECK_SECONDS, read_published_generation

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "triage_bench_publish"
PLAYBOOK = "water_food_distribution"
# Matching Japanese questions (each routes to auto_reply with PLAYBOOK), taken in turn.
TEXTS = [
    "給水はどこでもらえますか",
    "飲み水はどこでもらえますか",
    "給水車はどこに来ますか",
    "食料の配布はありますか",
    "炊き出しはどこでやっていますか",
]
STARTUP_SECONDS = 120.0
ANSWER_DEADLINE_SECONDS = 60.0
FOLLOW_UP_SECONDS = 10.0
GENERATION_SAMPLES = 200
# `--check-seconds` (an experiment for the fix, not a setting of the service): workers
# started through this, with DatabaseAnswers' generation check interval replaced.
WORKER_WITH_CHECK = """
import sys
from triage.routing.answers import DatabaseAnswers
DatabaseAnswers.__init__.__kwdefaults__["check_seconds"] = float(sys.argv.pop(1))
from triage.cli.main import main
main()
"""


@dataclass
class Round:
    """One round. Publish rounds: `first_reply_ms` is the first inquiry's reply
    `created_at` minus the published row's `updated_at`; `new_text`, whether that reply
    carried this round's marker; when it did not, more inquiries were posted until one
    did: `old_answers_after_publish` counts the old-text replies, and `delay_ms` /
    `observed_ms` go to the first new-text reply (NaN: none within FOLLOW_UP_SECONDS).
    Baseline rounds: `delay_ms` = `first_reply_ms` = reply `created_at` - `received_at`."""

    kind: str  # "publish" or "baseline"
    inquiry_id: str
    version: int | None
    delay_ms: float
    first_reply_ms: float
    observed_ms: float  # client side: the publish (or post) returning to the reply seen
    post_to_reply_ms: float  # the first inquiry's reply created_at - its received_at
    new_text: bool | None
    old_answers_after_publish: int = 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stamp(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p99 of 20 values is the largest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


class Service:
    """`triage serve` and the workers, ours only; their output goes to log files."""

    def __init__(
        self,
        env: dict[str, str],
        port: int,
        workers: int,
        logs: Path,
        check_seconds: float | None = None,
    ) -> None:
        self.env, self.port, self.logs = env, port, logs
        self.base_url = f"http://127.0.0.1:{port}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self._spawn("server", ["serve", "--host", "127.0.0.1", "--port", str(port)])
        self._wait_healthy()
        for number in range(workers):
            if check_seconds is None:
                self._spawn(f"worker{number}", ["worker", "triage"])
            else:
                prefix = ["-c", WORKER_WITH_CHECK, str(check_seconds)]
                self._spawn(f"worker{number}", ["worker", "triage"], prefix)

    def _spawn(self, name: str, args: list[str], prefix: list[str] | None = None) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.processes.append(
            subprocess.Popen(
                [sys.executable, *(prefix or ["-m", "triage.cli.main"]), *args],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        log.close()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.processes[0].poll() is not None:
                raise RuntimeError(f"triage serve exited; see {self.logs / 'server.log'}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("triage serve did not answer /healthz")

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


class Bench:
    def __init__(self, base_url: str, coordinator: str, reader: str, poll_s: float) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=30)
        self.coordinator = {"Authorization": f"Bearer {coordinator}"}
        self.reader = {"Authorization": f"Bearer {reader}"}
        self.poll_s = poll_s
        self.posted = 0

    def post(self) -> str:
        body = {"text": TEXTS[self.posted % len(TEXTS)]}
        self.posted += 1
        response = self.client.post("/api/v1/inquiries", json=body)
        response.raise_for_status()
        inquiry_id: str = response.json()["id"]
        return inquiry_id

    def answered(self, inquiry_id: str) -> dict[str, Any]:
        """The staff view of the inquiry once it has a reply."""
        deadline = time.monotonic() + ANSWER_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            response = self.client.get(f"/api/v1/inquiries/{inquiry_id}", headers=self.reader)
            response.raise_for_status()
            detail: dict[str, Any] = response.json()
            if detail["replies"]:
                return detail
            time.sleep(self.poll_s)
        raise RuntimeError(f"{inquiry_id} got no reply in {ANSWER_DEADLINE_SECONDS} s")

    def publish(self, marker: str) -> tuple[int, datetime]:
        """A new version with `marker` appended to the Japanese answer, published."""
        current = self.client.get(f"/api/v1/playbooks/{PLAYBOOK}", headers=self.coordinator)
        current.raise_for_status()
        content = current.json()["content"]
        content["answers"]["ja"] = content["answers"]["ja"].split("【")[0] + marker
        updated = self.client.put(
            f"/api/v1/playbooks/{PLAYBOOK}",
            json={"content": content, "note": "bench"},
            headers=self.coordinator,
        )
        updated.raise_for_status()
        version = int(updated.json()["current_version"])
        published = self.client.post(
            f"/api/v1/playbooks/{PLAYBOOK}/publish",
            json={"version": version, "stale": "fallback"},
            headers=self.coordinator,
        )
        published.raise_for_status()
        return version, stamp(published.json()["updated_at"])

    def publish_round(self, number: int) -> Round:
        """Publish, post at once; while the reply is the old text, post again at once
        (up to `FOLLOW_UP_SECONDS`) to find when the new text is first sent."""
        marker = f"【更新{number}-{uuid.uuid4().hex[:8]}】"
        version, published_at = self.publish(marker)
        returned = time.monotonic()
        first: dict[str, Any] | None = None
        old_answers = 0
        while True:
            inquiry_id = self.post()
            detail = self.answered(inquiry_id)
            reply = detail["replies"][0]
            new = marker in reply["text"] and reply["playbook_id"] == PLAYBOOK
            first = first or detail
            if new or time.monotonic() - returned > FOLLOW_UP_SECONDS:
                break
            old_answers += 1
        seen = time.monotonic()
        created = stamp(reply["created_at"])
        first_created = stamp(first["replies"][0]["created_at"])
        return Round(
            kind="publish",
            inquiry_id=first["id"],
            version=version,
            delay_ms=(created - published_at).total_seconds() * 1000 if new else float("nan"),
            first_reply_ms=(first_created - published_at).total_seconds() * 1000,
            observed_ms=(seen - returned) * 1000,
            post_to_reply_ms=(first_created - stamp(first["received_at"])).total_seconds() * 1000,
            new_text=old_answers == 0 and new,
            old_answers_after_publish=old_answers,
        )

    def baseline_round(self) -> Round:
        posted = time.monotonic()
        inquiry_id = self.post()
        detail = self.answered(inquiry_id)
        seen = time.monotonic()
        created = stamp(detail["replies"][0]["created_at"])
        delay = (created - stamp(detail["received_at"])).total_seconds() * 1000
        return Round(
            kind="baseline",
            inquiry_id=inquiry_id,
            version=None,
            delay_ms=delay,
            first_reply_ms=delay,
            observed_ms=(seen - posted) * 1000,
            post_to_reply_ms=delay,
            new_text=None,
        )

    def close(self) -> None:
        self.client.close()


def summarise(rounds: list[Round]) -> dict[str, Any]:
    delays = [r.delay_ms for r in rounds if r.delay_ms == r.delay_ms]  # NaN: never new
    observed = [r.observed_ms for r in rounds]
    found: dict[str, Any] = {
        "rounds": len(rounds),
        "delay_ms_median": round(statistics.median(delays), 1) if delays else None,
        "delay_ms_p99": round(percentile(delays, 0.99), 1) if delays else None,
        "observed_ms_median": round(statistics.median(observed), 1),
        "post_to_reply_ms_median": round(statistics.median(r.post_to_reply_ms for r in rounds), 1),
    }
    if rounds[0].kind == "publish":
        found["new_text_fraction"] = round(sum(bool(r.new_text) for r in rounds) / len(rounds), 3)
        found["old_text_versions"] = [r.version for r in rounds if not r.new_text]
        found["old_answers_after_publish"] = sum(r.old_answers_after_publish for r in rounds)
        found["versions_never_new"] = [r.version for r in rounds if r.delay_ms != r.delay_ms]
        found["first_reply_ms_median"] = round(
            statistics.median(r.first_reply_ms for r in rounds), 1
        )
    return found


def generation_check_ms(settings: Settings) -> float:
    """What one generation check costs (the query a worker runs at most every
    CHECK_SECONDS), median over GENERATION_SAMPLES, from this process."""
    engine = make_engine(settings)
    try:
        factory = make_session_factory(engine)
        read_published_generation(factory)
        samples = []
        for _ in range(GENERATION_SAMPLES):
            started = time.perf_counter()
            read_published_generation(factory)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        engine.dispose()
    return round(statistics.median(samples), 3)


def make_tokens(settings: Settings) -> tuple[str, str]:
    """A coordinator's and a responder's bearer tokens."""
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session:
            tokens = []
            for name, role in (
                ("bench-coordinator", Role.COORDINATOR),
                ("bench-reader", Role.RESPONDER),
            ):
                user = auth_service.create_user(name, role, session=session)
                tokens.append(auth_service.issue_token(user, session=session))
            session.commit()
    finally:
        engine.dispose()
    return tokens[0], tokens[1]


def _admin(admin_url: str, *statements: str) -> None:
    engine = create_engine(
        admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def reset_database(admin_url: str, name: str) -> str:
    """DROP and CREATE `name` (as ops/bench/intake/run.py does); its URL."""
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, name: str) -> None:
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--poll-ms", type=float, default=20.0)
    parser.add_argument(
        "--admin-database-url", default="postgresql://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--check-seconds",
        type=float,
        default=None,
        help="experiment: the workers' generation check interval (default: as shipped)",
    )
    args = parser.parse_args()

    queue = redis.Redis.from_url(args.redis_url)
    if queue.dbsize():
        raise SystemExit(f"{args.redis_url} holds keys (someone else's?): pick a free database")
    database_url = reset_database(args.admin_database_url, DATABASE)
    home = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIAGE_")}
    env.update(
        TRIAGE_HOME=str(home),
        TRIAGE_DATABASE_URL=database_url,
        TRIAGE_REDIS_URL=args.redis_url,
        TRIAGE_PUBLIC_URL=f"http://127.0.0.1:{port}",
        TRIAGE_SECRET_KEY=secrets.token_urlsafe(32),
        TRIAGE_LOG_LEVEL="WARNING",
        TRIAGE_RATE_LIMIT_PER_IP="100000/minute",
    )
    service: Service | None = None
    finished = False
    try:
        subprocess.run(
            [sys.executable, "-m", "triage.cli.main", "db", "upgrade"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        settings = Settings(database_url=database_url, home=home)
        seed_default_playbooks(settings)
        coordinator, reader = make_tokens(settings)
        service = Service(env, port, args.workers, home, args.check_seconds)
        bench = Bench(service.base_url, coordinator, reader, args.poll_ms / 1000)
        # Warm-up: enough inquiries at once that every worker loads its model and answers.
        warm = [bench.post() for _ in range(args.workers * 3)]
        for inquiry_id in warm:
            bench.answered(inquiry_id)

        rounds: dict[str, list[Round]] = {"publish": [], "baseline": []}
        for number in range(1, args.rounds + 1):
            rounds["publish"].append(bench.publish_round(number))
            rounds["baseline"].append(bench.baseline_round())
            print(f"round {number}: {rounds['publish'][-1]}", file=sys.stderr)

        publish, baseline = summarise(rounds["publish"]), summarise(rounds["baseline"])
        generation_ms = generation_check_ms(settings)
        result = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "database": "PostgreSQL",
            "triage_workers": args.workers,
            "worker_check_seconds": CHECK_SECONDS
            if args.check_seconds is None
            else args.check_seconds,
            "generation_check_ms_median": generation_ms,
            "poll_ms": args.poll_ms,
            "publish_to_answer": publish,
            "baseline_post_to_answer": baseline,
            "ratio_median_publish_to_baseline": round(
                publish["delay_ms_median"] / baseline["delay_ms_median"], 2
            )
            if publish["delay_ms_median"]
            else None,
            "each_round": [
                {k: None if v != v else v for k, v in asdict(r).items()}  # NaN: null
                for r in rounds["publish"] + rounds["baseline"]
            ],
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        bench.close()
        finished = True
    finally:
        if service is not None:
            service.close()
        queue.flushdb()
        if finished and not args.keep:
            shutil.rmtree(home, ignore_errors=True)  # else: the logs stay there
        else:
            print(f"logs and home: {home}", file=sys.stderr)
        if not args.keep:
            drop_database(args.admin_database_url, DATABASE)


if __name__ == "__main__":
    main()
