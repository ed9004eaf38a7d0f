"""Kie.ai's credit balance watched in the background: below the threshold setting, owners and
admins are told once, not at every check.

Every instance runs the check (every ``kie_balance_check_minutes``); the one row of
``kie_balance_alert`` decides who speaks. Seeing the balance low, an instance flips
``alerted`` from false to true and only the one whose UPDATE did it sends the alert; seeing it
back at or above the threshold, it flips it back, so the next fall is told again. The flag is
set before the messages go: a crash between the two loses that alert, never repeats it.
The alert goes through ``StaffAlerts``, the one way the bot tells its staff.

Besides the periodic check, a finished job nudges it (``nudge``: the job runner's
``finished_hooks``), since a job is what spends credits: the check then runs at once, but at
most once a minute per instance (``after_job_gap``), so a busy bot asks Kie.ai's credit
endpoint once a minute, not once a job, and a drop below the threshold is told within a
minute rather than within ``kie_balance_check_minutes``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, Literal

import asyncpg

from plugins.admin.alerts import StaffAlerts
from plugins.admin.roles import Role
from plugins.admin.settings import number
from plugins.integrations.kie.errors import KieError
from plugins.wallet.service import Wallet

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
        alerts: StaffAlerts,
        wallet: Wallet,
        kie_balance: KieBalance,
        every: float | None = None,  # seconds; None: the ``kie_balance_check_minutes`` setting
        after_job_gap: float = 60.0,  # seconds between checks a finished job may bring on
    ) -> None:
        self.pool = pool
        self.alerts = alerts
        self.wallet = wallet
        self.kie_balance = kie_balance
        self.every = every
        self.after_job_gap = after_job_gap
        self._stopped = asyncio.Event()
        self._wake = asyncio.Event()  # a finished job, or stop
        self.last_checked = float("-inf")  # when the last check began (monotonic)

    def nudge(self, *_: Any) -> None:
        """A job finished: check soon (cheap: it only sets an event)."""
        self._wake.set()

    async def check(self) -> Outcome:
        self.last_checked = time.monotonic()
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
        def figures(language: str) -> dict[str, Any]:
            return {"balance": number(balance, language), "threshold": number(threshold, language)}

        await self.alerts(ALERT_TEXT, figures, Role.ADMIN)  # support staff cannot top Kie.ai up

    async def _pause(self) -> float:
        if self.every is not None:
            return self.every
        return 60.0 * (await self.wallet.get_settings()).kie_balance_check_minutes

    async def run(self) -> None:
        while not self._stopped.is_set():
            self._wake.clear()
            pause = 60.0
            try:
                await self.check()
                pause = await self._pause()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("Kie.ai low-balance check failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), pause)
            gap = self.after_job_gap - (time.monotonic() - self.last_checked)
            if gap > 0 and not self._stopped.is_set():  # nudged soon after a check: not yet
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopped.wait(), gap)

    async def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
