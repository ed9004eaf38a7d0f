"""The events' writer: batches reach the table; while the database is away they wait (up to
the limit, the oldest dropped and counted) and the bot goes on."""

from __future__ import annotations

import asyncpg

from engine.runtime.events import VIEW, FlowEvent
from engine.storage.events import PgEventWriter, PgSplitWinners


def event(user: int, at: float = 1_800_000_000.0) -> FlowEvent:
    return FlowEvent(at, user, "main.start", VIEW, None, "main.welcome:main.start")


async def test_a_batch_is_copied_into_the_table(pool: asyncpg.Pool) -> None:
    writer = PgEventWriter(pool, batch=3)
    for user in range(5):
        writer.record(event(user))
    assert writer._wake.is_set()  # a full batch wakes the writer at once
    await writer.flush()
    rows = await pool.fetch("SELECT user_id, screen, kind, variant FROM flow_events ORDER BY user_id")
    assert [tuple(r) for r in rows] == [
        (u, "main.start", "view", "main.welcome:main.start") for u in range(5)
    ]
    assert writer.written == 5


async def test_events_wait_while_the_database_is_away(database_dsn: str) -> None:
    away = await asyncpg.create_pool(database_dsn, min_size=1, max_size=1)
    await away.close()
    writer = PgEventWriter(away, limit=4)
    for user in range(6):
        writer.record(event(user))
    await writer.flush()  # fails: kept, the oldest beyond the limit dropped
    assert writer.dropped == 2
    assert [e.user_id for e in writer._buffer] == [2, 3, 4, 5]
    back = await asyncpg.create_pool(database_dsn, min_size=1, max_size=2)
    try:
        writer.pool = back
        await writer.flush()
        assert await back.fetchval("SELECT count(*) FROM flow_events") == 4
        assert await PgSplitWinners(back).winners() == {}
    finally:
        await back.close()
