"""What a worker process holds for its whole life: settings, database, Redis, pipeline.

Built once per process (before RQ forks its work horses, so they share the loaded model
and gazetteer copy-on-write). Jobs take ids and look the rest up here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from triage.assessment.engine import AssessmentEngine
from triage.db import make_engine, make_session_factory
from triage.pipeline import TriagePipeline
from triage.redis_conn import connect_redis
from triage.settings import Settings, get_settings


@dataclass
class WorkerContext:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: Redis
    _pipeline: TriagePipeline | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: Settings, connection: Redis | None = None) -> WorkerContext:
        engine = make_engine(settings)
        # RQ forks its scheduler process from the worker: a child must open its own
        # database connections instead of sharing the parent's sockets.
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
        return cls(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine),
            redis=connection if connection is not None else connect_redis(settings),
        )

    @cached_property
    def pipeline(self) -> TriagePipeline:
        return self._pipeline or TriagePipeline.load(self.settings)

    @cached_property
    def assessment_engine(self) -> AssessmentEngine:
        """The engine alone (refine workers need no gazetteer or playbooks)."""
        if self._pipeline is not None:
            return self._pipeline.engine
        return AssessmentEngine.load(self.settings)


_current: WorkerContext | None = None


def install_context(context: WorkerContext) -> None:
    """Set this process's context (worker start-up, tests)."""
    global _current
    _current = context


def clear_context() -> None:
    """Forget this process's context (tests)."""
    global _current
    _current = None


def current_context() -> WorkerContext:
    """This process's context, built from the environment on first use."""
    global _current
    if _current is None:
        _current = WorkerContext.build(get_settings())
    return _current
