"""The funnel's figures, read from the engine's events (``flow_events``), jobs and the ledger.

A cohort is the users whose first ``/start`` falls in the range (optionally those of one
traffic source, ``growth_users.first_source`` as the growth plug-in records it; ``-`` is "no
source"). Each step counts the users of the cohort who reached it *and every step before it*,
at any time up to now:

  started → opened a model card → ordered a generation → topped up → ordered a second one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import asyncpg

#: the screen that is a "model card" in the shipped flows
CARD_SCREEN = "catalog.card"
#: ledger kinds that are real top-ups (money paid in), not bonuses or refunds
TOPUP_KINDS = ("topup_stars", "topup_receipt")
#: a visit with no other screen within this long counts as the user leaving there
LEFT_AFTER_HOURS = 24
NO_SOURCE = "-"

STEPS = ("started", "card", "generation", "topup", "second")
GOALS = STEPS[1:]

_FACTS = """
WITH cohort AS (
    SELECT user_id FROM flow_events WHERE kind = 'start'
    GROUP BY user_id HAVING min(at) >= $1 AND min(at) < $2
), picked AS (
    SELECT c.user_id FROM cohort c LEFT JOIN growth_users s USING (user_id)
    WHERE $3::text IS NULL OR coalesce(s.first_source, '-') = $3
), facts AS (
    SELECT p.user_id,
        EXISTS (SELECT 1 FROM flow_events v
                WHERE v.user_id = p.user_id AND v.kind = 'view' AND v.screen = $4) AS card,
        (SELECT count(*) FROM jobs j WHERE j.user_id = p.user_id) AS jobs,
        EXISTS (SELECT 1 FROM ledger l WHERE l.user_id = p.user_id
                AND l.kind = ANY($5::text[]) AND l.amount > 0) AS topup
    FROM picked p
)
"""


@dataclass(frozen=True)
class Funnel:
    counts: tuple[int, ...]  # per step of STEPS

    def conversion(self, step: int) -> float | None:
        """The share of the step before that reached ``step`` (None for the first or from 0)."""
        if step == 0 or not self.counts[step - 1]:
            return None
        return self.counts[step] / self.counts[step - 1]


async def funnel(pool: asyncpg.Pool, since: datetime, until: datetime, source: str | None) -> Funnel:
    row = await pool.fetchrow(
        _FACTS
        + """
        SELECT count(*) AS started,
            count(*) FILTER (WHERE card) AS card,
            count(*) FILTER (WHERE card AND jobs >= 1) AS generation,
            count(*) FILTER (WHERE card AND jobs >= 1 AND topup) AS topup,
            count(*) FILTER (WHERE card AND jobs >= 2 AND topup) AS second
        FROM facts""",
        since,
        until,
        source,
        CARD_SCREEN,
        list(TOPUP_KINDS),
    )
    assert row is not None
    return Funnel(tuple(int(row[step]) for step in STEPS))


async def sources(
    pool: asyncpg.Pool, since: datetime, until: datetime, limit: int = 8
) -> list[tuple[str, int]]:
    """The cohort's first sources, biggest first (``-``: users who came with none)."""
    rows = await pool.fetch(
        """
        WITH cohort AS (
            SELECT user_id FROM flow_events WHERE kind = 'start'
            GROUP BY user_id HAVING min(at) >= $1 AND min(at) < $2
        )
        SELECT coalesce(s.first_source, '-') AS source, count(*) AS users
        FROM cohort c LEFT JOIN growth_users s USING (user_id)
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $3""",
        since,
        until,
        limit,
    )
    return [(r["source"], r["users"]) for r in rows]


@dataclass(frozen=True)
class Exit:
    screen: str | None  # None: left the bot there
    users: int


