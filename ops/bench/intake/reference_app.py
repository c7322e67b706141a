"""The reference: the least a store-then-enqueue intake endpoint can do, on the same server.

`POST /api/v1/inquiries` validates the JSON body (pydantic, the same fields and limits as
the web channel's `InquiryCreate`), hands the row to an asyncio group commit and answers
202 only after its batch is committed. A batch (up to 2 ms or 64 rows, at most 4 in
flight, the defaults of `triage/intake/group_commit.py`) is one multi-row INSERT (one
statement, `unnest` of column arrays, autocommit: one durable commit) on an async psycopg
connection, then one Redis pipeline pushing the batch's ids onto a list. No thread pool,
no ORM, no encryption, no event row, no rate limiter, no middleware: what is left is what
any such endpoint must pay, so `triage serve` is measured against it.

Configured from the environment (read in the lifespan, so each uvicorn worker process
opens its own connections):

    REFERENCE_DATABASE_URL  postgresql://... (the table is created by the benchmark)
    REFERENCE_REDIS_URL     redis://...

    uvicorn ops.bench.intake.reference_app:app --workers 2
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import psycopg
import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)

TABLE = "reference_inquiries"
QUEUE_KEY = "reference:queue"
MAX_BATCH = 64
MAX_WAIT_SECONDS = 0.002
MAX_IN_FLIGHT = 4
MAX_TEXT_LENGTH = 5000

CREATE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id text PRIMARY KEY,
    text text NOT NULL,
    contact text,
    language text,
    lat double precision,
    lon double precision,
    received_at timestamptz NOT NULL
)
"""
# One statement per batch whatever its size (so it is prepared once per connection).
INSERT = f"""
INSERT INTO {TABLE} (id, text, contact, language, lat, lon, received_at)
SELECT * FROM unnest(
    %s::text[], %s::text[], %s::text[], %s::text[],
    %s::float8[], %s::float8[], %s::timestamptz[]
)
"""


class Point(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class InquiryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH)
    language: str | None = Field(default=None, max_length=16)
    contact: str | None = Field(default=None, max_length=256)
    location: Point | None = None


Row = tuple[str, str, str | None, str | None, float | None, float | None, datetime]


class Batcher:
    """Collects rows for up to MAX_WAIT_SECONDS or MAX_BATCH rows; one flush per batch,
    on one of MAX_IN_FLIGHT connections; each submit returns after its batch's commit."""

    def __init__(self, connections: list[psycopg.AsyncConnection], redis: aioredis.Redis) -> None:
        self._redis = redis
        self._free: asyncio.Queue[psycopg.AsyncConnection] = asyncio.Queue()
        for connection in connections:
            self._free.put_nowait(connection)
        self._pending: list[tuple[Row, asyncio.Future[None]]] = []
        self._arrived = asyncio.Event()
        self._full = asyncio.Event()
        self._flushes: set[asyncio.Task[None]] = set()
        self._runner = asyncio.get_running_loop().create_task(self._run())

    async def submit(self, row: Row) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((row, future))
        self._arrived.set()
        if len(self._pending) >= MAX_BATCH:
            self._full.set()
        await future

    async def close(self) -> None:
        self._runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._runner
        while self._pending:
            self._start(await self._free.get())
        if self._flushes:
            await asyncio.wait(self._flushes)

    async def _run(self) -> None:
        while True:
            await self._arrived.wait()
            if len(self._pending) < MAX_BATCH:
                try:
                    async with asyncio.timeout(MAX_WAIT_SECONDS):
                        await self._full.wait()
                except TimeoutError:
                    pass
            self._start(await self._free.get())

    def _start(self, connection: psycopg.AsyncConnection) -> None:
        batch = self._pending[:MAX_BATCH]
        del self._pending[:MAX_BATCH]
        if len(self._pending) < MAX_BATCH:
            self._full.clear()
        if not self._pending:
            self._arrived.clear()
        task = asyncio.get_running_loop().create_task(self._flush(connection, batch))
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def _flush(
        self, connection: psycopg.AsyncConnection, batch: list[tuple[Row, asyncio.Future[None]]]
    ) -> None:
        error: Exception | None = None
        try:
            columns = [list(column) for column in zip(*(row for row, _ in batch), strict=True)]
            await connection.execute(INSERT, columns)  # autocommit: committed on return
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    pipe.rpush(QUEUE_KEY, *columns[0])
                    await pipe.execute()
            except aioredis.RedisError:  # stored: acknowledged; a sweeper would enqueue it
                log.warning("enqueue failed for a stored batch of %d", len(batch))
        except Exception as failure:  # nothing of the batch is acknowledged
            error = failure
        finally:
            self._free.put_nowait(connection)
        for _, future in batch:
            if future.done():
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    connections = [
        await psycopg.AsyncConnection.connect(os.environ["REFERENCE_DATABASE_URL"], autocommit=True)
        for _ in range(MAX_IN_FLIGHT)
    ]
    redis = aioredis.Redis.from_url(os.environ["REFERENCE_REDIS_URL"])
    app.state.batcher = Batcher(connections, redis)
    try:
        yield
    finally:
        await app.state.batcher.close()
        for connection in connections:
            await connection.close()
        await redis.aclose()


app = FastAPI(lifespan=lifespan)


@app.post("/api/v1/inquiries")
async def accept(request: Request) -> JSONResponse:
    try:
        payload = InquiryIn.model_validate_json(await request.body())
    except ValidationError as error:
        reasons = error.errors(include_url=False, include_context=False)
        return JSONResponse({"detail": reasons}, status_code=422)
    inquiry_id = uuid.uuid4().hex
    point = payload.location
    await request.app.state.batcher.submit(
        (
            inquiry_id,
            payload.text,
            payload.contact,
            payload.language,
            point.lat if point else None,
            point.lon if point else None,
            datetime.now(UTC),
        )
    )
    return JSONResponse({"id": inquiry_id}, status_code=202)
