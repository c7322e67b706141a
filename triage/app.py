"""The app factory: `create_app(settings)` wires everything; nothing happens at import.

It is one of the two places in `triage/` that know the channel adapters (the other is
`channels.registry`): it mounts their routers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis
from fastapi import APIRouter, FastAPI
from sqlalchemy.exc import DBAPIError
from starlette.middleware.sessions import SessionMiddleware

from triage.console.static_files import mount_console_static
from triage.core.body_limits import BodyLimitMiddleware, body_caps
from triage.core.errors import TriageError
from triage.core.http_errors import handle_database_error, handle_triage_error
from triage.core.load_shedding import IntakeLoadGuard, OverloadedError, handle_overloaded
from triage.core.resources import Resources
from triage.core.security_headers import SecurityHeadersMiddleware
from triage.core.settings import Settings, get_settings
from triage.intake.port import IntakePort
from triage.operations.api_docs import mount_api_docs


def create_app(
    settings: Settings | None = None, *, redis_conn: redis.Redis | None = None
) -> FastAPI:
    settings = settings or get_settings()
    resources = Resources.build(settings, redis_conn)
    intake = IntakePort(resources)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await intake.start()
        try:
            yield
        finally:
            await intake.close()
            resources.engine.dispose()

    app = FastAPI(
        title="災害時問い合わせトリアージ / Disaster inquiry triage",
        version="0.1.0",
        lifespan=lifespan,
        # /docs is served from the installed Swagger UI package (works offline); ReDoc
        # would load its script from a CDN, so it is not offered.
        docs_url=None,
        redoc_url=None,
    )
    app.state.resources = resources
    app.state.intake = intake
    app.state.intake_guard = IntakeLoadGuard(settings.intake_max_in_flight)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret(),
        session_cookie="triage_session",
        max_age=12 * 3600,
        same_site="strict",
        https_only=settings.public_url.startswith("https://"),
    )
    # Added last, so outermost: bodies are capped before anything reads them, and every
    # answer (a 413 too) gets the security headers.
    app.add_middleware(BodyLimitMiddleware, caps=body_caps(settings))
    app.add_middleware(SecurityHeadersMiddleware, image_origins=settings.map_tile_origins())
    app.add_exception_handler(TriageError, handle_triage_error)
    app.add_exception_handler(DBAPIError, handle_database_error)
    app.add_exception_handler(OverloadedError, handle_overloaded)
    for router in all_routers():
        app.include_router(router)
    mount_api_docs(app)
    mount_console_static(app)
    return app


def all_routers() -> list[APIRouter]:
    from channels.line.views import router as line_router
    from channels.sms.views import router as sms_router
    from channels.web.api import router as web_api_router
    from channels.web.status import router as web_status_router
    from channels.web.views import router as web_form_router
    from playbooks.views import router as playbooks_router
    from triage.auth.views import router as auth_router
    from triage.console.actions import router as console_actions_router
    from triage.console.audit import router as audit_router
    from triage.console.draft_views import router as draft_router
    from triage.console.live import router as console_live_router
    from triage.console.playbook_analysis_views import router as playbook_analysis_router
    from triage.console.playbook_views import router as playbook_editor_router
    from triage.console.shelters import router as shelters_router
    from triage.console.situation_views import router as situation_router
    from triage.console.views import router as console_router
    from triage.inquiries.more_views import router as more_inquiries_router
    from triage.inquiries.views import router as inquiries_router
    from triage.operations.health import router as health_router
    from triage.operations.system_status import router as system_router

    return [
        health_router,
        web_api_router,
        web_status_router,
        # Before the `/{inquiry_id}` routes: `/api/v1/inquiries/next` is not an id.
        more_inquiries_router,
        draft_router,
        inquiries_router,
        auth_router,
        console_router,
        console_live_router,
        console_actions_router,
        audit_router,
        playbook_editor_router,
        shelters_router,
        situation_router,
        sms_router,
        line_router,
        web_form_router,
        # Before the playbooks' `/{playbook_id}` routes: `/gaps` is not an id.
        playbook_analysis_router,
        playbooks_router,
        system_router,
    ]
