"""A change made on one instance is seen by another at once, even with a long cache there."""

from __future__ import annotations

import asyncio
import contextlib
import time

import asyncpg

from plugins.wallet.settings import SettingsStore
from plugins.wallet.settings_watch import SettingsWatch


async def test_another_instance_hears_of_a_change_at_once(pool: asyncpg.Pool) -> None:
    here, there = SettingsStore(pool, ttl=3600), SettingsStore(pool, ttl=3600)
    watch = SettingsWatch(pool, there)
    task = asyncio.create_task(watch.run())
    try:
        await asyncio.wait_for(watch.listening.wait(), 10)
        assert (await there.get()).welcome_bonus_kopecks == 20_000  # cached for an hour
        await here.set("welcome_bonus_kopecks", "15000", 777)

        deadline = time.monotonic() + 10  # waits on the condition; at once in practice
        while (await there.get()).welcome_bonus_kopecks != 15_000:
            assert time.monotonic() < deadline, "the other instance never heard of the change"
            await asyncio.sleep(0.01)
    finally:
        await watch.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)


async def test_without_the_watch_a_long_cache_would_hide_it(pool: asyncpg.Pool) -> None:
    """The control: the same two stores and no watch keep the old value."""
    here, there = SettingsStore(pool, ttl=3600), SettingsStore(pool, ttl=3600)
    assert (await there.get()).welcome_bonus_kopecks == 20_000
    await here.set("welcome_bonus_kopecks", "15000", 777)
    assert (await there.get()).welcome_bonus_kopecks == 20_000
