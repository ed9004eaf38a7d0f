"""The bot-wide send rate shared between the instances alive on one database.

Each instance holds a session advisory lock (one key per bot, a random second key per
instance) on a connection of its own, and once a second counts the holders: its share of the
bot-wide rate is one over that count. An instance that dies loses its connection and its lock
with it, so the others take its share within a second; nothing is written, and no send waits
for the database (the count only sets ``SendPace.share``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import zlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from engine.telegram.pace import SendPace

log = logging.getLogger(__name__)

_COUNT = """
SELECT count(*) FROM pg_locks
 WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1::int::oid
   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def bot_key(bot_id: int) -> int:
    """The advisory lock's first key: the same for every instance of one bot."""
    return zlib.crc32(f"send-pace:{bot_id}".encode()) & 0x7FFFFFFF


class PaceShare:
    """A service (``run`` until ``stop``) keeping ``pace.share`` at 1 / instances alive."""

    def __init__(
        self, pool: asyncpg.Pool, pace: SendPace, bot_id: int, every: float = 1.0, dsn: str | None = None
    ) -> None:
        self.pool = pool
        self.dsn = dsn  # given: a connection of its own, not one of the pool's kept for good
        self.pace = pace
        self.key = bot_key(bot_id)
        self.me = secrets.randbelow(0x7FFFFFFF)
        self.every = every
        self.instances = 1
        self._stopped = asyncio.Event()

    async def run(self) -> None:
        while not self._stopped.is_set():
            try:
                async with self._connection() as conn:
                    await conn.execute("SELECT pg_advisory_lock($1::int, $2::int)", self.key, self.me)
                    try:
                        await self._count(conn)
                    finally:
                        with contextlib.suppress(Exception):
                            await conn.execute(
                                "SELECT pg_advisory_unlock($1::int, $2::int)", self.key, self.me
                            )
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("send pace: database unavailable; keeping a share of 1/%d", self.instances)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), self.every)

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        if self.dsn is None:
            async with self.pool.acquire() as pooled:
                yield pooled
            return
        own = await asyncpg.connect(self.dsn)
        try:
            yield own
        finally:
            await own.close()

    async def _count(self, conn: Any) -> None:  # a pool's connection (its proxy)
        while not self._stopped.is_set():
            self.instances = max(1, int(await conn.fetchval(_COUNT, self.key)))
            self.pace.share = 1.0 / self.instances
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), self.every)

    async def stop(self) -> None:
        self._stopped.set()
