"""Intake at saturation, side by side in one run: the bare parse-only baseline, the
minimal store-then-enqueue reference (`reference_app.py`) and `triage serve`, all under
the same uvicorn settings (2 worker processes, uvloop, httptools), wrk with 32
connections, the servers alternating with the order rotated each round (B R T, R T B,
T B R, ...), medians over the rounds.

    python -m ops.bench.intake.saturation --duration 10 --rounds 3

Besides wrk's req/s and latency it reads the CPU time (user + system) of each server's
process tree over the wrk run, from /proc, and reports it per answered request. After the
rounds it checks what was stored: every 202 of the reference is a row of its table and an
id on its Redis list; the triage inquiries are counted and (unless `--no-drain`) drained
by `triage worker triage --burst` (bounded by `--drain-timeout`) and checked processed.
Needs wrk, PostgreSQL and Redis on 127.0.0.1; uses its own database and Redis db.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import psutil
import redis
from sqlalchemy import create_engine, text

from ops.bench.intake.reference_app import CREATE_TABLE, QUEUE_KEY, TABLE
from ops.bench.intake.run import (
    ROOT,
    WrkResult,
    count_rows,
    machine_description,
    reset_database,
    run_wrk,
    stop,
    wait_until_up,
)

KINDS = ("baseline", "reference", "triage")
LABELS = {
    "baseline": "bare FastAPI baseline (parse only)",
    "reference": "minimal store-then-enqueue reference",
    "triage": "triage serve",
}


@dataclass
class Run:
    kind: str
    round: int
    wrk: WrkResult
    cpu_seconds: float  # the server's process tree, over the wrk run
    store_cpu_seconds: float  # every postgres and redis-server process (others' too)

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.cpu_seconds / max(self.wrk.requests, 1)

    @property
    def store_cpu_ms_per_request(self) -> float:
        return 1000 * self.store_cpu_seconds / max(self.wrk.requests, 1)


def tree_cpu_seconds(pid: int) -> float:
    """utime + stime of a process and all its descendants alive now."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def store_cpu_seconds() -> float:
    """utime + stime of every PostgreSQL and Redis server process alive now (a backend
    that exits between two readings takes its time with it: connection pools keep theirs)."""
    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        name = process.info["name"] or ""
        times = process.info["cpu_times"]
        if times is not None and (name.startswith("postgres") or name == "redis-server"):
            total += times.user + times.system
    return total


