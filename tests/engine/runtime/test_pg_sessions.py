"""Sessions in PostgreSQL: saved versions guard against lost updates; the polling instance's
cache is dropped as soon as the row turns out to have changed elsewhere."""

from __future__ import annotations

import asyncpg
import pytest

from engine.runtime.pg_sessions import PgSessionStore
from engine.runtime.session import Frame, StaleSession


async def test_a_session_round_trips(pool: asyncpg.Pool) -> None:
    store = PgSessionStore(pool)
    session = await store.load(7, 7, "en")
    session.screen, session.args = "main.start", {"page": 2}
    session.stack.append(Frame("help.index", {"a": 1}))
    session.version = 1
    await store.save(session)
    again = await PgSessionStore(pool).load(7, 7, "ru")
    assert (again.screen, again.args, again.language) == ("main.start", {"page": 2}, "en")
    assert again.stack == [Frame("help.index", {"a": 1})] and again.loaded_version == 1


async def test_two_saves_from_the_same_version_lose_nothing_silently(pool: asyncpg.Pool) -> None:
    store = PgSessionStore(pool)
    first = await store.load(8, 8, "ru")
    first.version = 1
    await store.save(first)
    a, b = await store.load(8, 8, "ru"), await store.load(8, 8, "ru")
    a.version = b.version = 2
    await store.save(a)
    with pytest.raises(StaleSession):
        await store.save(b)


async def test_cache_is_dropped_when_the_row_changed_elsewhere(pool: asyncpg.Pool) -> None:
    store = PgSessionStore(pool, cache_size=10)
    session = await store.load(9, 9, "ru")
    session.screen, session.version = "main.start", 1
    await store.save(session)
    await pool.execute("UPDATE sessions SET version = 5, screen = 'help.index' WHERE user_id = 9")
    cached = await store.load(9, 9, "ru")
    assert cached.screen == "main.start"  # served from memory, no query
    cached.version = 2
    with pytest.raises(StaleSession):
        await store.save(cached)  # the version check catches it
    fresh = await store.load(9, 9, "ru")
    assert (fresh.screen, fresh.loaded_version) == ("help.index", 5)


async def test_cache_keeps_at_most_its_size(pool: asyncpg.Pool) -> None:
    store = PgSessionStore(pool, cache_size=2)
    for user in (1, 2, 3):
        session = await store.load(user, user, "ru")
        session.version = 1
        await store.save(session)
    await pool.execute("UPDATE sessions SET screen = 'changed' WHERE user_id = 1")
    assert (await store.load(1, 1, "ru")).screen == "changed"  # evicted: read again


async def stored(pool: asyncpg.Pool, user: int) -> tuple[str, int]:
    row = await pool.fetchrow("SELECT screen, version FROM sessions WHERE user_id = $1", user)
    return row["screen"], row["version"]


async def test_written_behind_saves_return_at_once_and_land_in_order(pool: asyncpg.Pool) -> None:
    store = PgSessionStore(pool, cache_size=10, write_behind=True)
    session = await store.load(11, 11, "ru")
    session.screen, session.version = "main.start", 1
    await store.save(session)  # a new row is inserted there and then
    statements = store.writes.statements
    for step, screen in enumerate(("help.index", "help.faq", "help.index", "main.start"), 2):
        session = await store.load(11, 11, "ru")  # each step reads the previous one's state
        assert session.loaded_version == step - 1
        session.screen, session.version = screen, step
        await store.save(session)
    assert await stored(pool, 11) == ("main.start", 1)  # queued, not yet written
    await store.flush()
    assert await stored(pool, 11) == ("main.start", 5)
    assert store.writes.statements - statements == 1  # one statement carried all four


async def test_a_refused_write_behind_save_drops_the_cache(pool: asyncpg.Pool) -> None:
    store = PgSessionStore(pool, cache_size=10, write_behind=True)
    session = await store.load(12, 12, "ru")
    session.screen, session.version = "main.start", 1
    await store.save(session)
    await pool.execute("UPDATE sessions SET version = 5, screen = 'help.index' WHERE user_id = 12")
    cached = await store.load(12, 12, "ru")
    cached.screen, cached.version = "help.faq", 2
    await store.save(cached)  # queued: the refusal comes later
    await store.flush()
    assert await stored(pool, 12) == ("help.index", 5)  # the other writer's row stands
    fresh = await store.load(12, 12, "ru")
    assert (fresh.screen, fresh.loaded_version) == ("help.index", 5)


def test_write_behind_needs_the_cache(pool: asyncpg.Pool) -> None:
    with pytest.raises(ValueError, match="cache"):
        PgSessionStore(pool, write_behind=True)
