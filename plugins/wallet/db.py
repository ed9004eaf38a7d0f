"""Transactions and wallet locks shared by every money operation.

Lock order, everywhere: the user's wallet row first (``SELECT … FOR UPDATE``), then the row
being moved (hold, receipt, free use). Holding one order means two money operations can wait
for each other but never deadlock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from engine.storage.connection import Connection


@asynccontextmanager
async def transaction(pool: asyncpg.Pool, conn: Connection | None) -> AsyncIterator[Connection]:
    """A transaction on ``conn`` (a savepoint if the caller already opened one, so a refusal
    undoes only our writes) or on a connection of our own from ``pool``."""
    if conn is not None:
        async with conn.transaction():
            yield conn
        return
    async with pool.acquire() as own, own.transaction():
        yield own


async def lock_wallet(conn: Connection, user_id: int) -> int:
    """Lock the user's wallet row, creating it (empty) if missing; returns the balance."""
    balance = await conn.fetchval("SELECT balance FROM wallets WHERE user_id = $1 FOR UPDATE", user_id)
    if balance is None:
        await conn.execute(
            "INSERT INTO wallets (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING", user_id
        )
        balance = await conn.fetchval("SELECT balance FROM wallets WHERE user_id = $1 FOR UPDATE", user_id)
    return int(balance)
