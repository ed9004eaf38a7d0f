from __future__ import annotations

import random

import pytest

from plugins.integrations.kie import RetryPolicy


def test_backoff_is_capped_exponential_with_jitter() -> None:
    policy = RetryPolicy(attempts=6, base_delay=0.5, max_delay=4.0, rng=random.Random(7))
    for retry, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 4.0), (9, 4.0)]:
        delays = [policy.delay(retry) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # jitter spreads over the whole range
        assert len(set(delays)) > 100


def test_zero_delay_for_tests() -> None:
    assert RetryPolicy(base_delay=0).delay(5) == 0


@pytest.mark.parametrize("kwargs", [{"attempts": 0}, {"base_delay": -1}, {"max_delay": -1}])
def test_invalid_policies(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
