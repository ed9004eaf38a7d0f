"""Generation money, keyed by the job id: reserve before submitting, then capture on success
or release on failure — each at most once, whatever retries or crashes happen between them.

Each step is one transaction (reserve and capture a single statement each; joined to the
caller's transaction when given ``conn``), so a crash leaves it wholly done or not at all, and
re-running it converges: a second reserve returns the existing hold, a second capture or
release (or one after the other) changes nothing and answers False.

Capture writes no ledger row: the money already left the balance when it was reserved (ledger
``hold:<job>``), so capturing changes no balance; the hold row itself records the move
(``state``, ``settled_at``) and a trigger lets it move only once. The ledger stays a record
of money movements only (no zero rows), and capture stays a single UPDATE.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import asyncpg
from pydantic import ConfigDict

from engine.plugin import PluginModel
from engine.storage.connection import Connection
from plugins.wallet.db import lock_wallet, transaction
from plugins.wallet.errors import HoldConflict, InsufficientFunds, LedgerInconsistency
from plugins.wallet.ledger import Kind


class HoldState(StrEnum):
    HELD = "held"
    CAPTURED = "captured"
    RELEASED = "released"


class Hold(PluginModel):
    model_config = ConfigDict(frozen=True)

    job_id: str
    user_id: int
    amount: int
    state: HoldState
    reason: str | None = None
    created_at: datetime
    settled_at: datetime | None = None
    #: True only on the reserve call that created it
    is_new: bool = False


_FIELDS = ("job_id", "user_id", "amount", "state", "reason", "created_at", "settled_at")
_COLUMNS = ", ".join(_FIELDS)

# One statement, so one round trip and its own atomic transaction: lock the wallet (the lock
# returns the latest balance even after waiting for another reserve), then write the hold and
# its ledger row only if the balance covers it and the job is new; the ledger trigger moves
# the balance. wallet_assert aborts the whole statement if the hold and the ledger row did not
# come together. Nothing written means a duplicate or a short balance: the caller reads the
# hold with a fresh statement to tell which.
_RESERVE = f"""
WITH w AS (
    SELECT balance FROM wallets WHERE user_id = $2::bigint FOR UPDATE
), h AS (
    INSERT INTO holds (job_id, user_id, amount)
    SELECT $1::text, $2::bigint, $3::bigint FROM w WHERE w.balance >= $3::bigint
    ON CONFLICT (job_id) DO NOTHING
    RETURNING {_COLUMNS}
), l AS (
    INSERT INTO ledger (user_id, amount, kind, idempotency_key, job_id, note)
    SELECT h.user_id, -h.amount, '{Kind.HOLD}', 'hold:' || h.job_id, h.job_id, $4::text FROM h
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
)
SELECT (SELECT balance FROM w) AS balance, h.*,
       wallet_assert((SELECT count(*) FROM h) = (SELECT count(*) FROM l),
                     'hold ' || $1::text || ' without its ledger row') AS consistent
FROM (VALUES (1)) AS one LEFT JOIN h ON true
"""

_RELEASE = f"""
WITH r AS (
    UPDATE holds SET state = 'released', settled_at = now(), reason = $2
    WHERE job_id = $1 AND state = 'held'
    RETURNING user_id, amount
), l AS (
    INSERT INTO ledger (user_id, amount, kind, idempotency_key, job_id, note)
    SELECT r.user_id, r.amount, '{Kind.RELEASE}', 'release:' || $1, $1, '' FROM r
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
)
SELECT (SELECT count(*) FROM r) AS released, (SELECT count(*) FROM l) AS posted
"""


def _check_job(job_id: object) -> None:
    # ``object``, as ``_check_amount``: for callers whose types nobody checked
    if not isinstance(job_id, str) or not 1 <= len(job_id) <= 160:
        raise ValueError(f"a job id is a 1–160 character string, got {job_id!r}")


def _check_amount(amount: object) -> None:
    # ``object``: this guards callers whose types nobody checked (money is never a float or bool)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"a hold is a positive int of kopecks, got {amount!r}")


class Holds:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def get(self, job_id: str, conn: Connection | None = None) -> Hold | None:
        db = conn or self.pool
        row = await db.fetchrow(f"SELECT {_COLUMNS} FROM holds WHERE job_id = $1", job_id)
        return Hold(**dict(row)) if row else None

    async def reserve(
        self,
        user_id: int,
        job_id: str,
        amount: int,
        *,
        note: str = "",
        conn: Connection | None = None,
    ) -> Hold:
        """Reserve ``amount`` kopecks for ``job_id``; the existing hold if it was reserved before.

        ``InsufficientFunds`` (with the balance) if short; ``HoldConflict`` if the job id is
        another user's. A returned hold may be settled already: only ``state == HELD`` pays for
        submitting the job.
        """
        _check_job(job_id)
        _check_amount(amount)
        db = conn or self.pool
        row = await db.fetchrow(_RESERVE, job_id, user_id, amount, note)
        assert row is not None  # one row whatever was written: FROM (VALUES (1)) LEFT JOIN
        if row["job_id"] is not None:
            return Hold(**{k: row[k] for k in _FIELDS}, is_new=True)
        existing = await self.get(job_id, conn)
        if existing is None:
            balance = row["balance"] or 0  # no wallet row: nothing was ever credited
            if balance >= amount:  # pragma: no cover - a conflict row cannot vanish
                raise LedgerInconsistency(f"hold {job_id}: not written, yet none exists")
            raise InsufficientFunds(balance, amount)
        if existing.user_id != user_id:
            raise HoldConflict(f"job {job_id} is reserved for user {existing.user_id}")
        return existing

    async def capture(self, job_id: str, conn: Connection | None = None) -> bool:
        """held → captured: True once; False if missing, captured or released already."""
        db = conn or self.pool
        return (
            await db.fetchval(
                "UPDATE holds SET state = 'captured', settled_at = now()"
                " WHERE job_id = $1 AND state = 'held' RETURNING true",
                job_id,
            )
            is not None
        )

    async def release(self, job_id: str, reason: str = "", conn: Connection | None = None) -> bool:
        """held → released, the amount back with ledger ``release:<job>``: True once; False if
        missing, released or captured already."""
        async with transaction(self.pool, conn) as c:
            user_id = await c.fetchval("SELECT user_id FROM holds WHERE job_id = $1", job_id)
            if user_id is None:
                return False
            await lock_wallet(c, user_id)
            row = await c.fetchrow(_RELEASE, job_id, reason)
            assert row is not None  # a SELECT without FROM: always one row
            if row["released"] == 0:
                return False
            if row["posted"] != 1:
                raise LedgerInconsistency(f"hold {job_id}: release key already used")
            return True

    async def open_holds(self, user_id: int) -> list[Hold]:
        rows = await self.pool.fetch(
            f"SELECT {_COLUMNS} FROM holds WHERE user_id = $1 AND state = 'held' ORDER BY created_at", user_id
        )
        return [Hold(**dict(r)) for r in rows]
