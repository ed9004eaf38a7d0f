"""Overrides are stored with their audit row, once per real change, and seen by another
instance's book when its short cache runs out."""

from decimal import Decimal

import asyncpg

from plugins.catalog.overrides import OverrideBook


async def test_a_change_is_audited_once_and_read_back(pool: asyncpg.Pool) -> None:
    book = OverrideBook(pool)
    await book.change(7, "google/imagen4", "enabled", False)
    await book.change(7, "google/imagen4", "enabled", False)  # no change: no audit row
    await book.change(7, "google/imagen4", "markup", Decimal("3"), also={"fixed_price_kopecks": None})
    overrides = await book.get()
    assert overrides.enabled("google/imagen4", True) is False
    assert overrides.get("google/imagen4").markup == Decimal("3")
    assert overrides.enabled("other", True) is True
    rows = await pool.fetch(
        "SELECT admin_id, action, subject, old_value, new_value FROM admin_audit ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [
        (7, "model.enabled", "google/imagen4", None, "false"),
        (7, "model.markup", "google/imagen4", None, "3"),
    ]


async def test_another_instance_sees_a_change_when_its_cache_expires(pool: asyncpg.Pool) -> None:
    here, there = OverrideBook(pool, ttl=60), OverrideBook(pool, ttl=0)
    assert (await there.get()).free_list == frozenset()
    cached = OverrideBook(pool, ttl=60)
    await cached.get()
    await here.change(7, "m", "free", True)
    assert (await here.get()).free_list == {"m"}  # the writer drops its cache at once
    assert (await there.get()).free_list == {"m"}  # ttl 0: read through
    assert (await cached.get()).free_list == frozenset()  # still within its 60 s
