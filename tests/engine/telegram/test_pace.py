"""The outgoing rate limit: the bot-wide, per-chat and per-group rates, priorities (a reply
overtakes queued progress edits and broadcasts), a 429's retry_after holding every send, and the
progress and broadcast caps. Real time, short spans: the figures are bounds, not exact."""

from __future__ import annotations

import asyncio
import time

import pytest

from engine.telegram.pace import Priority, SendLimits, SendPace, current_priority, priority

OPEN = SendLimits(rate=None, chat_rate=None, group_per_minute=None, bulk_rate=1000, progress_rate=1000)


async def timed(n: int, send: object) -> float:
    started = time.monotonic()
    for _ in range(n):
        await send()  # type: ignore[operator]
    return time.monotonic() - started


async def test_bulk_slots_come_at_the_broadcast_rate() -> None:
    pace = SendPace(SendLimits(rate=None, chat_rate=None, bulk_rate=20))
    took = await timed(21, pace.slot)  # three at once, then 18 at 20 a second
    assert 0.8 <= took <= 1.4


async def test_the_bot_wide_rate_holds_for_every_priority() -> None:
    pace = SendPace(SendLimits(rate=20, chat_rate=None))
    took = await timed(24, lambda: pace.acquire(None, Priority.REPLY))  # 4 at once, then 20/s
    assert 0.85 <= took <= 1.4


async def test_one_chat_gets_its_burst_then_its_rate_and_other_chats_do_not_wait() -> None:
    pace = SendPace(SendLimits(rate=None, chat_rate=10, chat_burst=3))
    started = time.monotonic()
    flood = asyncio.gather(*(pace.acquire(42) for _ in range(13)))
    await pace.acquire(43)  # another chat: at once
    assert time.monotonic() - started < 0.1
    await flood
    assert 0.9 <= time.monotonic() - started <= 1.5  # 3 at once, 10 more at 10 a second


async def test_a_group_is_held_to_its_rate_a_minute() -> None:
    pace = SendPace(SendLimits(rate=None, group_per_minute=600, group_burst=1))
    took = await timed(6, lambda: pace.acquire(-100123))
    assert 0.45 <= took <= 0.9  # one every 0.1 s


async def test_a_reply_overtakes_queued_broadcast_sends_and_progress_edits() -> None:
    pace = SendPace(SendLimits(rate=10, chat_rate=None, bulk_rate=1000))
    pace.hold(0.3)  # everything queues behind a 429
    order: list[str] = []

    async def send(name: str, level: Priority) -> None:
        await pace.acquire(None, level)
        order.append(name)

    tasks = [asyncio.create_task(send(f"bulk{i}", Priority.BULK)) for i in range(5)]
    tasks.append(asyncio.create_task(send("progress", Priority.PROGRESS)))
    await asyncio.sleep(0.05)
    tasks.append(asyncio.create_task(send("reply", Priority.REPLY)))
    await asyncio.sleep(0.05)
    assert pace.depth(Priority.BULK) == 5 and pace.depth(Priority.REPLY) == 1
    await asyncio.gather(*tasks)
    assert order[:2] == ["reply", "progress"]
    assert order[2:] == [f"bulk{i}" for i in range(5)]  # in the order they came


async def test_retry_after_holds_every_send() -> None:
    pace = SendPace(OPEN)
    pace.hold(0.4)
    assert pace.held() and pace.crowded(Priority.PROGRESS)
    took = await timed(1, lambda: pace.acquire(7))
    assert took >= 0.39
    assert not pace.held()


async def test_progress_is_crowded_out_while_replies_queue() -> None:
    pace = SendPace(SendLimits(rate=5, chat_rate=None))
    assert not pace.crowded(Priority.PROGRESS)
    waiting = [asyncio.create_task(pace.acquire(None, Priority.REPLY)) for _ in range(4)]
    await asyncio.sleep(0.01)
    assert pace.crowded(Priority.PROGRESS)
    await asyncio.gather(*waiting)


async def test_waits_are_reported_with_their_priority() -> None:
    seen: list[tuple[Priority, float]] = []
    pace = SendPace(OPEN, observe=lambda level, waited: seen.append((level, waited)))
    with priority(Priority.PROGRESS):
        assert current_priority() is Priority.PROGRESS
        await pace.acquire(1)
    await pace.acquire(1)
    assert [level for level, _ in seen] == [Priority.PROGRESS, Priority.REPLY]


async def test_a_cancelled_waiter_gives_its_turn_away() -> None:
    pace = SendPace(SendLimits(rate=None, chat_rate=None, bulk_rate=5))
    await pace.slot()
    await pace.slot()
    await pace.slot()  # the burst spent: the next waits 0.2 s
    gone = asyncio.create_task(pace.slot())
    await asyncio.sleep(0.01)
    gone.cancel()
    took = await timed(1, pace.slot)
    assert took <= 0.35
    assert pace.depth(Priority.BULK) == 0


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError):
        SendLimits(rate=0)
    with pytest.raises(ValueError):
        SendLimits(chat_burst=0)
