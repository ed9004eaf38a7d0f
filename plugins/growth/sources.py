"""Traffic sources: the ``/start`` payload a user came with (``src_vk_march``), kept as their
first source (set on their first visit only) and their latest. Only payloads that passed
``payloads.parse`` (safe characters, at most 64) reach here; anything else is ``unknown``."""

from __future__ import annotations

import asyncpg

from plugins.growth.payloads import SAFE, UNKNOWN
from plugins.growth.referrals import ensure_user


async def record_source(pool: asyncpg.Pool, user_id: int, source: str, *, first_visit: bool) -> None:
    if not SAFE.match(source):
        source = UNKNOWN
    async with pool.acquire() as conn, conn.transaction():
        await ensure_user(conn, user_id)
        await conn.execute(
            "UPDATE growth_users SET latest_source = $2, latest_source_at = now(),"
            " first_source = CASE WHEN $3 AND first_source IS NULL THEN $2 ELSE first_source END,"
            " first_source_at = CASE WHEN $3 AND first_source IS NULL THEN now() ELSE first_source_at END"
            " WHERE user_id = $1",
            user_id,
            source,
            first_visit,
        )


async def sources_of(pool: asyncpg.Pool, user_id: int) -> tuple[str | None, str | None]:
    """(first source, latest source) of a user; None where none was recorded."""
    row = await pool.fetchrow(
        "SELECT first_source, latest_source FROM growth_users WHERE user_id = $1", user_id
    )
    return (row["first_source"], row["latest_source"]) if row else (None, None)
