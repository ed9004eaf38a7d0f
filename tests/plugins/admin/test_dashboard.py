"""The dashboard's figures on a known data set: every figure, for today, 7 and 30 days."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest

from plugins.admin import dashboard
from plugins.admin.views import DISPLAY_ZONE
from plugins.wallet.service import Wallet
from plugins.wallet.settings import WalletSettings

NOW = datetime.now(UTC)
TODAY = NOW - timedelta(hours=3)  # the test's "today" starts 3 hours ago
WEEK, MONTH = NOW - timedelta(days=7), NOW - timedelta(days=30)
FX = WalletSettings(fx_rub_per_usd=Decimal("95"))  # 1 credit = 0.005 USD × 95 = 47.5 kopecks
A, B, C, D = 11, 12, 13, 14
NANO, VEO = "google/nano-banana", "veo3"


async def user(pool: asyncpg.Pool, user_id: int, created: datetime, seen: datetime) -> None:
    await pool.execute(
        "INSERT INTO users (user_id, created_at, last_seen_at) VALUES ($1, $2, $3)", user_id, created, seen
    )
    await Wallet(pool).ensure_wallet(user_id)


async def ledger(pool: asyncpg.Pool, user_id: int, amount: int, kind: str, at: datetime) -> None:
    await pool.execute(
        "INSERT INTO ledger (user_id, amount, kind, idempotency_key, created_at) VALUES ($1, $2, $3, $4, $5)",
        user_id,
        amount,
        kind,
        uuid.uuid4().hex,
        at,
    )


async def job(
    pool: asyncpg.Pool,
    user_id: int,
    model: str,
    state: str,
    seconds: int,
    credits: str | None,
    *,
    finished: datetime = NOW - timedelta(minutes=1),
    price: int = 0,
    free: bool = False,
) -> str:
    job_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO jobs (id, user_id, chat_id, model, input, price_kopecks, free, state,"
        " settled, delivered, deadline_at, created_at, finished_at, kie_credits)"
        " VALUES ($1, $2, $2, $3, '{}', $4, $5, $6, true, true, $7, $8, $7, $9)",
        job_id,
        user_id,
        model,
        price,
        free,
        state,
        finished,
        finished - timedelta(seconds=seconds),
        Decimal(credits) if credits else None,
    )
    return str(job_id)


async def paid(
    pool: asyncpg.Pool, user_id: int, model: str, state: str, seconds: int, credits: str, price: int
) -> str:
    """A job paid from the balance: reserved, then captured (success) or released."""
    job_id = await job(pool, user_id, model, state, seconds, credits, price=price)
    wallet = Wallet(pool)
    await wallet.reserve(user_id, job_id, price)
    assert await (wallet.capture(job_id) if state == "succeeded" else wallet.release(job_id))
    return job_id


async def free(pool: asyncpg.Pool, user_id: int, state: str, seconds: int) -> None:
    job_id = await job(pool, user_id, NANO, state, seconds, "4", free=True)
    wallet = Wallet(pool)
    assert await wallet.try_use_free(user_id, NANO, job_id, free_models=[NANO]) is not None
    if state != "succeeded":
        assert await wallet.return_free(job_id)


@pytest.fixture
async def known_days(pool: asyncpg.Pool) -> asyncpg.Pool:
    await user(pool, A, NOW - timedelta(hours=1), NOW - timedelta(minutes=5))  # new today
    await user(pool, B, NOW - timedelta(days=20), NOW - timedelta(minutes=5))  # old, active
    await user(pool, C, NOW - timedelta(days=5), NOW - timedelta(days=5))
    await user(pool, D, NOW - timedelta(days=40), NOW - timedelta(days=40))
    for who in (A, B, C, D):  # money to pay with; not a top-up
        await ledger(pool, who, 200_000, "welcome", NOW - timedelta(days=41))
    await ledger(pool, A, 50_000, "topup_stars", NOW - timedelta(hours=1))
    await ledger(pool, B, 123_450, "topup_receipt", NOW - timedelta(hours=2))
    await ledger(pool, C, 30_000, "topup_stars", NOW - timedelta(days=5))
    await ledger(pool, D, 99_999, "topup_receipt", NOW - timedelta(days=40))
    # today: two paid nano runs (one failed), one paid veo run refunded, two free nano runs
    await paid(pool, A, NANO, "succeeded", 60, "4", 4_000)
    await paid(pool, A, NANO, "failed", 30, "4", 4_000)
    await paid(pool, B, VEO, "succeeded", 120, "11", 9_500)
    await ledger(pool, B, 9_500, "refund", NOW - timedelta(minutes=1))
    await free(pool, B, "succeeded", 20)
    await free(pool, B, "timed_out", 10)
    # five days ago: a big veo run, its hold captured then
    old = await job(pool, C, VEO, "succeeded", 300, "100", price=95_000, finished=NOW - timedelta(days=5))
    await pool.execute(
        "INSERT INTO holds (job_id, user_id, amount, state, created_at,"
        " settled_at) VALUES ($1, $2, 95000, 'captured', $3, $3)",
        old,
        C,
        NOW - timedelta(days=5),
    )
    await ledger(pool, C, -95_000, "hold", NOW - timedelta(days=5))
    # Stars refunds: 200 ₽ of A's today; C's 300 ₽ four days ago refused by Telegram (undone)
    await ledger(pool, A, -20_000, "stars_refund", NOW - timedelta(minutes=30))
    await ledger(pool, C, -30_000, "stars_refund", NOW - timedelta(days=4))
    await ledger(pool, C, 30_000, "stars_refund_undo", NOW - timedelta(days=4))
    # given away: a referral reward today partly taken back, a promo bonus three days ago
    await ledger(pool, B, 5_000, "referral", NOW - timedelta(hours=2))
    await ledger(pool, B, -2_000, "referral_reversal", NOW - timedelta(hours=1))
    await ledger(pool, C, 10_000, "promo", NOW - timedelta(days=3))
    # forty days ago: out of every period, and from before credits were kept
    await job(pool, D, NANO, "succeeded", 50, None, finished=NOW - timedelta(days=40))
    return pool


async def test_today(known_days: asyncpg.Pool) -> None:
    f = await dashboard.figures(known_days, TODAY, FX)
    assert (f.topup_stars, f.topup_transfer, f.topups) == (50_000, 123_450, 173_450)
    assert f.spent == 4_000 + 9_500
    assert f.kie_credits == Decimal(4 + 11 + 4)  # succeeded runs, the free one too
    assert f.kie_cost == 903  # 19 × 47.5 = 902.5, half up
    assert f.refunds == 9_500
    assert f.margin == 13_500 - 9_500 - 903
    assert f.free_runs == 1  # the timed-out one was given back
    assert (f.new_users, f.active_users, f.paying_users) == (1, 2, 2)
    assert f.jobs_without_credits == 0
    assert (f.stars_refunded, f.net_topups) == (20_000, 153_450)
    assert (f.given_welcome, f.given_referral, f.given_promo, f.given_away) == (0, 3_000, 0, 3_000)


async def test_the_credit_price_setting_prices_kie_ai(known_days: asyncpg.Pool) -> None:
    cheaper = FX.model_copy(update={"kie_usd_per_credit": Decimal("0.004")})
    f = await dashboard.figures(known_days, TODAY, cheaper)
    assert f.kie_cost == 722  # 19 × 0.004 × 95 × 100 = 722
    assert f.margin == 13_500 - 9_500 - 722


async def test_seven_days(known_days: asyncpg.Pool) -> None:
    f = await dashboard.figures(known_days, WEEK, FX)
    assert (f.topup_stars, f.topup_transfer) == (80_000, 123_450)
    assert f.spent == 108_500
    assert (f.kie_credits, f.kie_cost) == (Decimal(119), 5_653)  # 5652.5 → 5653
    assert f.margin == 108_500 - 9_500 - 5_653
    assert (f.new_users, f.active_users, f.paying_users) == (2, 3, 3)
    assert (f.stars_refunded, f.net_topups) == (20_000, 183_450)  # C's refund was undone
    assert (f.given_referral, f.given_promo, f.given_away) == (3_000, 10_000, 13_000)


async def test_thirty_days_and_older_rows(known_days: asyncpg.Pool) -> None:
    f = await dashboard.figures(known_days, MONTH, FX)
    assert (f.topup_stars, f.topup_transfer) == (80_000, 123_450)
    assert (f.new_users, f.active_users, f.paying_users) == (3, 3, 3)
    older = await dashboard.figures(known_days, NOW - timedelta(days=45), FX)
    assert older.topup_transfer == 123_450 + 99_999
    assert older.jobs_without_credits == 1 and older.kie_credits == Decimal(119)
    assert older.new_users == 4
    assert older.given_welcome == 4 * 200_000 and older.given_away == 4 * 200_000 + 13_000


async def test_spent_is_what_the_ledger_says(known_days: asyncpg.Pool) -> None:
    """Captured money = holds taken minus holds released, for every job settled."""
    f = await dashboard.figures(known_days, MONTH, FX)
    net = await known_days.fetchval("SELECT -sum(amount) FROM ledger WHERE kind IN ('hold', 'release')")
    assert f.spent == net


async def test_per_model(known_days: asyncpg.Pool) -> None:
    today = {m.model: m for m in await dashboard.models(known_days, TODAY)}
    nano, veo = today[NANO], today[VEO]
    assert (nano.runs, nano.finished, nano.failed) == (4, 4, 2)
    assert nano.failure_rate == 0.5
    assert nano.median_seconds == pytest.approx(40)  # of 60 s and 20 s
    assert (veo.runs, veo.failed, veo.median_seconds) == (1, 0, pytest.approx(120))
    week = {m.model: m for m in await dashboard.models(known_days, WEEK)}
    assert week[VEO].runs == 2 and week[VEO].median_seconds == pytest.approx(210)
    assert list(week) == [NANO, VEO]  # the busiest first


async def test_the_daily_counts_agree_with_the_jobs(known_days: asyncpg.Pool) -> None:
    """``job_model_days`` (kept by a trigger) is what counting the jobs says, also after a job
    finishes, fails or is removed; and a period from midnight reads only whole days."""
    pending = await job(known_days, A, VEO, "running", 0, None)
    await known_days.execute("UPDATE jobs SET state = 'failed' WHERE id = $1", uuid.UUID(pending))
    gone = await job(known_days, A, NANO, "succeeded", 5, "4")
    await known_days.execute("DELETE FROM jobs WHERE id = $1", uuid.UUID(gone))
    counted = (
        "SELECT (created_at AT TIME ZONE 'Europe/Moscow')::date AS day, model, count(*) AS runs,"
        " count(*) FILTER (WHERE state IN ('succeeded', 'failed', 'timed_out')) AS finished,"
        " count(*) FILTER (WHERE state IN ('failed', 'timed_out')) AS failed FROM jobs GROUP BY 1, 2"
    )
    kept = "SELECT day, model, runs, finished, failed FROM job_model_days WHERE runs > 0"
    assert sorted(map(tuple, await known_days.fetch(kept))) == sorted(
        map(tuple, await known_days.fetch(counted))
    )
    midnight = dashboard.period_start("today", NOW)
    assert dashboard.first_whole_day(midnight) == (midnight.date(), midnight)
    week = {m.model: m for m in await dashboard.models(known_days, WEEK)}
    assert (week[VEO].runs, week[VEO].failed) == (3, 1)
    assert dashboard.first_whole_day(WEEK)[1] > WEEK


def test_period_starts() -> None:
    now = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)  # 01:30 on the 6th in Moscow
    assert dashboard.period_start("today", now) == datetime(2026, 12, 6, tzinfo=DISPLAY_ZONE)
    assert dashboard.period_start("week", now) == now - timedelta(days=7)
    assert dashboard.period_start("month", now) == now - timedelta(days=30)
