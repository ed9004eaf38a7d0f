"""Referral links: each user's code, tying a new user to the one who invited them (once),
what a referrer has earned, and taking a reward back when its top-up is refunded.

The reward itself is paid by the database (migration 0110, ``growth_on_topup``): a trigger on
the ledger pays it in the same transaction as the invitee's first qualifying top-up, whatever
path credited it, so it is paid exactly once and never without the top-up.
"""

from __future__ import annotations

import secrets
import string
from enum import StrEnum

import asyncpg
from pydantic import ConfigDict

from engine.plugin import PluginModel
from engine.storage.connection import Connection
from plugins.wallet.db import lock_wallet, transaction
from plugins.wallet.ledger import Kind

KIND_REWARD = Kind.REFERRAL
#: the ledger kind of a reward taken back (its top-up was refunded)
KIND_REVERSAL = Kind.REFERRAL_REVERSAL
_ALPHABET = string.ascii_lowercase + string.digits


class Tie(StrEnum):
    TIED = "tied"
    SELF = "self"  # their own link
    LOOP = "loop"  # the referrer was (directly or not) invited by this user
    EXISTING = "existing"  # not their first visit, or tied before
    UNKNOWN = "unknown"  # no such code


class Stats(PluginModel):
    model_config = ConfigDict(frozen=True)

    invited: int
    paying: int
    earned_kopecks: int


class Reversal(PluginModel):
    model_config = ConfigDict(frozen=True)

    referrer_id: int
    invitee_id: int
    reward_kopecks: int
    taken_kopecks: int
    unrecovered_kopecks: int


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


async def ensure_user(db: Connection | asyncpg.Pool, user_id: int) -> str:
    """The user's referral code, created on first need."""
    for _ in range(5):
        existing = await db.fetchval("SELECT ref_code FROM growth_users WHERE user_id = $1", user_id)
        if existing is not None:
            return str(existing)
        code = await db.fetchval(  # a clash on either key inserts nothing: look again
            "INSERT INTO growth_users (user_id, ref_code) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            " RETURNING ref_code",
            user_id,
            new_code(),
        )
        if code is not None:
            return str(code)
    raise RuntimeError(f"could not give user {user_id} a referral code")


class Referrals:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def code(self, user_id: int) -> str:
        return await ensure_user(self.pool, user_id)

    async def tie(self, user_id: int, code: str, *, first_visit: bool) -> Tie:
        """Tie a new user to the owner of ``code``, once. Only at the user's first visit: an
        existing user following someone's link is not tied (so no one farms their own
        accounts, and A → B → A loops cannot form)."""
        async with self.pool.acquire() as conn, conn.transaction():
            referrer = await conn.fetchval("SELECT user_id FROM growth_users WHERE ref_code = $1", code)
            if referrer is None:
                return Tie.UNKNOWN
            if referrer == user_id:
                return Tie.SELF
            chain = await conn.fetchval(
                "WITH RECURSIVE up(id, depth) AS (SELECT $1::bigint, 0 UNION ALL"
                " SELECT g.referrer_id, up.depth + 1 FROM growth_users g JOIN up ON g.user_id = up.id"
                " WHERE g.referrer_id IS NOT NULL AND up.depth < 1000)"
                " SELECT bool_or(id = $2) FROM up",
                referrer,
                user_id,
            )
            if chain:
                return Tie.LOOP
            if not first_visit or await conn.fetchval("SELECT 1 FROM users WHERE user_id = $1", user_id):
                return Tie.EXISTING
            await ensure_user(conn, user_id)
            tied = await conn.fetchval(
                "UPDATE growth_users SET referrer_id = $2, referred_at = now()"
                " WHERE user_id = $1 AND referrer_id IS NULL RETURNING true",
                user_id,
                referrer,
            )
            return Tie.TIED if tied else Tie.EXISTING

    async def stats(self, user_id: int) -> Stats:
        row = await self.pool.fetchrow(
            "SELECT (SELECT count(*) FROM growth_users WHERE referrer_id = $1) AS invited,"
            " (SELECT count(DISTINCT l.user_id) FROM ledger l JOIN growth_users g ON g.user_id = l.user_id"
            "   WHERE g.referrer_id = $1 AND l.kind IN ('topup_stars', 'topup_receipt')) AS paying,"
            " (SELECT coalesce(sum(amount), 0) FROM ledger WHERE user_id = $1 AND kind IN ($2, $3))"
            "   AS earned",
            user_id,
            KIND_REWARD,
            KIND_REVERSAL,
        )
        assert row is not None
        return Stats(invited=row["invited"], paying=row["paying"], earned_kopecks=row["earned"])


async def reverse_referral_for_topup(
    conn: Connection | None, payment_ref: str, *, pool: asyncpg.Pool | None = None
) -> Reversal | None:
    """A refunded top-up (its ledger ``payment_ref``) takes back the referral reward it paid,
    once. What the referrer's balance allows is debited (ledger kind ``referral_reversal``);
    what they already spent is recorded as unrecovered on the reward row, never a negative
    balance. Call it in the refund's own transaction (``conn``), or give ``pool``."""
    if conn is None and pool is None:
        raise ValueError("give a connection or a pool")
    async with transaction(pool, conn) as c:  # type: ignore[arg-type]
        referrer = await c.fetchval(
            "SELECT referrer_id FROM growth_rewards WHERE payment_ref = $1 AND status = 'paid'", payment_ref
        )
        if referrer is None:
            return None
        balance = await lock_wallet(c, referrer)  # the wallet first, as every money operation
        reward = await c.fetchrow(
            "SELECT invitee_id, referrer_id, reward_kopecks FROM growth_rewards"
            " WHERE payment_ref = $1 AND status = 'paid' FOR UPDATE",
            payment_ref,
        )
        if reward is None:  # reversed meanwhile
            return None
        amount = int(reward["reward_kopecks"])
        taken = min(balance, amount)
        if taken > 0:
            await c.execute(
                "INSERT INTO ledger (user_id, amount, kind, idempotency_key, payment_ref, note)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                reward["referrer_id"],
                -taken,
                KIND_REVERSAL,
                f"{KIND_REVERSAL}:{reward['invitee_id']}",
                payment_ref,
                f"refund of invitee {reward['invitee_id']}",
            )
        await c.execute(
            "UPDATE growth_rewards SET status = 'reversed', reversed_kopecks = $2,"
            " unrecovered_kopecks = $3, reversed_at = now() WHERE invitee_id = $1",
            reward["invitee_id"],
            taken,
            amount - taken,
        )
        return Reversal(
            referrer_id=reward["referrer_id"],
            invitee_id=reward["invitee_id"],
            reward_kopecks=amount,
            taken_kopecks=taken,
            unrecovered_kopecks=amount - taken,
        )
