"""Refunds of Telegram Stars top-ups, safe against crashes and repeats.

A refund moves money in two places that cannot share a transaction: our ledger and Telegram.
So it goes in three steps, each one idempotent:

1. ``begin``: one transaction records the refund ``pending`` and takes the top-up back from
   the balance (ledger ``stars_refund:<refund>``), with its audit row. Refused, writing
   nothing, when the balance no longer covers it. The money is out of reach before Telegram
   is asked, so it cannot be spent while the refund is in flight.
2. The caller asks Telegram (``refundStarPayment``).
3. ``finish`` marks it ``done`` (Telegram refunded it, or says it was refunded before:
   ``CHARGE_ALREADY_REFUNDED`` on a retry after a crash); ``fail`` marks it ``failed`` and
   gives the money back (ledger ``stars_refund_undo:<refund>``) when Telegram refused it
   outright. An unknown answer (a timeout) leaves it ``pending``: the next try asks again.

A payment has at most one refund that is not ``failed`` (a unique index), and each step is
keyed by the refund's id, so a double press, two admins or a retry after a crash make one
refund and one ledger reversal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum

import asyncpg
from pydantic import ConfigDict

from engine.plugin import PluginModel
from engine.storage.connection import Connection
from plugins.wallet.db import lock_wallet, transaction
from plugins.wallet.errors import LedgerInconsistency, WalletError
from plugins.wallet.ledger import Kind, post

#: ledger kinds of a refund and of its undoing
REFUND_KIND = Kind.STARS_REFUND
UNDO_KIND = Kind.STARS_REFUND_UNDO


class RefundStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class StarRefund(PluginModel):
    model_config = ConfigDict(frozen=True)

    id: int
    payment_id: int
    user_id: int
    charge_id: str
    stars: int
    kopecks: int
    status: RefundStatus
    requested_by: int
    created_at: datetime
    finished_at: datetime | None
    error: str


class StarPayment(PluginModel):
    """A Stars top-up as the console shows it, with its refund (the last one tried)."""

    model_config = ConfigDict(frozen=True)

    id: int
    user_id: int
    charge_id: str
    stars: int
    kopecks: int
    status: str  # the payment's: credited or refused
    created_at: datetime
    refund: StarRefund | None


class RefundRefused(WalletError):
    """A refund that cannot start; ``reason`` names why, ``params`` what the admin is shown."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


_REFUND = (
    "id, payment_id, user_id, charge_id, stars, kopecks, status, requested_by, created_at, finished_at, error"
)


def _refund(row: asyncpg.Record | None) -> StarRefund | None:
    return StarRefund(**dict(row)) if row else None


RefundDone = Callable[[Connection, str], Awaitable[object]]
"""Told in the refund's own transaction, with the top-up's charge id, that it was refunded."""


