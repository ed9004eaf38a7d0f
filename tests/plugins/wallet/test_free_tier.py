import asyncio

import asyncpg

from plugins.wallet import Wallet, pick_free_models

FREE = frozenset({"flux-lite", "tiny-img"})


async def _uses(wallet: Wallet, user: int, model: str, jobs: list[str]) -> list[bool]:
    results = await asyncio.gather(*(wallet.try_use_free(user, model, job, free_models=FREE) for job in jobs))
    return [r is not None for r in results]


async def test_50_concurrent_requests_stay_within_the_hourly_limit(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    granted = await _uses(wallet, 1, "flux-lite", [f"j{i}" for i in range(50)])
    assert granted.count(True) == 2
    assert await pool.fetchval("SELECT count(*) FROM free_uses") == 2
    assert await wallet.free_left(1, "flux-lite") == (0, 3)
    # limits are per model and per user
    assert await wallet.free_left(1, "tiny-img") == (2, 5)
    assert (await _uses(wallet, 2, "flux-lite", ["other-1"])) == [True]


async def test_a_failed_job_gives_its_use_back_exactly_once(wallet: Wallet, pool: asyncpg.Pool) -> None:
    first = await wallet.try_use_free(1, "flux-lite", "a", free_models=FREE)
    assert first is not None and (first.hour_left, first.day_left) == (1, 4)
    await wallet.try_use_free(1, "flux-lite", "b", free_models=FREE)
    assert await wallet.try_use_free(1, "flux-lite", "c", free_models=FREE) is None

    results = await asyncio.gather(*(wallet.return_free("a") for _ in range(30)))
    assert results.count(True) == 1
    assert await wallet.return_free("a") is False
    assert await wallet.return_free("never-used") is False
    assert await wallet.free_left(1, "flux-lite") == (1, 4)
    # one use came back, so exactly one more fits
    assert (await _uses(wallet, 1, "flux-lite", [f"d{i}" for i in range(20)])).count(True) == 1
    # a returned use cannot be re-activated by retrying its job
    assert await wallet.try_use_free(1, "flux-lite", "a", free_models=FREE) is None
    assert await pool.fetchval("SELECT count(*) FROM free_uses WHERE returned_at IS NULL") == 2


async def test_the_daily_limit_counts_the_last_24_hours(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await pool.executemany(
        "INSERT INTO free_uses (job_id, user_id, model_id, used_at)"
        " VALUES ($1, 1, 'tiny-img', now() - make_interval(hours => $2))",
        [("old-1", 2), ("old-2", 3), ("old-3", 5), ("old-4", 20), ("ancient", 25)],
    )
    assert await wallet.free_left(1, "tiny-img") == (2, 1)
    granted = await _uses(wallet, 1, "tiny-img", [f"n{i}" for i in range(10)])
    assert granted.count(True) == 1
    assert await wallet.free_left(1, "tiny-img") == (1, 0)


async def test_retrying_a_job_reuses_its_free_use(wallet: Wallet, pool: asyncpg.Pool) -> None:
    uses = await asyncio.gather(
        *(wallet.try_use_free(1, "flux-lite", "same", free_models=FREE) for _ in range(10))
    )
    assert all(u is not None and u.job_id == "same" for u in uses)
    assert await pool.fetchval("SELECT count(*) FROM free_uses") == 1


async def test_only_free_models_are_free(wallet: Wallet, pool: asyncpg.Pool) -> None:
    assert await wallet.try_use_free(1, "veo-3", "p", free_models=FREE) is None
    assert await pool.fetchval("SELECT count(*) FROM free_uses") == 0


async def test_new_limits_apply_at_once(wallet: Wallet) -> None:
    await wallet.set_setting("free_daily_limit", 8, 1)
    await wallet.set_setting("free_hourly_limit", 4, 1)
    assert (await _uses(wallet, 1, "flux-lite", [f"j{i}" for i in range(10)])).count(True) == 4
    await wallet.set_setting("free_hourly_limit", 0, 1)
    assert await wallet.try_use_free(1, "tiny-img", "z", free_models=FREE) is None


def test_the_cheapest_models_are_picked() -> None:
    prices = {"c": 30, "a": 10, "b": 10, "d": 5, "e": 100}
    assert pick_free_models(prices, 3) == {"d", "a", "b"}
    assert pick_free_models(prices, 0) == frozenset()
    assert pick_free_models(prices, 10) == set(prices)


async def test_callers_holding_connections_never_starve_a_small_pool(database_dsn: str) -> None:
    """Money calls joined to a caller's transaction use only that connection, even on a cold
    settings cache: a second acquire from a pool the callers exhausted would hang forever."""
    small = await asyncpg.create_pool(database_dsn, min_size=2, max_size=2)
    try:
        wallet = Wallet(small, settings_ttl=0)
        await wallet.credit(1, 10_000, "adjustment", "in:1")

        async def caller(i: int) -> None:
            async with small.acquire() as conn, conn.transaction():
                await wallet.try_use_free(1, "flux-lite", f"free-{i}", free_models=FREE, conn=conn)
                await wallet.grant_welcome(100 + i, conn=conn)
                await wallet.reserve(1, f"paid-{i}", 10, conn=conn)
                await wallet.release(f"paid-{i}", conn=conn)

        await asyncio.wait_for(asyncio.gather(*(caller(i) for i in range(12))), timeout=20)
        assert await wallet.balance(1) == 10_000
    finally:
        await small.close()


async def test_status_says_when_a_free_run_comes_back(wallet: Wallet, pool: asyncpg.Pool) -> None:
    """Hourly limit 2, daily 5 (the defaults): the run comes back when the use that fills a
    window leaves it; with both windows full, the later of the two."""
    fresh = await wallet.free_status(1, "tiny-img")
    assert (fresh.left, fresh.back_at) == (2, None)
    await pool.executemany(
        "INSERT INTO free_uses (job_id, user_id, model_id, used_at)"
        " VALUES ($1, 1, 'tiny-img', now() - make_interval(mins => $2))",
        [("h-1", 50), ("h-2", 10)],
    )
    hourly = await wallet.free_status(1, "tiny-img")
    now = await pool.fetchval("SELECT now()")
    assert (hourly.hour_left, hourly.day_left, hourly.left) == (0, 3, 0)
    assert hourly.back_at is not None
    assert abs((hourly.back_at - now).total_seconds() - 10 * 60) < 5  # h-1 leaves the hour

    await pool.executemany(
        "INSERT INTO free_uses (job_id, user_id, model_id, used_at)"
        " VALUES ($1, 1, 'tiny-img', now() - make_interval(hours => $2))",
        [("d-1", 20), ("d-2", 22), ("d-3", 23)],
    )
    daily = await wallet.free_status(1, "tiny-img")
    assert (daily.hour_left, daily.day_left) == (0, 0)
    assert daily.back_at is not None
    assert abs((daily.back_at - now).total_seconds() - 3600) < 5  # d-3 leaves the day in 1 h
    await wallet.return_free("d-3")  # a returned use no longer counts
    assert (await wallet.free_status(1, "tiny-img")).day_left == 1
