"""A Stars refund end to end against a scripted Telegram: whatever crashes or repeats, one
refund, one ledger reversal, and Telegram asked again only when its answer was lost."""

from __future__ import annotations

import asyncio

import asyncpg

from plugins.payments.refunds import Answer, Outcome, refund_stars, settle, settle_pending
from plugins.wallet import PaymentOutcome, Wallet
from plugins.wallet.star_refunds import RefundRefused, RefundStatus, StarRefunds
from tests.plugins.wallet.books import assert_books_balance

ADMIN = 900
USER = 7


class Telegram:
    """refundStarPayment as Telegram behaves: once per charge, then CHARGE_ALREADY_REFUNDED."""

    def __init__(self, *answers: Answer) -> None:
        self.refunded: set[str] = set()
        self.calls: list[str] = []
        self.scripted = list(answers)

    async def __call__(self, user_id: int, charge_id: str) -> tuple[Answer, str]:
        self.calls.append(charge_id)
        if self.scripted:
            answer = self.scripted.pop(0)
            if answer is Answer.REFUNDED:  # refunded, but the answer is then lost (a crash)
                self.refunded.add(charge_id)
            return answer, "scripted"
        if charge_id in self.refunded:
            return Answer.ALREADY, "Bad Request: CHARGE_ALREADY_REFUNDED"
        self.refunded.add(charge_id)
        return Answer.REFUNDED, ""


async def paid(wallet: Wallet, charge: str = "charge-1") -> int:
    assert (
        await wallet.credit_stars_payment(USER, charge, "stars:rub100", 80, "XTR") is PaymentOutcome.CREDITED
    )
    return int(await wallet.pool.fetchval("SELECT id FROM payments WHERE charge_id = $1", charge))


async def reversals(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM ledger WHERE kind = 'stars_refund'"))


async def test_a_refund_asks_telegram_once_and_finishes(pool: asyncpg.Pool) -> None:
    wallet, store, telegram = Wallet(pool), StarRefunds(pool), Telegram()
    outcome = await refund_stars(store, telegram, await paid(wallet), ADMIN)
    assert outcome.status is RefundStatus.DONE and telegram.calls == ["charge-1"]
    assert await wallet.balance(USER) == 0 and await reversals(pool) == 1
    await assert_books_balance(pool)


async def test_a_crash_after_telegram_refunded_is_finished_by_the_retry(pool: asyncpg.Pool) -> None:
    """Telegram refunded, then the process died before recording it: the retry's
    CHARGE_ALREADY_REFUNDED counts as done; the money was taken back once, before the call."""
    wallet, store = Wallet(pool), StarRefunds(pool)
    payment = await paid(wallet)
    refund, _ = await store.begin(payment, ADMIN)
    telegram = Telegram()
    assert (await telegram(USER, refund.charge_id))[0] is Answer.REFUNDED  # … and the crash
    outcome = await refund_stars(store, telegram, payment, ADMIN + 1)
    assert outcome.status is RefundStatus.DONE and outcome.refund.id == refund.id
    assert len(telegram.refunded) == 1 and await reversals(pool) == 1
    assert await wallet.balance(USER) == 0
    await assert_books_balance(pool)


async def test_no_answer_leaves_it_pending_and_the_start_up_sweep_finishes_it(pool: asyncpg.Pool) -> None:
    wallet, store = Wallet(pool), StarRefunds(pool)
    telegram = Telegram(Answer.UNKNOWN)
    outcome = await refund_stars(store, telegram, await paid(wallet), ADMIN)
    assert outcome.status is RefundStatus.PENDING
    assert await wallet.balance(USER) == 0  # held back while Telegram's word is unknown
    [swept] = await settle_pending(store, telegram)
    assert swept.status is RefundStatus.DONE and await store.pending() == []
    assert await reversals(pool) == 1
    await assert_books_balance(pool)


async def test_telegram_refusing_gives_the_money_back(pool: asyncpg.Pool) -> None:
    wallet, store = Wallet(pool), StarRefunds(pool)
    outcome = await refund_stars(store, Telegram(Answer.REFUSED), await paid(wallet), ADMIN)
    assert outcome.status is RefundStatus.FAILED
    assert await wallet.balance(USER) == 10_000
    kinds = await pool.fetch("SELECT kind, amount FROM ledger WHERE user_id = $1 ORDER BY id", USER)
    assert [(r["kind"], r["amount"]) for r in kinds] == [
        ("topup_stars", 10_000),
        ("stars_refund", -10_000),
        ("stars_refund_undo", 10_000),
    ]
    await assert_books_balance(pool)


async def test_two_admins_at_once_make_one_refund(pool: asyncpg.Pool) -> None:
    wallet, store, telegram = Wallet(pool), StarRefunds(pool), Telegram()
    payment = await paid(wallet)
    results = await asyncio.gather(
        *(refund_stars(store, telegram, payment, ADMIN + i) for i in range(5)), return_exceptions=True
    )
    # those who came while it was in flight asked again (harmless); those after it were told
    outcomes = [r for r in results if isinstance(r, Outcome)]
    told = [r for r in results if isinstance(r, RefundRefused)]
    assert len(outcomes) + len(told) == 5 and outcomes
    assert {o.status for o in outcomes} == {RefundStatus.DONE}
    assert {r.reason for r in told} <= {"already_refunded"}
    assert len({o.refund.id for o in outcomes}) == 1
    assert len(telegram.refunded) == 1 and await reversals(pool) == 1
    done = await pool.fetchval("SELECT count(*) FROM admin_audit WHERE action = 'stars.refund_done'")
    assert done == 1
    await assert_books_balance(pool)
    refund = outcomes[0].refund
    assert (await settle(store, telegram, refund, ADMIN)).status is RefundStatus.DONE  # harmless
    assert await reversals(pool) == 1