def start(kind: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    if kind == "triage":
        command = [sys.executable, "-m", "triage.cli.main", "serve"]
    else:
        app = f"ops.bench.intake.{'baseline_app' if kind == 'baseline' else 'reference_app'}:app"
        command = [sys.executable, "-m", "uvicorn", app, "--no-access-log"]
        command += ["--log-level", "warning", "--proxy-headers"]
    command += ["--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def reference_counts(database_url: str, redis_url: str) -> tuple[int, int]:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one()
    engine.dispose()
    queued = redis.Redis.from_url(redis_url).llen(QUEUE_KEY)
    return int(rows), int(queued)  # type: ignore[arg-type]


def drain(env: dict[str, str], workers: int, timeout: float) -> float:
    """`triage worker triage --burst` until the queue is empty or `timeout` has passed."""
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "triage.cli.main", "worker", "triage", "--burst"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    for process in processes:
        try:
            process.wait(timeout=max(1.0, timeout - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            stop(process)  # type: ignore[arg-type]
    return time.monotonic() - started


def median_of(runs: list[Run], field: str) -> float:
    if field == "cpu_ms":
        return statistics.median(run.cpu_ms_per_request for run in runs)
    if field == "store_cpu_ms":
        return statistics.median(run.store_cpu_ms_per_request for run in runs)
    return statistics.median(getattr(run.wrk, field) for run in runs)


def format_report(summary: dict[str, Any]) -> str:
    lines = [
        "| server | req/s | p50 ms | p99 ms | API CPU ms/req | PG+Redis CPU ms/req"
        " | / reference req/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        item = summary[kind]
        lines.append(
            f"| {LABELS[kind]} | {item['rps']:,.0f} | {item['p50_ms']:.1f} | {item['p99_ms']:.1f}"
            f" | {item['cpu_ms_per_request']:.2f} | {item['store_cpu_ms_per_request']:.2f}"
            f" | {item['rps'] / summary['reference']['rps']:.2f} |"
        )
    lines.append("")
    lines.append(
        "triage / reference req/s, median of the per-round ratios: "
        f"{summary['triage_to_reference_median_of_rounds']:.2f} "
        f"(rounds {', '.join(f'{r:.2f}' for r in summary['triage_to_reference_rounds'])}); "
        f"reference / baseline {summary['reference_to_baseline_median_of_rounds']:.2f}"
    )
    check = summary["checks"]
    lines.append(
        f"reference: accepted {check['reference_accepted']}, rows {check['reference_rows']}, "
        f"ids queued {check['reference_queued']}; triage: accepted {check['triage_accepted']}, "
        f"stored {check['triage_stored']}, unprocessed after drain "
        f"{check['triage_unprocessed']} (drain {check['drain_seconds']:.0f} s); "
        f"non-2xx {check['non_2xx']}, socket errors {check['socket_errors']}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--triage-workers", type=int, default=2, help="for the drain")
    parser.add_argument("--no-drain", action="store_true")
    parser.add_argument("--drain-timeout", type=float, default=600)
    parser.add_argument("--admin-database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--port", type=int, default=18180)
    args = parser.parse_args()
    if not 1 <= args.rounds <= 20 or not 1 <= args.duration <= 120:
        parser.error("1-20 rounds of 1-120 s")

    database_url = reset_database(args.admin_database_url, "triage_bench_saturation")
    redis.Redis.from_url(args.redis_url).flushdb()
    env = {
        **os.environ,
        "TRIAGE_DATABASE_URL": database_url,
        "TRIAGE_REDIS_URL": args.redis_url,
        "TRIAGE_LOG_LEVEL": "WARNING",
        "TRIAGE_HOME": str(ROOT / "ops/bench/results/home"),
        "TRIAGE_SWEEP_AFTER_SECONDS": "3600",
        # As in run.py: one address, one contact; the limiter runs, its limits are out of reach.
        "TRIAGE_RATE_LIMIT_PER_IP": "100000000/minute",
        "TRIAGE_RATE_LIMIT_PER_SENDER": "100000000/minute",
        "REFERENCE_DATABASE_URL": database_url,
        "REFERENCE_REDIS_URL": args.redis_url,
    }
    subprocess.run(
        [sys.executable, "-m", "triage.cli.main", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text(CREATE_TABLE))
    engine.dispose()

    url = f"http://127.0.0.1:{args.port}/api/v1/inquiries"
    runs: list[Run] = []
    load_before = os.getloadavg()
    for round_number in range(args.rounds):
        order = KINDS[round_number % 3 :] + KINDS[: round_number % 3]
        for kind in order:
            server = start(kind, args.port, args.api_workers, env)
            try:
                wait_until_up(url)
                time.sleep(1.0)  # every worker process up (the warm-up reached one)
                cpu_before, store_before = tree_cpu_seconds(server.pid), store_cpu_seconds()
                result = run_wrk(url, args.duration, args.connections, args.threads)
                cpu = tree_cpu_seconds(server.pid) - cpu_before
                store_cpu = store_cpu_seconds() - store_before
            finally:
                stop(server)
            runs.append(Run(kind, round_number + 1, result, cpu, store_cpu))
            print(
                f"round {round_number + 1} {kind}: {result.requests_per_second:.0f} req/s, "
                f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                f"{1000 * cpu / max(result.requests, 1):.2f} ms API CPU/request, "
                f"{1000 * store_cpu / max(result.requests, 1):.2f} ms PG+Redis CPU/request, "
                f"non-2xx {result.non_2xx}",
                file=sys.stderr,
                flush=True,
            )
    load_after = os.getloadavg()

    def of(kind: str) -> list[Run]:
        return [run for run in runs if run.kind == kind]

    def accepted(kind: str) -> int:  # +1 a run: the warm-up request
        return sum(run.wrk.requests - run.wrk.non_2xx + 1 for run in of(kind))

    triage_stored, _ = count_rows(database_url)
    reference_rows, reference_queued = reference_counts(database_url, args.redis_url)
    drain_seconds = 0.0 if args.no_drain else drain(env, args.triage_workers, args.drain_timeout)
    _, unprocessed = count_rows(database_url)

    ratios = {
        pair: [
            a.wrk.requests_per_second / b.wrk.requests_per_second
            for a, b in zip(of(pair[0]), of(pair[1]), strict=True)
        ]
        for pair in (("triage", "reference"), ("reference", "baseline"))
    }
    summary: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_description(),
        "load_average_before_after": [load_before, load_after],
        "settings": vars(args),
        **{
            kind: {
                "rps": median_of(of(kind), "requests_per_second"),
                "p50_ms": median_of(of(kind), "p50_ms"),
                "p99_ms": median_of(of(kind), "p99_ms"),
                "cpu_ms_per_request": median_of(of(kind), "cpu_ms"),
                "store_cpu_ms_per_request": median_of(of(kind), "store_cpu_ms"),
            }
            for kind in KINDS
        },
        "triage_to_reference_rounds": ratios[("triage", "reference")],
        "triage_to_reference_median_of_rounds": statistics.median(ratios[("triage", "reference")]),
        "reference_to_baseline_median_of_rounds": statistics.median(
            ratios[("reference", "baseline")]
        ),
        "checks": {
            "reference_accepted": accepted("reference"),
            "reference_rows": reference_rows,
            "reference_queued": reference_queued,
            "triage_accepted": accepted("triage"),
            "triage_stored": triage_stored,
            "triage_unprocessed": unprocessed if not args.no_drain else None,
            "drain_seconds": drain_seconds,
            "non_2xx": sum(run.wrk.non_2xx for run in runs),
            "socket_errors": sum(run.wrk.socket_errors for run in runs),
        },
        "runs": [
            {
                "kind": r.kind,
                "round": r.round,
                "cpu_seconds": r.cpu_seconds,
                "store_cpu_seconds": r.store_cpu_seconds,
                **asdict(r.wrk),
            }
            for r in runs
        ],
    }
    out = ROOT / "ops/bench/results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "intake_saturation.json").write_text(json.dumps(summary, indent=2))
    print(format_report(summary))


if __name__ == "__main__":
    main()
