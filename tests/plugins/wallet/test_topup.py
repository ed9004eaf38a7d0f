import asyncio
from pathlib import Path

import asyncpg
import pytest

from plugins.wallet import PaymentOutcome, ReceiptRefused, Wallet
from plugins.wallet.topup import load_packages
from tests.plugins.wallet.books import assert_books_balance, ledger_rows

ADMIN = 900


async def test_the_shipped_packages_are_valid(wallet: Wallet) -> None:
    catalog = load_packages()
    assert catalog.packages
    for p in catalog.packages:
        assert catalog.by_payload(p.payload) == p
        assert catalog.mismatch(p.payload, p.stars, "XTR") is None
    assert wallet.stars.catalog == catalog


@pytest.mark.parametrize(
    "body",
    [
        "packages: []",
        "packages: [{id: a, stars: 0, kopecks: 100, label: x}]",
        "packages: [{id: a, stars: 10, kopecks: 100.5, label: x}]",
        "packages: [{id: a, stars: '10', kopecks: 100, label: x}]",
        "packages: [{id: a, stars: 10, kopecks: 100, label: ''}]",
        "packages: [{id: a, stars: 10, kopecks: 100, label: x}, {id: a, stars: 20, kopecks: 200, label: y}]",
        "packages: [{id: A-1, stars: 10, kopecks: 100, label: x}]",
        "packages: [{id: a, stars: 10, kopecks: 100, label: x, bonus: 5}]",
        "packages: [{id: a, stars: 10",
    ],
)
def test_a_bad_packages_file_is_refused_with_its_name(tmp_path: Path, body: str) -> None:
    path = tmp_path / "packages.yaml"
    path.write_text(body)
    with pytest.raises(ValueError, match=r"packages\.yaml"):
        load_packages(path)


async def test_a_payment_delivered_twice_is_credited_once(wallet: Wallet, pool: asyncpg.Pool) -> None:
    package = wallet.stars.catalog.packages[0]
    first = await wallet.credit_stars_payment(1, "charge-1", package.payload, package.stars, "XTR")
    again = await wallet.credit_stars_payment(1, "charge-1", package.payload, package.stars, "XTR")
    assert (first, again) == (PaymentOutcome.CREDITED, PaymentOutcome.DUPLICATE)
    assert await wallet.balance(1) == package.kopecks
    rows = await ledger_rows(pool, 1)
    assert [(r["kind"], r["amount"], r["payment_ref"]) for r in rows] == [
        ("topup_stars", package.kopecks, "charge-1")
    ]
    payment = await wallet.stars.payment("charge-1")
    assert payment is not None and payment["status"] == "credited"

    # a redelivery storm of a new charge: still exactly one credit
    outcomes = await asyncio.gather(
        *(
            wallet.credit_stars_payment(1, "charge-2", package.payload, package.stars, "XTR")
            for _ in range(25)
        )
    )
    assert outcomes.count(PaymentOutcome.CREDITED) == 1
    assert await wallet.balance(1) == 2 * package.kopecks
    await assert_books_balance(pool)


MISMATCHES = [
    ("stars:rub100", 1, "XTR"),  # paid more than the price
    ("stars:rub100", -1, "XTR"),  # paid less
    ("stars:rub100", 0, "RUB"),  # not Stars
    ("stars:nope", 0, "XTR"),  # no such package
    ("rub100", 0, "XTR"),  # not our payload
]


