import asyncio

import asyncpg
import pytest

from plugins.wallet import InsufficientFunds, Wallet
from tests.plugins.wallet.books import assert_books_balance, ledger_rows


class Boom(Exception):
    pass


async def test_credit_is_applied_once_per_key(wallet: Wallet, pool: asyncpg.Pool) -> None:
    assert await wallet.credit(1, 500, "adjustment", "k1", note="first") is True
    assert await wallet.credit(1, 500, "adjustment", "k1", note="again") is False
    assert await wallet.credit(1, 700, "adjustment", "k1") is False  # key wins over amount
    assert await wallet.balance(1) == 500
    rows = await ledger_rows(pool, 1)
    assert [(r["amount"], r["idempotency_key"], r["note"]) for r in rows] == [(500, "k1", "first")]
    await assert_books_balance(pool)


async def test_concurrent_credits_with_one_key_apply_once(wallet: Wallet, pool: asyncpg.Pool) -> None:
    results = await asyncio.gather(*(wallet.credit(2, 300, "adjustment", "same") for _ in range(30)))
    assert results.count(True) == 1
    assert await wallet.balance(2) == 300
    await assert_books_balance(pool)


async def test_debit_refuses_when_short_and_writes_nothing(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.credit(3, 1000, "adjustment", "in:3")
    with pytest.raises(InsufficientFunds) as refused:
        await wallet.debit(3, 1001, "adjustment", "out")
    assert (refused.value.balance, refused.value.needed) == (1000, 1001)
    assert await wallet.balance(3) == 1000
    assert len(await ledger_rows(pool, 3)) == 1
    assert await wallet.debit(3, 1000, "adjustment", "out") is True
    assert await wallet.balance(3) == 0
    # the same event again: already applied, so False rather than "insufficient"
    assert await wallet.debit(3, 1000, "adjustment", "out") is False
    await assert_books_balance(pool)


async def test_concurrent_debits_never_overdraw(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.credit(4, 1000, "adjustment", "in:4")

    async def take(i: int) -> bool:
        try:
            return await wallet.debit(4, 100, "adjustment", f"out:{i}")
        except InsufficientFunds:
            return False

    results = await asyncio.gather(*(take(i) for i in range(40)))
    assert results.count(True) == 10
    assert await wallet.balance(4) == 0
    await assert_books_balance(pool)


async def test_amounts_and_keys_are_checked_before_anything_is_written(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    for amount in (0, -5, 1.5, True, "100"):
        with pytest.raises(ValueError):
            await wallet.credit(5, amount, "adjustment", "bad")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            await wallet.debit(5, amount, "adjustment", "bad")  # type: ignore[arg-type]
    # hold keys are written only with their hold row, so credit/debit may not forge them
    for key in ("hold:job-1", "release:job-1", ""):
        with pytest.raises(ValueError):
            await wallet.credit(5, 100, "adjustment", key)
    with pytest.raises(ValueError):
        await wallet.credit(5, 100, "Not A Kind", "k")
    assert await pool.fetchval("SELECT count(*) FROM ledger") == 0


async def test_a_caller_transaction_that_fails_takes_the_credit_with_it(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    async with pool.acquire() as conn:
        with pytest.raises(Boom):
            async with conn.transaction():
                assert await wallet.credit(6, 900, "adjustment", "tx", conn=conn)
                assert await wallet.balance(6, conn) == 900
                raise Boom
    assert await wallet.balance(6) == 0
    assert await ledger_rows(pool, 6) == []
    # the key was never used: the retry applies
    assert await wallet.credit(6, 900, "adjustment", "tx") is True
    await assert_books_balance(pool)


async def test_a_refusal_inside_a_caller_transaction_leaves_it_usable(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await wallet.credit(7, 100, "adjustment", "a", conn=conn)
        with pytest.raises(InsufficientFunds):
            await wallet.debit(7, 500, "adjustment", "b", conn=conn)
        await wallet.credit(7, 50, "adjustment", "c", conn=conn)
    assert await wallet.balance(7) == 150
    assert [r["idempotency_key"] for r in await ledger_rows(pool, 7)] == ["a", "c"]


async def test_the_ledger_is_append_only(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.credit(8, 100, "adjustment", "x")
    for statement in (
        "UPDATE ledger SET amount = 1000000",
        "UPDATE ledger SET note = 'edited'",
        "DELETE FROM ledger",
        "TRUNCATE ledger CASCADE",
    ):
        with pytest.raises(asyncpg.RaiseError, match="forbidden"):
            await pool.execute(statement)
    rows = await ledger_rows(pool, 8)
    assert [(r["amount"], r["note"]) for r in rows] == [(100, "")]


async def test_a_balance_moves_only_through_the_ledger(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.credit(9, 100, "adjustment", "x")
    with pytest.raises(asyncpg.RaiseError, match="only through a ledger"):
        await pool.execute("UPDATE wallets SET balance = balance + 1000 WHERE user_id = 9")
    with pytest.raises(asyncpg.RaiseError, match="starts at 0"):
        await pool.execute("INSERT INTO wallets (user_id, balance) VALUES (10, 5000)")
    with pytest.raises(asyncpg.RaiseError, match="forbidden"):
        await pool.execute("DELETE FROM wallets WHERE user_id = 9")
    # a raw ledger insert is still consistent: the trigger applies it
    await pool.execute(
        "INSERT INTO ledger (user_id, amount, kind, idempotency_key) VALUES (9, -40, 'adjustment', 'raw')"
    )
    assert await wallet.balance(9) == 60
    # and the database refuses to go negative even when code forgot to check
    with pytest.raises(asyncpg.CheckViolationError):
        await pool.execute(
            "INSERT INTO ledger (user_id, amount, kind, idempotency_key)"
            " VALUES (9, -61, 'adjustment', 'raw2')"
        )
    assert await wallet.balance(9) == 60
    await assert_books_balance(pool)


async def test_recent_lists_newest_first(wallet: Wallet) -> None:
    for i in range(5):
        await wallet.credit(11, 100 + i, "adjustment", f"r{i}", note=f"n{i}")
    entries = await wallet.recent(11, 3)
    assert [e.amount for e in entries] == [104, 103, 102]
    assert [e.note for e in entries] == ["n4", "n3", "n2"]
    assert await wallet.recent(12) == []


async def test_an_entry_of_a_kind_no_label_names_is_refused_unwritten(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    """Every kind is one the operations list can name (Kind, checked against its labels by the
    linter): a new one must be added there first, or users would read its raw code."""
    with pytest.raises(ValueError, match="unknown ledger kind 'cashback'"):
        await wallet.credit(11, 500, "cashback", "cb:11")
    assert await ledger_rows(pool, 11) == []
    assert await wallet.credit(11, 500, "promo", "p:11") is True