class StarRefunds:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.on_done: list[RefundDone] = []

    async def payment(self, payment_id: int) -> StarPayment | None:
        row = await self.pool.fetchrow(
            "SELECT id, user_id, charge_id, total_amount, credited_kopecks, status, created_at"
            " FROM payments WHERE id = $1 AND provider = 'stars'",
            payment_id,
        )
        if row is None:
            return None
        refund = await self.pool.fetchrow(
            f"SELECT {_REFUND} FROM star_refunds WHERE payment_id = $1 ORDER BY id DESC LIMIT 1", payment_id
        )
        return _payment(row, _refund(refund))

    async def payments_of(self, user_id: int, limit: int = 100) -> list[StarPayment]:
        """The user's Stars top-ups, newest first, each with its latest refund."""
        rows = await self.pool.fetch(
            "SELECT p.id, p.user_id, p.charge_id, p.total_amount, p.credited_kopecks, p.status,"
            " p.created_at, r.id AS r_id FROM payments p"
            " LEFT JOIN LATERAL (SELECT id FROM star_refunds WHERE payment_id = p.id"
            "   ORDER BY id DESC LIMIT 1) r ON true"
            " WHERE p.user_id = $1 AND p.provider = 'stars' ORDER BY p.id DESC LIMIT $2",
            user_id,
            limit,
        )
        ids = [r["r_id"] for r in rows if r["r_id"] is not None]
        refunds = {
            r["id"]: StarRefund(**dict(r))
            for r in await self.pool.fetch(f"SELECT {_REFUND} FROM star_refunds WHERE id = ANY($1)", ids)
        }
        return [_payment(r, refunds.get(r["r_id"])) for r in rows]

    async def get(self, refund_id: int) -> StarRefund | None:
        return _refund(
            await self.pool.fetchrow(f"SELECT {_REFUND} FROM star_refunds WHERE id = $1", refund_id)
        )

    async def pending(self) -> list[StarRefund]:
        """Refunds Telegram's answer to which is not known (for a retry)."""
        rows = await self.pool.fetch(
            f"SELECT {_REFUND} FROM star_refunds WHERE status = 'pending' ORDER BY id"
        )
        return [StarRefund(**dict(r)) for r in rows]

    async def begin(self, payment_id: int, admin_id: int) -> tuple[StarRefund, int]:
        """Record a pending refund and take the top-up back, in one transaction.

        Returns the refund and the balance before it. A refund of this payment already
        ``pending`` (a crash or a timeout before Telegram's answer was recorded) is returned
        as it is, to be asked again; one ``done`` is refused (``already_refunded``)."""
        payment = await self.pool.fetchrow(
            "SELECT id, user_id, charge_id, total_amount, credited_kopecks, status FROM payments"
            " WHERE id = $1 AND provider = 'stars'",
            payment_id,
        )
        if payment is None:
            raise RefundRefused("payment_not_found")
        if payment["status"] != "credited":
            raise RefundRefused("not_credited")
        user_id, kopecks = payment["user_id"], payment["credited_kopecks"]
        async with transaction(self.pool, None) as c:
            balance = await lock_wallet(c, user_id)  # lock order: the wallet, then the refund
            live = _refund(
                await c.fetchrow(
                    f"SELECT {_REFUND} FROM star_refunds WHERE payment_id = $1 AND status <> 'failed'"
                    " FOR UPDATE",
                    payment_id,
                )
            )
            if live is not None and live.status is RefundStatus.PENDING:
                return live, balance + live.kopecks
            if live is not None:
                raise RefundRefused("already_refunded", by=live.requested_by, at=live.finished_at)
            if balance < kopecks:
                raise RefundRefused("not_covered", balance=balance, amount=kopecks)
            row = await c.fetchrow(
                "INSERT INTO star_refunds (payment_id, user_id, charge_id, stars, kopecks, requested_by)"
                f" VALUES ($1, $2, $3, $4, $5, $6) RETURNING {_REFUND}",
                payment_id,
                user_id,
                payment["charge_id"],
                payment["total_amount"],
                kopecks,
                admin_id,
            )
            assert row is not None  # INSERT … RETURNING gives the row
            refund = StarRefund(**dict(row))
            if not await post(
                c,
                user_id,
                -kopecks,
                REFUND_KIND,
                f"{REFUND_KIND}:{refund.id}",
                payment_ref=refund.charge_id,
                note=f"⭐ {refund.stars}",
            ):
                raise LedgerInconsistency(f"star refund {refund.id}: key already used")
            await _audit(c, admin_id, "stars.refund", refund, str(balance), str(balance - kopecks), "pending")
        return refund, balance

    async def finish(self, refund_id: int, admin_id: int) -> bool:
        """Telegram refunded it: ``done``, audited. True once; False if finished before."""
        async with transaction(self.pool, None) as c:
            row = await c.fetchrow(
                "UPDATE star_refunds SET status = 'done', finished_at = now()"
                f" WHERE id = $1 AND status = 'pending' RETURNING {_REFUND}",
                refund_id,
            )
            if row is None:
                return False
            refund = StarRefund(**dict(row))
            await _audit(c, admin_id, "stars.refund_done", refund, "pending", "done", f"⭐ {refund.stars}")
            for undo in self.on_done:  # e.g. the referral reward this top-up paid (plugins/growth)
                await undo(c, refund.charge_id)
        return True

    async def fail(self, refund_id: int, error: str, admin_id: int) -> bool:
        """Telegram refused it: ``failed``, and the money goes back to the balance, once."""
        refund = await self.get(refund_id)
        if refund is None:
            return False
        async with transaction(self.pool, None) as c:
            balance = await lock_wallet(c, refund.user_id)
            failed = await c.fetchval(
                "UPDATE star_refunds SET status = 'failed', finished_at = now(), error = $2"
                " WHERE id = $1 AND status = 'pending' RETURNING true",
                refund_id,
                error[:500],
            )
            if not failed:
                return False
            if not await post(
                c,
                refund.user_id,
                refund.kopecks,
                UNDO_KIND,
                f"{UNDO_KIND}:{refund.id}",
                payment_ref=refund.charge_id,
                note=f"⭐ {refund.stars}",
            ):
                raise LedgerInconsistency(f"star refund {refund.id}: undone before")
            await _audit(
                c, admin_id, "stars.refund_failed", refund, str(balance), str(balance + refund.kopecks), error
            )
        return True


def _payment(row: asyncpg.Record, refund: StarRefund | None) -> StarPayment:
    return StarPayment(
        id=row["id"],
        user_id=row["user_id"],
        charge_id=row["charge_id"],
        stars=row["total_amount"],
        kopecks=row["credited_kopecks"],
        status=row["status"],
        created_at=row["created_at"],
        refund=refund,
    )


async def _audit(
    conn: Connection, admin_id: int, action: str, refund: StarRefund, old: str, new: str, note: str
) -> None:
    await conn.execute(
        "INSERT INTO admin_audit (admin_id, action, target_user, subject, old_value, new_value, note)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        admin_id,
        action,
        refund.user_id,
        refund.charge_id,
        old,
        new,
        note[:500],
    )
