"""Where one `triage serve` request's CPU goes: the app driven in process, no sockets.

A small ASGI driver keeps `--concurrency` requests in flight against the app (on
uvloop, as under `triage serve`), with PostgreSQL and Redis real. Two parts:

1. CPU per request (`time.process_time()` of this process, every thread, over
   `--requests` requests after a warm-up) for the bare baseline, the minimal
   store-then-enqueue reference and `triage serve`'s app, alternating `--repeats` times;
   medians. The driver's own cost is in all three; the baseline is about that much.
2. One run of the triage app under cProfile, in every thread (the event loop and the
   thread pool where intake stores and enqueues), merged: the top functions by own time,
   and own time summed by package.

    python -m ops.bench.intake.profile_serve --path api --requests 4000 --repeats 3

`--path sms|line` profiles the signed webhooks instead (the load benchmark's requests).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib
import io
import os
import pstats
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
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

    def make(i: int) -> Request:
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


async def measure(kind: str, make: Callable[[int], Request], args: argparse.Namespace) -> float:
    """CPU µs per request of this process, every thread, over `args.requests`."""
    app = load_app(kind)
    async with app.router.lifespan_context(app):
        await drive(app, make, args.warmup, args.concurrency)
        started = time.process_time()
        failures = await drive(app, make, args.requests, args.concurrency)
        used = time.process_time() - started
    if failures:
        print(f"{kind}: {failures} non-2xx answers", file=sys.stderr)
    return 1e6 * used / args.requests


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
    for (filename, line, name), (_, calls, own, cumulative, _) in ranked:
        where = f"{package_of(filename)}:{os.path.basename(filename)}:{line}({name})"
        lines.append(
            f"| `{where}` | {calls} | {100 * own / total:.1f} | {100 * cumulative / total:.1f} |"
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
    cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        for _ in range(args.repeats):
            for kind in kinds:
                cpu[kind].append(runner.run(measure(kind, make, args)))
                print(f"{kind}: {cpu[kind][-1]:.0f} µs CPU/request", file=sys.stderr)
        if args.repeats:
            print("| app | CPU µs/request (median) | runs |\n|---|---|---|")
            for kind in kinds:
                runs = " / ".join(f"{v:.0f}" for v in cpu[kind])
                print(f"| {kind} | {statistics.median(cpu[kind]):.0f} | {runs} |")
            print()

        profiler = AllThreads()
        profiler.start()  # before the app exists: its thread pool starts under the profiler
        app = load_app("triage")

        async def profiled() -> None:
            async with app.router.lifespan_context(app):
                await drive(app, make, args.requests, args.concurrency)

        runner.run(profiled())
        stats = profiler.stop()
    print(f"cProfile, triage app, path {args.path}, {args.requests} requests:")
    print(report_profile(stats, args.requests, args.top))
    stats.dump_stats(str(ROOT / f"ops/bench/results/profile_serve_{args.path}.pstats"))


if __name__ == "__main__":
    main()
