"""Where one `triage serve` request's CPU goes: the app driven in process, no sockets.

A small ASGI driver keeps `--concurrency` requests in flight against the app (on
uvloop, as under `triage serve`), with PostgreSQL and Redis real. Two parts:

1. CPU per request, unprofiled: `time.process_time()` (every thread of this process)
   over `--requests` requests after a warm-up, for the bare baseline, the minimal
   store-then-enqueue reference and `triage serve`'s app, alternating `--repeats` times,
   medians. The driver's own cost is in all three (the baseline is about that much).
   For triage it also splits the time: the event-loop thread (HTTP/ASGI, middleware,
   routing, parsing, the group commit's loop) against the thread pool, and, timed on the
   pool thread's own CPU clock, each step of `IntakePort.accept` (wrapped by this script;
   nothing in triage/ changes).
2. One run of the triage app under cProfile, in every thread (the event loop and the
   thread pool where intake stores and enqueues), each on its own thread's CPU clock,
   merged: own time summed by package, the top functions by own time. cProfile's
   per-call overhead inflates code made of many small Python calls (redis-py packing a
   command) more than code that spends its time in C, so read its shares next to the
   unprofiled split of part 1.

    python -m ops.bench.intake.profile_serve --path api --requests 4000 --repeats 3

`--path sms|line` drives the signed webhooks instead (the load benchmark's requests).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import importlib
import io
import itertools
import os
import pstats
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import redis
import uvloop
from sqlalchemy import create_engine, text

from ops.bench.intake.reference_app import CREATE_TABLE
from ops.bench.intake.run import ROOT, reset_database
from ops.bench.load.inquiries import PlannedRequest, build, channel_env, plan

BODIES = [  # those of post.lua
    '{"text": "避難所はどこですか。七尾市に住んでいます"}'.encode(),
    '{"text": "家が浸水して2階に閉じ込められています。助けてください"}'.encode(),
    '{"text": "給水車はいつ来ますか", "contact": "+819012345678"}'.encode(),
    b'{"text": "Where is the nearest shelter? I am in Wajima city", "language": "en"}',
]

Request = tuple[str, list[tuple[bytes, bytes]], bytes]


def api_requests() -> Callable[[int], Request]:
    headers = [(b"content-type", b"application/json")]
    return lambda i: ("/api/v1/inquiries", headers, BODIES[i % len(BODIES)])


def webhook_requests(channel: str) -> Callable[[int], Request]:
    texts = [p.text for p in plan(500, {"web": 1.0})]
    run_id = uuid.uuid4().hex[:8]
    serial = itertools.count()  # every request of the process its own message and sender

    def make(_: int) -> Request:
        i = next(serial)
        path, headers, body = build(PlannedRequest(i, channel, texts[i % len(texts)]), run_id)
        if isinstance(body, dict):
            raw = urlencode(body).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            raw, content_type = body, "application/json"
        listed = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        listed = [h for h in listed if h[0] != b"content-type"]
        return path, [*listed, (b"content-type", content_type.encode())], raw

    return make


async def call(app: Any, request: Request) -> int:
    """One request through the ASGI app; returns the status code."""
    path, headers, body = request
    done = asyncio.Event()
    status = 0
    given = False

    async def receive() -> dict[str, Any]:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-length", str(len(body)).encode()),
            *headers,
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    await app(scope, receive, send)
    return status


async def drive(app: Any, make: Callable[[int], Request], count: int, concurrency: int) -> int:
    """`count` requests, `concurrency` at a time; returns how many were not 2xx."""
    next_index = 0
    failures = 0

    async def client() -> None:
        nonlocal next_index, failures
        while next_index < count:
            index = next_index
            next_index += 1
            if not 200 <= await call(app, make(index)) < 300:
                failures += 1

    await asyncio.wait_for(
        asyncio.gather(*(client() for _ in range(concurrency))), timeout=max(60, count / 20)
    )
    return failures


def load_app(kind: str) -> Any:
    if kind == "triage":
        from triage.app import create_app

        return create_app()
    module = importlib.import_module(f"ops.bench.intake.{kind}_app")
    return module.app


# (label, where): a function or method wrapped by a CPU timer. The IntakePort steps add
# up to `accept`; the indented ones run inside them (nested timers, not to be added).
STEPS = (
    ("IntakePort.accept, all of it", "triage.intake.port:IntakePort.accept"),
    ("  _answer_retries (Idempotency-Key lookup)", "triage.intake.port:IntakePort._answer_retries"),
    ("  _apply_limits (rate limiter)", "triage.intake.port:IntakePort._apply_limits"),
    ("  _store_fresh (multi-row insert, commit)", "triage.intake.port:IntakePort._store_fresh"),
    (
        "  _store_continuation (ORM, one message)",
        "triage.intake.port:IntakePort._store_continuation",
    ),
    ("  _enqueue (RQ jobs, one MULTI/EXEC)", "triage.intake.port:IntakePort._enqueue"),
    ("  _count (metrics, log)", "triage.intake.port:IntakePort._count"),
    ("    inquiry_values (row dict, id, token)", "triage.intake.port:inquiry_values"),
    ("    Fernet encrypt (text, contact)", "triage.core.crypto:DataCipher.encrypt"),
    ("    sender lookup hash (HMAC)", "triage.core.crypto:DataCipher.lookup_hash"),
    ("    psycopg _split_query (placeholders)", "psycopg._queries:_split_query"),
    ("    RQ Queue.enqueue_call (job built into the pipeline)", "rq.queue:Queue.enqueue_call"),
    ("    redis Pipeline.execute (pack, send, parse)", "redis.client:Pipeline.execute"),
)


@contextlib.contextmanager
def timed_steps(cpu: dict[str, float]) -> Iterator[None]:
    """Charge each step the CPU of the thread that runs it (for this block)."""
    patched: list[tuple[Any, str, Any]] = []

    def wrap(label: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                cpu[label] += time.thread_time() - started

        return timed

    for label, where in STEPS:
        module_name, _, path = where.partition(":")
        owner: Any = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = owner.__dict__[name]
        patched.append((owner, name, original))
        setattr(owner, name, wrap(label, original))
    try:
        yield
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)


@dataclass
class Measured:
    total_us: float  # every thread
    loop_us: float  # the event-loop thread
    steps_us: dict[str, float]  # IntakePort.accept and its steps (triage only)


async def measure(kind: str, make: Callable[[int], Request], args: argparse.Namespace) -> Measured:
    """CPU µs per request of this process over `args.requests`, and how it splits."""
    steps: dict[str, float] = defaultdict(float)
    # Wrapped before the app starts: its group commit keeps the bound `accept` it is given.
    with timed_steps(steps) if kind == "triage" else contextlib.nullcontext():
        app = load_app(kind)
        async with app.router.lifespan_context(app):
            await drive(app, make, args.warmup, args.concurrency)
            steps.clear()
            started, loop_started = time.process_time(), time.thread_time()
            failures = await drive(app, make, args.requests, args.concurrency)
            used, loop_used = time.process_time() - started, time.thread_time() - loop_started
            steps = dict(steps)
    if failures:
        print(f"{kind}: {failures} non-2xx answers", file=sys.stderr)
    per = 1e6 / args.requests
    return Measured(used * per, loop_used * per, {k: v * per for k, v in steps.items()})


class AllThreads:
    """cProfile in the calling thread and in every thread started after `start()` (the
    thread pool is started lazily, by the first request that needs it), each timed by
    its own thread's CPU clock, so a thread waiting for a lock, a socket or the GIL
    counts nothing."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()

    def _bootstrap(self, frame: Any, event: str, arg: Any) -> None:
        sys.setprofile(None)
        profile = cProfile.Profile(time.thread_time)
        with self._lock:
            self.profiles.append(profile)
        profile.enable()

    def start(self) -> None:
        threading.setprofile(self._bootstrap)
        main = cProfile.Profile(time.thread_time)
        self.profiles.append(main)
        main.enable()

    def stop(self) -> pstats.Stats:
        threading.setprofile(None)  # type: ignore[arg-type]
        self.profiles[0].disable()
        stats = pstats.Stats(self.profiles[0], stream=io.StringIO())
        for profile in self.profiles[1:]:
            profile.disable()
            stats.add(profile)
        return stats


