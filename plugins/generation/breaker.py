"""Models that fail are taken off the menu for a while; an account that cannot pay stops all.

A model trips when, within the window, enough of its finished orders failed on Kie.ai's side
(not the user's: a refused prompt or a bad file does not count) and they are most of them. Its
new orders are then refused ("temporarily unavailable") until the window has passed or an
order of it succeeds (an admin's probe order goes through). Kie.ai's "insufficient credits"
stops every new order at once, until its credit balance is positive again. Admins are told
once per trip, not per failure. State is in PostgreSQL, shared by every instance.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from plugins.generation.job import FailureKind, Job, JobState

log = logging.getLogger(__name__)

ALL_MODELS = "*"
#: failures that say something about the model or Kie.ai, not about the user's input
KIE_SIDE = (
    FailureKind.SERVICE_BUSY.value,
    FailureKind.GENERATION_FAILED.value,
    FailureKind.TIMEOUT.value,
    FailureKind.UNCERTAIN.value,
)
FAILED = (JobState.FAILED.value, JobState.TIMED_OUT.value)
# a trip is new (admins are told) when the row is inserted, or an expired one starts again
_TRIP = """
INSERT INTO model_breakers (model, reason, until, failures) VALUES ($1, $2, now() + $3::interval, $4)
ON CONFLICT (model) DO UPDATE SET
  until = excluded.until,
  failures = excluded.failures,
  tripped_at = CASE WHEN model_breakers.until > now() THEN model_breakers.tripped_at ELSE now() END
RETURNING xmax = 0 OR tripped_at = now()
"""
Alert = Callable[[str, dict[str, Any]], Awaitable[None]]
Credits = Callable[[], Awaitable[Decimal]]


@dataclass(frozen=True)
class BreakerPolicy:
    failures: int = 5  # at least this many Kie-side failures within the window …
    share: float = 0.5  # … and at least this share of the model's finished orders
    window: timedelta = timedelta(minutes=15)  # also how long a tripped model stays off
    credits_recheck: float = 60.0  # seconds between credit checks while orders are stopped


class Breakers:
    def __init__(
        self,
        pool: asyncpg.Pool,
        policy: BreakerPolicy | None = None,
        alert: Alert | None = None,
        credits: Credits | None = None,
    ) -> None:
        self.pool = pool
        self.policy = policy or BreakerPolicy()
        self.alert = alert
        self.credits = credits
        self._credits_checked = 0.0

    async def refusal(self, model: str, *, probe: bool = False) -> str | None:
        """The text key telling why an order of ``model`` is refused now, or None.
        ``probe``: an admin's order, let through a tripped model (its success closes it)."""
        rows = await self.pool.fetch(
            "SELECT model, reason FROM model_breakers WHERE model = ANY($1::text[]) AND until > now()",
            [model, ALL_MODELS],
        )
        reasons = {row["model"]: row["reason"] for row in rows}
        if ALL_MODELS in reasons and not await self._credits_back():
            return "generation.orders_paused"
        if model in reasons and not probe:
            return "generation.model_paused"
        return None

    async def finished(self, job: Job) -> None:
        """Called once a job has settled: a success closes its model's breaker, a Kie-side
        failure may trip it."""
        if job.state is JobState.SUCCEEDED:
            await self.pool.execute("DELETE FROM model_breakers WHERE model = $1", job.model)
            return
        if job.state.value not in FAILED or job.error_code not in KIE_SIDE:
            return
        window = self.policy.window
        row = await self.pool.fetchrow(
            "SELECT count(*) FILTER (WHERE state = ANY($3::text[]) AND error_code = ANY($4::text[]))"
            " AS failed, count(*) AS finished FROM jobs"
            " WHERE model = $1 AND finished_at > now() - $2::interval"
            " AND state IN ('succeeded', 'failed', 'timed_out')",
            job.model,
            window,
            list(FAILED),
            list(KIE_SIDE),
        )
        assert row is not None  # an aggregate without GROUP BY: always one row
        failed, finished = int(row["failed"]), int(row["finished"])
        if failed < self.policy.failures or failed < self.policy.share * finished:
            return
        await self._trip(job.model, "failures", window, failed)

    async def out_of_credits(self) -> None:
        """Kie.ai said our account cannot pay: stop every new order until it can."""
        self._credits_checked = time.monotonic()
        await self._trip(ALL_MODELS, "no_credits", timedelta(days=365), 0)

    async def _trip(self, model: str, reason: str, pause: timedelta, failures: int) -> None:
        new = await self.pool.fetchval(
            _TRIP,
            model,
            reason,
            pause,
            failures,
        )
        if not new:
            return  # already off: admins were told when it tripped
        log.warning("orders of %s stopped: %s (%s failures)", model, reason, failures)
        if self.alert is not None:
            minutes = int(self.policy.window.total_seconds() // 60)
            key = "admin.alerts.no_credits" if model == ALL_MODELS else "admin.alerts.model_paused"
            try:
                await self.alert(key, {"model": model, "failures": failures, "minutes": minutes})
            except Exception:  # an alert that cannot be sent never fails the job's settling
                log.exception("admins could not be told that %s stopped", model)

    async def _credits_back(self) -> bool:
        """While orders are stopped for credits, ask Kie.ai now and then whether they are back."""
        if self.credits is None or time.monotonic() - self._credits_checked < self.policy.credits_recheck:
            return False
        self._credits_checked = time.monotonic()
        try:
            balance = await self.credits()
        except Exception:
            log.warning("Kie.ai credit balance unknown; orders stay stopped")
            return False
        if balance <= 0:
            return False
        await self.pool.execute("DELETE FROM model_breakers WHERE model = $1", ALL_MODELS)
        log.warning("Kie.ai credits are back (%s): orders are taken again", balance)
        return True
