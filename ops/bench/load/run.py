"""Mixed open-loop load: web, SMS and LINE inquiries at a fixed rate, end to end.

For each (rate, worker count) it starts on a fresh database (`triage db upgrade`):
`triage serve --workers 2`, N `triage worker triage`, and a tiny local HTTP sink that
TRIAGE_TWILIO_API_BASE and TRIAGE_LINE_API_BASE point at (no outbound worker runs, so
the replies the triage workers queue are never sent; nothing leaves 127.0.0.1). Then a
constant-rate generator (asyncio + httpx, open loop: request i goes at t0 + i/rate
whatever the answers so far) sends the mix (default web 50 / SMS 25 / LINE 25 %), texts
drawn from triage/assessment/training/*.jsonl, Twilio and LINE requests validly signed
(`inquiries.py`). Each request's scheduled time, lateness, status and latency are kept
(`ops/bench/results/load/*.csv`). After the load the workers drain (bounded by
`--drain-timeout`); then the database says what was stored and, for each inquiry,
receipt → routed (`triaged_at - received_at`).

    python -m ops.bench.load.run --rates 75,100,125,150 --workers 1,2,3 --bare --duration 20
    python -m ops.bench.load.run --rates 500 --workers 2,3 --bare --duration 60 \
        --drain-timeout 600 --finish-timeout 300

`--bare` runs the same load against `bare_app.py` (parse and answer only) before each
rate: the baseline of the same run (the generator's own cost, the machine's background).
`--rounds N` repeats everything with the worker counts rotated and prints medians.
`--workers 0` measures intake alone (nothing is routed, nothing drains).

CPU per inquiry is read from /proc (utime + stime) for the API's process tree, the
workers' trees, every postgres and redis-server process (other users' too) and this
generator, over the load and the drain; with the machine's busy share over the load.
Needs PostgreSQL and Redis on 127.0.0.1; uses its own database and Redis db.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import ssl
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psutil
import redis
import uvloop
from sqlalchemy import create_engine, text

from ops.bench.intake.run import ROOT, machine_description, reset_database, stop
from ops.bench.intake.saturation import store_cpu_seconds, tree_cpu_seconds
from ops.bench.load.inquiries import CHANNELS, PlannedRequest, build, channel_env, plan

RESULTS = ROOT / "ops/bench/results"
ROUTED_WITHIN_SECONDS = 2.0


class _Sink(BaseHTTPRequestHandler):
    """Answers every call like a provider that accepted it (nothing calls it in this run
    unless an outbound worker is started against it)."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length", "0") or "0")
        if length:
            self.rfile.read(min(length, 1 << 20))
        body = json.dumps({"sid": "SM" + uuid.uuid4().hex, "status": "queued"}).encode()
        self.send_response(201 if self.command == "POST" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def sink(port: int) -> Any:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Sink)
    thread = threading.Thread(target=server.serve_forever, name="sink", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


# --- the generator ---------------------------------------------------------------


@dataclass
class Sent:
    channel: str
    scheduled_s: float  # after t0
    late_s: float  # actual send - scheduled
    latency_s: float  # answer - scheduled (what a sender waiting since then sees)
    service_s: float  # answer - actual send
    status: int  # -1: no answer (error), -2: not finished in time
    error: str = ""


async def generate(
    base_url: str, planned: list[PlannedRequest], rate: float, args: argparse.Namespace
) -> tuple[list[Sent], float]:
    """Issue `planned` at `rate`/s on a fixed schedule, whatever the answers; returns the
    records and the wall time from the first scheduled send to the last answer.

    Request i is issued at t0 + i/rate into a queue that `args.connections` senders (one
    keep-alive connection each) take from, so at most that many are at the server at
    once, as with a provider's own concurrency; a request that waits for a free sender is
    late, and its latency counts from its scheduled time, so a slow server cannot slow
    the schedule down (no coordinated omission). (Letting httpx queue thousands of
    requests itself costs the generator CPU quadratic in the backlog.)"""
    loop = asyncio.get_running_loop()
    run_id = uuid.uuid4().hex[:8]
    records: list[Sent | None] = [None] * len(planned)
    issued: asyncio.Queue[tuple[PlannedRequest, float] | None] = asyncio.Queue()
    t0 = 0.0  # set once the clients are built

    async def send(client: httpx.AsyncClient, request: PlannedRequest, scheduled: float) -> None:
        path, headers, body = build(request, run_id)
        started = loop.time()
        status, error = -1, ""
        try:
            if isinstance(body, bytes):
                response = await client.post(path, content=body, headers=headers)
            elif request.channel == "web":
                response = await client.post(path, json=body, headers=headers)
            else:
                response = await client.post(path, data=body, headers=headers)
            status = response.status_code
        except httpx.HTTPError as failure:
            error = type(failure).__name__
        done = loop.time()
        records[request.index] = Sent(
            request.channel,
            scheduled - t0,
            started - scheduled,
            done - scheduled,
            done - started,
            status,
            error,
        )

    async def sender(client: httpx.AsyncClient) -> None:
        async with client:
            while (item := await issued.get()) is not None:
                await send(client, *item)

    # A client of its own per sender (one keep-alive connection): httpx's pool scans all
    # of its connections for each request, which costs a lot once 100+ are busy. Built
    # before the schedule starts (each builds an SSL context: ~15 ms of CPU).
    tls = ssl.create_default_context()
    clients = [
        httpx.AsyncClient(
            base_url=base_url,
            # Idle connections are dropped before uvicorn's 5-s keep-alive timeout closes
            # them under a request being sent (a ReadError that is the client's doing).
            limits=httpx.Limits(
                max_connections=1, max_keepalive_connections=1, keepalive_expiry=2.0
            ),
            timeout=httpx.Timeout(args.request_timeout),
            trust_env=False,
            verify=tls,
        )
        for _ in range(args.connections)
    ]
    t0 = loop.time() + 0.5
    senders = [asyncio.create_task(sender(client)) for client in clients]
    for request in planned:
        scheduled = t0 + request.index / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        issued.put_nowait((request, scheduled))
    for _ in senders:
        issued.put_nowait(None)
    _, unfinished = await asyncio.wait(senders, timeout=args.finish_timeout)
    for task in unfinished:
        task.cancel()
    await asyncio.gather(*unfinished, return_exceptions=True)
    ended = loop.time()
    out = [
        r if r is not None else Sent(p.channel, p.index / rate, 0.0, 0.0, 0.0, -2, "unfinished")
        for p, r in zip(planned, records, strict=True)
    ]
    return out, ended - t0


# --- processes -------------------------------------------------------------------


def start_api(
    port: int, env: dict[str, str], api_workers: int, *, bare: bool = False
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "triage.cli.main", "serve", "--port", str(port)]
    if bare:  # the same uvicorn settings as `triage serve`
        command = [sys.executable, "-m", "uvicorn", "ops.bench.load.bare_app:app"]
        command += ["--no-access-log", "--log-level", "warning", "--proxy-headers"]
        command += ["--port", str(port)]
    log = RESULTS / "load" / ("bare.log" if bare else "api.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        return subprocess.Popen(
            [*command, "--workers", str(api_workers)],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "triage.cli.main", "worker", "triage"],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_until_ready(base_url: str, redis_url: str, workers: int, timeout: float) -> None:
    """The API answers /healthz and every worker has loaded its model (its beacon)."""
    connection = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    api_up = False
    while time.monotonic() < deadline:
        if not api_up:
            with contextlib.suppress(httpx.HTTPError):
                api_up = httpx.get(base_url + "/healthz", timeout=2).status_code == 200
        beacons = len(list(connection.scan_iter("triage:worker-alive:*", count=1000)))
        if api_up and beacons >= workers:
            time.sleep(1.0)  # the second API process too
            return
        time.sleep(0.5)
    raise RuntimeError(f"API up {api_up}, workers ready < {workers} after {timeout:.0f} s")


@dataclass
class Cpu:
    api: float
    workers: float
    stores: float
    generator: float
    machine_busy: float  # seconds of all cores busy, whole machine
    at: float


def read_cpu(api: subprocess.Popen[bytes], workers: list[subprocess.Popen[bytes]]) -> Cpu:
    own = psutil.Process().cpu_times()
    machine = psutil.cpu_times()
    return Cpu(
        api=tree_cpu_seconds(api.pid),
        workers=sum(tree_cpu_seconds(w.pid) for w in workers),
        stores=store_cpu_seconds(),
        generator=own.user + own.system,
        machine_busy=sum(machine) - machine.idle - getattr(machine, "iowait", 0.0),
        at=time.monotonic(),
    )


def database_counts(engine: Any) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT status, count(*) FROM inquiries GROUP BY status")
        ).all()
    return {str(status): int(count) for status, count in rows}


