"""Free runs of a promo code: spent with the job's transaction (gone if it rolls back), once
per job, never below zero under concurrency, and given back once when the job fails."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg

from plugins.growth.promo import PromoCodes, PromoKind, PromoSpec
from plugins.growth.runs import PromoRuns

MODEL = "google/nano-banana"


async def given(pool: asyncpg.Pool, runs: int = 2) -> PromoRuns:
    codes = PromoCodes(pool)
    spec = PromoSpec(
        code="TRY",
        kind=PromoKind.FREE_RUNS,
        model=MODEL,
        runs=runs,
        max_uses=5,
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    await codes.create(99, spec)
    await codes.redeem(1, "TRY")
    return PromoRuns(pool)


async def use(pool: asyncpg.Pool, runs: PromoRuns, job: str) -> bool:
    async with pool.acquire() as conn, conn.transaction():
        return await runs.try_use(conn, 1, MODEL, job, 500)


async def test_spent_once_per_job_and_given_back_once(pool: asyncpg.Pool) -> None:
    runs = await given(pool)
    assert await runs.left(1, MODEL) == 2 and await runs.left(1, "other/model") == 0
    assert await use(pool, runs, "job-1")
    assert await use(pool, runs, "job-1")  # the same job again: no second run
    assert await runs.left(1, MODEL) == 1
    assert await runs.give_back(None, "job-1")
    assert not await runs.give_back(None, "job-1")
    assert await runs.left(1, MODEL) == 2
    assert not await use(pool, runs, "job-1")  # a returned job does not take a run again


async def test_a_rolled_back_job_keeps_its_run(pool: asyncpg.Pool) -> None:
    runs = await given(pool)
    try:
        async with pool.acquire() as conn, conn.transaction():
            assert await runs.try_use(conn, 1, MODEL, "job-x", 500)
            raise RuntimeError("the job row could not be written")
    except RuntimeError:
        pass
    assert await runs.left(1, MODEL) == 2


async def test_never_more_runs_than_given_under_concurrency(pool: asyncpg.Pool) -> None:
    runs = await given(pool, runs=3)
    used = await asyncio.gather(*(use(pool, runs, f"job-{i}") for i in range(10)))
    assert sum(used) == 3
    assert await runs.left(1, MODEL) == 0
