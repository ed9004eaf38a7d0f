import asyncio
from decimal import Decimal

import asyncpg
import pytest

from plugins.wallet import InvalidSetting, Wallet, WalletSettings
from plugins.wallet.settings import SettingsStore

ADMIN = 777


async def _audit(pool: asyncpg.Pool) -> list[tuple[int, str, str | None, str | None]]:
    rows = await pool.fetch(
        "SELECT admin_id, subject, old_value, new_value FROM wallet_audit"
        " WHERE action = 'setting' ORDER BY id"
    )
    return [(r["admin_id"], r["subject"], r["old_value"], r["new_value"]) for r in rows]


async def test_defaults_until_changed(wallet: Wallet) -> None:
    s = await wallet.get_settings()
    assert s == WalletSettings()
    assert (s.fx_rub_per_usd, s.markup, s.welcome_bonus_kopecks) == (Decimal("95.00"), Decimal("2.0"), 20_000)
    assert (s.free_models_count, s.free_hourly_limit, s.free_daily_limit) == (5, 2, 5)
    assert await wallet.price(Decimal(18)) == 1710


async def test_a_change_is_audited_and_seen_at_once(pool: asyncpg.Pool) -> None:
    wallet = Wallet(pool, settings_ttl=3600)  # a long cache must not hide a change
    assert (await wallet.get_settings()).fx_rub_per_usd == Decimal("95.00")
    updated = await wallet.set_setting("fx_rub_per_usd", "92,5", ADMIN)
    assert updated.fx_rub_per_usd == Decimal("92.5")
    assert (await wallet.get_settings()).fx_rub_per_usd == Decimal("92.5")
    assert await wallet.price(Decimal(18)) == 1665  # 0.09 × 92.5 × 2 = 16.65 ₽
    await wallet.set_setting("markup", Decimal("2.5"), ADMIN + 1)
    await wallet.set_setting("welcome_bonus_kopecks", 15000, ADMIN)
    assert await _audit(pool) == [
        (ADMIN, "fx_rub_per_usd", "95.00", "92.5"),
        (ADMIN + 1, "markup", "2.0", "2.5"),
        (ADMIN, "welcome_bonus_kopecks", "20000", "15000"),
    ]
    audit_time = await pool.fetchval("SELECT max(created_at) FROM wallet_audit")
    assert audit_time is not None
    # another instance reads the same database
    assert (await SettingsStore(pool).get()).markup == Decimal("2.5")
    # setting the same value again is not a change
    await wallet.set_setting("markup", "2.50", ADMIN)
    assert len(await _audit(pool)) == 3


INVALID = [
    ("markup", "0.5"),
    ("markup", "abc"),
    ("fx_rub_per_usd", "0"),
    ("fx_rub_per_usd", "-3"),
    ("fx_rub_per_usd", "NaN"),
    ("markup", 2.5),
    ("welcome_bonus_kopecks", "200.5"),
    ("welcome_bonus_kopecks", -1),
    ("free_hourly_limit", 6),  # above the daily limit of 5
    ("topup_min_kopecks", 10_000_000),  # above the max
    ("no_such_key", "1"),
    ("free_daily_limit", True),
]


async def test_an_invalid_value_is_refused_and_nothing_changes(wallet: Wallet, pool: asyncpg.Pool) -> None:
    before = await wallet.get_settings()
    for key, value in INVALID:
        with pytest.raises(InvalidSetting) as refused:
            await wallet.set_setting(key, value, ADMIN)
        assert refused.value.key == key and refused.value.reason, (key, value)
        assert await wallet.get_settings() == before
        assert await pool.fetchval("SELECT count(*) FROM wallet_settings") == 0
        assert await _audit(pool) == []


async def test_concurrent_changes_cannot_break_a_cross_field_rule(pool: asyncpg.Pool) -> None:
    for round_ in range(5):
        wallet = Wallet(pool)
        await wallet.set_setting("free_hourly_limit", 2, ADMIN)
        await wallet.set_setting("free_daily_limit", 5, ADMIN)
        # each is valid against the old values; together hourly 4 > daily 3
        results = await asyncio.gather(
            wallet.set_setting("free_hourly_limit", 4, ADMIN),
            wallet.set_setting("free_daily_limit", 3, ADMIN),
            return_exceptions=True,
        )
        assert sum(isinstance(r, InvalidSetting) for r in results) == 1, round_
        s = await wallet.settings.load()
        assert s.free_hourly_limit <= s.free_daily_limit


async def test_a_change_in_a_rolled_back_transaction_never_happened(pool: asyncpg.Pool) -> None:
    wallet = Wallet(pool, settings_ttl=3600)
    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError):
            async with conn.transaction():
                await wallet.set_setting("markup", "3", ADMIN, conn=conn)
                raise RuntimeError
    assert (await wallet.get_settings()).markup == Decimal("2.0")
    assert await _audit(pool) == []
    async with pool.acquire() as conn, conn.transaction():
        await wallet.set_setting("markup", "3", ADMIN, conn=conn)
        await wallet.get_settings()  # read while the change is uncommitted: must not be cached
    assert (await wallet.get_settings()).markup == Decimal("3")


async def test_the_audit_is_append_only(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.set_setting("markup", "3", ADMIN)
    for statement in ("UPDATE wallet_audit SET admin_id = 1", "DELETE FROM wallet_audit"):
        with pytest.raises(asyncpg.RaiseError):
            await pool.execute(statement)
    assert await _audit(pool) == [(ADMIN, "markup", "2.0", "3")]
