"""Per-user token buckets: a burst, then the rate; one note a flood; others untouched."""

from __future__ import annotations

import pytest

from engine.telegram.flood import FloodGate, FloodLimit, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_note_then_silence() -> None:
    clock = Clock()
    gate = FloodGate(FloodLimit(rate=3, burst=5), clock)
    verdicts = [gate.check(1) for _ in range(20)]
    assert verdicts[:5] == [Verdict.ADMIT] * 5
    assert verdicts[5] is Verdict.WARN
    assert verdicts[6:] == [Verdict.DROP] * 14


def test_the_rate_refills_without_a_second_note_during_the_flood() -> None:
    clock = Clock()
    gate = FloodGate(FloodLimit(rate=3, burst=5), clock)
    for _ in range(10):
        gate.check(1)
    clock.now += 1.0  # three updates' worth
    assert [gate.check(1) for _ in range(4)] == [Verdict.ADMIT] * 3 + [Verdict.DROP]


def test_a_new_flood_after_a_quiet_spell_gets_a_new_note() -> None:
    clock = Clock()
    gate = FloodGate(FloodLimit(rate=3, burst=5), clock)
    for _ in range(10):
        gate.check(1)
    clock.now += 2  # the whole burst back
    assert [gate.check(1) for _ in range(6)] == [Verdict.ADMIT] * 5 + [Verdict.WARN]


def test_one_users_flood_leaves_others_alone() -> None:
    gate = FloodGate(FloodLimit(rate=3, burst=5), Clock())
    for _ in range(1000):
        gate.check(1)
    assert gate.check(2) is Verdict.ADMIT


def test_idle_users_are_forgotten() -> None:
    clock = Clock()
    gate = FloodGate(FloodLimit(rate=3, burst=2), clock)
    for uid in range(FloodGate.PRUNE_EVERY - 1):  # new users: the next one sweeps
        gate.check(uid)
    clock.now += 10
    gate.check(-1)
    assert len(gate) == 1


def test_a_limit_needs_a_rate_and_a_burst() -> None:
    with pytest.raises(ValueError):
        FloodLimit(rate=0, burst=3)
    with pytest.raises(ValueError):
        FloodLimit(rate=1, burst=0)
