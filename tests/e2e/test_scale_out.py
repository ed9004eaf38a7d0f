"""Three instances in webhook mode behind a real nginx, one PostgreSQL, 200 users pressing at
once: every update handled once and in order per user, whichever instance gets it; an
instance killed with SIGKILL while it holds a generation job loses nothing and does no job or
payment twice (the job is taken over by the others); one stopped with SIGTERM drains (refuses
new updates, finishes its own, exits cleanly) and loses nothing."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from emulators.kie.faults import SlowReply, TaskFault
from emulators.kie.sandbox import KieSandbox
from emulators.telegram import EmulatedUser, TelegramEmulator
from plugins.wallet.service import Wallet
from tests.support.fleet import Fleet, fleet, nginx_binary
from tests.support.fleet_users import WAIT, act, order, shows

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx cannot be installed here")

USERS = 200
FIRST_USER = 700_001
WELCOME = 20_000
TOP_UP = 10_000
#: a user's conversation: what they do, and what the bot shows after it
SCRIPT = [
    ("send", "/start", "Привет, "),
    ("press", "❓ Помощь", "Выберите задачу, затем модель"),
    ("press", "Как это работает", "1. Выберите задачу"),
    ("press", "◀️ Назад", "Выберите задачу, затем модель"),
    ("press", "🏠 В меню", "Привет, "),
]
PAY = [
    ("send", "/balance", "Ваш баланс: 200"),
    ("press", "⭐ Пополнить звёздами Telegram", "звёзд"),
    ("press", "100 ₽ · ⭐ 80", None),
]
#: each instance's job lease, in seconds: the length left on a lease just taken says whose it
#: is (the test kills the instance that has just taken a job, then waits its lease out)
LEASES = (3.0, 4.0, 5.0)
FRESH = 0.5  # a lease first seen with less than this gone: its step (a poll) has barely begun
SLOW_POLL = 1.5  # seconds each recordInfo answer takes until the kill: jobs are held meanwhile


def crowd(emulator: TelegramEmulator) -> list[int]:
    users = [FIRST_USER + n for n in range(USERS)]
    for user in users:
        emulator.add_user(EmulatedUser(user, f"U{user}"))
    return users


async def pay(emulator: TelegramEmulator, user: int) -> None:
    await act(emulator, user, PAY)
    deadline = time.monotonic() + WAIT
    while not any(m.invoice for m in emulator.state.chats.get(user, {}).values()):
        assert time.monotonic() < deadline, f"user {user} got no invoice"
        await asyncio.sleep(0.02)
    mark = emulator.mark()
    paid = await emulator.pay_invoice(user)
    assert paid.ok, paid.error_message
    await shows(emulator, user, mark, "Баланс пополнен на 100")


async def load(
    emulator: TelegramEmulator, users: list[int], payers: set[int], meanwhile: Callable[[], Awaitable[None]]
) -> None:
    async def person(user: int) -> None:
        if user in payers:
            await act(emulator, user, SCRIPT[:1])
            await pay(emulator, user)
            await act(emulator, user, SCRIPT)  # from the menu again
        else:
            await act(emulator, user, SCRIPT)

    await asyncio.gather(*(person(u) for u in users), meanwhile())


async def sessions(dsn: str, users: list[int]) -> dict[int, tuple[str, int]]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT user_id, screen, version FROM sessions WHERE user_id = ANY($1)", users
        )
    finally:
        await conn.close()
    return {r["user_id"]: (r["screen"], r["version"]) for r in rows}


async def answered(emulator: TelegramEmulator, count: int) -> None:
    await emulator.wait_for(lambda: len(emulator.callback_answers()) >= count, timeout=WAIT)


async def _money_is_exact(dsn: str, users: list[int], payers: set[int], prices: dict[int, int]) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        wallet = Wallet(pool)
        for user in users:
            expected = WELCOME + (TOP_UP if user in payers else 0) - prices.get(user, 0)
            assert await wallet.balance(user) == expected, f"user {user}'s balance is wrong"
    finally:
        await pool.close()


async def nothing() -> None:
    return None


async def test_three_instances_behind_nginx_kill_and_drain(database_dsn: str, tmp_path: Path) -> None:
    """One fleet (starting three processes is the slow part), three rounds of 200 users."""
    # the welcome A/B test ended: everyone gets the main screen the script was written for
    conn = await asyncpg.connect(database_dsn)
    try:
        await conn.execute(
            "INSERT INTO split_winners (split, variant, chosen_by) VALUES ('welcome.test', 'main.start', 1)"
        )
    finally:
        await conn.close()
    async with TelegramEmulator(webhook_timeout=30) as emulator, KieSandbox() as kie:
        users = crowd(emulator)
        each = [{"JOB_LEASE_SECONDS": str(lease)} for lease in LEASES]
        async with fleet(
            emulator,
            database_dsn,
            3,
            tmp_path,
            each=each,
            DRAIN_SECONDS="20",
            KIE_API_KEY=kie.api_key,
            KIE_API_URL=kie.base_url,
            KIE_UPLOAD_URL=kie.upload_url,
            KIE_SANDBOX="1",  # results may come from the sandbox's 127.0.0.1
        ) as running:
            await _every_update_once_in_order(running, database_dsn, users)
            killed = await _a_killed_instance_loses_nothing(running, kie, database_dsn, users)
            await _a_drained_instance_loses_nothing(running, database_dsn, users, 1 if killed == 0 else 0)


async def _every_update_once_in_order(running: Fleet, dsn: str, users: list[int]) -> None:
    emulator = running.emulator
    await load(emulator, users, set(), nothing)
    handled = [await instance.handled() for instance in running.instances]
    assert sum(handled) == USERS * len(SCRIPT), "an update was handled twice, or not at all"
    assert all(handled), f"an instance got no updates: {handled}"
    stored = await sessions(dsn, users)
    start = stored[users[0]][0]
    assert start is not None
    assert set(stored.values()) == {(start, len(SCRIPT))}, "a session is not where its user is"
    for user in users:
        [screen] = emulator.bot_messages(user)  # one message, edited in place, step by step
        assert screen.edit_count == len(SCRIPT) - 1 and "Привет, " in screen.content
    per_query = Counter(a.query_id for a in emulator.callback_answers())
    assert len(per_query) == USERS * (len(SCRIPT) - 1) and set(per_query.values()) == {1}
    assert not emulator.pending_updates


async def _a_killed_instance_loses_nothing(
    running: Fleet, kie: KieSandbox, dsn: str, users: list[int]
) -> int:
    """SIGKILL under load, while some users pay and others' generations are under way, one of
    them held by the instance killed: every user gets through, each payment is credited once,
    the welcome bonus stays one per user; each job is sent to Kie.ai once, paid for once and
    delivered once, the killed instance's taken over when its lease runs out. Returns which
    instance was killed."""
    emulator = running.emulator
    payers = set(users[::10])
    orderers = users[5::16]  # none of them pays: 5 + 16k is odd
    kie.faults.task(TaskFault.stuck(), times=None)  # Kie.ai has them all in flight until the kill
    kie.faults.reply("recordInfo", SlowReply(SLOW_POLL), times=None)
    prices = dict(zip(orderers, await asyncio.gather(*(order(emulator, u) for u in orderers)), strict=True))
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=3)
    try:
        before = len(emulator.callback_answers())
        jobs: dict[int, uuid.UUID] = {}
        killed: list[tuple[int, float]] = []

        async def kill_one() -> None:
            jobs.update(await _jobs_at_kie(pool, orderers))
            await answered(emulator, before + USERS)  # well under way
            victim, held = await _just_taken(pool, list(jobs.values()))
            running.kill(victim)
            started = time.monotonic()
            assert await pool.fetchval("SELECT lease_until > now() FROM jobs WHERE id = $1", held)
            kie.faults.clear()
            for task_id in list(kie.tasks):  # every result is ready now: only the lease holds one back
                await kie.complete_task(task_id)
            await _until(pool, "SELECT state = 'succeeded' FROM jobs WHERE id = $1", held)
            killed.append((victim, time.monotonic() - started))

        await load(emulator, users, payers, kill_one)
        [(victim, taken_over)] = killed
        assert await running.instances[victim].process.wait() != 0
        for job in jobs.values():  # no job stuck: each delivered, and no instance holds it any more
            await _until(
                pool, "SELECT delivered AND settled AND lease_until IS NULL FROM jobs WHERE id = $1", job
            )
        await _each_job_once(pool, kie, emulator, jobs, prices)
    finally:
        await pool.close()
    # its lease held the job back (nobody took it from the dead instance early), then not much more
    assert taken_over >= LEASES[victim] - 1, taken_over
    print(f"instance {victim}'s job ({LEASES[victim]} s lease) taken over {taken_over:.1f} s after its kill")
    await _money_is_exact(dsn, users, payers, prices)
    assert len(emulator.payments) == len(payers)
    stored = await sessions(dsn, users)
    assert len({stored[u][0] for u in users}) == 1 and all(v >= 2 * len(SCRIPT) for _, v in stored.values())
    assert not emulator.pending_updates
    return victim


async def _until(pool: asyncpg.Pool, query: str, *args: object) -> None:
    deadline = time.monotonic() + WAIT
    while not await pool.fetchval(query, *args):
        assert time.monotonic() < deadline, f"never true: {query} {args}"
        await asyncio.sleep(0.05)


async def _jobs_at_kie(pool: asyncpg.Pool, orderers: list[int]) -> dict[int, uuid.UUID]:
    """Each orderer's one job, once Kie.ai has its task (none is being submitted any more)."""
    query = "SELECT count(*) = $2 FROM jobs WHERE user_id = ANY($1) AND kie_task_id IS NOT NULL"
    await _until(pool, query, orderers, len(orderers))
    rows = await pool.fetch("SELECT user_id, id FROM jobs WHERE user_id = ANY($1)", orderers)
    assert len(rows) == len(orderers)
    return {r["user_id"]: r["id"] for r in rows}


