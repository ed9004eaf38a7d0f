"""Promo codes in the database: created and disabled with an audit row, redeemed once per
user and never past the limit, refusals changing nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from engine.plugin import ActionError
from plugins.growth.promo import PromoCodes, PromoKind, PromoSpec
from plugins.wallet import Wallet

ADMIN = 99
LATER = datetime.now(UTC) + timedelta(days=1)


def bonus(code: str, uses: int = 5, **more: object) -> PromoSpec:
    return PromoSpec(
        code=code, kind=PromoKind.BONUS, amount_kopecks=1_000, max_uses=uses, expires_at=LATER, **more
    )


async def refused(codes: PromoCodes, user: int, code: str) -> str:
    with pytest.raises(ActionError) as err:
        await codes.redeem(user, code)
    return err.value.text_key


async def test_create_disable_and_audit(pool: asyncpg.Pool) -> None:
    codes = PromoCodes(pool)
    created = await codes.create(ADMIN, bonus("GIFT"))
    assert (created.used, created.disabled, created.cost_kopecks) == (0, False, 0)
    with pytest.raises(ActionError) as taken:
        await codes.create(ADMIN, bonus("GIFT"))
    assert taken.value.text_key == "growth.admin.code_taken"
    await codes.redeem(1, "gift")
    assert (await codes.disable(ADMIN, "GIFT")).disabled
    await codes.disable(ADMIN, "GIFT")  # again: nothing more to audit
    assert await refused(codes, 2, "GIFT") == "growth.promo.disabled"
    rows = await pool.fetch("SELECT action, subject FROM admin_audit ORDER BY id")
    assert [(r["action"], r["subject"]) for r in rows] == [
        ("promo_create", "GIFT"),
        ("promo_disable", "GIFT"),
    ]
    assert (await codes.get("GIFT")).cost_kopecks == 1_000  # type: ignore[union-attr]
    assert [r.user_id for r in await codes.redemptions("GIFT")] == [1]


async def test_refusals_change_nothing(pool: asyncpg.Pool) -> None:
    codes, wallet = PromoCodes(pool), Wallet(pool)
    await codes.create(ADMIN, bonus("ONE", uses=1))
    await codes.create(
        ADMIN, bonus("GONE").model_copy(update={"expires_at": datetime.now(UTC) - timedelta(1)})
    )
    await codes.redeem(1, "ONE")
    assert await refused(codes, 1, "ONE") == "growth.promo.already"
    assert await refused(codes, 2, "ONE") == "growth.promo.used_up"
    assert await refused(codes, 2, "GONE") == "growth.promo.expired"
    assert await refused(codes, 2, "NOPE") == "growth.promo.unknown"
    assert await wallet.balance(1) == 1_000 and await wallet.balance(2) == 0
    assert await pool.fetchval("SELECT count(*) FROM promo_redemptions") == 1


async def test_new_users_only(pool: asyncpg.Pool) -> None:
    codes = PromoCodes(pool)
    await pool.execute("INSERT INTO users (user_id) VALUES (1)")
    await codes.create(ADMIN, bonus("FRESH", new_users_only=True))
    await pool.execute("INSERT INTO users (user_id) VALUES (2)")
    assert await refused(codes, 1, "FRESH") == "growth.promo.not_new"
    await codes.redeem(2, "FRESH")  # came after the code
    await codes.redeem(3, "FRESH")  # not even recorded yet: their very first message


async def test_the_limit_holds_under_concurrency(pool: asyncpg.Pool) -> None:
    codes = PromoCodes(pool)
    await codes.create(ADMIN, bonus("RUSH", uses=4))
    outcomes = await asyncio.gather(
        *(codes.redeem(u, "RUSH") for u in range(100, 130)), return_exceptions=True
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 4
    assert all(isinstance(o, ActionError) for o in outcomes if isinstance(o, BaseException))
    assert await pool.fetchval("SELECT used FROM promo_codes WHERE code = 'RUSH'") == 4
    assert await pool.fetchval("SELECT sum(amount) FROM ledger WHERE kind = 'promo'") == 4_000
    with pytest.raises(asyncpg.CheckViolationError):  # the database itself never lets it pass
        await pool.execute("UPDATE promo_codes SET used = 5 WHERE code = 'RUSH'")


async def test_a_percentage_applies_to_the_next_top_up_only(pool: asyncpg.Pool) -> None:
    codes, wallet = PromoCodes(pool), Wallet(pool)
    spec = PromoSpec(
        code="PLUS", kind=PromoKind.TOPUP_PERCENT, percent=10, cap_kopecks=500, max_uses=5, expires_at=LATER
    )
    await codes.create(ADMIN, spec)
    await codes.redeem(1, "PLUS")
    await wallet.credit(1, 3_000, "adjustment", "adj")  # not a top-up
    await wallet.credit(1, 3_000, "topup_receipt", "receipt:1", payment_ref="receipt:1")
    await wallet.credit(1, 9_000, "topup_receipt", "receipt:2", payment_ref="receipt:2")
    assert await wallet.balance(1) == 3_000 + 3_000 + 300 + 9_000
    assert (await codes.get("PLUS")).cost_kopecks == 300  # type: ignore[union-attr]
