"""Receipt decisions: a corrected amount is what the ledger credits, a rejection keeps its
reason, each is decided once and audited with the amounts before and after; decided receipts
list latest first; a notice about one is claimed once."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from plugins.wallet import Wallet
from plugins.wallet.receipts import ReceiptStatus, claim_notice
from tests.plugins.wallet.books import assert_books_balance, ledger_rows

ADMIN = 900
OTHER_ADMIN = 901
USER = 5


async def test_a_corrected_amount_is_credited_instead_of_the_claim(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    receipt = await wallet.submit_receipt(USER, 150_000, "file-1", "photo")
    assert await wallet.receipts.approve(receipt, ADMIN, amount_kopecks=145_000, note="claimed 150000")
    assert await wallet.balance(USER) == 145_000
    rows = await ledger_rows(pool, USER)
    assert [(r["kind"], r["amount"]) for r in rows] == [("topup_receipt", 145_000)]
    decided = await wallet.receipts.get(receipt)
    assert decided is not None
    assert (decided.status, decided.amount_kopecks, decided.credited_kopecks) == (
        ReceiptStatus.APPROVED,
        150_000,
        145_000,
    )
    assert decided.decided_by == ADMIN and decided.decided_at is not None
    audit = await pool.fetchrow(
        "SELECT target_user, old_value, new_value FROM admin_audit WHERE action = 'wallet.receipt'"
    )
    assert tuple(audit) == (USER, "pending 150000", "approved 145000")
    await assert_books_balance(pool)


async def test_an_approval_as_claimed_records_the_claim_as_credited(wallet: Wallet) -> None:
    receipt = await wallet.submit_receipt(USER, 50_000, "file-1", "photo")
    assert await wallet.receipts.approve(receipt, ADMIN)
    decided = await wallet.receipts.get(receipt)
    assert decided is not None and decided.credited_kopecks == 50_000


@pytest.mark.parametrize("amount", [0, -100, 1.5, True])
async def test_a_bad_corrected_amount_is_refused_before_anything_moves(
    wallet: Wallet, amount: object
) -> None:
    receipt = await wallet.submit_receipt(USER, 50_000, "file-1", "photo")
    with pytest.raises(ValueError):
        await wallet.receipts.approve(receipt, ADMIN, amount_kopecks=amount)  # type: ignore[arg-type]
    found = await wallet.receipts.get(receipt)
    assert found is not None and found.status is ReceiptStatus.PENDING
    assert await wallet.balance(USER) == 0


async def test_two_admins_deciding_at_once_decide_once(wallet: Wallet, pool: asyncpg.Pool) -> None:
    receipt = await wallet.submit_receipt(USER, 100_000, "file-1", "photo")
    results = await asyncio.gather(
        wallet.receipts.approve(receipt, ADMIN, amount_kopecks=90_000),
        wallet.receipts.reject(receipt, OTHER_ADMIN, "не нашли перевод"),
        wallet.receipts.approve(receipt, OTHER_ADMIN),
    )
    assert sorted(results) == [False, False, True]
    decided = await wallet.receipts.get(receipt)
    assert decided is not None
    credited = decided.credited_kopecks or 0
    assert await wallet.balance(USER) == credited
    assert await pool.fetchval("SELECT count(*) FROM wallet_audit WHERE action = 'receipt'") == 1
    await assert_books_balance(pool)


async def test_decided_receipts_list_latest_decision_first(wallet: Wallet) -> None:
    first = await wallet.submit_receipt(USER, 10_000, "file-1", "photo")
    second = await wallet.submit_receipt(USER, 20_000, "file-2", "photo")
    waiting = await wallet.submit_receipt(USER, 30_000, "file-3", "photo")
    assert await wallet.receipts.reject(second, ADMIN, "нечитаемый чек")
    assert await wallet.receipts.approve(first, OTHER_ADMIN)
    decided = await wallet.receipts.decided()
    assert [r.id for r in decided] == [first, second]
    assert decided[1].reason == "нечитаемый чек" and decided[1].credited_kopecks is None
    assert [r.id for r in await wallet.receipts.pending()] == [waiting]


async def test_a_notice_is_claimed_once(pool: asyncpg.Pool) -> None:
    claims = await asyncio.gather(*(claim_notice(pool, "receipt:1") for _ in range(5)))
    assert sorted(claims) == [False, False, False, False, True]
    assert await claim_notice(pool, "receipt:2") is True
