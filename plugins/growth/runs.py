"""Free runs of a model given by promo codes: checked and spent atomically with the job's
creation (on the job's own connection), and returned if the job fails — as the free tier's
uses are (plugins/wallet/free_tier.py)."""

from __future__ import annotations

import asyncpg

from engine.storage.connection import Connection
from plugins.wallet.db import lock_wallet


class PromoRuns:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def left(self, user_id: int, model: str) -> int:
        value = await self.pool.fetchval(
            "SELECT coalesce(sum(r.runs_left), 0) FROM promo_redemptions r JOIN promo_codes c"
            " ON c.code = r.code WHERE r.user_id = $1 AND c.kind = 'free_runs' AND c.model = $2",
            user_id,
            model,
        )
        return int(value)

    async def try_use(self, conn: Connection, user_id: int, model: str, job_id: str, kopecks: int) -> bool:
        """Spend one run on ``job_id`` (committed with the job row); False if none is left.
        Again for the same job: True, nothing new."""
        await lock_wallet(conn, user_id)  # the wallet first, as every money operation
        seen = await conn.fetchrow("SELECT returned_at FROM promo_run_uses WHERE job_id = $1", job_id)
        if seen is not None:
            return seen["returned_at"] is None
        redemption = await conn.fetchval(
            "UPDATE promo_redemptions SET runs_left = runs_left - 1 WHERE id = ("
            " SELECT r.id FROM promo_redemptions r JOIN promo_codes c ON c.code = r.code"
            " WHERE r.user_id = $1 AND c.kind = 'free_runs' AND c.model = $2 AND r.runs_left > 0"
            " ORDER BY r.id LIMIT 1 FOR UPDATE OF r) RETURNING id",
            user_id,
            model,
        )
        if redemption is None:
            return False
        await conn.execute(
            "INSERT INTO promo_run_uses (job_id, redemption_id, user_id, model, kopecks)"
            " VALUES ($1, $2, $3, $4, $5)",
            job_id,
            redemption,
            user_id,
            model,
            kopecks,
        )
        return True

    async def give_back(self, conn: Connection | None, job_id: str) -> bool:
        """The job failed: its run is returned, once. False if it used none (or returned)."""
        db = conn or self.pool
        returned = await db.fetchval(  # one statement: the use and the run move together
            "WITH used AS (UPDATE promo_run_uses SET returned_at = now()"
            " WHERE job_id = $1 AND returned_at IS NULL RETURNING redemption_id)"
            " UPDATE promo_redemptions SET runs_left = runs_left + 1"
            " WHERE id IN (SELECT redemption_id FROM used) RETURNING true",
            job_id,
        )
        return returned is not None