def routed_latencies(engine: Any) -> dict[str, Any]:
    """receipt -> routed, per channel and overall, from the database."""
    query = text(
        """
        SELECT channel,
               count(*) AS stored,
               count(triaged_at) AS routed,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY delay) AS p50,
               percentile_cont(0.99) WITHIN GROUP (ORDER BY delay) AS p99,
               max(delay) AS max,
               count(*) FILTER (WHERE delay <= :bound) AS within
        FROM (
            SELECT channel, triaged_at,
                   extract(epoch FROM triaged_at - received_at) AS delay
            FROM inquiries
        ) AS d
        GROUP BY GROUPING SETS ((channel), ())
        """
    )
    out: dict[str, Any] = {}
    with engine.connect() as connection:
        for row in connection.execute(query, {"bound": ROUTED_WITHIN_SECONDS}).mappings():
            out[row["channel"] or "all"] = {
                "stored": int(row["stored"]),
                "routed": int(row["routed"]),
                "p50_s": float(row["p50"]) if row["p50"] is not None else None,
                "p99_s": float(row["p99"]) if row["p99"] is not None else None,
                "max_s": float(row["max"]) if row["max"] is not None else None,
                "routed_within_2s": int(row["within"]),
            }
    return out


def drain(engine: Any, timeout: float) -> tuple[float, int]:
    """Wait until no inquiry is left `received` (or `timeout`); (seconds, left)."""
    started = time.monotonic()
    left = -1
    while time.monotonic() - started < timeout:
        left = database_counts(engine).get("received", 0)
        if left == 0:
            break
        time.sleep(0.5)
    return time.monotonic() - started, left


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- one configuration -------------------------------------------------------------


