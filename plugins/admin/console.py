"""What an admin changes, each change and its audit row in one transaction: balance
adjustments and refunds (only through the wallet's ledger), blocks, roles."""

from __future__ import annotations

import asyncpg

from plugins.admin import audit
from plugins.admin.roles import Role, RoleBook
from plugins.admin.users import Directory
from plugins.wallet.db import lock_wallet
from plugins.wallet.errors import InsufficientFunds
from plugins.wallet.ledger import Kind
from plugins.wallet.service import Wallet

#: ledger kinds of the console's own entries
ADJUSTMENT = Kind.ADMIN_ADJUSTMENT
REFUND = Kind.REFUND


class Refused(Exception):
    """The change cannot be made; ``reason`` names why (a locale key's last part)."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


class Console:
    def __init__(self, pool: asyncpg.Pool, wallet: Wallet, roles: RoleBook, directory: Directory) -> None:
        self.pool = pool
        self.wallet = wallet
        self.roles = roles
        self.directory = directory

    async def adjust(
        self, admin_id: int, user_id: int, amount: int, reason: str, nonce: str
    ) -> tuple[int, int]:
        """Move the balance by ``amount`` kopecks (either sign) as a ledger entry of its own
        kind, once per ``nonce``; returns the balance before and after."""
        if amount == 0:
            raise Refused("zero_amount")
        key = f"{ADJUSTMENT}:{nonce}"
        async with self.pool.acquire() as conn, conn.transaction():
            before = await lock_wallet(conn, user_id)
            try:
                if amount > 0:
                    done = await self.wallet.credit(user_id, amount, ADJUSTMENT, key, note=reason, conn=conn)
                else:
                    done = await self.wallet.debit(user_id, -amount, ADJUSTMENT, key, note=reason, conn=conn)
            except InsufficientFunds:
                raise Refused("insufficient", balance=before) from None
            if not done:
                raise Refused("already_done")
            after = await self.wallet.balance(user_id, conn)
            await audit.record(
                conn,
                admin_id,
                "balance.adjust",
                target_user=user_id,
                subject=key,
                old=str(before),
                new=str(after),
                note=reason,
            )
        return before, after

    async def refund(self, admin_id: int, job_id: str) -> tuple[int, int]:
        """Give back what a job was charged, once; returns (user, kopecks)."""
        job = await self.directory.job(job_id)
        if job is None:
            raise Refused("job_not_found")
        if job.free or job.price <= 0 or job.hold_state != "captured":
            raise Refused("not_charged")
        async with self.pool.acquire() as conn, conn.transaction():
            await lock_wallet(conn, job.user_id)
            done = await self.wallet.credit(
                job.user_id, job.price, REFUND, f"refund:{job.id}", note=job.model, job_id=job.id, conn=conn
            )
            if not done:
                raise Refused("already_refunded")
            await audit.record(
                conn,
                admin_id,
                "job.refund",
                target_user=job.user_id,
                subject=job.id,
                new=str(job.price),
                note=job.model,
            )
        return job.user_id, job.price

    async def set_blocked(self, admin_id: int, user_id: int, blocked: bool, reason: str = "") -> bool:
        """Block or unblock; True if it changed anything (a repeat is not audited)."""
        if blocked and self.roles.role_of(user_id) is not None:
            raise Refused("cannot_block_staff")
        async with self.pool.acquire() as conn, conn.transaction():
            if blocked:
                changed = await conn.fetchval(
                    "INSERT INTO user_blocks (user_id, blocked_by, reason) VALUES ($1, $2, $3)"
                    " ON CONFLICT (user_id) DO NOTHING RETURNING 1",
                    user_id,
                    admin_id,
                    reason,
                )
            else:
                changed = await conn.fetchval(
                    "DELETE FROM user_blocks WHERE user_id = $1 RETURNING 1", user_id
                )
            if changed:
                await audit.record(
                    conn,
                    admin_id,
                    "user.block" if blocked else "user.unblock",
                    target_user=user_id,
                    old=str(not blocked).lower(),
                    new=str(blocked).lower(),
                    note=reason,
                )
        return bool(changed)

    async def grant(self, owner_id: int, user_id: int, role: Role) -> None:
        if role is Role.OWNER or user_id in self.roles.owners:
            raise Refused("owner_is_configured")
        async with self.pool.acquire() as conn, conn.transaction():
            before = await self.roles.grant(conn, user_id, role, owner_id)
            await audit.record(
                conn,
                owner_id,
                "role.grant",
                target_user=user_id,
                old=before.value if before else None,
                new=role.value,
            )
        self.roles.changed(user_id, role)

    async def revoke(self, owner_id: int, user_id: int) -> None:
        if user_id in self.roles.owners:
            raise Refused("owner_is_configured")
        async with self.pool.acquire() as conn, conn.transaction():
            before = await self.roles.revoke(conn, user_id)
            if before is not None:
                await audit.record(
                    conn, owner_id, "role.revoke", target_user=user_id, old=before.value, new=None
                )
        self.roles.changed(user_id, None)

    async def note_message(self, admin_id: int, user_id: int, text: str) -> None:
        await audit.record(self.pool, admin_id, "user.message", target_user=user_id, new=text[:1000])
