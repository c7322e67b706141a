"""Prometheus metrics. Counters live in the process that increments them."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

INQUIRIES_RECEIVED = Counter("triage_inquiries_received_total", "Inquiries stored", ["channel"])
INQUIRIES_DUPLICATE = Counter(
    "triage_inquiries_duplicate_total", "Deliveries recognised as duplicates", ["channel"]
)
INQUIRIES_ROUTED = Counter(
    "triage_inquiries_routed_total", "Inquiries triaged and routed", ["route", "priority"]
)
REPLIES_SENT = Counter("triage_replies_sent_total", "Replies sent to citizens", ["channel"])
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
