"""Three instances in webhook mode behind a real nginx, one PostgreSQL, 200 users pressing at
once: every update handled once and in order per user, whichever instance gets it; an
instance killed with SIGKILL loses nothing and pays nothing twice; one stopped with SIGTERM
drains (refuses new updates, finishes its own, exits cleanly) and loses nothing."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from emulators.telegram import EmulatedUser, TelegramEmulator
from plugins.wallet.service import Wallet
from tests.support.fleet import Fleet, fleet, nginx_binary

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
WAIT = 90.0  # seconds one step may take under the whole load (a kill or a drain included)


def crowd(emulator: TelegramEmulator) -> list[int]:
    users = [FIRST_USER + n for n in range(USERS)]
    for user in users:
        emulator.add_user(EmulatedUser(user, f"U{user}"))
    return users


def bot_texts(emulator: TelegramEmulator, user: int, since: int) -> list[str]:
    """What the bot sent or edited for ``user`` after ``since``, newest last."""
    found = [m for m in emulator.state.chats.get(user, {}).values() if m.from_bot and m.seq > since]
    return [m.text or m.caption or "" for m in sorted(found, key=lambda m: m.seq)]


async def shows(emulator: TelegramEmulator, user: int, since: int, fragment: str | None) -> None:
    """Wait until a bot message sent or edited after ``since`` shows ``fragment`` (any, if None)."""
    deadline = time.monotonic() + WAIT
    while True:
        texts = bot_texts(emulator, user, since)
        if any(fragment is None or fragment in text for text in texts):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"user {user} never saw {fragment!r}; saw: {texts!r}")
        await asyncio.sleep(0.02)


async def act(emulator: TelegramEmulator, user: int, steps: list[tuple[str, str, str | None]]) -> None:
    for kind, what, fragment in steps:
        mark = emulator.mark()
        if kind == "send":
            await emulator.send_text(user, what)
        else:
            await emulator.press(user, what)
        await shows(emulator, user, mark, fragment)


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


async def _money_is_exact(dsn: str, users: list[int], payers: set[int]) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        wallet = Wallet(pool)
        for user in users:
            expected = WELCOME + (TOP_UP if user in payers else 0)
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
    async with TelegramEmulator(webhook_timeout=30) as emulator:
        users = crowd(emulator)
        async with fleet(emulator, database_dsn, 3, tmp_path, DRAIN_SECONDS="20") as running:
            await _every_update_once_in_order(running, database_dsn, users)
            await _a_killed_instance_loses_nothing(running, database_dsn, users)
            await _a_drained_instance_loses_nothing(running, database_dsn, users)


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


async def _a_killed_instance_loses_nothing(running: Fleet, dsn: str, users: list[int]) -> None:
    """SIGKILL under load, while some users pay: every user gets through, each payment is
    credited once, and the welcome bonus stays one per user."""
    emulator = running.emulator
    payers = set(users[::10])
    before = len(emulator.callback_answers())

    async def kill_one() -> None:
        await answered(emulator, before + USERS)  # well under way
        running.kill(1)

    await load(emulator, users, payers, kill_one)
    assert await running.instances[1].process.wait() != 0
    await _money_is_exact(dsn, users, payers)
    assert len(emulator.payments) == len(payers)
    stored = await sessions(dsn, users)
    assert len({stored[u][0] for u in users}) == 1 and all(v >= 2 * len(SCRIPT) for _, v in stored.values())
    assert not emulator.pending_updates


async def _a_drained_instance_loses_nothing(running: Fleet, dsn: str, users: list[int]) -> None:
    """SIGTERM under load: the instance refuses new updates (nginx passes them on), finishes
    its own and exits 0; nothing is lost, and nothing is handled twice."""
    emulator = running.emulator
    earlier = await sessions(dsn, users)
    seen = {a.query_id for a in emulator.callback_answers()}
    stopped: list[int] = []

    async def drain_one() -> None:
        await answered(emulator, len(seen) + USERS)
        running.terminate(0)
        stopped.append(await asyncio.wait_for(running.instances[0].process.wait(), 40))

    await load(emulator, users, set(), drain_one)
    assert stopped == [0], "the drained instance did not exit cleanly"
    stored = await sessions(dsn, users)
    assert all(stored[u] == (earlier[u][0], earlier[u][1] + len(SCRIPT)) for u in users)
    per_query = Counter(a.query_id for a in emulator.callback_answers() if a.query_id not in seen)
    assert len(per_query) == USERS * (len(SCRIPT) - 1) and set(per_query.values()) == {1}
    assert not emulator.pending_updates
