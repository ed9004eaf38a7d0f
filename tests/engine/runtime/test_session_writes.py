"""Grouped session saves: concurrent users' saves share a statement, yet each is still
refused when its row moved on, and a failed statement fails its own saves only."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import pytest

from engine.runtime.pg_sessions import PgSessionStore
from engine.runtime.session import StaleSession
from engine.runtime.session_writes import Row, SessionWrites


async def seeded(store: PgSessionStore, users: range) -> None:
    for user in users:
        session = await store.load(user, user, "ru")
        session.screen, session.version = "main.start", 1
        await store.save(session)


def row(user: int, screen: str, version: int, loaded: int, args: str = "{}") -> Row:
    return (user, user, "ru", screen, args, "[]", "{}", "{}", "{}", version, loaded)


async def stored(pool: asyncpg.Pool, users: range) -> dict[int, tuple[str, int]]:
    rows = await pool.fetch(
        "SELECT user_id, screen, version FROM sessions WHERE user_id = ANY($1) ORDER BY user_id", list(users)
    )
    return {r["user_id"]: (r["screen"], r["version"]) for r in rows}


async def test_concurrent_saves_share_statements_and_all_land(pool: asyncpg.Pool) -> None:
    store = PgSessionStore(pool)
    users = range(1, 41)
    await seeded(store, users)
    sessions = [await store.load(u, u, "ru") for u in users]
    for session in sessions:
        session.screen, session.version = "help.index", 2
    before = store.writes.statements
    await asyncio.gather(*(store.save(s) for s in sessions))
    assert store.writes.statements - before < len(sessions) / 4  # grouped, not one by one
    assert await stored(pool, users) == {u: ("help.index", 2) for u in users}
    assert all(s.loaded_version == 2 for s in sessions)


async def test_a_stale_save_in_a_group_is_refused_and_the_others_land(pool: asyncpg.Pool) -> None:
    store = PgSessionStore(pool)
    users = range(50, 60)
    await seeded(store, users)
    await pool.execute("UPDATE sessions SET version = 7, screen = 'elsewhere' WHERE user_id = 55")
    writes = SessionWrites(pool)
    outcomes = await asyncio.gather(*(writes.update(row(u, "next", 2, 1)) for u in users))
    assert writes.statements == 1  # all ten together, 55 among them
    assert outcomes == [u != 55 for u in users]
    expected = {u: ("next", 2) for u in users} | {55: ("elsewhere", 7)}
    assert await stored(pool, users) == expected
    stale = await store.load(55, 55, "ru")
    stale.loaded_version, stale.version = 1, 2
    with pytest.raises(StaleSession):  # and the store turns a refusal into StaleSession
        await store.save(stale)


async def test_a_failed_statement_fails_its_saves_and_the_next_ones_still_land(pool: asyncpg.Pool) -> None:
    store = PgSessionStore(pool)
    users = range(70, 76)
    await seeded(store, users)
    writes = SessionWrites(pool)
    broken = [writes.update(row(u, "next", 2, 1, args="{not json")) for u in users]
    results = await asyncio.gather(*broken, return_exceptions=True)
    assert all(isinstance(r, asyncpg.PostgresError) for r in results)
    assert await stored(pool, users) == {u: ("main.start", 1) for u in users}  # nothing moved
    good = await asyncio.gather(*(writes.update(row(u, "next", 2, 1, json.dumps({"a": u}))) for u in users))
    assert good == [True] * len(users)
    assert await stored(pool, users) == {u: ("next", 2) for u in users}


async def test_waves_of_saves_never_run_two_statements_at_once(pool: asyncpg.Pool) -> None:
    """Saves arriving while a drainer is pending must not start a second writer beside it."""
    store = PgSessionStore(pool)
    users = range(100, 160)
    await seeded(store, users)
    writes = SessionWrites(pool)
    in_flight = peak = 0
    write = writes._write

    async def counting(connection, batch):  # type: ignore[no-untyped-def]
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            return await write(connection, batch)
        finally:
            in_flight -= 1

    writes._write = counting  # type: ignore[method-assign]

    async def wave(start: int) -> list[bool]:
        await asyncio.sleep(0.0005 * (start % 7))
        return await writes.update(row(start, "next", 2, 1))

    assert all(await asyncio.gather(*(wave(u) for u in users)))
    assert peak == 1
    assert await stored(pool, users) == {u: ("next", 2) for u in users}
