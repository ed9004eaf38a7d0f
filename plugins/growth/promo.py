"""Promo codes: created and disabled by admins (audited), redeemed by users atomically.

A redemption locks the user's wallet, then the code's row (``FOR UPDATE``): two redemptions of
one code are counted one after another, so ``used`` never passes ``max_uses`` (a CHECK makes
sure), and the unique (code, user) row makes a second try by the same user — from another
device at the same moment — count once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import asyncpg
from pydantic import ConfigDict

from engine.plugin import ActionError, PluginModel
from plugins.admin import audit
from plugins.wallet.db import lock_wallet
from plugins.wallet.ledger import Kind, post

KIND_PROMO = Kind.PROMO


class PromoKind(StrEnum):
    BONUS = "bonus"
    TOPUP_PERCENT = "topup_percent"
    FREE_RUNS = "free_runs"


class PromoSpec(PluginModel):
    """A new code as an admin described it (``spec.parse_spec``)."""

    model_config = ConfigDict(frozen=True)

    code: str
    kind: PromoKind
    amount_kopecks: int = 0
    percent: int = 0
    cap_kopecks: int = 0
    model: str | None = None
    runs: int = 0
    max_uses: int
    expires_at: datetime
    new_users_only: bool = False


class PromoCode(PromoSpec):
    used: int
    disabled: bool
    created_at: datetime
    cost_kopecks: int = 0  # what its redemptions cost us so far


class Redeemed(PluginModel):
    model_config = ConfigDict(frozen=True)

    code: str
    kind: PromoKind
    amount_kopecks: int
    percent: int
    cap_kopecks: int
    model: str | None
    runs: int


class RedemptionRow(PluginModel):
    model_config = ConfigDict(frozen=True)

    user_id: int
    created_at: datetime
    bonus_kopecks: int
    runs_left: int
    applied: bool


_COST = """
coalesce((SELECT sum(r.bonus_kopecks) FROM promo_redemptions r WHERE r.code = c.code), 0)
+ coalesce((SELECT sum(u.kopecks) FROM promo_run_uses u JOIN promo_redemptions r ON r.id = u.redemption_id
            WHERE r.code = c.code AND u.returned_at IS NULL), 0)
"""
_SELECT = (
    "SELECT c.code, c.kind, c.amount_kopecks, c.percent, c.cap_kopecks, c.model, c.runs, c.max_uses,"
    f" c.expires_at, c.new_users_only, c.used, c.disabled_at IS NOT NULL AS disabled, c.created_at,"
    f" ({_COST}) AS cost_kopecks FROM promo_codes c"
)


class PromoCodes:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    # ------------------------------------------------------------------------- admins
    async def create(self, admin_id: int, spec: PromoSpec) -> PromoCode:
        async with self.pool.acquire() as conn, conn.transaction():
            inserted = await conn.fetchval(
                "INSERT INTO promo_codes (code, kind, amount_kopecks, percent, cap_kopecks, model, runs,"
                " max_uses, expires_at, new_users_only, created_by)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (code) DO NOTHING"
                " RETURNING true",
                spec.code,
                spec.kind.value,
                spec.amount_kopecks,
                spec.percent,
                spec.cap_kopecks,
                spec.model,
                spec.runs,
                spec.max_uses,
                spec.expires_at,
                spec.new_users_only,
                admin_id,
            )
            if not inserted:
                raise ActionError("growth.admin.code_taken", code=spec.code)
            await audit.record(
                conn, admin_id, "promo_create", subject=spec.code, new=spec.model_dump_json(exclude={"code"})
            )
        found = await self.get(spec.code)
        assert found is not None
        return found

    async def disable(self, admin_id: int, code: str) -> PromoCode:
        async with self.pool.acquire() as conn, conn.transaction():
            changed = await conn.fetchval(
                "UPDATE promo_codes SET disabled_at = now() WHERE code = $1 AND disabled_at IS NULL"
                " RETURNING true",
                code,
            )
            if changed:
                await audit.record(
                    conn, admin_id, "promo_disable", subject=code, old="active", new="disabled"
                )
        found = await self.get(code)
        if found is None:
            raise ActionError("growth.promo.unknown")
        return found

    async def get(self, code: str) -> PromoCode | None:
        row = await self.pool.fetchrow(f"{_SELECT} WHERE c.code = $1", code)
        return PromoCode(**dict(row)) if row else None

    async def all(self, limit: int = 100) -> list[PromoCode]:
        rows = await self.pool.fetch(f"{_SELECT} ORDER BY c.created_at DESC LIMIT $1", limit)
        return [PromoCode(**dict(r)) for r in rows]

    async def redemptions(self, code: str, limit: int = 20) -> list[RedemptionRow]:
        rows = await self.pool.fetch(
            "SELECT user_id, created_at, bonus_kopecks, runs_left, applied_at IS NOT NULL AS applied"
            " FROM promo_redemptions WHERE code = $1 ORDER BY id DESC LIMIT $2",
            code,
            limit,
        )
        return [RedemptionRow(**dict(r)) for r in rows]

    # -------------------------------------------------------------------------- users
    async def redeem(self, user_id: int, code: str) -> Redeemed:
        """Use ``code`` once for ``user_id``; ``ActionError`` says why not (nothing changed)."""
        code = code.strip().upper()
        async with self.pool.acquire() as conn, conn.transaction():
            await lock_wallet(conn, user_id)  # the wallet first, as every money operation
            row = await conn.fetchrow(
                "SELECT c.*, c.expires_at <= now() AS expired,"
                " (SELECT created_at FROM users WHERE user_id = $2) AS user_since"
                " FROM promo_codes c WHERE c.code = $1 FOR UPDATE",
                code,
                user_id,
            )
            if row is None:
                raise ActionError("growth.promo.unknown")
            if row["disabled_at"] is not None:
                raise ActionError("growth.promo.disabled")
            if row["expired"]:
                raise ActionError("growth.promo.expired")
            if await conn.fetchval(
                "SELECT 1 FROM promo_redemptions WHERE code = $1 AND user_id = $2", code, user_id
            ):
                raise ActionError("growth.promo.already")
            since = row["user_since"]
            if row["new_users_only"] and since is not None and since < row["created_at"]:
                raise ActionError("growth.promo.not_new")
            if row["used"] >= row["max_uses"]:
                raise ActionError("growth.promo.used_up")
            kind = PromoKind(row["kind"])
            bonus = row["amount_kopecks"] if kind is PromoKind.BONUS else 0
            await conn.execute("UPDATE promo_codes SET used = used + 1 WHERE code = $1", code)
            redemption = await conn.fetchval(
                "INSERT INTO promo_redemptions (code, user_id, bonus_kopecks, runs_left)"
                " VALUES ($1, $2, $3, $4) RETURNING id",
                code,
                user_id,
                bonus,
                row["runs"] if kind is PromoKind.FREE_RUNS else 0,
            )
            if bonus:
                await post(conn, user_id, bonus, KIND_PROMO, f"promo:{redemption}", note=f"promo {code}")
        return Redeemed(
            code=code,
            kind=kind,
            amount_kopecks=row["amount_kopecks"],
            percent=row["percent"],
            cap_kopecks=row["cap_kopecks"],
            model=row["model"],
            runs=row["runs"],
        )
