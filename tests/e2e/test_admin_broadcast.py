"""Broadcasts through the chat, in Russian: composed with a picture (its formatting kept) and a
button to a screen, previewed, counted, sent to a segment; a crash in the middle and a restart
(no one gets it twice, everyone gets it once, the opted-out get nothing); who blocked the bot
is marked and skipped next time; pause, resume and stop on the progress message; a support
admin cannot open broadcasts, not even by a forged press or by calling the action."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from app.assembly import BroadcastOptions
from emulators.telegram.server import TelegramEmulator
from emulators.telegram.state import EmulatedUser
from emulators.telegram.transcript import ChatMessage
from engine.plugin import ActionError
from plugins.admin.broadcast_worker import BroadcastWorker
from plugins.admin.broadcasts import BroadcastPlugin
from tests.e2e.test_admin import Ctx
from tests.support.telegram import ADMIN_ID, BotUnderTest, Chat, running_bot, start_bot

ANNA = 1001
VERA = 1003  # a support admin
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND"
    b"\xaeB`\x82"
)
PROGRESS = ("📣 Рассылка", "⏸ Рассылка", "⏹ Рассылка", "✅ Рассылка")  # the message edited in place
FAST = BroadcastOptions(lease=timedelta(seconds=1), idle=0.1, progress_every=0.3)


async def rate(pool: asyncpg.Pool, per_second: int) -> None:
    """The admins' broadcast rate setting, as if changed in ⚙️ Настройки."""
    await pool.execute(
        "INSERT INTO wallet_settings (key, value, updated_by) VALUES ('broadcast_rate', $1, 0)"
        " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        str(per_second),
    )


@pytest.fixture
async def telegram() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        yield emulator


async def people(
    pool: asyncpg.Pool, emulator: TelegramEmulator, ids: range, language: str = "ru"
) -> list[int]:
    """Users the bot has met (as /start would leave them), known to the emulated Telegram."""
    for user_id in ids:
        emulator.add_user(EmulatedUser(user_id, f"Гость {user_id}", language))
        await pool.execute(
            "INSERT INTO users (user_id, first_name, language) VALUES ($1, $2, $3)",
            user_id,
            f"Гость {user_id}",
            language,
        )
    return list(ids)


def broadcasts_to(emulator: TelegramEmulator, user_id: int, marker: str) -> list[ChatMessage]:
    return [m for m in emulator.bot_messages(user_id) if marker in (m.text or m.caption or "")]


def progress(emulator: TelegramEmulator, word: str) -> ChatMessage | None:
    found = [
        m for m in emulator.bot_messages(ADMIN_ID) if m.content.startswith(PROGRESS) and word in m.content
    ]
    return found[-1] if found else None


async def compose_text(admin: Chat, text: str) -> None:
    await admin.send("/admin")
    await admin.press("📣 Рассылки")
    await admin.press("✍️ Новая рассылка")
    await admin.send(text)
    await admin.press("Без кнопки")


async def nothing_in_flight(pool: asyncpg.Pool) -> None:
    """Wait until no call to Telegram is in flight (no recipient is ``sending``)."""
    for _ in range(500):
        if not await pool.fetchval("SELECT count(*) FROM broadcast_recipients WHERE state = 'sending'"):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("a call to Telegram stayed in flight")


def worker(under_test: BotUnderTest) -> BroadcastWorker:
    plugin = under_test.runtime.calls.plugins.instances["broadcast"]
    assert isinstance(plugin, BroadcastPlugin) and plugin.worker is not None
    return plugin.worker