async def _just_taken(pool: asyncpg.Pool, jobs: list[uuid.UUID]) -> tuple[int, uuid.UUID]:
    """An instance and a job it has just leased (first seen with under ``FRESH`` of its lease
    gone, so its poll, ``SLOW_POLL`` long, has barely begun; later renewals are not new leases)."""
    query = (
        "SELECT id, lease_owner, extract(epoch FROM lease_until - now())::float AS left"
        " FROM jobs WHERE id = ANY($1)"
    )
    owners = {r["id"]: r["lease_owner"] for r in await pool.fetch(query, jobs)}
    deadline = time.monotonic() + WAIT
    while True:
        for row in await pool.fetch(query, jobs):
            new = row["lease_owner"] is not None and row["lease_owner"] != owners[row["id"]]
            owners[row["id"]] = row["lease_owner"]
            for instance, lease in enumerate(LEASES):
                if new and lease - FRESH < row["left"] <= lease:
                    return instance, row["id"]
        assert time.monotonic() < deadline, "no instance was seen taking a job"
        await asyncio.sleep(0.01)


async def _each_job_once(
    pool: asyncpg.Pool,
    kie: KieSandbox,
    emulator: TelegramEmulator,
    jobs: dict[int, uuid.UUID],
    prices: dict[int, int],
) -> None:
    """One Kie.ai task per job, one hold per job (never released), one result per user."""
    assert kie.create_calls() == len(jobs) == len(kie.tasks)
    rows = await pool.fetch("SELECT id, state, kie_task_id FROM jobs WHERE id = ANY($1)", list(jobs.values()))
    assert {r["state"] for r in rows} == {"succeeded"}
    assert {r["kie_task_id"] for r in rows} == set(kie.tasks)
    for user, job in jobs.items():
        money = await pool.fetch("SELECT kind, amount FROM ledger WHERE job_id = $1", str(job))
        assert [(m["kind"], m["amount"]) for m in money] == [("hold", -prices[user])], f"job {job}: {money}"
        assert await pool.fetchval("SELECT state FROM holds WHERE job_id = $1", str(job)) == "captured"
        results = [m for m in emulator.bot_messages(user) if m.media_kind is not None]
        assert [m.media_kind for m in results] == ["photo"], f"user {user} got {len(results)} results"


