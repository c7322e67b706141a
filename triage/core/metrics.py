"""Prometheus metrics. Counters live in the process that increments them: the API's are
served at its /metrics, each worker's by `serve_worker_metrics` on its own port.

Figures read from the database or Redis (queue depths, SLA breaches) are not kept here:
the API computes them at scrape time (`triage.operations.health`).
"""

from __future__ import annotations

import logging
from wsgiref.simple_server import WSGIServer

from prometheus_client import Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

# Seconds from receipt to a routing decision, or to a person's claim: from a fraction of
# a second (the local layers) to the better part of an hour (a backlog at P2's SLA).
_WAIT_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)

INQUIRIES_RECEIVED = Counter("triage_inquiries_received_total", "Inquiries stored", ["channel"])
INQUIRIES_DUPLICATE = Counter(
    "triage_inquiries_duplicate_total", "Deliveries recognised as duplicates", ["channel"]
)
INQUIRIES_ROUTED = Counter(
    "triage_inquiries_routed_total", "Inquiries triaged and routed", ["route", "priority"]
)
REPLIES_SENT = Counter("triage_replies_sent_total", "Replies sent to citizens", ["channel"])
REPLIES_DEAD_LETTERED = Counter(
    "triage_replies_dead_lettered_total",
    "Replies that could not be delivered (failed) or may not have been (unknown); "
    "each put its inquiry back in front of staff",
    ["channel", "status"],
)
REPLIES_OUTCOME_UNKNOWN = Counter(
    "triage_replies_outcome_unknown_total",
    "Sends whose answer was lost or whose worker died: looked up before anything else",
    ["channel"],
)
SWEEPER_REQUEUED = Counter("triage_sweeper_requeued_total", "Inquiries re-enqueued by the sweeper")
ENQUEUE_FAILURES = Counter(
    "triage_enqueue_failures_total",
    "Stored inquiries whose enqueue failed (the sweeper will retry)",
)
INTAKE_SECONDS = Histogram(
    "triage_intake_seconds",
    "Time to store and enqueue an inquiry",
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
RECEIPT_TO_ROUTED_SECONDS = Histogram(
    "triage_receipt_to_routed_seconds",
    "From an inquiry's receipt to its routing decision (the triage worker's clock)",
    ["priority"],
    buckets=_WAIT_BUCKETS,
)
RECEIPT_TO_CLAIMED_SECONDS = Histogram(
    "triage_receipt_to_claimed_seconds",
    "From an inquiry's receipt to a responder claiming it while nobody held it",
    ["priority"],
    buckets=_WAIT_BUCKETS,
)
LLM_CALL_SECONDS = Histogram(
    "triage_llm_call_seconds",
    "LLM calls that were sent, answered or not (the SDK's retries included)",
    buckets=(0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0),
)
LLM_ERRORS = Counter(
    "triage_llm_errors_total",
    "LLM calls that gave no usable verdict, by kind (the local verdict was kept)",
    ["kind"],
)
LLM_CIRCUIT_OPEN = Gauge(
    "triage_llm_circuit_open",
    "1 while this process's LLM circuit breaker is open (calls refused), else 0",
    multiprocess_mode="max",
)
LLM_IN_FLIGHT = Gauge(
    "triage_llm_in_flight",
    "LLM calls in flight in this process (surge mode watches it)",
    multiprocess_mode="livesum",
)
SURGE_ACTIVE = Gauge(
    "triage_surge_active",
    "1 while this process is in surge mode (the LLM only where rules and model disagree)",
    multiprocess_mode="max",
)
SWEEPER_LAST_SUCCESS = Gauge(
    "triage_sweeper_last_success_timestamp_seconds",
    "When this process last finished a sweep (only the lock holder sweeps)",
    multiprocess_mode="max",
)


def serve_worker_metrics(port: int, addr: str = "0.0.0.0") -> WSGIServer | None:
    """Serve this process's metrics on `port` from a daemon thread; None when the port
    cannot be bound (metrics are never worth stopping a worker for: it keeps working)."""
    try:
        server, _thread = start_http_server(port, addr=addr)
    except OSError as error:
        log.warning("worker metrics not served", extra={"port": port, "error": str(error)})
        return None
    log.info("worker metrics served", extra={"port": port})
    return server


def stop_worker_metrics(server: WSGIServer) -> None:
    """Stop a server from `serve_worker_metrics` (tests; a worker just exits)."""
    server.shutdown()
    server.server_close()
