"""The ledger: every balance change is one row here, applied to the wallet by a database
trigger in the same statement, and guarded by a unique idempotency key."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import asyncpg
from pydantic import ConfigDict

from engine.plugin import PluginModel
from engine.storage.connection import Connection
from plugins.wallet.db import lock_wallet, transaction
from plugins.wallet.errors import InsufficientFunds

#: written only together with a hold row (holds.py), never by credit/debit
RESERVED_PREFIXES = ("hold:", "release:")


class Kind(StrEnum):
    """Every kind of ledger entry, whichever plug-in writes it. A closed set: the user's
    operations list names each one in every language, and the linter holds its label table
    to this (TEXT007); an entry of another kind is refused before it is written."""

    WELCOME = "welcome"
    TOPUP_STARS = "topup_stars"
    TOPUP_RECEIPT = "topup_receipt"
    HOLD = "hold"
    RELEASE = "release"
    ADJUSTMENT = "adjustment"
    STARS_REFUND = "stars_refund"
    STARS_REFUND_UNDO = "stars_refund_undo"
    REFERRAL = "referral"
    REFERRAL_REVERSAL = "referral_reversal"
    PROMO = "promo"
    ADMIN_ADJUSTMENT = "admin_adjustment"  # a support member's correction, with its reason
    REFUND = "refund"  # a job's price given back by support


class Entry(PluginModel):
    model_config = ConfigDict(frozen=True)

    id: int
    user_id: int
    amount: int
    kind: str
    idempotency_key: str
    job_id: str | None
    payment_ref: str | None
    note: str
    created_at: datetime


# Inserting is applying: the AFTER INSERT trigger moves the balance only for a row really
# inserted, so a key seen before moves nothing.
_POST = """
INSERT INTO ledger (user_id, amount, kind, idempotency_key, job_id, payment_ref, note)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id
"""


async def post(
    conn: Connection,
    user_id: int,
    amount: int,
    kind: str,
    key: str,
    *,
    note: str = "",
    job_id: str | None = None,
    payment_ref: str | None = None,
) -> bool:
    """Write one entry on a connection that already holds the wallet lock; True if new."""
    _known(kind)
    return await conn.fetchval(_POST, user_id, amount, kind, key, job_id, payment_ref, note) is not None


def _known(kind: str) -> None:
    if kind not in Kind.__members__.values():
        raise ValueError(f"unknown ledger kind {kind!r}: add it to Kind (and to its labels)")


def _check(amount: object, kind: str, key: str) -> None:
    # ``object``: this guards callers whose types nobody checked (money is never a float or bool)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"amount must be a positive int of kopecks, got {amount!r}")
    _known(kind)
    if not key or len(key) > 200:
        raise ValueError("an idempotency key is 1–200 characters")
    if key.startswith(RESERVED_PREFIXES):
        raise ValueError(f"keys starting with {RESERVED_PREFIXES} belong to generation holds")


class Ledger:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def ensure_wallet(self, user_id: int, conn: Connection | None = None) -> None:
        db = conn or self.pool
        await db.execute(
            "INSERT INTO wallets (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING", user_id
        )

    async def balance(self, user_id: int, conn: Connection | None = None) -> int:
        db = conn or self.pool
        value = await db.fetchval("SELECT balance FROM wallets WHERE user_id = $1", user_id)
        return int(value or 0)

    async def credit(
        self,
        user_id: int,
        amount: int,
        kind: str,
        key: str,
        *,
        note: str = "",
        job_id: str | None = None,
        payment_ref: str | None = None,
        conn: Connection | None = None,
    ) -> bool:
        """Add ``amount`` kopecks once per ``key``: True if applied now, False if applied before."""
        _check(amount, kind, key)
        async with transaction(self.pool, conn) as c:
            await lock_wallet(c, user_id)
            return await post(
                c, user_id, amount, kind, key, note=note, job_id=job_id, payment_ref=payment_ref
            )

    async def debit(
        self,
        user_id: int,
        amount: int,
        kind: str,
        key: str,
        *,
        note: str = "",
        job_id: str | None = None,
        payment_ref: str | None = None,
        conn: Connection | None = None,
    ) -> bool:
        """Take ``amount`` kopecks once per ``key``; ``InsufficientFunds`` if the balance is short.

        A key applied before answers False even if the balance is short now: the event happened.
        """
        _check(amount, kind, key)
        async with transaction(self.pool, conn) as c:
            balance = await lock_wallet(c, user_id)
            if await c.fetchval("SELECT 1 FROM ledger WHERE idempotency_key = $1", key):
                return False
            if balance < amount:
                raise InsufficientFunds(balance, amount)
            return await post(
                c, user_id, -amount, kind, key, note=note, job_id=job_id, payment_ref=payment_ref
            )

    async def recent(self, user_id: int, limit: int = 20) -> list[Entry]:
        rows = await self.pool.fetch(
            "SELECT id, user_id, amount, kind, idempotency_key, job_id, payment_ref, note,"
            " created_at FROM ledger WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
            user_id,
            limit,
        )
        return [Entry(**dict(r)) for r in rows]
