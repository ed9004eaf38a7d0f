"""How long the job runner waits: between polls, between retries, and for a lost task.

Functions and constants rather than settings: tests and the benchmark pass their own delays
to ``JobRunner``; these are the production pace.
"""

from __future__ import annotations

from datetime import timedelta

MAX_ATTEMPTS = 6
UNKNOWN_GRACE = timedelta(minutes=2)  # after the deadline: Kie.ai retries a callback 3 times
UNKNOWN_RECHECK = 30.0  # seconds between looks at a job whose createTask answer was lost


def poll_delay(elapsed: float) -> float:
    """Often at first, then less: Kie.ai's own guidance (2–3 s, then 5–10 s, then 15–30 s)."""
    if elapsed < 30:
        return 2.0
    if elapsed < 120:
        return 5.0
    return 15.0


def retry_delay(attempt: int) -> float:
    return min(60.0, 2.0 * 2.0 ** max(0, attempt - 1))