@dataclass
class Outcome:
    server: str  # "triage", or "bare" (the baseline: parse and answer, nothing stored)
    rate: float
    workers: int
    duration: float
    sent: int
    answered_2xx: int
    non_2xx: dict[str, int]
    errors: dict[str, int]
    stored: int
    statuses: dict[str, int]
    left_received: int
    drain_s: float
    achieved_rate: float
    late_p99_ms: float | None
    http_p50_ms: float | None
    http_p99_ms: float | None
    routed: dict[str, Any]
    cpu_ms_per_inquiry: dict[str, float]
    machine_busy_cores_during_load: float
    triaged_per_s_during_load: float
    triaged_per_s_during_drain: float | None
    load_average: list[float] = field(default_factory=list)
    accepted_per_s: float = 0.0  # 2xx answers / time from t0 to the last of them


def run_one(
    rate: float,
    workers: int,
    args: argparse.Namespace,
    sink_url: str,
    mix: dict[str, float],
    *,
    bare: bool = False,
) -> Outcome:
    database_url = reset_database(args.admin_database_url, "triage_bench_load")
    redis.Redis.from_url(args.redis_url).flushdb()
    home = RESULTS / "load-home"
    env = {
        **os.environ,
        **channel_env(),
        "TRIAGE_DATABASE_URL": database_url,
        "TRIAGE_REDIS_URL": args.redis_url,
        "TRIAGE_LOG_LEVEL": "WARNING",
        "TRIAGE_HOME": str(home),
        "TRIAGE_TWILIO_API_BASE": sink_url,
        "TRIAGE_LINE_API_BASE": sink_url,
        # Every web request comes from 127.0.0.1: the abuse limits stay on (their cost
        # counts) but out of reach. Nothing is re-enqueued by the sweeper during the run.
        "TRIAGE_RATE_LIMIT_PER_IP": "100000000/minute",
        "TRIAGE_RATE_LIMIT_PER_SENDER": "100000000/minute",
        "TRIAGE_SWEEP_AFTER_SECONDS": "3600",
    }
    subprocess.run(
        [sys.executable, "-m", "triage.cli.main", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    base_url = f"http://127.0.0.1:{args.port}"
    planned = plan(int(rate * args.duration), mix, seed=args.seed)
    logs = RESULTS / "load"
    logs.mkdir(parents=True, exist_ok=True)
    api = start_api(args.port, env, args.api_workers, bare=bare)
    worker_processes = [start_worker(env, logs / "workers.log") for _ in range(workers)]
    try:
        wait_until_ready(base_url, args.redis_url, workers, timeout=180)
        load_before = os.getloadavg()
        before = read_cpu(api, worker_processes)
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            records, wall = runner.run(generate(base_url, planned, rate, args))
        after_load = read_cpu(api, worker_processes)
        triaged_at_load_end = sum(v for k, v in database_counts(engine).items() if k != "received")
        # With no worker (intake alone) nothing drains.
        drain_s = drain(engine, args.drain_timeout)[0] if workers else 0.0
        after_drain = read_cpu(api, worker_processes)
    finally:
        for process in [api, *worker_processes]:
            stop(process)
    statuses = database_counts(engine)
    routed = routed_latencies(engine)
    engine.dispose()

    name = "bare" if bare else f"{workers}_workers"
    with (logs / f"requests_{int(rate)}_per_s_{name}.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*Sent.__dataclass_fields__])
        for record in records:
            writer.writerow(asdict(record).values())

    ok = [r for r in records if 200 <= r.status < 300]
    non_2xx: dict[str, int] = {}
    errors: dict[str, int] = {}
    for record in records:
        if record.status >= 300 or 0 < record.status < 200:
            non_2xx[str(record.status)] = non_2xx.get(str(record.status), 0) + 1
        elif record.status < 0:
            errors[record.error] = errors.get(record.error, 0) + 1
    sends = sorted(r.scheduled_s + r.late_s for r in records if r.status != -2)
    stored = sum(statuses.values())
    triaged = stored - statuses.get("received", 0)
    load_seconds = after_load.at - before.at
    per = len(ok) if bare else stored
    cpu = {
        name: 1000 * (getattr(after_drain, name) - getattr(before, name)) / max(per, 1)
        for name in ("api", "workers", "stores", "generator")
    }
    cpu["workers_per_routed"] = 1000 * (after_drain.workers - before.workers) / max(triaged, 1)
    return Outcome(
        server="bare" if bare else "triage",
        rate=rate,
        workers=workers,
        duration=args.duration,
        sent=len(records),
        answered_2xx=len(ok),
        non_2xx=non_2xx,
        errors=errors,
        stored=stored,
        statuses=statuses,
        left_received=statuses.get("received", 0),
        drain_s=drain_s,
        achieved_rate=(len(sends) - 1) / (sends[-1] - sends[0]) if len(sends) > 1 else 0.0,
        late_p99_ms=_ms(percentile([r.late_s for r in records if r.status != -2], 0.99)),
        http_p50_ms=_ms(percentile([r.latency_s for r in ok], 0.50)),
        http_p99_ms=_ms(percentile([r.latency_s for r in ok], 0.99)),
        routed=routed,
        cpu_ms_per_inquiry=cpu,
        machine_busy_cores_during_load=(after_load.machine_busy - before.machine_busy)
        / load_seconds,
        triaged_per_s_during_load=triaged_at_load_end / max(wall, 1e-9),
        triaged_per_s_during_drain=(triaged - triaged_at_load_end) / drain_s
        if drain_s > 1 and triaged > triaged_at_load_end
        else None,
        load_average=[*load_before, *os.getloadavg()],
        accepted_per_s=len(ok) / max((r.scheduled_s + r.latency_s for r in ok), default=1.0),
    )


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else 1000 * seconds


def verdict(outcome: Outcome) -> str:
    if outcome.server == "bare":
        return "—"
    everything = outcome.routed.get("all", {})
    p99 = everything.get("p99_s")
    ok = (
        outcome.answered_2xx == outcome.sent
        and outcome.stored == outcome.answered_2xx
        and outcome.left_received == 0
        and p99 is not None
        and p99 < ROUTED_WITHIN_SECONDS
        and outcome.achieved_rate >= 0.97 * outcome.rate
    )
    return "yes" if ok else "no"


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def format_report(outcomes: list[Outcome]) -> str:
    lines = [
        "| rate/s | workers | sent | 2xx | accepted/s | stored | left | HTTP p50/p99 ms"
        " | send wait p99 ms"
        " | routed p50 s | routed p99 s | ≤2 s | triaged/s (load; drain) | CPU ms/inquiry"
        " API/workers/PG+Redis/gen | busy cores | holds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        everything = o.routed.get("all", {})
        within = everything.get("routed_within_2s", 0) / max(o.sent, 1)
        cpu = o.cpu_ms_per_inquiry
        lines.append(
            f"| {o.rate:.0f} | {'bare' if o.server == 'bare' else o.workers} | {o.sent:,}"
            f" | {o.answered_2xx:,} | {o.accepted_per_s:.0f} | {o.stored:,}"
            f" | {o.left_received:,} | {_fmt(o.http_p50_ms, 0)} / {_fmt(o.http_p99_ms, 0)}"
            f" | {_fmt(o.late_p99_ms, 0)}"
            f" | {_fmt(everything.get('p50_s'))} | {_fmt(everything.get('p99_s'))}"
            f" | {100 * within:.0f}% | {o.triaged_per_s_during_load:.0f};"
            f" {_fmt(o.triaged_per_s_during_drain, 0)}"
            f" | {cpu['api']:.1f} / {cpu['workers']:.1f} / {cpu['stores']:.1f}"
            f" / {cpu['generator']:.1f} | {o.machine_busy_cores_during_load:.2f}"
            f" | {verdict(o)} |"
        )
    return "\n".join(lines)


def parse_mix(value: str) -> dict[str, float]:
    weights = [float(x) for x in value.split("/")]
    if len(weights) != len(CHANNELS) or any(w < 0 for w in weights) or not sum(weights):
        raise argparse.ArgumentTypeError("web/sms/line weights, e.g. 50/25/25")
    return dict(zip(CHANNELS, weights, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default="100,200,300,500", help="inquiries/s, comma-separated")
    parser.add_argument("--workers", default="1,2,3", help="triage worker counts")
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--mix", type=parse_mix, default=parse_mix("50/25/25"))
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=128, help="senders (connections)")
    parser.add_argument("--request-timeout", type=float, default=60)
    parser.add_argument(
        "--finish-timeout", type=float, default=180, help="after the last send is issued"
    )
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--admin-database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--port", type=int, default=18280)
    parser.add_argument("--sink-port", type=int, default=18290)
    parser.add_argument("--tag", default="", help="name of the results file: load<tag>.json")
    parser.add_argument(
        "--bare",
        action="store_true",
        help="before each rate, the same load against bare_app (parse and answer only)",
    )
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    worker_counts = [int(w) for w in args.workers.split(",")]
    if not all(0 < r <= 2000 for r in rates) or not all(0 <= w <= 8 for w in worker_counts):
        parser.error("rates in (0, 2000], 0-8 workers (0: intake alone, nothing routed)")
    if not 1 <= args.duration <= 300 or not 1 <= args.drain_timeout <= 1800:
        parser.error("duration 1-300 s, drain timeout 1-1800 s")
    if not 1 <= args.rounds <= 10:
        parser.error("1-10 rounds")

    outcomes: list[Outcome] = []
    with sink(args.sink_port) as sink_url:
        for round_number in range(args.rounds):
            # Worker counts rotate between rounds, so none always runs first.
            shift = round_number % len(worker_counts)
            order = worker_counts[shift:] + worker_counts[:shift]
            for rate in rates:
                runs = [(0, True)] if args.bare else []
                for workers, bare in [*runs, *((w, False) for w in order)]:
                    outcome = run_one(rate, workers, args, sink_url, args.mix, bare=bare)
                    outcomes.append(outcome)
                    line = format_report([outcome]).splitlines()[-1]
                    print(f"round {round_number + 1} {line}", file=sys.stderr, flush=True)
    summary = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_description(),
        "settings": dict(vars(args)),
        "outcomes": [asdict(o) for o in outcomes],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"load{args.tag}.json").write_text(json.dumps(summary, indent=2))
    print(format_report(outcomes))
    if args.rounds > 1:
        print()
        print(format_medians(outcomes))
    for workers in worker_counts:
        if not workers:
            continue
        held: dict[float, list[bool]] = {}
        for o in outcomes:
            if o.server == "triage" and o.workers == workers:
                held.setdefault(o.rate, []).append(verdict(o) == "yes")
        # A rate holds when it held in most of its rounds.
        holding = [rate for rate, votes in held.items() if sum(votes) * 2 > len(votes)]
        best = f"{max(holding):.0f}/s" if holding else "none of the rates tried"
        print(f"{workers} worker(s): highest rate holding p99 < 2 s, no errors: {best}")


def format_medians(outcomes: list[Outcome]) -> str:
    """Per (server, rate, workers), medians over the rounds."""
    groups: dict[tuple[str, float, int], list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault((o.server, o.rate, o.workers), []).append(o)

    def med(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return statistics.median(present) if present else None

    lines = [
        "| rate/s | workers | rounds | held | HTTP p99 ms | routed p50 s | routed p99 s"
        " | triaged/s (load; drain) | CPU ms/inquiry API/workers/PG+Redis/gen | busy cores |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (server, rate, workers), group in groups.items():
        routed = [o.routed.get("all", {}) for o in group]
        cpu = {
            k: med([o.cpu_ms_per_inquiry[k] for o in group])
            for k in ("api", "workers", "stores", "generator")
        }
        lines.append(
            f"| {rate:.0f} | {'bare' if server == 'bare' else workers} | {len(group)}"
            f" | {sum(verdict(o) == 'yes' for o in group)}/{len(group)}"
            f" | {_fmt(med([o.http_p99_ms for o in group]), 0)}"
            f" | {_fmt(med([r.get('p50_s') for r in routed]))}"
            f" | {_fmt(med([r.get('p99_s') for r in routed]))}"
            f" | {_fmt(med([o.triaged_per_s_during_load for o in group]), 0)};"
            f" {_fmt(med([o.triaged_per_s_during_drain for o in group]), 0)}"
            f" | {_fmt(cpu['api'], 1)} / {_fmt(cpu['workers'], 1)} / {_fmt(cpu['stores'], 1)}"
            f" / {_fmt(cpu['generator'], 1)}"
            f" | {_fmt(med([o.machine_busy_cores_during_load for o in group]))} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