async def test_a_broadcast_with_a_picture_and_a_button_reaches_its_segment_once(
    pool: asyncpg.Pool, telegram: TelegramEmulator
) -> None:
    recipients = await people(pool, telegram, range(2001, 2013))
    blocker, quiet = (await people(pool, telegram, range(2013, 2015)))[:2]
    await pool.execute("UPDATE users SET news_opt_out = true WHERE user_id = $1", quiet)
    telegram.state.blocked.add(blocker)  # blocked while the bot was away: it has not heard of it
    await rate(pool, 30)
    async with running_bot(pool, emulator=telegram, broadcast_options=FAST) as bot:
        anna, admin = bot.chat(ANNA), bot.chat(ADMIN_ID)
        await anna.send("/start")
        await anna.send("/language")
        await anna.press("📰 Новости и акции")
        anna.expect("Сейчас включены")
        await anna.press("🔕 Выключить")
        anna.expect("Сейчас выключены")

        await admin.send("/admin")
        await admin.press("📣 Рассылки")
        await admin.press("✍️ Новая рассылка")
        admin.expect("Пришлите сообщение для рассылки")
        caption = "Скидка 20% на видео до пятницы"
        mark = telegram.mark()
        await telegram.send_photo(
            ADMIN_ID,
            PNG,
            "sale.png",
            "image/png",
            caption=caption,
            caption_entities=[{"type": "bold", "offset": 7, "length": 3}],
        )
        await telegram.wait_bot_message(ADMIN_ID, since=mark, timeout=10)
        await telegram.wait_idle(quiet=0.05)
        admin.expect("Добавить к сообщению кнопку?")
        await admin.press("🔘 Кнопка на раздел бота")
        await admin.press("💰 Пополнить баланс")
        admin.expect("Кому отправить?")
        await admin.press("👥 Всем")
        audience = len(recipients) + 2  # the blocker (not known yet) and the admin himself
        admin.expect(f"Получателей: {audience}", "Картинка: есть")

        await admin.press("👁 Предпросмотр")
        preview = broadcasts_to(telegram, ADMIN_ID, "Скидка")
        assert len(preview) == 1 and preview[0].media_kind == "photo"
        assert "<b>20%</b>" in preview[0].html
        assert bot.emulator.last_bot_message(ADMIN_ID) is not None
        assert [b["text"] for row in preview[0].reply_markup["inline_keyboard"] for b in row] == [
            "💰 Пополнить баланс"
        ]

        telegram.inject_error(
            "sendPhoto", "Too Many Requests: retry after 1", error_code=429, retry_after=1, after=3
        )
        await admin.press("📣 Отправить")
        await telegram.wait_for(lambda: progress(telegram, "завершена"), timeout=20)
        report = progress(telegram, "завершена")
        assert report is not None
        assert f"Доставлено: {len(recipients) + 1} из {audience}" in report.content
        photos = telegram.calls("sendPhoto")
        refused = next(call for call in photos if not call.ok)
        retried = [
            c for c in photos if c.params["chat_id"] == refused.params["chat_id"] and c.at > refused.at
        ]
        assert retried[0].at - refused.at >= 1.0  # retry_after obeyed …
        in_flight = [c for c in photos if refused.at < c.at < refused.at + 0.9]
        assert len(in_flight) <= 3  # … by all but the calls already on their way
        assert "Заблокировали бота: 1" in report.content and "Ошибки: 0" in report.content
        for user in [*recipients, ADMIN_ID]:
            expected = 2 if user == ADMIN_ID else 1  # the admin: the preview and the broadcast
            got = broadcasts_to(telegram, user, "Скидка")
            assert len(got) == expected, user
            assert "<b>20%</b>" in got[-1].html
        for user in (ANNA, quiet, blocker):
            assert broadcasts_to(telegram, user, "Скидка") == []
        assert await pool.fetchval("SELECT bot_blocked_at IS NOT NULL FROM users WHERE user_id = $1", blocker)

        guest = bot.chat(recipients[0])
        await guest.press("💰 Пополнить баланс")
        guest.expect("Ваш баланс")

        await compose_text(admin, "Вторая новость")  # who blocked the bot is skipped next time
        await admin.press("👥 Всем")
        admin.expect(f"Получателей: {len(recipients) + 1}")
        assert await pool.fetchval("SELECT count(*) FROM admin_audit WHERE action = 'broadcast.start'") == 1


async def test_a_crash_in_the_middle_resumes_without_sending_twice(
    pool: asyncpg.Pool, telegram: TelegramEmulator
) -> None:
    english = await people(pool, telegram, range(3001, 3041), language="en")
    quiet = (await people(pool, telegram, range(3041, 3043), language="en"))[0]
    await pool.execute("UPDATE users SET news_opt_out = true WHERE user_id = $1", quiet)
    await rate(pool, 20)
    first = await start_bot(telegram, pool, broadcast_options=FAST)
    try:
        admin = first.chat(ADMIN_ID)
        await compose_text(admin, "Новинка: озвучка на английском")
        await admin.press("🇬🇧 Англоязычным")
        admin.expect(f"Получателей: {len(english) + 1}")
        # the 16th message (after the progress message and 14 recipients) hears 429, retry in 3 s
        telegram.inject_error(
            "sendMessage", "Too Many Requests: retry after 3", error_code=429, retry_after=3, after=15
        )
        await admin.press("📣 Отправить")
        await telegram.wait_for(lambda: telegram.calls("sendMessage", ok=False), timeout=20)
        await nothing_in_flight(pool)
        # the process dies while it waits out the 429: no release of its lease, nothing recorded
        running = worker(first)

        async def no_release(*_: Any) -> None:
            return None

        running.store.release = no_release  # type: ignore[method-assign]
        first.services[-1].cancel()
    finally:
        await first.stop()
    delivered_before = sum(len(broadcasts_to(telegram, u, "Новинка")) for u in english)
    assert 0 < delivered_before < len(english)

    await rate(pool, 30)
    second = await start_bot(telegram, pool, broadcast_options=FAST)
    try:
        await telegram.wait_for(lambda: progress(telegram, "завершена"), timeout=30)
        report = progress(telegram, "завершена")
        assert report is not None
        assert f"Доставлено: {len(english) + 1} из {len(english) + 1}" in report.content
        assert "Неизвестно" not in report.content
        for user in english:
            assert len(broadcasts_to(telegram, user, "Новинка")) == 1, user
        assert broadcasts_to(telegram, quiet, "Новинка") == []
        progress_messages = {
            m.message_id for m in telegram.bot_messages(ADMIN_ID) if m.content.startswith(PROGRESS)
        }
        assert len(progress_messages) == 1  # edited in place, also after the restart
    finally:
        await second.stop()