Frame = tuple[str, int, str]  # filename, first line, function name


def package_of(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins / C calls"
    for marker in ("site-packages/", "lib/python3"):
        if marker in filename:
            rest = filename.split(marker, 1)[1].lstrip("/")
            if marker == "lib/python3":
                rest = rest.split("/", 1)[1] if "/" in rest else rest
                return "stdlib " + rest.split("/", 1)[0].removesuffix(".py")
            return rest.split("/", 1)[0].removesuffix(".py")
    relative = os.path.relpath(filename, ROOT)
    return "/".join(relative.split("/")[:2])


def where(frame: Frame) -> str:
    filename, line, name = frame
    return f"{package_of(filename)}:{os.path.basename(filename)}:{line}({name})"


def report_profile(stats: pstats.Stats, requests: int, top: int) -> str:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())
    by_package: dict[str, float] = defaultdict(float)
    for (filename, _, _), entry in raw.items():
        by_package[package_of(filename)] += entry[2]
    lines = [
        f"profiled CPU {total:.2f} s over {requests} requests, "
        f"{1e6 * total / requests:.0f} µs/request (the profiler's own overhead inflates it;"
        " the shares are what counts)",
        "",
        "| package | own time % | µs/request |",
        "|---|---|---|",
    ]
    for package, seconds in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]:
        share = 100 * seconds / total
        lines.append(f"| {package} | {share:.1f} | {1e6 * seconds / requests:.0f} |")
    lines += ["", "| function | calls | own % | cumulative % |", "|---|---|---|---|"]
    ranked = sorted(raw.items(), key=lambda kv: -kv[1][2])[:top]
    for frame, (_, calls, own, cumulative, _) in ranked:
        lines.append(
            f"| `{where(frame)}` | {calls} | {100 * own / total:.1f}"
            f" | {100 * cumulative / total:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--path", choices=("api", "sms", "line"), default="api")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--profiler", choices=("cprofile", "none"), default="cprofile")
    parser.add_argument("--admin-database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()
    if not 100 <= args.requests <= 100_000 or not 0 <= args.repeats <= 10:
        parser.error("100-100,000 requests, 0-10 repeats")

    database_url = reset_database(args.admin_database_url, "triage_bench_profile")
    redis.Redis.from_url(args.redis_url).flushdb()
    os.environ.update(
        {
            "TRIAGE_DATABASE_URL": database_url,
            "TRIAGE_REDIS_URL": args.redis_url,
            "TRIAGE_LOG_LEVEL": "WARNING",
            "TRIAGE_HOME": str(ROOT / "ops/bench/results/home"),
            "TRIAGE_RATE_LIMIT_PER_IP": "100000000/minute",
            "TRIAGE_RATE_LIMIT_PER_SENDER": "100000000/minute",
            "REFERENCE_DATABASE_URL": database_url,
            "REFERENCE_REDIS_URL": args.redis_url,
            **channel_env(),
        }
    )
    from triage.cli.main import main as triage_main

    sys.argv = ["triage", "db", "upgrade"]
    try:
        triage_main()
    except SystemExit as done:
        if done.code not in (0, None):
            raise
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text(CREATE_TABLE))
    engine.dispose()

    make = api_requests() if args.path == "api" else webhook_requests(args.path)
    kinds = ("baseline", "reference", "triage") if args.path == "api" else ("triage",)
    runs: dict[str, list[Measured]] = {kind: [] for kind in kinds}
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        for _ in range(max(args.repeats, 1)):  # with 0, one unreported warm-up run
            for kind in kinds:
                runs[kind].append(runner.run(measure(kind, make, args)))
                print(f"{kind}: {runs[kind][-1].total_us:.0f} µs CPU/request", file=sys.stderr)
    if args.repeats:
        print(f"path {args.path}, {args.requests} requests, {args.concurrency} in flight")
        print("| app | CPU µs/request (median) | runs |\n|---|---|---|")
        for kind in kinds:
            values = [m.total_us for m in runs[kind]]
            listed = " / ".join(f"{v:.0f}" for v in values)
            print(f"| {kind} | {statistics.median(values):.0f} | {listed} |")
        triage = runs["triage"]
        print("\n| triage, where (unprofiled) | CPU µs/request (median) |\n|---|---|")
        print(f"| event-loop thread | {statistics.median(m.loop_us for m in triage):.0f} |")
        pool = statistics.median(m.total_us - m.loop_us for m in triage)
        print(f"| other threads (thread pool) | {pool:.0f} |")
        for label, _ in STEPS:
            value = statistics.median(m.steps_us.get(label, 0.0) for m in triage)
            print(f"| {label.replace('  ', '· ')} | {value:.0f} |")
        print()
    if args.profiler == "none":
        return
    # A fresh event loop: a fresh thread pool, whose threads start under the profiler.
    profiler = AllThreads()
    profiler.start()
    app = load_app("triage")

    async def profiled() -> None:
        async with app.router.lifespan_context(app):
            await drive(app, make, args.requests, args.concurrency)

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(profiled())
    stats = profiler.stop()
    print(f"cProfile, triage app, path {args.path}, {args.requests} requests:")
    print(report_profile(stats, args.requests, args.top))
    stats.dump_stats(str(ROOT / f"ops/bench/results/profile_serve_{args.path}.pstats"))


if __name__ == "__main__":
    main()
