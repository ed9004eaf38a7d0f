"""Tells referrers, in their language, that a reward arrived. The reward is paid by the
database with the top-up (migration 0110), which cannot send messages: this service picks up
rewards not yet told, on any instance (``SKIP LOCKED``), and marks each told once sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg
from aiogram import Bot

from engine.loader.bundle import Bundle
from plugins.wallet.money import format_rub

log = logging.getLogger(__name__)

_PENDING = """
SELECT r.invitee_id, r.referrer_id, r.reward_kopecks, coalesce(s.language, u.language, 'ru') AS language
FROM growth_rewards r
LEFT JOIN sessions s ON s.user_id = r.referrer_id
LEFT JOIN users u ON u.user_id = r.referrer_id
WHERE r.notified_at IS NULL AND r.reward_kopecks > 0
ORDER BY r.created_at
LIMIT 20
FOR UPDATE OF r SKIP LOCKED
"""


class RewardNotifier:
    def __init__(self, pool: asyncpg.Pool, bundle: Bundle, bot: Bot, every: float = 1.0) -> None:
        self.pool = pool
        self.bundle = bundle
        self.bot = bot
        self.every = every
        self._stopped = asyncio.Event()

    async def tell_pending(self) -> int:
        """Send every reward not told yet; returns how many were told."""
        told = 0
        async with self.pool.acquire() as conn, conn.transaction():
            for row in await conn.fetch(_PENDING):
                language = "en" if row["language"] == "en" else "ru"
                text = self.bundle.render(
                    "growth.reward_notice", language, {"amount": format_rub(row["reward_kopecks"], language)}
                )
                try:
                    await self.bot.send_message(row["referrer_id"], text, parse_mode="HTML")
                except Exception:  # blocked the bot, or gone: the money is theirs all the same
                    log.warning("referrer %s could not be told of their reward", row["referrer_id"])
                await conn.execute(
                    "UPDATE growth_rewards SET notified_at = now() WHERE invitee_id = $1", row["invitee_id"]
                )
                told += 1
        return told

    async def run(self) -> None:
        while not self._stopped.is_set():
            try:
                await self.tell_pending()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("could not tell referrers of their rewards; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), self.every)

    async def stop(self) -> None:
        self._stopped.set()
