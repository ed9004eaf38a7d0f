"""The shipped A/B split of the welcome screen, through the chat: each user's variant is the
same on two instances on one database and after a restart, both variants are in use, and an
admin ending the test routes everyone to the winner (on every instance) with an audit row."""

from __future__ import annotations

import time

import asyncpg

from engine.runtime.splits import assign
from plugins.funnels.plugin import percent
from plugins.funnels.report import wilson
from tests.e2e.test_funnels import flush, person
from tests.support.telegram import ADMIN_ID, BotUnderTest, running_bot

USERS = range(3001, 3013)
B_TEXT = "выберите задачу — результат будет через минуту"
A_TEXT = "Что нужно сделать?"


async def welcome(under_test: BotUnderTest, user: int) -> str:
    chat = person(under_test, user)
    await chat.send("/start")
    if B_TEXT in chat.screen:
        return "welcome.b"
    assert A_TEXT in chat.screen, chat.screen
    return "main.start"


async def test_each_user_keeps_their_variant_across_instances_and_restarts(pool: asyncpg.Pool) -> None:
    async with running_bot(pool, splits=True) as one, running_bot(pool, splits=True) as two:
        split = one.app.runtime.bundle.splits["welcome.test"]
        first = {user: await welcome(one, user) for user in USERS}
        second = {user: await welcome(two, user) for user in USERS}
    async with running_bot(pool, splits=True) as restarted:
        third = {user: await welcome(restarted, user) for user in USERS}
    assert first == second == third == {user: assign(split, user) for user in USERS}
    assert set(first.values()) == {"main.start", "welcome.b"}


async def test_an_admin_picks_the_winner_and_everyone_gets_it(pool: asyncpg.Pool) -> None:
    async with running_bot(pool, splits=True) as one, running_bot(pool, splits=True) as two:
        split = one.app.runtime.bundle.splits["welcome.test"]
        shown = {user: await welcome(one, user) for user in USERS}
        on_b = sum(v == "welcome.b" for v in shown.values())
        await flush(one)

        admin = one.chat(ADMIN_ID)
        await admin.send("/admin")
        await admin.press("🔻 Воронка")
        await admin.press("🧪 Сплит-тесты")
        await admin.press("🧪 welcome.test")
        on_a = len(USERS) - on_b
        admin.expect(
            "Цель: заказали генерацию",
            f"main.start: 0 из {on_a} — 0\xa0% (95 %: 0\xa0%…{percent(wilson(0, on_a)[1])})",
            f"welcome.b: 0 из {on_b} — 0\xa0% (95 %: 0\xa0%…{percent(wilson(0, on_b)[1])})",
        )
        await admin.press("🏆 Победитель: welcome.b")
        admin.expect("Тест завершён, всем показывается: welcome.b")
        row = await pool.fetchrow("SELECT * FROM admin_audit WHERE action = 'split_winner'")
        assert row is not None
        assert (row["admin_id"], row["subject"], row["old_value"], row["new_value"]) == (
            ADMIN_ID,
            "welcome.test",
            None,
            "welcome.b",
        )
        for user in USERS:
            assert await welcome(one, user) == "welcome.b"
        # the other instance reads the winner within seconds (Splits.ttl)
        a_user = next(u for u, v in shown.items() if v == "main.start")
        deadline = time.monotonic() + 3 * two.app.runtime.splits.ttl
        while await welcome(two, a_user) != "welcome.b":
            assert time.monotonic() < deadline, "the second instance never routed to the winner"
        assert split.variants.keys() == {"main.start", "welcome.b"}  # the YAML still has both