async def _a_drained_instance_loses_nothing(running: Fleet, dsn: str, users: list[int], index: int) -> None:
    """SIGTERM under load: the instance refuses new updates (nginx passes them on), finishes
    its own and exits 0; nothing is lost, and nothing is handled twice."""
    emulator = running.emulator
    earlier = await sessions(dsn, users)
    seen = {a.query_id for a in emulator.callback_answers()}
    stopped: list[int] = []
    attempts = len(emulator.webhook_attempts)

    async def drain_one() -> None:
        await answered(emulator, len(seen) + USERS)
        running.terminate(index)
        stopped.append(await asyncio.wait_for(running.instances[index].process.wait(), 40))

    await load(emulator, users, set(), drain_one)
    assert stopped == [0], "the drained instance did not exit cleanly"
    # the proxy passed every update the draining instance refused on to another one: Telegram
    # never saw a 503 (it would have retried, but only after a pause of its own)
    refused = [a.status for a in emulator.webhook_attempts[attempts:] if a.status != 200]
    assert not refused, f"updates answered {refused} by the proxy during the drain"
    stored = await sessions(dsn, users)
    assert all(stored[u] == (earlier[u][0], earlier[u][1] + len(SCRIPT)) for u in users)
    per_query = Counter(a.query_id for a in emulator.callback_answers() if a.query_id not in seen)
    assert len(per_query) == USERS * (len(SCRIPT) - 1) and set(per_query.values()) == {1}
    assert not emulator.pending_updates
