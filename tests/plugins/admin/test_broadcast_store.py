"""The broadcast store on PostgreSQL: segments leave out the opted-out, the blocked and those who
blocked the bot; claiming is exclusive; a crashed driver's lease is taken over once it lapses,
its claimed recipients go back to pending and the ones in flight become unknown, never resent."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from plugins.admin.broadcast_store import BroadcastStore
from plugins.wallet.service import Wallet

ADMIN = 9001
LEASE = timedelta(seconds=30)


async def person(
    pool: asyncpg.Pool,
    user_id: int,
    *,
    language: str = "ru",
    seen_days_ago: int = 0,
    opted_out: bool = False,
    bot_blocked: bool = False,
) -> None:
    seen = datetime.now(UTC) - timedelta(days=seen_days_ago)
    await pool.execute(
        "INSERT INTO users (user_id, language, created_at, last_seen_at, news_opt_out, bot_blocked_at)"
        " VALUES ($1, $2, $3, $3, $4, CASE WHEN $5 THEN now() END)",
        user_id,
        language,
        seen,
        opted_out,
        bot_blocked,
    )


async def started(store: BroadcastStore, segment: str = "all", value: str = "") -> int:
    broadcast = await store.create(ADMIN, "<b>Скидка</b>", None)
    assert await store.set_segment(broadcast, segment, value)  # type: ignore[arg-type]
    assert await store.start(broadcast) is not None
    return broadcast


async def test_segments_count_only_who_may_receive(pool: asyncpg.Pool) -> None:
    store = BroadcastStore(pool)
    await person(pool, 1)
    await person(pool, 2, language="en-US")
    await person(pool, 3, seen_days_ago=40)
    await person(pool, 4, opted_out=True)
    await person(pool, 5, bot_blocked=True)
    await person(pool, 6)
    await pool.execute("INSERT INTO user_blocks (user_id, blocked_by) VALUES (6, $1)", ADMIN)
    await Wallet(pool).ensure_wallet(1)
    await pool.execute(
        "INSERT INTO ledger (user_id, amount, kind, idempotency_key) VALUES (1, 100, 'topup_stars', 'k1')"
    )
    await pool.execute(
        "INSERT INTO jobs (id, user_id, chat_id, model, input, price_kopecks, state, deadline_at)"
        " VALUES ($1, 2, 2, 'veo3', '{}', 100, 'succeeded', now())",
        uuid.uuid4(),
    )
    assert await store.count("all", "") == 3
    assert await store.count("paying", "") == 1
    assert await store.count("inactive", "30") == 1
    assert await store.count("language", "en") == 1
    assert await store.count("language", "ru") == 2
    assert await store.count("model", "veo3") == 1
    assert await store.used_models() == ["veo3"]


async def test_start_fixes_the_audience_once(pool: asyncpg.Pool) -> None:
    store = BroadcastStore(pool)
    for user in range(1, 6):
        await person(pool, user)
    broadcast = await store.create(ADMIN, "text", None)
    totals = await asyncio.gather(store.start(broadcast), store.start(broadcast))
    assert sorted(totals, key=str) == [5, None]
    assert await store.counts(broadcast) == {"pending": 5}
    assert not await store.set_segment(broadcast, "paying", "")  # not a draft any more


async def test_claims_are_exclusive(pool: asyncpg.Pool) -> None:
    store = BroadcastStore(pool)
    for user in range(1, 21):
        await person(pool, user)
    broadcast = await started(store)
    chunks = await asyncio.gather(*(store.claim(broadcast, 3) for _ in range(10)))
    users = [user for chunk in chunks for user, _ in chunk]
    assert sorted(users) == list(range(1, 21))
    assert await store.claim(broadcast, 3) == []


async def test_only_one_driver_holds_a_broadcast(pool: asyncpg.Pool) -> None:
    store = BroadcastStore(pool)
    await person(pool, 1)
    broadcast = await started(store)
    first, second = uuid.uuid4(), uuid.uuid4()
    assert (await store.acquire(first, LEASE)) is not None
    assert await store.acquire(second, LEASE) is None
    assert await store.renew(broadcast, first, LEASE) == "sending"
    assert await store.renew(broadcast, second, LEASE) is None
    await store.release(broadcast, first)
    assert (await store.acquire(second, LEASE)) is not None


async def test_a_crashed_driver_is_taken_over_without_sending_twice(pool: asyncpg.Pool) -> None:
    store = BroadcastStore(pool)
    for user in range(1, 8):
        await person(pool, user)
    broadcast = await started(store)
    crashed, successor = uuid.uuid4(), uuid.uuid4()
    short = timedelta(milliseconds=300)
    assert await store.acquire(crashed, short) is not None
    claimed = [user for user, _ in await store.claim(broadcast, 4)]
    assert claimed == [1, 2, 3, 4]
    assert await store.sending(broadcast, 1, crashed)
    await store.record(broadcast, [(1, "sent", "")])
    assert await store.sending(broadcast, 2, crashed)  # … and the process dies in this call
    assert await store.acquire(successor, LEASE) is None  # the lease has not lapsed yet
    await asyncio.sleep(0.4)
    assert await store.acquire(successor, LEASE) is not None
    assert await store.counts(broadcast) == {"sent": 1, "unknown": 1, "pending": 5}
    assert not await store.sending(broadcast, 3, crashed)  # the old driver may send nothing more
    again = [user for user, _ in await store.claim(broadcast, 10)]
    assert again == [3, 4, 5, 6, 7]  # never 1 (sent) nor 2 (in flight at the crash)
    for user in again:
        assert await store.sending(broadcast, user, successor)
    await store.record(broadcast, [(u, "blocked" if u == 7 else "sent", "") for u in again])
    assert await store.finish(broadcast)
    assert await store.counts(broadcast) == {"sent": 5, "unknown": 1, "blocked": 1}
    assert await pool.fetchval("SELECT bot_blocked_at IS NOT NULL FROM users WHERE user_id = 7")
    assert await store.count("all", "") == 6  # who blocked the bot is skipped next time


async def test_a_refused_call_is_only_claimed_again(pool: asyncpg.Pool) -> None:
    store = BroadcastStore(pool)
    await person(pool, 1)
    broadcast = await started(store)
    driver = uuid.uuid4()
    await store.acquire(driver, LEASE)
    await store.claim(broadcast, 1)
    assert await store.sending(broadcast, 1, driver)
    await store.unsent(broadcast, 1)  # 429: nothing arrived
    assert await store.counts(broadcast) == {"claimed": 1}
    await store.release(broadcast, driver)
    await store.acquire(uuid.uuid4(), LEASE)
    assert await store.counts(broadcast) == {"pending": 1}


@pytest.mark.parametrize(
    ("allowed", "state", "changed"),
    [
        (("sending",), "paused", True),
        (("paused",), "sending", False),
        (("sending", "paused"), "stopped", True),
    ],
)
async def test_pause_resume_stop_move_only_from_their_states(
    pool: asyncpg.Pool, allowed: tuple[str, ...], state: str, changed: bool
) -> None:
    store = BroadcastStore(pool)
    await person(pool, 1)
    broadcast = await started(store)
    assert await store.set_state(broadcast, allowed, state) is changed
