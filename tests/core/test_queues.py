"""Job retries: backoff with jitter, so sends waiting out a provider's outage spread out."""

from __future__ import annotations

from triage.core.queues import RETRY_JITTER, jittered


def test_retry_intervals_are_jittered_within_their_bounds() -> None:
    drawn = [jittered((2, 10, 60)) for _ in range(200)]
    for first, second, third in drawn:
        assert 2 <= first <= 2 + 2 * RETRY_JITTER
        assert 10 <= second <= 10 + 10 * RETRY_JITTER
        assert 60 <= third <= 60 + 60 * RETRY_JITTER
    assert len({tuple(d) for d in drawn}) > 1  # not one schedule for everyone
    assert jittered((0,)) == [0]  # "at once" stays at once
