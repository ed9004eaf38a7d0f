"""Two limiters on one database share the bot-wide rate: each takes half while both live, and
the one left takes it all once the other stops."""

from __future__ import annotations

import asyncio
import time

import asyncpg

from engine.telegram.pace import Priority, SendLimits, SendPace
from engine.telegram.pace_share import PaceShare
from tests.support.waiting import until as wait_until

BOT = 123456
RATE = 40.0


async def send_for(pace: SendPace, seconds: float) -> int:
    """As many sends as the pace allows in ``seconds`` (four senders at once)."""
    end = time.monotonic() + seconds
    sent = 0

    async def sender() -> None:
        nonlocal sent
        while time.monotonic() < end:
            await pace.acquire(None, Priority.REPLY)
            sent += time.monotonic() < end  # a turn granted after the end is not counted

    await asyncio.gather(*(sender() for _ in range(4)))
    return sent


async def test_two_instances_share_the_bot_wide_rate(pool: asyncpg.Pool) -> None:
    limits = SendLimits(rate=RATE, chat_rate=None)
    paces = [SendPace(limits), SendPace(limits)]
    shares = [PaceShare(pool, pace, BOT, every=0.1) for pace in paces]
    running = [asyncio.create_task(share.run()) for share in shares]
    try:
        await wait_until(lambda: all(p.share == 0.5 for p in paces), timeout=10)
        assert paces[0].rate == RATE / 2
        counts = await asyncio.gather(*(send_for(p, 2.0) for p in paces))
        # together no more than the bot's rate (and each one's small burst), each about half
        assert sum(counts) <= RATE * 2.0 + 2 * 4 + 2, counts
        assert all(n >= RATE / 2 * 2.0 * 0.7 for n in counts), counts

        await shares[1].stop()
        await running[1]
        await wait_until(lambda: paces[0].share == 1.0, timeout=10)
    finally:
        for share in shares:
            await share.stop()
        await asyncio.gather(*running, return_exceptions=True)


async def test_another_bot_on_the_same_database_is_not_counted(pool: asyncpg.Pool) -> None:
    mine, theirs = SendPace(SendLimits(rate=RATE)), SendPace(SendLimits(rate=RATE))
    shares = [PaceShare(pool, mine, BOT, every=0.1), PaceShare(pool, theirs, BOT + 1, every=0.1)]
    running = [asyncio.create_task(share.run()) for share in shares]
    try:
        await wait_until(lambda: all(s.instances == 1 for s in shares) and shares[0].me != 0, timeout=5)
        await asyncio.sleep(0.3)
        assert mine.share == 1.0 and theirs.share == 1.0
    finally:
        for share in shares:
            await share.stop()
        await asyncio.gather(*running, return_exceptions=True)
