"""Per-user serialization across instances and once-only update ids, on a real PostgreSQL:
two middlewares with pools of their own stand for two instances."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import asyncpg
import pytest
from aiogram.types import TelegramObject, Update

from engine.runtime.pg_sessions import PgSessionStore
from engine.runtime.session import Session
from engine.telegram import serial
from engine.telegram.serial import REPLAY, SerialUpdates, lock_key

ANNA, BORIS = 1001, 1002


def press(update_id: int, user: int) -> Update:
    return Update.model_validate(
        {
            "update_id": update_id,
            "callback_query": {
                "id": str(update_id),
                "from": {"id": user, "is_bot": False, "first_name": "U"},
                "chat_instance": "1",
                "data": "x",
            },
        }
    )


@pytest.fixture
async def instances(database_dsn: str) -> AsyncIterator[tuple[SerialUpdates, SerialUpdates]]:
    pools = [await asyncpg.create_pool(database_dsn, min_size=1, max_size=3) for _ in range(2)]
    try:
        yield SerialUpdates(pools[0]), SerialUpdates(pools[1])
    finally:
        for pool in pools:
            await pool.close()


class Recorder:
    def __init__(self, pause: float = 0.05) -> None:
        self.pause = pause
        self.open: dict[int, int] = {}
        self.overlap = False
        self.handled: list[tuple[int, bool]] = []

    async def __call__(self, event: TelegramObject, data: dict[str, Any]) -> None:
        assert isinstance(event, Update) and event.callback_query is not None
        user = event.callback_query.from_user.id
        self.open[user] = self.open.get(user, 0) + 1
        self.overlap |= self.open[user] > 1
        try:
            await asyncio.sleep(self.pause)
            self.handled.append((event.update_id, bool(data.get(REPLAY))))
        finally:
            self.open[user] -= 1


async def test_one_user_at_a_time_across_instances_others_in_parallel(
    instances: tuple[SerialUpdates, SerialUpdates],
) -> None:
    first, second = instances
    handler = Recorder()
    updates = [press(n, ANNA if n % 2 else BORIS) for n in range(1, 9)]
    await asyncio.gather(*((first if n % 3 else second)(handler, u, {}) for n, u in enumerate(updates)))
    assert not handler.overlap
    assert sorted(u for u, _ in handler.handled) == list(range(1, 9))


async def test_a_redelivered_update_is_handled_once(instances: tuple[SerialUpdates, SerialUpdates]) -> None:
    first, second = instances
    handler = Recorder(pause=0.0)
    await first(handler, press(7, ANNA), {})
    await second(handler, press(7, ANNA), {})  # the same update_id, on the other instance
    assert handler.handled == [(7, False)] and second.duplicates == 1


async def test_a_failed_handling_is_not_recorded(instances: tuple[SerialUpdates, SerialUpdates]) -> None:
    first, second = instances

    async def broken(event: TelegramObject, data: dict[str, Any]) -> None:
        raise RuntimeError("the instance failed midway")

    with pytest.raises(RuntimeError):
        await first(broken, press(8, ANNA), {})
    handler = Recorder(pause=0.0)
    await second(handler, press(8, ANNA), {})  # Telegram's retry
    assert handler.handled == [(8, False)]


async def test_a_retry_after_a_stop_past_the_save_is_a_replay(
    instances: tuple[SerialUpdates, SerialUpdates], database_dsn: str
) -> None:
    first, second = instances
    pool = first.lock_pool
    await PgSessionStore(pool).save(Session(user_id=ANNA, chat_id=ANNA))

    async def saves_then_dies(event: TelegramObject, data: dict[str, Any]) -> None:
        await pool.execute("UPDATE sessions SET version = version + 1 WHERE user_id = $1", ANNA)
        raise RuntimeError("killed after the save")

    with pytest.raises(RuntimeError):
        await first(saves_then_dies, press(9, ANNA), {})
    handler = Recorder(pause=0.0)
    await second(handler, press(9, ANNA), {})
    assert handler.handled == [(9, True)] and second.replays == 1
    await second(handler, press(9, ANNA), {})  # and once replayed, it is done
    assert handler.handled == [(9, True)]


def test_lock_keys_fit_postgresql_int4_and_differ() -> None:
    keys = {lock_key(user) for user in (1, 2, 2**31, 2**40 + 5, -1001234567890)}
    assert len(keys) == 5
    assert all(-(2**31) <= half < 2**31 for key in keys for half in key)


async def test_old_update_ids_are_pruned(
    instances: tuple[SerialUpdates, SerialUpdates], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = instances
    pool = first.lock_pool
    await pool.execute(
        "INSERT INTO processed_updates (bot_id, update_id, done, handled_at)"
        " VALUES (0, 1, true, now() - interval '2 days')"
    )
    monkeypatch.setattr(serial, "PRUNE_EVERY", 1)
    await first(Recorder(pause=0.0), press(2, ANNA), {})
    assert [r["update_id"] for r in await pool.fetch("SELECT update_id FROM processed_updates")] == [2]


async def test_update_ids_are_per_bot(instances: tuple[SerialUpdates, SerialUpdates]) -> None:
    """Another bot (a new token on the same database) may reuse an update id: not a repeat."""
    first, _ = instances
    handler = Recorder(pause=0.0)
    await first(handler, press(5, ANNA), {"bot": SimpleNamespace(id=111)})
    await first(handler, press(5, ANNA), {"bot": SimpleNamespace(id=222)})
    assert handler.handled == [(5, False), (5, False)]
