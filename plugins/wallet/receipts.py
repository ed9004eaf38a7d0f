"""Manual top-up: a user sends a payment receipt with the amount, an admin approves or rejects
it. Nothing is credited without an approval; a receipt is decided once, and each decision is
audited in the same transaction as its effect."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum
from typing import Literal

import asyncpg
from pydantic import ConfigDict

from engine.plugin import PluginModel
from engine.storage.connection import Connection
from plugins.wallet.db import lock_wallet, transaction
from plugins.wallet.errors import LedgerInconsistency, ReceiptRefused
from plugins.wallet.ledger import Kind, post
from plugins.wallet.settings import SettingsStore

log = logging.getLogger(__name__)

#: more unanswered receipts than this per user are refused (keeps the admin queue usable)
MAX_PENDING_PER_USER = 3

ReceiptKind = Literal["photo", "document"]


class ReceiptStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Receipt(PluginModel):
    model_config = ConfigDict(frozen=True)

    id: int
    user_id: int
    amount_kopecks: int
    file_id: str
    file_kind: ReceiptKind
    status: ReceiptStatus
    decided_by: int | None
    decided_at: datetime | None
    reason: str
    created_at: datetime
    #: what was credited (approved only): the claim, or the amount an admin corrected it to
    credited_kopecks: int | None = None


_COLUMNS = (
    "id, user_id, amount_kopecks, file_id, file_kind, status, decided_by, decided_at, reason, created_at,"
    " credited_kopecks"
)


class Receipts:
    def __init__(self, pool: asyncpg.Pool, settings: SettingsStore) -> None:
        self.pool = pool
        self.settings = settings

    async def check_amount(self, amount_kopecks: int) -> None:
        """``ReceiptRefused`` if the amount is outside the top-up bounds: asked as soon as the
        user types it, so nobody uploads a receipt only to be refused for its amount."""
        limits = await self.settings.get()
        if isinstance(amount_kopecks, bool) or not isinstance(amount_kopecks, int):
            raise TypeError("amount_kopecks must be an int")
        if not limits.topup_min_kopecks <= amount_kopecks <= limits.topup_max_kopecks:
            raise ReceiptRefused(
                "amount_out_of_range", min=limits.topup_min_kopecks, max=limits.topup_max_kopecks
            )

    async def submit(self, user_id: int, amount_kopecks: int, file_id: str, kind: ReceiptKind) -> int:
        """Queue a receipt for review; its id. ``ReceiptRefused`` if out of bounds or too many."""
        await self.check_amount(amount_kopecks)
        if kind not in ("photo", "document") or not file_id:
            raise ValueError("a receipt is a photo or a document with a file id")
        async with transaction(self.pool, None) as c:
            await lock_wallet(c, user_id)  # serialises this user's submissions for the count
            pending = await c.fetchval(
                "SELECT count(*) FROM receipts WHERE user_id = $1 AND status = 'pending'", user_id
            )
            if pending >= MAX_PENDING_PER_USER:
                raise ReceiptRefused("too_many_pending", limit=MAX_PENDING_PER_USER)
            return int(
                await c.fetchval(
                    "INSERT INTO receipts (user_id, amount_kopecks, file_id, file_kind)"
                    " VALUES ($1, $2, $3, $4) RETURNING id",
                    user_id,
                    amount_kopecks,
                    file_id,
                    kind,
                )
            )

    async def get(self, receipt_id: int) -> Receipt | None:
        row = await self.pool.fetchrow(f"SELECT {_COLUMNS} FROM receipts WHERE id = $1", receipt_id)
        return Receipt(**dict(row)) if row else None

    async def pending(self, limit: int = 50) -> list[Receipt]:
        rows = await self.pool.fetch(
            f"SELECT {_COLUMNS} FROM receipts WHERE status = 'pending' ORDER BY id LIMIT $1", limit
        )
        return [Receipt(**dict(r)) for r in rows]

    async def decided(self, limit: int = 200) -> list[Receipt]:
        """Approved and rejected receipts, the latest decision first."""
        rows = await self.pool.fetch(
            f"SELECT {_COLUMNS} FROM receipts WHERE status <> 'pending'"
            " ORDER BY decided_at DESC, id DESC LIMIT $1",
            limit,
        )
        return [Receipt(**dict(r)) for r in rows]

    async def _decide(
        self,
        conn: Connection,
        receipt_id: int,
        admin_id: int,
        status: ReceiptStatus,
        reason: str,
        credited: int | None,
    ) -> asyncpg.Record | None:
        user_id = await conn.fetchval("SELECT user_id FROM receipts WHERE id = $1", receipt_id)
        if user_id is None:
            return None
        await lock_wallet(conn, user_id)
        # the row lock of this UPDATE makes a second decision wait, then find it decided
        row = await conn.fetchrow(
            "UPDATE receipts SET status = $2, decided_by = $3, decided_at = now(), reason = $4,"
            " credited_kopecks = CASE WHEN $2 = 'approved' THEN coalesce($5, amount_kopecks) END"
            " WHERE id = $1 AND status = 'pending' RETURNING user_id, amount_kopecks, credited_kopecks",
            receipt_id,
            status.value,
            admin_id,
            reason,
            credited,
        )
        if row is None:
            log.info(
                "receipt %s: %s by admin %s refused, already decided", receipt_id, status.value, admin_id
            )
            return None
        after = f"approved {row['credited_kopecks']}" if status is ReceiptStatus.APPROVED else "rejected"
        await conn.execute(
            "INSERT INTO wallet_audit (admin_id, action, subject, old_value, new_value, note)"
            " VALUES ($1, 'receipt', $2, $3, $4, $5)",
            admin_id,
            str(receipt_id),
            f"pending {row['amount_kopecks']}",
            after,
            reason,
        )
        return row

    async def approve(
        self,
        receipt_id: int,
        admin_id: int,
        conn: Connection | None = None,
        *,
        amount_kopecks: int | None = None,
        note: str = "",
    ) -> bool:
        """Credit a pending receipt (ledger ``receipt:<id>``): True once; False if decided.

        ``amount_kopecks`` credits what the transfer really brought when it differs from the
        claim (``note`` says why, for the audit)."""
        wrong_type = isinstance(amount_kopecks, bool) or not isinstance(amount_kopecks, int)
        if amount_kopecks is not None and (wrong_type or amount_kopecks <= 0):
            raise ValueError(f"a credited amount is a positive int of kopecks, got {amount_kopecks!r}")
        async with transaction(self.pool, conn) as c:
            row = await self._decide(c, receipt_id, admin_id, ReceiptStatus.APPROVED, note, amount_kopecks)
            if row is None:
                return False
            if not await post(
                c,
                row["user_id"],
                row["credited_kopecks"],
                Kind.TOPUP_RECEIPT,
                f"receipt:{receipt_id}",
                payment_ref=f"receipt:{receipt_id}",
            ):
                raise LedgerInconsistency(f"receipt {receipt_id}: key already used")
            return True

    async def reject(
        self, receipt_id: int, admin_id: int, reason: str = "", conn: Connection | None = None
    ) -> bool:
        """Refuse a pending receipt: True once; False if decided."""
        async with transaction(self.pool, conn) as c:
            row = await self._decide(c, receipt_id, admin_id, ReceiptStatus.REJECTED, reason, None)
            return row is not None


async def claim_notice(pool: asyncpg.Pool, key: str) -> bool:
    """True for the one caller that may send the notice ``key`` (a user is told once)."""
    return bool(
        await pool.fetchval(
            "INSERT INTO money_notices (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING true", key
        )
    )
