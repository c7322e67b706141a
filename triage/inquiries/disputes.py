"""Disputed verdicts: the LLM and the local layers disagree on whether a person is needed
now (P1/P2 against P3/P4), and a person settles which reading holds.

The machine never settles it. The priority stays the most urgent of the readings (the
LLM never lowers), the inquiry ranks after the undisputed ones of its priority
(`service.urgency_order`), and a responder compares the two readings side by side and
accepts one: the local layers' (the priority stays) or the LLM's (a reclassification to
its priority and category, with the reason written for it). Either way the inquiry
stays in a person's queue: settling never sends the citizen anything, and a route to a
person is never turned back into an automatic answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from triage.assessment.combine import llm_reading, local_reading
from triage.assessment.schemas import LayerVerdict
from triage.core.errors import ConflictError
from triage.inquiries import state
from triage.inquiries.service import get_inquiry
from triage.inquiries.tables import Inquiry


class Reading(StrEnum):
    """The reading a person accepts when settling a disputed verdict."""

    LOCAL = "local"  # the local layers' (rules, model): the priority stays as it is
    LLM = "llm"  # the LLM's: its priority and category


@dataclass(frozen=True)
class Readings:
    """The two readings of a disputed verdict, as its assessment keeps them."""

    local: LayerVerdict  # the most urgent of the rules' and the model's
    llm: LayerVerdict


def readings_of(assessment: dict[str, Any] | None) -> Readings | None:
    """The local layers' and the LLM's verdicts in a stored assessment; None without both."""
    verdicts = []
    for stored in (assessment or {}).get("verdicts", []):
        try:
            verdicts.append(LayerVerdict.model_validate(stored))
        except ValidationError:
            continue  # not a whole verdict: nothing a person could accept
    local, llm = local_reading(verdicts), llm_reading(verdicts)
    return Readings(local, llm) if local is not None and llm is not None else None


def settle_dispute(
    inquiry_id: str, actor: state.Actor | str, accept: Reading, *, session: Session
) -> Inquiry:
    """Settle a disputed verdict by accepting one reading; the caller commits.

    `LOCAL` keeps the priority (event `settled`), `LLM` reclassifies to the LLM's priority
    and category (event `reclassified`, reason "判定の相違を確認: ..."). Not disputed, or
    settled meanwhile by someone else: `ConflictError`."""
    inquiry = get_inquiry(inquiry_id, session=session)
    if not inquiry.disputed:
        raise ConflictError("not disputed: there is nothing to settle")
    readings = readings_of(inquiry.assessment)
    if accept is Reading.LOCAL:
        detail: dict[str, object] = {"accepted": str(accept), "priority": inquiry.priority}
        if readings is not None:
            llm_read = readings.llm
            detail["llm"] = {"priority": str(llm_read.priority), "category": str(llm_read.category)}
        return state.keep_disputed_priority(inquiry_id, actor, session=session, detail=detail)
    if readings is None:
        raise ConflictError("the LLM's reading is not on the record: reclassify instead")
    llm, local = readings.llm, readings.local
    return state.reclassify(
        inquiry_id,
        actor,
        session=session,
        reason=(
            f"判定の相違を確認: LLM の {llm.priority}（{llm.category}）を採用"
            f"（ルール・モデルは {local.priority}）"
        ),
        priority=llm.priority.value,
        category=llm.category.value,
        settles_dispute=True,
    )