async def test_a_payment_matching_no_package_is_recorded_not_credited(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    price = wallet.stars.catalog.by_payload("stars:rub100").stars  # type: ignore[union-attr]
    for i, (payload, stars_delta, currency) in enumerate(MISMATCHES):
        charge = f"bad-{i}"
        outcome = await wallet.credit_stars_payment(2, charge, payload, price + stars_delta, currency)
        assert outcome == PaymentOutcome.REFUSED, payload
        payment = await wallet.stars.payment(charge)
        assert payment is not None and payment["status"] == "refused" and payment["reason"]
        # the same charge id can never be credited later
        outcome = await wallet.credit_stars_payment(2, charge, "stars:rub100", price, "XTR")
        assert outcome == PaymentOutcome.DUPLICATE
    assert await wallet.balance(2) == 0
    assert await pool.fetchval("SELECT count(*) FROM ledger") == 0
    assert await pool.fetchval("SELECT count(*) FROM payments") == len(MISMATCHES)


async def test_a_receipt_is_credited_only_on_approval_and_only_once(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    receipt = await wallet.submit_receipt(3, 150_000, "file-1", "photo")
    assert await wallet.balance(3) == 0
    assert [r.id for r in await wallet.pending_receipts()] == [receipt]

    results = await asyncio.gather(*(wallet.approve_receipt(receipt, ADMIN) for _ in range(20)))
    assert results.count(True) == 1
    assert await wallet.approve_receipt(receipt, ADMIN) is False
    assert await wallet.reject_receipt(receipt, ADMIN, "changed my mind") is False
    assert await wallet.balance(3) == 150_000
    assert await wallet.pending_receipts() == []
    rows = await ledger_rows(pool, 3)
    assert [(r["idempotency_key"], r["amount"]) for r in rows] == [(f"receipt:{receipt}", 150_000)]
    audit = await pool.fetch(
        "SELECT admin_id, subject, old_value, new_value FROM wallet_audit WHERE action = 'receipt'"
    )
    assert [tuple(a) for a in audit] == [(ADMIN, str(receipt), "pending 150000", "approved 150000")]
    await assert_books_balance(pool)


async def test_a_rejected_receipt_can_never_be_approved(wallet: Wallet, pool: asyncpg.Pool) -> None:
    receipt = await wallet.submit_receipt(4, 50_000, "file-2", "document")
    assert await wallet.reject_receipt(receipt, ADMIN, "not our account") is True
    assert await wallet.approve_receipt(receipt, ADMIN) is False
    assert await wallet.reject_receipt(receipt, ADMIN) is False
    assert await wallet.balance(4) == 0
    stored = await wallet.receipts.get(receipt)
    assert stored is not None and (stored.status, stored.decided_by, stored.reason) == (
        "rejected",
        ADMIN,
        "not our account",
    )
    with pytest.raises(asyncpg.RaiseError):
        await pool.execute("UPDATE receipts SET status = 'approved'")
    assert await wallet.approve_receipt(12345, ADMIN) is False  # unknown receipt


async def test_approve_and_reject_racing_decide_once(wallet: Wallet, pool: asyncpg.Pool) -> None:
    for i in range(5):
        receipt = await wallet.submit_receipt(100 + i, 20_000, f"f{i}", "photo")
        results = await asyncio.gather(
            *(
                wallet.approve_receipt(receipt, ADMIN) if k % 2 else wallet.reject_receipt(receipt, ADMIN)
                for k in range(20)
            )
        )
        assert results.count(True) == 1
        approved = results.index(True) % 2 == 1
        assert await wallet.balance(100 + i) == (20_000 if approved else 0)
    await assert_books_balance(pool)


async def test_receipts_outside_the_bounds_are_refused(wallet: Wallet, pool: asyncpg.Pool) -> None:
    settings = await wallet.get_settings()
    for amount in (settings.topup_min_kopecks - 1, settings.topup_max_kopecks + 1):
        with pytest.raises(ReceiptRefused) as refused:
            await wallet.submit_receipt(5, amount, "f", "photo")
        assert refused.value.reason == "amount_out_of_range"
    for i in range(3):
        await wallet.submit_receipt(5, settings.topup_min_kopecks, f"ok{i}", "photo")
    with pytest.raises(ReceiptRefused) as refused:
        await wallet.submit_receipt(5, settings.topup_min_kopecks, "one-too-many", "photo")
    assert refused.value.reason == "too_many_pending"
    assert await pool.fetchval("SELECT count(*) FROM receipts") == 3


async def test_the_welcome_bonus_is_granted_once(wallet: Wallet, pool: asyncpg.Pool) -> None:
    results = await asyncio.gather(*(wallet.grant_welcome(6) for _ in range(20)))
    assert results.count(True) == 1
    assert await wallet.grant_welcome(6) is False
    assert await wallet.balance(6) == 20_000
    await wallet.set_setting("welcome_bonus_kopecks", 5_000, ADMIN)
    assert await wallet.grant_welcome(7) is True
    assert await wallet.balance(7) == 5_000
    assert await wallet.grant_welcome(6) is False
    await wallet.set_setting("welcome_bonus_kopecks", 0, ADMIN)
    assert await wallet.grant_welcome(8) is False
    assert await wallet.balance(8) == 0
    await assert_books_balance(pool)
