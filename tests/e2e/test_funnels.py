"""The funnel report through the chat, in Russian, on a scripted population: users who stop
at each depth, one from a traffic source, one who started long ago; every figure checked, the
per-source view, the drop-off view of the model card, and the chart sent as a picture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from emulators.telegram.state import EmulatedUser
from engine.storage.events import PgEventWriter
from tests.e2e.test_admin import charged_job
from tests.e2e.test_admin_dashboard import topup
from tests.e2e.test_finding import IMAGEN, search
from tests.support.telegram import ADMIN_ID, BotUnderTest, Chat, running_bot

ONLY_START, CARD, ONE_JOB, TOPPED_UP, SECOND, NO_CARD, FROM_VK, OLD = range(2001, 2009)


def person(under_test: BotUnderTest, user: int) -> Chat:
    """A test user of this file (the emulator knows only a few by default)."""
    if user not in {u.id for u in under_test.emulator.users}:
        under_test.emulator.add_user(EmulatedUser(user, f"User{user}", "ru"))
    return under_test.chat(user)


async def open_card(chat: Chat) -> None:
    await search(chat, "imagen 4")  # /start, then the search
    await chat.press(f"🖼 {IMAGEN}")
    chat.expect(IMAGEN)


async def flush(under_test: BotUnderTest) -> None:
    """Write the events the bot recorded now, rather than within the second."""
    writer = next(s for s in under_test.app.kit.services if isinstance(s, PgEventWriter))
    await writer.flush()


async def scripted_population(under_test: BotUnderTest, pool: asyncpg.Pool) -> None:
    await person(under_test, ONLY_START).send("/start")
    await person(under_test, FROM_VK).send("/start src_vk")  # came by the VK link, first visit
    for user in (CARD, ONE_JOB, TOPPED_UP, SECOND, FROM_VK):
        await open_card(person(under_test, user))
    await person(under_test, TOPPED_UP).press("🏠 В меню")  # goes on from the card
    await person(under_test, NO_CARD).send("/start")
    for user in (ONE_JOB, TOPPED_UP, SECOND, NO_CARD):
        await charged_job(pool, user, 4_000)
    for user in (SECOND, NO_CARD):  # NO_CARD skipped the card: a funnel counts in order
        await charged_job(pool, user, 4_000)
    for user in (TOPPED_UP, SECOND, NO_CARD):
        await topup(pool, user, 50_000, "topup_stars")
    # started 40 days ago: in the 90 days' cohort, not this week's
    await pool.execute(
        "INSERT INTO flow_events (at, user_id, screen, kind) VALUES ($1, $2, '', 'start')",
        datetime.now(UTC) - timedelta(days=40),
        OLD,
    )
    await person(under_test, OLD).send("/start")
    await flush(under_test)


async def test_the_funnel_of_a_scripted_population(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as under_test:
        await scripted_population(under_test, pool)
        admin = person(under_test, ADMIN_ID)
        await admin.send("/admin")
        await admin.press("🔻 Воронка")
        admin.expect(
            "Воронка · все источники",
            "/start: 7\n",
            "Карточка модели: 5 (71\xa0%)",
            "Первая генерация: 3 (60\xa0%)",
            "Первое пополнение: 2 (67\xa0%)",
            "Вторая генерация: 1 (50\xa0%)",
            "От /start до второй генерации: 14\xa0%",
        )
        assert "• 7 дней" in admin.buttons()
        assert [b for b in admin.buttons() if "источники" in b or b.endswith(")")] == [
            "• Все источники",
            "без метки (6)",
            "src_vk (1)",
        ]

        await admin.press("src_vk (1)")
        admin.expect(
            "Воронка · src_vk",
            "/start: 1\n",
            "Карточка модели: 1 (100\xa0%)",
            "Первая генерация: 0 (0\xa0%)",
            "Первое пополнение: 0 (—)",
            "От /start до второй генерации: 0\xa0%",
        )
        await admin.press("90 дней")  # the source stays chosen; the old user is in no source
        admin.expect("Воронка · src_vk", "/start: 1\n")
        await admin.press("Все источники")
        admin.expect("/start: 8\n", "Карточка модели: 5 (62\xa0%)", "От /start до второй генерации: 12\xa0%")

        await admin.press("🚪 Где уходят")
        await admin.press("catalog.card (5)")
        admin.expect(
            "catalog.card",
            "Посетили: 5",
            "Ушли из бота здесь: 4",  # all but the one who went on to the main menu
            "Куда пошли дальше:\nmain.start: 1",
        )

        await admin.press("◀️ Назад")
        await admin.press("◀️ Назад")
        admin.expect("/start: 8\n")
        await admin.press("📈 График")
        messages = under_test.emulator.bot_messages(ADMIN_ID)
        assert [m.media_kind for m in messages].count("photo") == 1
        assert messages[-1].media_kind == "photo"
        assert "/start: 8\n" in messages[-2].content  # the report stays, above the picture


async def test_events_are_batched_and_old_ones_deleted(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as under_test:
        chat = person(under_test, ONLY_START)
        await chat.send("/start")
        await chat.press("💰 Баланс")
        await flush(under_test)
        rows = await pool.fetch(
            "SELECT kind, screen, target FROM flow_events WHERE user_id = $1 ORDER BY at", ONLY_START
        )
        assert [tuple(r) for r in rows] == [
            ("start", "", None),
            ("view", "main.start", None),
            ("press", "main.start", "wallet.balance"),
            ("view", "wallet.balance", None),
        ]
        await pool.execute(
            "INSERT INTO flow_events (at, user_id, screen, kind)"
            " VALUES (now() - interval '91 days', 1, 'x', 'view')"
        )
        writer = next(s for s in under_test.app.kit.services if isinstance(s, PgEventWriter))
        assert await writer.prune() == 1
        assert await pool.fetchval("SELECT count(*) FROM flow_events") == 4
