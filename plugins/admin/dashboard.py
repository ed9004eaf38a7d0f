"""The dashboard's figures for a period, read from the ledger, holds, jobs and users.

Each period ends now, so "active" is "seen since the start" (``users.last_seen_at``). Money:
- top-ups: ledger rows ``topup_stars`` and ``topup_receipt`` created in the period;
- spent on generations: holds captured in the period (money a user paid for a result);
- Kie.ai cost: the credits of jobs that succeeded in the period (free runs too: Kie.ai charges
  for them), at the current credit price (the ``kie_usd_per_credit`` setting × the FX setting);
- refunds: the console's ``refund`` rows (money given back for a captured job);
- Stars refunds: top-ups given back to the payer (``stars_refund``, less ``stars_refund_undo``
  when Telegram refused): the top-ups figure is gross, ``net_topups`` what stayed with us;
- given away: balance the bot credited for nothing paid — welcome bonuses, referral rewards
  (less ``referral_reversal``, taken back when the invitee's top-up was refunded) and promo codes;
- margin: spent − refunds − Kie.ai cost.
Every sum reads an index on its time column (migrations 0040, 0066: covering, so a sum never
visits the rows), so a period costs its own index entries.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import asyncpg

from plugins.admin.console import REFUND
from plugins.admin.views import DISPLAY_ZONE
from plugins.growth.promo import KIND_PROMO
from plugins.growth.referrals import KIND_REVERSAL, KIND_REWARD
from plugins.wallet.ledger import Kind
from plugins.wallet.pricing import KOPECKS_PER_RUB
from plugins.wallet.settings import WalletSettings
from plugins.wallet.star_refunds import REFUND_KIND, UNDO_KIND

Period = Literal["today", "week", "month"]
FAILED_STATES = ("failed", "timed_out")


def period_start(period: Period, now: datetime) -> datetime:
    """Today from midnight in the owner's zone; a week and a month as 7 and 30 days back."""
    if period == "today":
        local = now.astimezone(DISPLAY_ZONE)
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    return now - timedelta(days=7 if period == "week" else 30)


