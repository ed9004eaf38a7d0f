"""Conversations through the Telegram emulator with the real aiogram Bot and the shipped flows."""

from __future__ import annotations

import asyncpg

from tests.support.telegram import running_bot

ANNA, BORIS = 1001, 1002  # the emulator's Russian- and English-speaking test users


async def test_start_help_and_back(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as bot:
        chat = bot.chat(ANNA)
        await chat.send("/start")
        chat.expect("Привет, Anna!")
        await chat.press("❓ Помощь")
        chat.expect("Помощь", "Выберите задачу")
        await chat.press("Как это работает")
        chat.expect("1. Выберите задачу")
        await chat.press("◀️ Назад")
        chat.expect("Выберите задачу, затем модель")
        await chat.press("🏠 В меню")
        chat.expect("Привет, Anna!")
        assert chat.last.edited  # navigation edits the message in place


async def test_language_from_telegram_and_switch(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as bot:
        boris = bot.chat(BORIS)
        await boris.send("/start")
        boris.expect("Hi, Boris!")
        await boris.send("/language")
        await boris.press("🇷🇺 Русский")
        boris.expect("Готово, теперь я говорю по-русски.")
        await boris.press("🏠 В меню")
        boris.expect("Привет, Boris!")


async def test_text_on_a_button_screen_gets_a_hint(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as bot:
        chat = bot.chat(ANNA)
        await chat.send("/start")
        await chat.send("а где кнопки?")
        chat.expect("Пожалуйста, выберите вариант кнопкой ниже.", "Привет, Anna!")
        assert "❓ Помощь" in chat.buttons()


async def test_unknown_command_gets_help(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as bot:
        chat = bot.chat(ANNA)
        await chat.send("/frobnicate")
        chat.expect("Я не знаю команду /frobnicate", "Выберите задачу, затем модель")


async def test_stale_and_forged_presses_are_refused(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as bot:
        chat = bot.chat(ANNA)
        await chat.send("/start")
        first_menu = chat.last
        help_data = chat.callback_data("❓ Помощь")
        await chat.press("❓ Помощь")
        # the same button again, from a keyboard that is no longer current
        answer = await chat.press_data(help_data, first_menu.message_id)
        assert answer == "Это меню устарело — вот актуальное."
        chat.expect("Выберите задачу, затем модель")
        for forged in ("main.start:1:b0.0", "x" * 64, "admin.panel:99:b0.0"):
            answer = await chat.press_data(forged, chat.last.message_id)
            assert answer == "Это меню устарело — вот актуальное."
        assert all(a.text is None or "устарело" in a.text for a in bot.emulator.callback_answers(ANNA))


async def test_a_file_where_none_is_asked_gets_a_hint(pool: asyncpg.Pool) -> None:
    async with running_bot(pool) as bot:
        chat = bot.chat(ANNA)
        await chat.send("/start")
        mark = bot.emulator.mark()
        await bot.emulator.send_document(ANNA, b"%PDF-1.4 nothing", "invoice.pdf")
        reply = await bot.emulator.wait_bot_message(ANNA, since=mark)
        assert "Здесь не нужно ничего присылать" in reply.content
        assert "❓ Помощь" in chat.buttons()
