"""Group commit: concurrent requests share one trip to the thread pool and one commit.

Each request awaits `submit(item)`. A runner collects items for up to `max_wait` seconds
or `max_batch` items, then runs the blocking `flush(items)` once in the thread pool
(with at most `max_in_flight` flushes at a time; while they are all busy, new items wait
and the next batch grows). A request's future resolves only when its flush has
returned, that is after the batch's commit; if the flush raises, every request of the
batch gets that error, so nothing of a failed batch is acknowledged.

Created in the app's lifespan (it needs the running event loop) and closed there:
closing flushes what is waiting and waits for the flushes in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


class GroupCommitClosedError(RuntimeError):
    """A submit after `close()`."""


class GroupCommit(Generic[ItemT, ResultT]):
    def __init__(
        self,
        flush: Callable[[list[ItemT]], list[ResultT | Exception]],
        *,
        max_batch: int = 64,
        max_wait: float = 0.002,
        max_in_flight: int = 4,
    ) -> None:
        """`flush` returns one result per item, in order: a value, or an exception that
        only that item's request raises."""
        self._flush = flush
        self._max_batch = max_batch
        self._max_wait = max_wait
        self._pending: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        self._arrived = asyncio.Event()
        self._full = asyncio.Event()
        self._slots = asyncio.Semaphore(max_in_flight)
        self._flushes: set[asyncio.Task[None]] = set()
        self._closed = False
        self._runner = asyncio.get_running_loop().create_task(self._run())

    async def submit(self, item: ItemT) -> ResultT:
        if self._closed:
            raise GroupCommitClosedError("the app is shutting down")
        future: asyncio.Future[ResultT] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        self._arrived.set()
        if len(self._pending) >= self._max_batch:
            self._full.set()
        return await future

    async def close(self) -> None:
        self._closed = True
        self._runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._runner
        while self._pending:
            await self._slots.acquire()
            self._start_flush()
        if self._flushes:
            await asyncio.wait(self._flushes)

    async def _run(self) -> None:
        while True:
            await self._arrived.wait()
            if len(self._pending) < self._max_batch:
                try:
                    async with asyncio.timeout(self._max_wait):
                        await self._full.wait()
                except TimeoutError:
                    pass
            await self._slots.acquire()
            self._start_flush()

    def _start_flush(self) -> None:
        """Take up to `max_batch` items (a slot is held) and flush them in a task."""
        batch = self._pending[: self._max_batch]
        del self._pending[: self._max_batch]
        if len(self._pending) < self._max_batch:
            self._full.clear()
        if not self._pending:
            self._arrived.clear()
        task = asyncio.get_running_loop().create_task(self._flush_batch(batch))
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def _flush_batch(self, batch: list[tuple[ItemT, asyncio.Future[ResultT]]]) -> None:
        try:
            try:
                results = await run_in_threadpool(self._flush, [item for item, _ in batch])
                if len(results) != len(batch):
                    raise RuntimeError(f"{len(results)} results for {len(batch)} items")
            except Exception as error:  # every request of the batch raises it
                results = [error] * len(batch)
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():  # the request was cancelled (client gone)
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)
        finally:
            self._slots.release()
