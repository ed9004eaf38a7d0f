"""The PostgreSQL pool every part of the bot shares; migrated before anyone uses it."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import asyncpg

from engine.storage.migrations import migrate


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset: the bot sets no session state, and whoever takes an advisory lock
    unlocks it. asyncpg's default reset costs a round trip after every query."""


async def open_database(
    dsn: str, *, min_size: int = 1, max_size: int = 10, durable: bool = True
) -> asyncpg.Pool:
    """``durable=False`` is for conversation state only: a commit does not wait for the disk,
    so a crash of PostgreSQL itself may forget the last fraction of a second of screens
    (a user then sees "this menu is out of date"). Money never goes through such a pool."""
    settings = {} if durable else {"synchronous_commit": "off"}
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        command_timeout=60,
        reset=_keep_session,
        server_settings=settings,
    )
    async with pool.acquire() as conn:
        await migrate(conn)
    return pool


def with_database(dsn: str, name: str) -> str:
    """The same server, another database (for tests and benchmarks that make their own)."""
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
