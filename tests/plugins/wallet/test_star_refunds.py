"""The Stars refund record and its ledger reversal: one transaction, once per payment, refused
(writing nothing) when the balance no longer covers it; a refusal by Telegram gives it back."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from plugins.wallet import PaymentOutcome, Wallet
from plugins.wallet.star_refunds import RefundRefused, RefundStatus, StarRefunds
from tests.plugins.wallet.books import assert_books_balance, ledger_rows

ADMIN = 900
USER = 7


async def paid(wallet: Wallet, charge: str = "charge-1", user: int = USER) -> int:
    """A credited Stars top-up of 100 ₽ (80 Stars); its payment id."""
    outcome = await wallet.credit_stars_payment(user, charge, "stars:rub100", 80, "XTR")
    assert outcome is PaymentOutcome.CREDITED
    return int(await wallet.pool.fetchval("SELECT id FROM payments WHERE charge_id = $1", charge))


async def test_begin_records_the_refund_and_reverses_the_top_up_together(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    store = StarRefunds(pool)
    payment = await paid(wallet)
    refund, before = await store.begin(payment, ADMIN)
    assert (refund.status, refund.stars, refund.kopecks, before) == (RefundStatus.PENDING, 80, 10_000, 10_000)
    assert await wallet.balance(USER) == 0
    rows = await ledger_rows(pool, USER)
    assert [(r["kind"], r["amount"]) for r in rows] == [("topup_stars", 10_000), ("stars_refund", -10_000)]
    assert await store.finish(refund.id, ADMIN) is True
    assert await store.finish(refund.id, ADMIN) is False  # finished once
    with pytest.raises(RefundRefused) as again:
        await store.begin(payment, ADMIN)
    assert again.value.reason == "already_refunded" and again.value.params["by"] == ADMIN
    audit = await pool.fetch("SELECT action, old_value, new_value FROM admin_audit ORDER BY id")
    assert [tuple(a) for a in audit] == [
        ("stars.refund", "10000", "0"),
        ("stars.refund_done", "pending", "done"),
    ]
    found = await store.payment(payment)
    assert found is not None and found.refund is not None and found.refund.status is RefundStatus.DONE
    await assert_books_balance(pool)


async def test_a_spent_top_up_is_refused_and_nothing_is_written(wallet: Wallet, pool: asyncpg.Pool) -> None:
    store = StarRefunds(pool)
    payment = await paid(wallet)
    await wallet.debit(USER, 2_500, "adjustment", "spent-some")
    with pytest.raises(RefundRefused) as refused:
        await store.begin(payment, ADMIN)
    assert refused.value.reason == "not_covered"
    assert refused.value.params == {"balance": 7_500, "amount": 10_000}
    assert await pool.fetchval("SELECT count(*) FROM star_refunds") == 0
    assert await pool.fetchval("SELECT count(*) FROM admin_audit") == 0
    assert await wallet.balance(USER) == 7_500
    await assert_books_balance(pool)


async def test_a_pending_refund_is_resumed_not_repeated(wallet: Wallet, pool: asyncpg.Pool) -> None:
    store = StarRefunds(pool)
    payment = await paid(wallet)
    first, _ = await store.begin(payment, ADMIN)
    again, _ = await store.begin(payment, ADMIN + 1)  # a crash before Telegram's answer was kept
    assert again.id == first.id
    assert await wallet.balance(USER) == 0
    kinds = [r["kind"] for r in await ledger_rows(pool, USER)]
    assert kinds.count("stars_refund") == 1


async def test_concurrent_begins_make_one_refund_and_one_reversal(wallet: Wallet, pool: asyncpg.Pool) -> None:
    store = StarRefunds(pool)
    payment = await paid(wallet)
    results = await asyncio.gather(*(store.begin(payment, ADMIN + i) for i in range(10)))
    assert len({refund.id for refund, _ in results}) == 1
    assert await pool.fetchval("SELECT count(*) FROM star_refunds") == 1
    assert await pool.fetchval("SELECT count(*) FROM ledger WHERE kind = 'stars_refund'") == 1
    await assert_books_balance(pool)


async def test_a_refund_telegram_refused_gives_the_money_back_and_may_be_tried_again(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    store = StarRefunds(pool)
    payment = await paid(wallet)
    refund, _ = await store.begin(payment, ADMIN)
    assert await store.fail(refund.id, "Bad Request: CHARGE_ID_INVALID", ADMIN) is True
    assert await store.fail(refund.id, "again", ADMIN) is False
    assert await store.finish(refund.id, ADMIN) is False  # a failed refund is never done
    assert await wallet.balance(USER) == 10_000
    second, _ = await store.begin(payment, ADMIN)
    assert second.id != refund.id and await wallet.balance(USER) == 0
    found = await store.payments_of(USER)
    assert [p.refund.id for p in found if p.refund] == [second.id]
    await assert_books_balance(pool)


async def test_a_refused_or_unknown_payment_cannot_be_refunded(wallet: Wallet, pool: asyncpg.Pool) -> None:
    store = StarRefunds(pool)
    assert await wallet.credit_stars_payment(USER, "odd", "stars:nope", 5, "XTR") is PaymentOutcome.REFUSED
    odd = await pool.fetchval("SELECT id FROM payments WHERE charge_id = 'odd'")
    for payment, reason in ((odd, "not_credited"), (999_999, "payment_not_found")):
        with pytest.raises(RefundRefused) as refused:
            await store.begin(payment, ADMIN)
        assert refused.value.reason == reason


async def test_a_finished_refund_cannot_be_changed(wallet: Wallet, pool: asyncpg.Pool) -> None:
    store = StarRefunds(pool)
    refund, _ = await store.begin(await paid(wallet), ADMIN)
    await store.finish(refund.id, ADMIN)
    with pytest.raises(asyncpg.RaiseError, match="only a pending refund"):
        await pool.execute("UPDATE star_refunds SET status = 'failed' WHERE id = $1", refund.id)
    with pytest.raises(asyncpg.RaiseError):
        await pool.execute("DELETE FROM star_refunds WHERE id = $1", refund.id)
