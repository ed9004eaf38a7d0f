"""Kie.ai's credit balance watched in the background: below the threshold setting, owners and
admins are told once, not at every check.

Every instance runs the check (every ``kie_balance_check_minutes``); the one row of
``kie_balance_alert`` decides who speaks. Seeing the balance low, an instance flips
``alerted`` from false to true and only the one whose UPDATE did it sends the alert; seeing it
back at or above the threshold, it flips it back, so the next fall is told again. The flag is
set before the messages go: a crash between the two loses that alert, never repeats it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import asyncpg

from engine.loader.bundle import Bundle
from plugins.admin.roles import Role, RoleBook, passes
from plugins.admin.settings import number
from plugins.integrations.kie.errors import KieError
from plugins.wallet.service import Wallet

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

KieBalance = Callable[[], Awaitable[Decimal]]
#: how long one check waits for Kie.ai
TIMEOUT = 10.0
#: what the alert reads
ALERT_TEXT = "admin.kie_alert.low"
ALERT_VARS = {"balance": str, "threshold": str}

Outcome = Literal["alerted", "already", "armed", "fine", "off", "unknown"]


class KieBalanceAlert:
    """A service (``run``/``stop``); ``check`` is one look, for tests and for callers."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        bundle: Bundle,
        bot: Bot,
        wallet: Wallet,
        roles: RoleBook,
        kie_balance: KieBalance,
        every: float | None = None,  # seconds; None: the ``kie_balance_check_minutes`` setting
    ) -> None:
        self.pool = pool
        self.bundle = bundle
        self.bot = bot
        self.wallet = wallet
        self.roles = roles
        self.kie_balance = kie_balance
        self.every = every
        self._stopped = asyncio.Event()

    async def check(self) -> Outcome:
        settings = await self.wallet.get_settings()
        threshold = settings.kie_low_balance_credits
        try:
            balance = await asyncio.wait_for(self.kie_balance(), TIMEOUT)
        except (KieError, TimeoutError, OSError) as exc:
            log.warning("Kie.ai credit balance unavailable for the low-balance check: %s", exc)
            return "unknown"
        if threshold <= 0 or balance >= threshold:
            rearmed = await self.pool.fetchval(
                "UPDATE kie_balance_alert SET alerted = false, balance = $1, threshold = $2,"
                " changed_at = now() WHERE alerted RETURNING true",
                balance,
                threshold,
            )
            return "armed" if rearmed else ("off" if threshold <= 0 else "fine")
        claimed = await self.pool.fetchval(
            "UPDATE kie_balance_alert SET alerted = true, balance = $1, threshold = $2,"
            " changed_at = now() WHERE NOT alerted RETURNING true",
            balance,
            threshold,
        )
        if not claimed:
            return "already"
        log.warning("Kie.ai credit balance %s is below %s: telling the admins", balance, threshold)
        await self._tell(balance, threshold)
        return "alerted"

    async def _tell(self, balance: Decimal, threshold: int) -> None:
        await self.roles.refresh()
        for user_id, role in list(self.roles.staff()):
            if not passes(role, Role.ADMIN):
                continue  # support staff cannot top Kie.ai up
            language = (
                await self.pool.fetchval("SELECT language FROM sessions WHERE user_id = $1", user_id) or "ru"
            )
            text = self.bundle.render(
                ALERT_TEXT,
                language,
                {"balance": number(balance, language), "threshold": number(threshold, language)},
            )
            try:
                await self.bot.send_message(user_id, text, parse_mode="HTML")
            except Exception:  # one admin who blocked the bot must not silence the others
                log.warning("admin %s could not be told of Kie.ai's low balance", user_id)

    async def _pause(self) -> float:
        if self.every is not None:
            return self.every
        return 60.0 * (await self.wallet.get_settings()).kie_balance_check_minutes

    async def run(self) -> None:
        while not self._stopped.is_set():
            pause = 60.0
            try:
                await self.check()
                pause = await self._pause()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("Kie.ai low-balance check failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), pause)

    async def stop(self) -> None:
        self._stopped.set()
