"""RQ's scheduler as a thread of the worker: a due retry moves into its queue, and the
thread stops with the worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis

from tests.helpers import wait_for
from triage.core.queues import QueueName, get_queue
from triage.core.scheduler_thread import SchedulerThread


def test_a_due_retry_is_moved_into_its_queue(redis_conn: redis.Redis) -> None:
    queue = get_queue(QueueName.OUTBOUND, redis_conn)
    queue.enqueue_at(datetime.now(UTC) - timedelta(seconds=1), "builtins.len", "abc")
    assert queue.count == 0 and queue.scheduled_job_registry.count == 1
    thread = SchedulerThread([queue], redis_conn)
    thread.start()
    try:
        wait_for(lambda: queue.count == 1, 15, "the due job reached the queue")
    finally:
        thread.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert queue.scheduled_job_registry.count == 0
