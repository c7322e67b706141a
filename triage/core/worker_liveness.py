"""Is the worker that started a job still alive? Each `triage worker` process keeps a
short-lived Redis key fresh from a background thread, so a worker killed mid-job (kill -9,
out of memory, a lost machine) is known dead within `ALIVE_TTL_SECONDS`, while a worker
that is merely busy with a slow job keeps its key (the thread beats during the job).

RQ's own worker keys cannot tell us this quickly: during a job their TTL is the job's
timeout plus a minute, so a dead worker looks alive for minutes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid

import redis

log = logging.getLogger(__name__)

ALIVE_KEY = "triage:worker-alive:{}"
# `triage worker` names its RQ worker with this prefix; only such workers beat.
WORKER_NAME_PREFIX = "triage-"
BEAT_SECONDS = 5.0
ALIVE_TTL_SECONDS = 15


def worker_name_for(queue: str) -> str:
    return (
        f"{WORKER_NAME_PREFIX}{queue}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    )


def is_beaconed_worker(worker_name: str) -> bool:
    return worker_name.startswith(WORKER_NAME_PREFIX)


def worker_is_alive(connection: redis.Redis, worker_name: str) -> bool:
    return bool(connection.exists(ALIVE_KEY.format(worker_name)))


class LivenessBeacon(threading.Thread):
    """Keeps `ALIVE_KEY` for one worker fresh until stopped."""

    def __init__(self, connection: redis.Redis, worker_name: str) -> None:
        super().__init__(name="triage-liveness", daemon=True)
        self._connection = connection
        self._key = ALIVE_KEY.format(worker_name)
        self._stopped = threading.Event()

    def beat(self) -> None:
        self._connection.set(self._key, "1", ex=ALIVE_TTL_SECONDS)

    def run(self) -> None:
        while True:
            try:
                self.beat()
            except redis.RedisError:  # Redis is down: the worker cannot work either
                log.warning("liveness beat failed; will try again")
            if self._stopped.wait(BEAT_SECONDS):
                return

    def stop(self) -> None:
        self._stopped.set()
        with contextlib.suppress(redis.RedisError):  # it expires by itself
            self._connection.delete(self._key)