async def busiest_screens(
    pool: asyncpg.Pool, since: datetime, until: datetime, limit: int = 24
) -> list[tuple[str, int]]:
    rows = await pool.fetch(
        "SELECT screen, count(DISTINCT user_id) AS users FROM flow_events"
        " WHERE kind = 'view' AND at >= $1 AND at < $2 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $3",
        since,
        until,
        limit,
    )
    return [(r["screen"], r["users"]) for r in rows]


async def exits(pool: asyncpg.Pool, screen: str, since: datetime, until: datetime) -> list[Exit]:
    """For visits to ``screen`` in the range: the screen each user saw next, in users (a user
    counts once per destination); ``None`` for those who saw nothing else within a day."""
    rows = await pool.fetch(
        """
        WITH visitors AS (
            SELECT DISTINCT user_id FROM flow_events
            WHERE kind = 'view' AND screen = $1 AND at >= $2 AND at < $3
        ), views AS (
            SELECT e.user_id, e.screen, e.at,
                lead(e.screen) OVER w AS next_screen, lead(e.at) OVER w AS next_at
            FROM flow_events e JOIN visitors USING (user_id)
            WHERE e.kind = 'view' AND e.at >= $2
            WINDOW w AS (PARTITION BY e.user_id ORDER BY e.at)
        )
        SELECT CASE WHEN next_at IS NULL OR next_at > at + make_interval(hours => $4)
                    THEN NULL ELSE next_screen END AS next,
               count(DISTINCT user_id) AS users
        FROM views WHERE screen = $1 AND at < $3
        GROUP BY 1 ORDER BY 2 DESC, 1 NULLS LAST""",
        screen,
        since,
        until,
        LEFT_AFTER_HOURS,
    )
    return [Exit(r["next"], r["users"]) for r in rows]


@dataclass(frozen=True)
class Arm:
    variant: str
    users: int
    reached: int

    @property
    def share(self) -> float:
        return self.reached / self.users if self.users else 0.0

    def interval(self, z: float = 1.96) -> tuple[float, float]:
        return wilson(self.reached, self.users, z)


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval (95 % by default) of a share: honest for small counts and
    for shares near 0 or 1, where the textbook ±z·√(p(1−p)/n) is not."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


_GOAL_SQL = {
    "card": "card",
    "generation": "jobs >= 1",
    "topup": "topup",
    "second": "jobs >= 2",
}


async def arms(pool: asyncpg.Pool, split: str, goal: str, since: datetime, until: datetime) -> list[Arm]:
    """Users first shown each variant of ``split`` in the range, and how many reached ``goal``
    (at any time up to now). A user counts in the variant they saw first."""
    condition = _GOAL_SQL[goal]  # a fixed fragment, never input
    rows = await pool.fetch(
        f"""
        WITH exposed AS (
            SELECT DISTINCT ON (user_id) user_id, variant FROM flow_events
            WHERE kind = 'view' AND variant LIKE $1 || ':%' AND at >= $2 AND at < $3
            ORDER BY user_id, at
        ), facts AS (
            SELECT x.user_id, x.variant,
                EXISTS (SELECT 1 FROM flow_events v
                        WHERE v.user_id = x.user_id AND v.kind = 'view' AND v.screen = $4) AS card,
                (SELECT count(*) FROM jobs j WHERE j.user_id = x.user_id) AS jobs,
                EXISTS (SELECT 1 FROM ledger l WHERE l.user_id = x.user_id
                        AND l.kind = ANY($5::text[]) AND l.amount > 0) AS topup
            FROM exposed x
        )
        SELECT substr(variant, length($1) + 2) AS variant, count(*) AS users,
               count(*) FILTER (WHERE {condition}) AS reached
        FROM facts GROUP BY 1 ORDER BY 1""",
        split,
        since,
        until,
        CARD_SCREEN,
        list(TOPUP_KINDS),
    )
    return [Arm(r["variant"], r["users"], r["reached"]) for r in rows]


async def winner(pool: asyncpg.Pool, split: str) -> str | None:
    value = await pool.fetchval("SELECT variant FROM split_winners WHERE split = $1", split)
    return str(value) if value is not None else None
