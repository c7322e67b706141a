"""Surge mode: when the LLM falls behind, route on the local verdict and ask the LLM
only where it can change something.

Surge turns on when the number of LLM calls in flight passes `max_backlog` or the
recent LLM latency (an exponential moving average) passes `max_latency_seconds`, and
turns off again below half of each (hysteresis, so it does not flap). During surge the
engine still asks the LLM when the rules and the local model disagree or the local
model is unsure; everything else keeps its local verdict. `surge_active` is what the
responder console shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType


def _metrics() -> ModuleType:
    """The metrics module, imported where a gauge is first set: prometheus_client costs
    ~40 ms of start-up, and `triage assess` without an LLM never sets these."""
    from triage.core import metrics

    return metrics


class SurgeMonitor:
    def __init__(
        self,
        *,
        max_backlog: int = 200,
        max_latency_seconds: float = 8.0,
        smoothing: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_backlog = max_backlog
        self.max_latency_seconds = max_latency_seconds
        self._smoothing = smoothing
        self._clock = clock
        self.in_flight = 0
        self.external_backlog = 0
        self.latency_seconds = 0.0
        self._active = False

    @property
    def surge_active(self) -> bool:
        backlog = self.in_flight + self.external_backlog
        if self._active:
            self._active = (
                backlog > self.max_backlog / 2
                or self.latency_seconds > self.max_latency_seconds / 2
            )
        else:
            self._active = (
                backlog > self.max_backlog or self.latency_seconds > self.max_latency_seconds
            )
        _metrics().SURGE_ACTIVE.set(1 if self._active else 0)
        return self._active

    def observe_backlog(self, waiting: int) -> None:
        """Inquiries waiting for refinement outside this process (e.g. the RQ queue length)."""
        self.external_backlog = max(0, waiting)

    def observe_latency(self, seconds: float) -> None:
        if self.latency_seconds == 0.0:
            self.latency_seconds = seconds
        else:
            self.latency_seconds += self._smoothing * (seconds - self.latency_seconds)

    @contextmanager
    def llm_call(self) -> Iterator[None]:
        """Count a call in flight and record its latency, even when it fails."""
        self.in_flight += 1
        _metrics().LLM_IN_FLIGHT.inc()
        started = self._clock()
        try:
            yield
        finally:
            self.in_flight -= 1
            _metrics().LLM_IN_FLIGHT.dec()
            self.observe_latency(self._clock() - started)
