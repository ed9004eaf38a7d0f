"""Retry timing: capped exponential backoff with full jitter, so many bot instances that hit a
429 together do not come back in lockstep."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` counts the first try; ``attempts=1`` disables retries.

    Tests pass ``base_delay=0`` to retry at once.
    """

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("delays must not be negative")

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (retry - 1)))
        return self.rng.uniform(0, ceiling) if ceiling > 0 else 0.0


NO_RETRY = RetryPolicy(attempts=1)
