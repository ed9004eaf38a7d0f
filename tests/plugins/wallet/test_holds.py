import asyncio

import asyncpg
import pytest

from plugins.wallet import HoldConflict, HoldState, InsufficientFunds, Wallet
from tests.plugins.wallet.books import assert_books_balance, ledger_rows


class Boom(Exception):
    pass


async def _keys(pool: asyncpg.Pool, user_id: int) -> list[tuple[str, int]]:
    return [(r["idempotency_key"], r["amount"]) for r in await ledger_rows(pool, user_id)]


async def test_reserve_then_capture_spends_once(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.credit(1, 1000, "adjustment", "in:1")
    hold = await wallet.reserve(1, "job-a", 300)
    assert (hold.state, hold.amount, hold.is_new) == (HoldState.HELD, 300, True)
    assert await wallet.balance(1) == 700
    again = await wallet.reserve(1, "job-a", 300)
    assert (again.is_new, again.created_at) == (False, hold.created_at)
    assert await wallet.balance(1) == 700

    assert await wallet.capture("job-a") is True
    assert await wallet.capture("job-a") is False
    assert await wallet.release("job-a", "late failure") is False
    assert await wallet.balance(1) == 700
    assert (await wallet.holds.get("job-a")).state == HoldState.CAPTURED  # type: ignore[union-attr]
    assert await _keys(pool, 1) == [("in:1", 1000), ("hold:job-a", -300)]
    await assert_books_balance(pool)


async def test_release_gives_the_money_back_once(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.credit(2, 1000, "adjustment", "in:2")
    await wallet.reserve(2, "job-b", 400)
    assert await wallet.release("job-b", "kie failed") is True
    assert await wallet.release("job-b", "kie failed") is False
    assert await wallet.capture("job-b") is False
    assert await wallet.balance(2) == 1000
    hold = await wallet.holds.get("job-b")
    assert hold is not None and (hold.state, hold.reason) == (HoldState.RELEASED, "kie failed")
    assert await _keys(pool, 2) == [("in:2", 1000), ("hold:job-b", -400), ("release:job-b", 400)]
    # reserving a settled job again is a no-op returning it, not a second charge
    assert (await wallet.reserve(2, "job-b", 400)).state == HoldState.RELEASED
    assert await wallet.balance(2) == 1000
    await assert_books_balance(pool)


async def test_unknown_jobs_move_nothing(wallet: Wallet) -> None:
    assert await wallet.capture("nope") is False
    assert await wallet.release("nope") is False


async def test_a_short_reserve_is_refused_with_the_balance(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.credit(3, 250, "adjustment", "in:3")
    with pytest.raises(InsufficientFunds) as refused:
        await wallet.reserve(3, "job-c", 251)
    assert (refused.value.balance, refused.value.needed) == (250, 251)
    assert await wallet.holds.get("job-c") is None
    with pytest.raises(InsufficientFunds) as empty:
        await wallet.reserve(99, "job-d", 1)  # a user never seen has a wallet of 0
    assert empty.value.balance == 0
    assert await wallet.balance(3) == 250
    await assert_books_balance(pool)


async def test_a_job_id_belongs_to_one_user(wallet: Wallet) -> None:
    await wallet.credit(4, 500, "adjustment", "in:4")
    await wallet.credit(5, 500, "adjustment", "in:5")
    await wallet.reserve(4, "job-e", 100)
    with pytest.raises(HoldConflict):
        await wallet.reserve(5, "job-e", 100)
    assert await wallet.balance(5) == 500


async def test_hold_amounts_are_positive_ints(wallet: Wallet) -> None:
    await wallet.credit(6, 500, "adjustment", "in:6")
    for amount in (0, -1, 2.5, True):
        with pytest.raises(ValueError):
            await wallet.reserve(6, "job-f", amount)  # type: ignore[arg-type]
    assert await wallet.balance(6) == 500


async def test_200_concurrent_reserves_take_exactly_what_the_wallet_holds(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    price, payable = 137, 61
    await wallet.credit(7, price * payable, "adjustment", "in:7")
    seen_balances: list[int] = []

    async def attempt(i: int) -> bool:
        try:
            await wallet.reserve(7, f"job-{i}", price)
            return True
        except InsufficientFunds as exc:
            assert exc.needed == price and 0 <= exc.balance < price
            seen_balances.append(exc.balance)
            return False

    observed: list[int] = []
    done = asyncio.Event()

    async def watch() -> None:
        while not done.is_set():
            observed.append(await wallet.balance(7))
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    results = await asyncio.gather(*(attempt(i) for i in range(200)))
    done.set()
    await watcher
    assert observed and min(observed) >= 0
    assert results.count(True) == payable
    assert len(seen_balances) == 200 - payable
    assert await pool.fetchval("SELECT count(*) FROM holds WHERE user_id = 7") == payable
    assert await wallet.balance(7) == 0
    await assert_books_balance(pool)


async def test_concurrent_reserves_of_one_job_hold_once(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.credit(8, 1000, "adjustment", "in:8")
    holds = await asyncio.gather(*(wallet.reserve(8, "job-same", 600) for _ in range(50)))
    assert sum(h.is_new for h in holds) == 1
    assert await wallet.balance(8) == 400
    await assert_books_balance(pool)


async def test_capture_and_release_racing_on_one_job_settle_it_once(
    wallet: Wallet, pool: asyncpg.Pool
) -> None:
    for round_ in range(10):
        job = f"race-{round_}"
        await wallet.credit(9, 100, "adjustment", f"in-{round_}")
        await wallet.reserve(9, job, 100)
        calls = [wallet.capture(job) if i % 2 else wallet.release(job, "cancel") for i in range(40)]
        results = await asyncio.gather(*calls)
        assert results.count(True) == 1
        state = (await wallet.holds.get(job)).state  # type: ignore[union-attr]
        winner = results.index(True)
        assert state == (HoldState.CAPTURED if winner % 2 else HoldState.RELEASED)
    captured = await pool.fetchval(
        "SELECT coalesce(sum(amount), 0) FROM holds WHERE user_id = 9 AND state = 'captured'"
    )
    assert await wallet.balance(9) == 1000 - captured
    await assert_books_balance(pool)


async def test_reserve_joins_the_callers_transaction(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.credit(10, 1000, "adjustment", "in:10")
    await pool.execute("CREATE TABLE fake_jobs (id text PRIMARY KEY)")
    async with pool.acquire() as conn:
        with pytest.raises(Boom):
            async with conn.transaction():
                await conn.execute("INSERT INTO fake_jobs VALUES ('j1')")
                await wallet.reserve(10, "j1", 700, conn=conn)
                raise Boom
        assert await conn.fetchval("SELECT count(*) FROM fake_jobs") == 0
        assert await wallet.holds.get("j1") is None
        assert await wallet.balance(10) == 1000
        async with conn.transaction():
            await conn.execute("INSERT INTO fake_jobs VALUES ('j1')")
            await wallet.reserve(10, "j1", 700, conn=conn)
    assert await wallet.balance(10) == 300
    await assert_books_balance(pool)


async def test_a_crash_before_commit_loses_the_step_and_a_rerun_converges(
    wallet: Wallet, pool: asyncpg.Pool, database_dsn: str
) -> None:
    await wallet.credit(11, 1000, "adjustment", "in:11")
    victim = await asyncpg.connect(database_dsn)
    tr = victim.transaction()
    await tr.start()
    await wallet.reserve(11, "j-crash", 600, conn=victim)
    await wallet.capture("j-crash", conn=victim)
    pid = victim.get_server_pid()
    assert await pool.fetchval("SELECT pg_terminate_backend($1)", pid)
    victim.terminate()
    while await pool.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid):
        await asyncio.sleep(0.01)
    assert await wallet.holds.get("j-crash") is None
    assert await wallet.balance(11) == 1000
    # the runner starts over: each step converges however often it runs
    for _ in range(3):
        await wallet.reserve(11, "j-crash", 600)
    assert await wallet.capture("j-crash") is True
    assert await wallet.capture("j-crash") is False
    assert await wallet.balance(11) == 400
    await assert_books_balance(pool)


async def test_the_database_lets_a_hold_move_only_once(wallet: Wallet, pool: asyncpg.Pool) -> None:
    await wallet.credit(12, 1000, "adjustment", "in:12")
    await wallet.reserve(12, "j-g", 500)
    await wallet.release("j-g")
    for statement in (
        "UPDATE holds SET state = 'held', settled_at = NULL WHERE job_id = 'j-g'",
        "UPDATE holds SET state = 'captured' WHERE job_id = 'j-g'",
        "UPDATE holds SET amount = 1 WHERE job_id = 'j-g'",
        "DELETE FROM holds",
    ):
        with pytest.raises(asyncpg.RaiseError):
            await pool.execute(statement)
    assert await wallet.balance(12) == 1000
