"""Referrals in the database: tying once (new users only, no self or loop), the reward paid by
the ledger trigger with the first qualifying top-up whatever path credits it, exactly once
under retries and concurrency, the cap, and the reversal of a refunded top-up."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from plugins.growth.referrals import Referrals, Tie, reverse_referral_for_topup
from plugins.wallet import Wallet
from plugins.wallet.settings import WalletSettings

A, B, C = 1, 2, 3


async def seen(pool: asyncpg.Pool, user: int) -> None:
    await pool.execute("INSERT INTO users (user_id) VALUES ($1) ON CONFLICT DO NOTHING", user)


async def topup(wallet: Wallet, user: int, kopecks: int, ref: str) -> bool:
    return await wallet.credit(user, kopecks, "topup_receipt", f"receipt:{ref}", payment_ref=f"receipt:{ref}")


async def books(pool: asyncpg.Pool, user: int) -> int:
    total = await pool.fetchval("SELECT coalesce(sum(amount), 0) FROM ledger WHERE user_id = $1", user)
    assert total == await Wallet(pool).balance(user)
    return int(total)


async def test_tied_once_only_on_a_first_visit(pool: asyncpg.Pool) -> None:
    refs = Referrals(pool)
    code_a = await refs.code(A)
    assert await refs.code(A) == code_a
    assert await refs.tie(B, "nosuch", first_visit=True) is Tie.UNKNOWN
    assert await refs.tie(A, code_a, first_visit=True) is Tie.SELF
    assert await refs.tie(B, code_a, first_visit=False) is Tie.EXISTING
    await seen(pool, C)  # known to the bot already, even if this were its first session
    assert await refs.tie(C, code_a, first_visit=True) is Tie.EXISTING
    assert await refs.tie(B, code_a, first_visit=True) is Tie.TIED
    assert await refs.tie(B, code_a, first_visit=True) is Tie.EXISTING
    code_b = await refs.code(B)
    assert await refs.tie(A, code_b, first_visit=True) is Tie.LOOP
    with pytest.raises(asyncpg.RaiseError):  # the database keeps a referrer as it was tied
        await pool.execute("UPDATE growth_users SET referrer_id = $2 WHERE user_id = $1", B, C)


async def test_the_reward_follows_the_first_qualifying_top_up_once(pool: asyncpg.Pool) -> None:
    refs, wallet = Referrals(pool), Wallet(pool)
    await refs.tie(B, await refs.code(A), first_visit=True)
    await topup(wallet, B, 5_000, "small")  # below the 100 ₽ minimum
    assert await books(pool, A) == 0
    # the same top-up delivered three times at once: one credit, one reward
    await asyncio.gather(*(topup(wallet, B, 20_000, "big") for _ in range(3)))
    assert await books(pool, B) == 25_000
    assert await books(pool, A) == 2_000
    await topup(wallet, B, 50_000, "later")
    assert await books(pool, A) == 2_000
    stats = await refs.stats(A)
    assert (stats.invited, stats.paying, stats.earned_kopecks) == (1, 1, 2_000)
    await wallet.credit(B, 90_000, "adjustment", "adj:1")  # not a top-up: nothing
    assert await books(pool, A) == 2_000


async def test_the_monthly_cap_under_concurrent_top_ups(pool: asyncpg.Pool) -> None:
    refs, wallet = Referrals(pool), Wallet(pool)
    await wallet.set_setting("referral_monthly_cap_kopecks", "2500", 99)
    code = await refs.code(A)
    invitees = list(range(10, 20))
    for user in invitees:
        await refs.tie(user, code, first_visit=True)
    await asyncio.gather(*(topup(wallet, u, 10_000, str(u)) for u in invitees))  # 10 ₽ each
    assert await books(pool, A) == 2_500
    assert await pool.fetchval("SELECT count(*) FROM growth_rewards") == 10


async def test_a_fixed_reward_and_the_reversal(pool: asyncpg.Pool) -> None:
    refs, wallet = Referrals(pool), Wallet(pool)
    await wallet.set_setting("referral_fixed_kopecks", "3000", 99)
    await refs.tie(B, await refs.code(A), first_visit=True)
    await topup(wallet, B, 10_000, "r1")
    assert await books(pool, A) == 3_000
    await wallet.debit(A, 2_000, "adjustment", "spent")
    assert await reverse_referral_for_topup(None, "receipt:nosuch", pool=pool) is None
    reversal = await reverse_referral_for_topup(None, "receipt:r1", pool=pool)
    assert reversal is not None
    assert (reversal.taken_kopecks, reversal.unrecovered_kopecks) == (1_000, 2_000)
    assert await books(pool, A) == 0
    assert await reverse_referral_for_topup(None, "receipt:r1", pool=pool) is None
    assert (await refs.stats(A)).earned_kopecks == 2_000  # 3 000 paid, 1 000 taken back


async def test_the_triggers_defaults_are_the_settings_defaults(pool: asyncpg.Pool) -> None:
    defaults = WalletSettings()
    for key in (
        "referral_percent",
        "referral_fixed_kopecks",
        "referral_min_topup_kopecks",
        "referral_monthly_cap_kopecks",
    ):
        source = await pool.fetchval("SELECT prosrc FROM pg_proc WHERE proname = 'growth_on_topup'")
        assert f"growth_setting('{key}', {getattr(defaults, key)})" in source
