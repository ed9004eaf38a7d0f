"""The PostgreSQL pool every part of the bot shares; migrated before anyone uses it."""

from __future__ import annotations

import asyncpg

from engine.storage.migrations import migrate


async def open_database(dsn: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size,
                                     command_timeout=60)
    async with pool.acquire() as conn:
        await migrate(conn)
    return pool
