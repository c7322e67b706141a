"""Intake benchmark: wrk against `triage serve` on PostgreSQL + Redis, alternating with a
bare FastAPI baseline on the same uvicorn settings; then workers drain everything and we
check that every accepted inquiry was stored and processed.

    python -m ops.bench.intake.run --duration 10 --rounds 3

Needs wrk (Debian package), PostgreSQL and Redis on 127.0.0.1. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import redis
from sqlalchemy import create_engine, text

HERE = Path(__file__).parent
ROOT = HERE.parents[2]


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


def _to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> WrkResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = _to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors_match = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = sum(int(g) for g in errors_match.groups()) if errors_match else 0
    return WrkResult(
        rps, p50, p99, total, int(non_2xx_match.group(1)) if non_2xx_match else 0, socket_errors
    )


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.post(url, json={"text": "warm-up"}, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start")


def run_wrk(url: str, duration: int, connections: int, threads: int) -> WrkResult:
    completed = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(HERE / "post.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(completed.stdout)


def start_server(
    kind: str, port: int, workers: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    if kind == "baseline":
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "ops.bench.intake.baseline_app:app",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
    else:
        command = [
            sys.executable,
            "-m",
            "triage.cli.main",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def reset_database(admin_url: str, name: str) -> str:
    engine = create_engine(
        admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def count_rows(database_url: str) -> tuple[int, int]:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        total = connection.execute(text("SELECT count(*) FROM inquiries")).scalar_one()
        unprocessed = connection.execute(
            text("SELECT count(*) FROM inquiries WHERE status = 'received'")
        ).scalar_one()
    engine.dispose()
    return int(total), int(unprocessed)


def drain_with_workers(env: dict[str, str], workers: int, redis_url: str) -> float:
    """Run triage workers in burst mode until the queue is empty; returns seconds taken."""
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
        process.wait()
    return time.monotonic() - started


def machine_description() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def format_report(summary: dict[str, Any]) -> str:
    rows = [
        "| server | req/s (median) | p50 ms | p99 ms |",
        "|---|---|---|---|",
    ]
    for label, key in (("bare FastAPI baseline", "baseline"), ("triage serve", "triage")):
        rows.append(
            f"| {label} | {summary[key + '_rps']:.0f} | {summary[key + '_p50_ms']:.1f}"
            f" | {summary[key + '_p99_ms']:.1f} |"
        )
    rate = summary["processing_rate_per_s"] or 0.0
    rows.append("")
    rows.append(
        f"ratio triage/baseline {summary['ratio_triage_to_baseline']:.2f}; "
        f"accepted {summary['accepted_2xx']}, stored {summary['stored']}, "
        f"unprocessed after drain {summary['unprocessed_after_drain']}; "
        f"drained in {summary['drain_seconds']:.1f} s ({rate:.0f}/s)"
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--triage-workers", type=int, default=2)
    parser.add_argument("--admin-database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--port", type=int, default=18080)
    args = parser.parse_args()

    database_url = reset_database(args.admin_database_url, "triage_bench")
    redis.Redis.from_url(args.redis_url).flushdb()
    env = {
        **os.environ,
        "TRIAGE_DATABASE_URL": database_url,
        "TRIAGE_REDIS_URL": args.redis_url,
        "TRIAGE_LOG_LEVEL": "WARNING",
        "TRIAGE_HOME": str(ROOT / "ops/bench/results/home"),
        "TRIAGE_SWEEP_AFTER_SECONDS": "3600",
        # wrk sends everything from one address and one contact: raise the abuse limits
        # (they stay on, so their cost is measured) far above what the run can reach.
        "TRIAGE_RATE_LIMIT_PER_IP": "100000000/minute",
        "TRIAGE_RATE_LIMIT_PER_SENDER": "100000000/minute",
    }
    subprocess.run(
        [sys.executable, "-m", "triage.cli.main", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )

    url = f"http://127.0.0.1:{args.port}/api/v1/inquiries"
    results: dict[str, list[WrkResult]] = {"baseline": [], "triage": []}
    accepted = 0
    for round_number in range(args.rounds):
        for kind in ("baseline", "triage"):
            server = start_server(kind, args.port, args.api_workers, env)
            try:
                wait_until_up(url)
                result = run_wrk(url, args.duration, args.connections, args.threads)
            finally:
                stop(server)
            results[kind].append(result)
            if kind == "triage":
                accepted += result.requests - result.non_2xx + 1  # +1: the warm-up request
            print(f"round {round_number + 1} {kind}: {result}", file=sys.stderr)

    drain_seconds = drain_with_workers(env, args.triage_workers, args.redis_url)
    stored_after, unprocessed = count_rows(database_url)

    def median(kind: str, field: str) -> float:
        return statistics.median(getattr(r, field) for r in results[kind])

    summary: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine_description(),
        "settings": vars(args),
        "baseline_rps": median("baseline", "requests_per_second"),
        "baseline_p50_ms": median("baseline", "p50_ms"),
        "baseline_p99_ms": median("baseline", "p99_ms"),
        "triage_rps": median("triage", "requests_per_second"),
        "triage_p50_ms": median("triage", "p50_ms"),
        "triage_p99_ms": median("triage", "p99_ms"),
        "accepted_2xx": accepted,
        "stored": stored_after,
        "unprocessed_after_drain": unprocessed,
        "drain_seconds": drain_seconds,
        "processing_rate_per_s": stored_after / drain_seconds if drain_seconds else None,
        "non_2xx_total": sum(r.non_2xx for r in results["triage"]),
        "socket_errors_total": sum(r.socket_errors for r in results["triage"]),
        "rounds": {k: [asdict(r) for r in v] for k, v in results.items()},
    }
    summary["ratio_triage_to_baseline"] = summary["triage_rps"] / summary["baseline_rps"]
    out = ROOT / "ops/bench/results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "intake.json").write_text(json.dumps(summary, indent=2))
    print(format_report(summary))


if __name__ == "__main__":
    main()
