"""RQ entry points. They take ids only and look everything else up in the process context."""

from __future__ import annotations

from triage.inquiries import flows, refinement
from triage.worker_context import current_context


def assess_inquiry(inquiry_id: str) -> None:
    context = current_context()
    flows.triage_inquiry(
        inquiry_id,
        session_factory=context.session_factory,
        redis_conn=context.redis,
        pipeline=context.pipeline,
        settings=context.settings,
    )


def send_reply(reply_id: int) -> None:
    context = current_context()
    flows.send_reply(reply_id, session_factory=context.session_factory, settings=context.settings)


def refine_pending() -> None:
    context = current_context()
    refinement.drain_pending(
        session_factory=context.session_factory,
        redis_conn=context.redis,
        engine=context.assessment_engine,
    )
