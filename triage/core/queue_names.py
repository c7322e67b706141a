"""The names of the RQ queues, apart from the queues themselves.

The `triage` command needs the names to declare `triage worker QUEUE`, and every
sub-command pays for what `triage/cli/main.py` imports: `triage.core.queues` pulls in redis
and rq (about 0.13 s), which `triage assess` and `triage eval` never use.
"""

from __future__ import annotations

from enum import StrEnum


class QueueName(StrEnum):
    TRIAGE = "triage"
    OUTBOUND = "outbound"
    REFINE = "refine"  # LLM refinement, only when an LLM is configured
