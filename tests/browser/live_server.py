"""The real service in subprocesses for browser tests: `triage serve` on a free port and
one `triage worker triage`, on a test's own database, home and Redis.

Browser tests drive what an operator runs, not a TestClient: a real uvicorn, real
cookies over real HTTP, a worker that really triages what a page posts. Only processes
started here are ever signalled (other sessions run tests on the same machine), and each
child gets the parent-death signal so a test run killed outright leaves none behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from triage.core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_SECONDS = 60.0  # a deadline for a start that must happen, not a speed gauge
HEALTH_PATH = "/healthz"  # liveness only (triage/operations/health.py): up, nothing more
PORT_ATTEMPTS = 3
PR_SET_PDEATHSIG = 1
LOG_TAIL_CHARS = 4000
WORKER_NICENESS = 10


def free_port() -> int:
    """A port nobody listens on now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when the test process dies, even by kill -9."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _background_child() -> None:
    """The worker's model warm-up (seconds of CPU) yields to the server, the browser
    and the test on a small CI machine; an idle worker loses nothing by it."""
    _die_with_parent()
    os.nice(WORKER_NICENESS)


def service_env(settings: Settings, redis_url: str, public_url: str) -> dict[str, str]:
    """The environment `triage serve` and `triage worker` read their Settings from.

    The caller's own TRIAGE_* variables (an LLM endpoint, a production flag) are dropped
    so that a developer's shell cannot change what the tests see. The public URL is the
    server's plain-HTTP address: an https:// one would make the session cookie
    Secure-only and the browser would never send it back."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("TRIAGE_") and name != "OPENAI_API_KEY"
    }
    env.update(
        TRIAGE_HOME=str(settings.home),
        TRIAGE_DATABASE_URL=settings.resolved_database_url,
        TRIAGE_REDIS_URL=redis_url,
        TRIAGE_PUBLIC_URL=public_url,
        TRIAGE_SECRET_KEY=settings.session_secret(),
        TRIAGE_LOG_LEVEL="WARNING",
    )
    return env


def _spawn(
    args: list[str],
    env: Mapping[str, str],
    log: IO[bytes],
    preexec: Callable[[], None] = _die_with_parent,
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "triage.cli.main", *args],
        cwd=ROOT,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=preexec,
    )


def _end(process: subprocess.Popen[bytes] | None, *, graceful: bool) -> None:
    """Stop one child of ours. Graceful: SIGTERM, then SIGINT (uvicorn's second signal
    stops waiting for open connections such as an event stream), then SIGKILL."""
    if process is None or process.poll() is not None:
        return
    if graceful:
        for signum in (signal.SIGTERM, signal.SIGINT):
            process.send_signal(signum)
            try:
                process.wait(timeout=3)
                return
            except subprocess.TimeoutExpired:
                continue
    process.kill()
    process.wait(timeout=10)


def _tail(path: Path) -> str:
    if not path.exists():
        return "(no log)"
    text = path.read_text(encoding="utf-8", errors="replace")
    return text[-LOG_TAIL_CHARS:] or "(empty log)"


class ServerStartError(AssertionError):
    """The server did not answer /healthz in time; the message carries its log."""


@dataclass
class LiveServer:
    """`triage serve` and one triage worker on a test's settings.

    `base_url` stays the same across `restart()`, so a page left open sees the very
    server it talked to come back (the "reconnect after a restart" case)."""

    settings: Settings
    redis_url: str
    log_dir: Path
    port: int = field(default_factory=free_port)
    server: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    _logs: list[IO[bytes]] = field(default_factory=list)
    _answered_once: bool = False

    def __repr__(self) -> str:
        """Short in a failing test's report: no settings, no file handles."""
        server, worker = self._pid(self.server), self._pid(self.worker)
        return f"LiveServer({self.base_url}, server={server}, worker={worker})"

    @staticmethod
    def _pid(process: subprocess.Popen[bytes] | None) -> str:
        if process is None:
            return "stopped"
        return str(process.pid) if process.poll() is None else f"exited {process.returncode}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def server_log(self) -> Path:
        return self.log_dir / "server.log"

    @property
    def worker_log(self) -> Path:
        return self.log_dir / "worker.log"

    @property
    def env(self) -> dict[str, str]:
        return service_env(self.settings, self.redis_url, self.base_url)

    def _open_log(self, path: Path) -> IO[bytes]:
        log = path.open("ab")  # appended: a restart's log follows the first one's
        self._logs.append(log)
        return log

    def start_worker(self) -> None:
        """One worker of the triage queue, at low priority. Not waited for: jobs wait
        in Redis until its model warm-up (a few seconds) is done."""
        if self.worker is None or self.worker.poll() is not None:
            log = self._open_log(self.worker_log)
            self.worker = _spawn(["worker", "triage"], self.env, log, _background_child)

    def start(self) -> None:
        """Start the server on `port` and return once /healthz answers. On the first
        start only, a port another process took in the meantime is traded for a new one."""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            args = ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
            self.server = _spawn(args, self.env, self._open_log(self.server_log))
            try:
                self._wait_healthy(self.server)
                self._answered_once = True
                return
            except ServerStartError:
                lost_port = "address already in use" in _tail(self.server_log).lower()
                _end(self.server, graceful=False)
                if not lost_port or attempt == PORT_ATTEMPTS or self._answered_once:
                    raise
                self.port = free_port()

    def _wait_healthy(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        url = self.base_url + HEALTH_PATH
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ServerStartError(
                    f"`triage serve` exited ({process.returncode}):\n{_tail(self.server_log)}"
                )
            try:
                answered = httpx.get(url, timeout=1).status_code == 200
            except httpx.HTTPError:
                answered = False
            # Alive after the answer: the answer came from this process, not from
            # someone else's server that took the port while this one failed to bind.
            if answered and process.poll() is None:
                return
            time.sleep(0.05)
        raise ServerStartError(
            f"`triage serve` did not answer {url} within {STARTUP_TIMEOUT_SECONDS} s:\n"
            f"{_tail(self.server_log)}"
        )

    def stop(self, *, graceful: bool = True) -> None:
        """Stop the server only (the worker keeps running): a page now sees it gone.
        `graceful=False` is kill -9, a crash."""
        _end(self.server, graceful=graceful)
        self.server = None

    def restart(self, *, graceful: bool = True) -> None:
        """Stop the server and start it again on the same port and database."""
        self.stop(graceful=graceful)
        self.start()

    def close(self) -> None:
        """End both processes (ours only, by their handles) and close their logs."""
        _end(self.server, graceful=True)
        _end(self.worker, graceful=True)
        self.server = self.worker = None
        for log in self._logs:
            log.close()
        self._logs.clear()

    def logs(self) -> str:
        """The tails of both logs, for a failing test's report."""
        return (
            f"--- {self.server_log}\n{_tail(self.server_log)}\n"
            f"--- {self.worker_log}\n{_tail(self.worker_log)}"
        )
