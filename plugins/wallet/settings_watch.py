"""Every instance drops its cached settings the moment any instance changes one.

``SettingsStore.set`` notifies ``wallet_settings`` in the transaction that writes the change,
so PostgreSQL delivers the note on commit; this service listens on one connection of its own
and invalidates the cache when a note arrives. If the connection is lost, the cache's short
``ttl`` still bounds how stale a read can be, and the service reconnects (dropping the cache
again, since notes sent meanwhile were missed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

from plugins.wallet.settings import CHANNEL, SettingsStore

log = logging.getLogger(__name__)


class SettingsWatch:
    """A service (``run``/``stop``): LISTEN on its own connection, checked every ``every`` s."""

    def __init__(self, pool: asyncpg.Pool, store: SettingsStore, every: float = 30.0) -> None:
        self.pool = pool
        self.store = store
        self.every = every
        self.listening = asyncio.Event()  # set while a listener is in place (tests wait on it)
        self._stopped = asyncio.Event()

    def _heard(self, *_: Any) -> None:
        self.store.invalidate()

    async def _listen(self) -> None:
        async with self.pool.acquire() as conn:
            await conn.add_listener(CHANNEL, self._heard)
            try:
                self.store.invalidate()  # changes made while nobody listened
                self.listening.set()
                while not self._stopped.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stopped.wait(), self.every)
                    if not self._stopped.is_set():
                        await conn.fetchval("SELECT 1")  # a dead connection raises here
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):
                    await conn.remove_listener(CHANNEL, self._heard)

    async def run(self) -> None:
        while not self._stopped.is_set():
            try:
                await self._listen()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("settings notifications lost; reconnecting (the cache lapses meanwhile)")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopped.wait(), 1.0)

    async def stop(self) -> None:
        self._stopped.set()
