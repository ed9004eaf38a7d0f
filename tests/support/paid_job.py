"""A paid order in the database, as a bot process finds it after a crash: wallet topped up,
the price held, the job created — for the tests that kill the bot mid-job."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from plugins.generation.job import Job
from plugins.generation.store import JobStore
from plugins.wallet.service import Wallet

USER, PRICE, START = 1001, 4_200, 50_000


async def paid_job(pool: asyncpg.Pool, model: str) -> Job:
    """A text-to-image job of ``USER``'s, ``PRICE`` held out of a balance of ``START``."""
    wallet = Wallet(pool)
    await wallet.credit(USER, START, "adjustment", "crash-test-topup")
    return await JobStore(pool).create(
        user_id=USER,
        chat_id=USER,
        language="ru",
        model=model,
        category="text-to-image",
        values={"prompt": "a lighthouse at dusk"},
        price_kopecks=PRICE,
        free=False,
        timeout=timedelta(minutes=5),
        reserve=lambda conn, job_id: wallet.reserve(USER, job_id, PRICE, conn=conn),
    )
