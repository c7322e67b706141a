"""RQ entry points. They take ids only and find everything else through the process's
installed `Resources` (see `triage.core.resources`).

The pipeline (model, gazetteer, playbook answers) is loaded once per `Resources`, on
first use. Refine workers load it too: the LLM's place expressions are read through the
gazetteer.
"""

from __future__ import annotations

import weakref

from triage.core.resources import Resources, current_resources
from triage.inquiries import escalation, flows, outbound, refinement
from triage.routing.pipeline import TriagePipeline

_pipelines: weakref.WeakKeyDictionary[Resources, TriagePipeline] = weakref.WeakKeyDictionary()


def pipeline_for(resources: Resources) -> TriagePipeline:
    """The triage pipeline of these resources, loaded on first use."""
    pipeline = _pipelines.get(resources)
    if pipeline is None:
        pipeline = _pipelines[resources] = TriagePipeline.for_service(resources)
    return pipeline


def assess_inquiry(inquiry_id: str) -> None:
    resources = current_resources()
    flows.triage_inquiry(inquiry_id, resources=resources, pipeline=pipeline_for(resources))


def send_reply(reply_id: int) -> None:
    outbound.send_reply(reply_id, resources=current_resources())


def send_escalation(inquiry_id: str) -> None:
    escalation.notify_oncall(inquiry_id, resources=current_resources())


def settle_reply(reply_id: int) -> None:
    outbound.settle_unknown(reply_id, resources=current_resources())


def refine_pending() -> None:
    resources = current_resources()
    refinement.drain_pending(resources=resources, pipeline=pipeline_for(resources))
