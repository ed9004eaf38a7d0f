"""The free tier: the cheapest models cost nothing within per-user, per-model hourly and daily
limits (rolling windows). A use is checked and recorded under the user's wallet lock, so
concurrent requests from one person are counted one after another and cannot overshoot."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from decimal import Decimal

import asyncpg
from pydantic import ConfigDict

from engine.plugin import PluginModel
from engine.storage.connection import Connection
from plugins.wallet.db import lock_wallet, transaction
from plugins.wallet.settings import SettingsStore, WalletSettings

_COUNTS = """
SELECT count(*) FILTER (WHERE used_at > now() - interval '1 hour') AS hour,
       count(*) AS day
FROM free_uses
WHERE user_id = $1 AND model_id = $2 AND returned_at IS NULL
  AND used_at > now() - interval '1 day'
"""


class FreeUse(PluginModel):
    model_config = ConfigDict(frozen=True)

    job_id: str
    user_id: int
    model_id: str
    used_at: datetime
    #: what is left after this use
    hour_left: int
    day_left: int


class FreeStatus(PluginModel):
    """Where a user stands with one free model: runs left, and when one comes back if none is."""

    model_config = ConfigDict(frozen=True)

    hour_left: int
    day_left: int
    back_at: datetime | None = None

    @property
    def left(self) -> int:
        return min(self.hour_left, self.day_left)


_USES = """
SELECT used_at FROM free_uses
WHERE user_id = $1 AND model_id = $2 AND returned_at IS NULL AND used_at > now() - interval '1 day'
ORDER BY used_at
"""


def pick_free_models(prices: Mapping[str, int | Decimal], count: int) -> frozenset[str]:
    """The ``count`` cheapest of the enabled models (model id → price); ties go by id."""
    ranked = sorted(prices.items(), key=lambda item: (item[1], item[0]))
    return frozenset(model for model, _ in ranked[: max(count, 0)])


class FreeTier:
    def __init__(self, pool: asyncpg.Pool, settings: SettingsStore) -> None:
        self.pool = pool
        self.settings = settings

    @staticmethod
    async def _left(
        conn: Connection | asyncpg.Pool, limits: WalletSettings, user_id: int, model_id: str
    ) -> tuple[int, int]:
        row = await conn.fetchrow(_COUNTS, user_id, model_id)
        assert row is not None  # an aggregate without GROUP BY: always one row
        return (max(limits.free_hourly_limit - row["hour"], 0), max(limits.free_daily_limit - row["day"], 0))

    async def free_left(self, user_id: int, model_id: str) -> tuple[int, int]:
        """(uses left this hour, uses left today) for this model."""
        return await self._left(self.pool, await self.settings.get(), user_id, model_id)

    async def status(self, user_id: int, model_id: str) -> FreeStatus:
        """Runs left now and, when none is, the moment the rolling windows give one back: the
        use that must leave a full window, plus that window (the later one when both are full)."""
        limits = await self.settings.get()
        async with self.pool.acquire() as conn:
            now = await conn.fetchval("SELECT now()")
            uses = [r["used_at"] for r in await conn.fetch(_USES, user_id, model_id)]
        hour_uses = [u for u in uses if u > now - timedelta(hours=1)]
        hour_left = max(limits.free_hourly_limit - len(hour_uses), 0)
        day_left = max(limits.free_daily_limit - len(uses), 0)
        backs = []
        if hour_left == 0 and limits.free_hourly_limit > 0 and hour_uses:
            backs.append(hour_uses[len(hour_uses) - limits.free_hourly_limit] + timedelta(hours=1))
        if day_left == 0 and limits.free_daily_limit > 0 and uses:
            backs.append(uses[len(uses) - limits.free_daily_limit] + timedelta(days=1))
        return FreeStatus(hour_left=hour_left, day_left=day_left, back_at=max(backs) if backs else None)

    async def try_use(
        self,
        user_id: int,
        model_id: str,
        job_id: str,
        *,
        free_models: Collection[str],
        conn: Connection | None = None,
    ) -> FreeUse | None:
        """Record a free use for ``job_id`` if the model is free and a use is left, else None.

        Re-running for the same job returns the use already recorded (None if it was returned).
        """
        if model_id not in free_models:
            return None
        # read on the caller's connection or before taking one: holding a connection while
        # waiting for a second can starve the pool under load
        limits = await self.settings.get(conn)
        async with transaction(self.pool, conn) as c:
            await lock_wallet(c, user_id)  # serialises this user's free-tier checks
            existing = await c.fetchrow(
                "SELECT user_id, model_id, used_at, returned_at FROM free_uses WHERE job_id = $1", job_id
            )
            if existing is not None:
                if (
                    existing["returned_at"] is not None
                    or existing["user_id"] != user_id
                    or existing["model_id"] != model_id
                ):
                    return None
                hour_left, day_left = await self._left(c, limits, user_id, model_id)
                return FreeUse(
                    job_id=job_id,
                    user_id=user_id,
                    model_id=model_id,
                    used_at=existing["used_at"],
                    hour_left=hour_left,
                    day_left=day_left,
                )
            hour_left, day_left = await self._left(c, limits, user_id, model_id)
            if hour_left <= 0 or day_left <= 0:
                return None
            used_at = await c.fetchval(
                "INSERT INTO free_uses (job_id, user_id, model_id) VALUES ($1, $2, $3) RETURNING used_at",
                job_id,
                user_id,
                model_id,
            )
            return FreeUse(
                job_id=job_id,
                user_id=user_id,
                model_id=model_id,
                used_at=used_at,
                hour_left=hour_left - 1,
                day_left=day_left - 1,
            )

    async def give_back(self, job_id: str, conn: Connection | None = None) -> bool:
        """The job failed: its use no longer counts. True once; False if unknown or returned."""
        db = conn or self.pool
        return (
            await db.fetchval(
                "UPDATE free_uses SET returned_at = now() WHERE job_id = $1 AND returned_at IS NULL"
                " RETURNING true",
                job_id,
            )
            is not None
        )
