"""Checks that catch lost or invented money, shared by the wallet tests."""

from __future__ import annotations

import asyncpg


async def assert_books_balance(pool: asyncpg.Pool) -> dict[int, int]:
    """Every wallet: balance ≥ 0 and balance == SUM(ledger); returns user → balance."""
    rows = await pool.fetch(
        "SELECT w.user_id, w.balance, COALESCE(SUM(l.amount), 0) AS booked"
        " FROM wallets w LEFT JOIN ledger l USING (user_id) GROUP BY w.user_id, w.balance"
    )
    for r in rows:
        assert r["balance"] >= 0, dict(r)
        assert r["balance"] == r["booked"], dict(r)
    orphans = await pool.fetchval(
        "SELECT count(*) FROM ledger l WHERE NOT EXISTS (SELECT 1 FROM wallets w WHERE w.user_id = l.user_id)"
    )
    assert orphans == 0
    return {r["user_id"]: r["balance"] for r in rows}


async def ledger_rows(pool: asyncpg.Pool, user_id: int) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT * FROM ledger WHERE user_id = $1 ORDER BY id", user_id)
