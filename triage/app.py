"""The app factory: `create_app(settings)` wires everything; nothing happens at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.sessions import SessionMiddleware

from triage.db import make_engine, make_session_factory
from triage.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TriageError,
)
from triage.redis_conn import connect_redis
from triage.runtime import Runtime
from triage.settings import Settings, get_settings

# Each project error maps to one status, here and nowhere else.
_STATUS_FOR_ERROR: list[tuple[type[TriageError], int]] = [
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
]


def _status_for(error: TriageError) -> int:
    from triage.inquiries.views import PayloadTooLargeError, UnsupportedMediaTypeError

    if isinstance(error, UnsupportedMediaTypeError):
        return 415
    if isinstance(error, PayloadTooLargeError):
        return 413
    if isinstance(error, InvalidInputError):
        return 422
    for error_type, status in _STATUS_FOR_ERROR:
        if isinstance(error, error_type):
            return status
    return 500


async def _handle_triage_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, TriageError)
    status = _status_for(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": str(error)}, status_code=status, headers=headers)


def create_app(
    settings: Settings | None = None, *, redis_conn: redis.Redis | None = None
) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        redis=redis_conn if redis_conn is not None else connect_redis(settings),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from channels.web.views import start_group_commit

        new_web_messages = start_group_commit(app, runtime)
        try:
            yield
        finally:
            await new_web_messages.close()
            engine.dispose()

    app = FastAPI(
        title="災害時問い合わせトリアージ / Disaster inquiry triage",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret(),
        session_cookie="triage_session",
        max_age=12 * 3600,
        same_site="strict",
        https_only=settings.public_url.startswith("https://"),
    )
    app.add_exception_handler(TriageError, _handle_triage_error)
    for router in _routers():
        app.include_router(router)
    return app


def _routers() -> list[APIRouter]:
    from channels.line.views import router as line_router
    from channels.sms.views import router as sms_router
    from channels.web.views import router as web_router
    from playbooks.views import router as playbooks_router
    from triage.auth.views import router as auth_router
    from triage.health import router as health_router
    from triage.inquiries.views import router as inquiries_router
    from triage.system_status import router as system_router

    return [
        health_router,
        inquiries_router,
        auth_router,
        sms_router,
        line_router,
        web_router,
        playbooks_router,
        system_router,
    ]