async def test_pause_resume_and_stop(pool: asyncpg.Pool, telegram: TelegramEmulator) -> None:
    recipients = await people(pool, telegram, range(4001, 4031))
    async with running_bot(pool, emulator=telegram, broadcast_options=FAST) as bot:
        admin = bot.chat(ADMIN_ID)
        await admin.send("/admin")
        await admin.press("⚙️ Настройки")
        await admin.press("Дальше ▶️")
        await admin.press("Скорость рассылки: 25 сообщений в секунду")
        admin.expect("Сколько сообщений в секунду отправляет рассылка", "Пришлите целое число от 1 до 30")
        await admin.send("31")
        admin.expect("Значение должно быть от 1 и не больше 30.")
        await admin.send("10")
        admin.expect("Было: 25 сообщений в секунду", "Стало: 10 сообщений в секунду")
        await compose_text(admin, "Акция недели")
        await admin.press("👥 Всем")
        await admin.press("📣 Отправить")
        await telegram.wait_for(lambda: progress(telegram, "идёт"), timeout=10)
        assert "идёт (10 сообщ./с)" in (progress(telegram, "идёт") or admin.last).content

        def sent() -> int:
            return sum(len(broadcasts_to(telegram, u, "Акция")) for u in recipients)

        await telegram.wait_for(lambda: sent() >= 3, timeout=10)
        live = progress(telegram, "идёт")
        assert live is not None
        answer = await admin.press("⏸ Пауза", live.message_id)
        assert answer == "Рассылка на паузе"
        await telegram.wait_for(lambda: progress(telegram, "на паузе"), timeout=10)
        await telegram.wait_idle(quiet=0.3)
        paused_at = sent()
        assert paused_at < len(recipients)
        await admin.press("▶️ Продолжить", live.message_id)
        await telegram.wait_for(lambda: sent() > paused_at, timeout=10)
        answer = await admin.press("⏹ Остановить", live.message_id)
        assert answer == "Рассылка остановлена"
        await telegram.wait_for(lambda: progress(telegram, "остановлена"), timeout=10)
        await telegram.wait_idle(quiet=0.3)
        stopped_at = sent()
        assert stopped_at < len(recipients)
        assert all(len(broadcasts_to(telegram, u, "Акция")) <= 1 for u in recipients)
        state = await pool.fetchval("SELECT state FROM broadcasts ORDER BY id DESC LIMIT 1")
        assert state == "stopped"
        actions = await pool.fetch(
            "SELECT action FROM admin_audit WHERE action LIKE 'broadcast.%' ORDER BY id"
        )
        assert [r["action"] for r in actions] == [
            "broadcast.start",
            "broadcast.paused",
            "broadcast.sending",
            "broadcast.stopped",
        ]


async def test_a_support_admin_cannot_open_broadcasts(pool: asyncpg.Pool, telegram: TelegramEmulator) -> None:
    telegram.add_user(EmulatedUser(VERA, "Вера", "ru", username="vera"))
    await pool.execute(
        "INSERT INTO admin_roles (user_id, role, granted_by) VALUES ($1, 'support', $2)", VERA, ADMIN_ID
    )
    async with running_bot(pool, emulator=telegram) as bot:
        owner, vera = bot.chat(ADMIN_ID), bot.chat(VERA)
        await owner.send("/admin")
        forged = owner.callback_data("📣 Рассылки")
        await vera.send("/admin")
        assert "👤 Пользователи" in vera.buttons() and "📣 Рассылки" not in vera.buttons()
        answer = await vera.press_data(forged, vera.last.message_id)
        assert answer == "Это меню устарело — вот актуальное."
        assert "Рассылки" not in vera.screen
        query = await telegram.press_data(VERA, "bc:s1", vera.last.message_id)  # a progress message's stop
        refused_press = await telegram.wait_callback_answer(query, timeout=10)
        assert refused_press.text == "Рассылки доступны только администраторам."
        plugin = bot.runtime.calls.plugins.instances["broadcast"]
        assert isinstance(plugin, BroadcastPlugin)
        with pytest.raises(ActionError) as refused:
            from engine.plugin import NoArgs

            await plugin.create(Ctx(VERA), NoArgs())
        assert refused.value.text_key == "admin.broadcast.error.forbidden"
