"""RQ's scheduler (it moves delayed retries into their queue when they are due), run as a
thread of the worker process instead of the process RQ forks for it.

A forked scheduler outlives a worker killed with SIGKILL and keeps the worker's inherited
database sockets open: on PostgreSQL the dead worker's transaction then stays "idle in
transaction", holding its row locks, and every later job on that inquiry waits forever
(seen in tests/faults/test_worker_killed.py). As a daemon thread it dies with the worker
and shares nothing it should not.
"""

from __future__ import annotations

import logging
import threading

import redis
from rq import Queue
from rq.scheduler import RQScheduler

log = logging.getLogger(__name__)


class SchedulerThread(threading.Thread):
    def __init__(self, queues: list[Queue], connection: redis.Redis) -> None:
        super().__init__(name="rq-scheduler", daemon=True)
        self._scheduler = RQScheduler(queues, connection=connection)
        self._stopped = threading.Event()

    def run(self) -> None:
        scheduler = self._scheduler
        scheduler.register_birth()
        while not self._stopped.is_set():
            try:
                if scheduler.should_reacquire_locks:
                    scheduler.acquire_locks()  # type: ignore[no-untyped-call]
                scheduler.heartbeat()  # type: ignore[no-untyped-call]
                scheduler.enqueue_scheduled_jobs()  # type: ignore[no-untyped-call]
            except redis.RedisError:
                log.warning("scheduler could not reach Redis; will try again")
            self._stopped.wait(scheduler.interval)
        try:
            scheduler.stop()  # type: ignore[no-untyped-call]
        except redis.RedisError:  # its locks expire by themselves
            log.warning("scheduler could not release its locks")

    def stop(self) -> None:
        self._stopped.set()