def kie_cost_kopecks(credits: Decimal, settings: WalletSettings) -> int:
    """What Kie.ai charged for ``credits``, in kopecks, rounded to the nearest kopeck."""
    cost = credits * settings.kie_usd_per_credit * settings.fx_rub_per_usd * KOPECKS_PER_RUB
    return int(cost.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Figures:
    topup_stars: int
    topup_transfer: int
    spent: int
    kie_credits: Decimal
    kie_cost: int
    refunds: int
    free_runs: int
    new_users: int
    active_users: int
    paying_users: int
    jobs_without_credits: int  # succeeded jobs from before credits were kept: not in the cost
    stars_refunded: int = 0  # top-ups given back in Stars (net of refunds Telegram refused)
    given_welcome: int = 0
    given_referral: int = 0  # rewards less the ones taken back
    given_promo: int = 0

    @property
    def topups(self) -> int:
        """Gross: every top-up made in the period, refunded later or not."""
        return self.topup_stars + self.topup_transfer

    @property
    def net_topups(self) -> int:
        return self.topups - self.stars_refunded

    @property
    def given_away(self) -> int:
        return self.given_welcome + self.given_referral + self.given_promo

    @property
    def margin(self) -> int:
        return self.spent - self.refunds - self.kie_cost


@dataclass(frozen=True)
class ModelFigures:
    model: str
    runs: int
    finished: int
    failed: int
    median_seconds: float | None  # of succeeded runs, from order to result

    @property
    def failure_rate(self) -> float:
        return self.failed / self.finished if self.finished else 0.0


# Three statements rather than one, run side by side: each stays short on a big database
# (bench/admin_queries.py), and the dashboard waits for the slowest instead of their sum.
_TOPUPS = f"""
SELECT
  (SELECT coalesce(sum(amount), 0) FROM ledger
    WHERE kind = '{Kind.TOPUP_STARS.value}' AND created_at >= $1) AS topup_stars,
  (SELECT coalesce(sum(amount), 0) FROM ledger
    WHERE kind = '{Kind.TOPUP_RECEIPT.value}' AND created_at >= $1) AS topup_transfer,
  (SELECT count(DISTINCT user_id) FROM ledger
    WHERE kind IN ('{Kind.TOPUP_STARS.value}', '{Kind.TOPUP_RECEIPT.value}')
      AND created_at >= $1) AS paying_users
"""

_SPENDING = f"""
SELECT
  (SELECT coalesce(sum(amount), 0) FROM ledger
    WHERE kind = '{REFUND}' AND created_at >= $1) AS refunds,
  (SELECT coalesce(sum(amount), 0) FROM holds
    WHERE state = 'captured' AND settled_at >= $1) AS spent,
  (SELECT count(*) FROM free_uses WHERE used_at >= $1 AND returned_at IS NULL) AS free_runs
"""

# money moved without a generation: Stars refunds and what the bot gave away
_OTHER = f"""
SELECT
  (SELECT coalesce(-sum(amount), 0) FROM ledger
    WHERE kind IN ('{REFUND_KIND}', '{UNDO_KIND}') AND created_at >= $1) AS stars_refunded,
  (SELECT coalesce(sum(amount), 0) FROM ledger
    WHERE kind = '{Kind.WELCOME.value}' AND created_at >= $1) AS given_welcome,
  (SELECT coalesce(sum(amount), 0) FROM ledger
    WHERE kind IN ('{KIND_REWARD}', '{KIND_REVERSAL}') AND created_at >= $1) AS given_referral,
  (SELECT coalesce(sum(amount), 0) FROM ledger
    WHERE kind = '{KIND_PROMO}' AND created_at >= $1) AS given_promo
"""

_PEOPLE = """
SELECT
  (SELECT count(*) FROM users WHERE created_at >= $1) AS new_users,
  (SELECT count(*) FROM users WHERE last_seen_at >= $1) AS active_users
"""

_KIE = """
SELECT coalesce(sum(kie_credits), 0) AS credits,
       count(*) FILTER (WHERE kie_credits IS NULL) AS without_credits
  FROM jobs WHERE finished_at IS NOT NULL AND finished_at >= $1 AND state = 'succeeded'
"""

_FAILED = ", ".join(f"'{s}'" for s in FAILED_STATES)
# counts per model: whole days from ``job_model_days`` (migration 0067, kept by a trigger), the
# part of a day before the first whole one ($3 … $4) from the jobs; the median (a sort) only
# for the busiest models shown, each read from its own range of ``jobs_succeeded_by_model``
_MODELS = f"""
WITH counts AS (
  SELECT model, sum(runs)::bigint AS runs, sum(finished)::bigint AS finished, sum(failed)::bigint AS failed
    FROM (SELECT model, runs, finished, failed FROM job_model_days WHERE day >= $3
          UNION ALL
          SELECT model, 1, (state IN ('succeeded', {_FAILED}))::int, (state IN ({_FAILED}))::int
            FROM jobs WHERE created_at >= $1 AND created_at < $4) AS parts
   GROUP BY model HAVING sum(runs) > 0 ORDER BY runs DESC, model LIMIT $2)
SELECT c.model, c.runs, c.finished, c.failed, m.median_seconds
  FROM counts c CROSS JOIN LATERAL (
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM j.finished_at - j.created_at))
             AS median_seconds
      FROM jobs j
     WHERE j.model = c.model AND j.created_at >= $1 AND j.state = 'succeeded'
       AND j.finished_at IS NOT NULL) m
 ORDER BY c.runs DESC, c.model
"""


def first_whole_day(since: datetime) -> tuple[date, datetime]:
    """The first day (in the dashboard's zone) wholly inside a period starting at ``since``,
    and its midnight: before it, the period's jobs are counted one by one."""
    local = since.astimezone(DISPLAY_ZONE)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if midnight < local:
        midnight += timedelta(days=1)  # wall-clock arithmetic: the next midnight
    return midnight.date(), midnight


async def figures(pool: asyncpg.Pool, since: datetime, settings: WalletSettings) -> Figures:
    """The period's money and people, from ``since`` until now."""
    statements = (_TOPUPS, _SPENDING, _PEOPLE, _OTHER, _KIE)
    rows = await asyncio.gather(*(pool.fetchrow(sql, since) for sql in statements))
    assert all(r is not None for r in rows)  # aggregates always return a row
    money = {k: v for r in rows[:4] for k, v in r.items()}  # type: ignore[union-attr]
    kie = rows[4]
    assert kie is not None
    credits = Decimal(kie["credits"])
    return Figures(
        topup_stars=int(money["topup_stars"]),
        topup_transfer=int(money["topup_transfer"]),
        spent=int(money["spent"]),
        kie_credits=credits,
        kie_cost=kie_cost_kopecks(credits, settings),
        refunds=int(money["refunds"]),
        free_runs=money["free_runs"],
        new_users=money["new_users"],
        active_users=money["active_users"],
        paying_users=money["paying_users"],
        jobs_without_credits=kie["without_credits"],
        stars_refunded=int(money["stars_refunded"]),
        given_welcome=int(money["given_welcome"]),
        given_referral=int(money["given_referral"]),
        given_promo=int(money["given_promo"]),
    )


async def models(pool: asyncpg.Pool, since: datetime, limit: int = 15) -> list[ModelFigures]:
    """Runs per model ordered since ``since``, the busiest first."""
    day, midnight = first_whole_day(since)
    rows = await pool.fetch(_MODELS, since, limit, day, midnight)
    return [
        ModelFigures(
            model=r["model"],
            runs=r["runs"],
            finished=r["finished"],
            failed=r["failed"],
            median_seconds=r["median_seconds"],
        )
        for r in rows
    ]
