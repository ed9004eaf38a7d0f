"""The shared send budget: bulk slots at the configured rate, replies taking their share first
without waiting, a 429's retry_after holding bulk sends, late slots made up but never a burst."""

from __future__ import annotations

import pytest

from engine.telegram.pace import SendPace


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def pace(rate: float, time: FakeTime, catch_up: int = 3) -> SendPace:
    return SendPace(rate, catch_up=catch_up, clock=time.clock, sleep=time.sleep)


async def test_bulk_slots_come_at_the_rate() -> None:
    time = FakeTime()
    p = pace(10, time)
    for _ in range(21):
        await p.slot()
    assert time.now == pytest.approx(102.0)  # 21 slots at 10/s: the first at once


async def test_replies_take_their_share_and_never_wait() -> None:
    time = FakeTime()
    p = pace(10, time)
    for _ in range(5):
        p.note_reply()  # a reply goes out at once
    assert time.slept == []
    await p.slot()
    assert time.now == pytest.approx(100.5)  # the bulk send waits behind the five replies


async def test_retry_after_holds_bulk_sends() -> None:
    time = FakeTime()
    p = pace(10, time)
    await p.slot()
    p.hold(3)
    assert p.held()
    await p.slot()
    assert time.now == pytest.approx(103.0)
    assert not p.held()


async def test_a_late_sender_catches_up_a_little_but_never_bursts() -> None:
    time = FakeTime()
    p = pace(10, time, catch_up=2)
    await p.slot()
    time.now += 5.0  # the sender was busy elsewhere for 5 s
    for _ in range(3):
        await p.slot()
    assert time.now == pytest.approx(105.0)  # two slots made up at once …
    await p.slot()
    assert time.now == pytest.approx(105.1)  # … then the rate again, not 50 sends at once


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        SendPace(0)
