"""The Python API end-to-end tests use: users, presses, transcripts, waiting helpers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from emulators.telegram import DEFAULT_USERS, EmulatedUser, EmulatorError, TelegramEmulator

ANNA, BORIS, ADMIN = 1001, 1002, 9001


def menu(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=label, callback_data=f"go:{label}")] for label in labels]
    )


@pytest.fixture
async def echo_bot(bot: Bot) -> AsyncIterator[Dispatcher]:
    """A tiny bot: /start shows a menu; a press edits the menu into the chosen screen."""
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("<b>Main menu</b>", parse_mode="HTML", reply_markup=menu("Images", "Video"))

    @dispatcher.callback_query(F.data.startswith("go:"))
    async def go(query: CallbackQuery) -> None:
        assert query.data is not None and isinstance(query.message, Message)
        await query.message.edit_text(f"Screen {query.data[3:]}", reply_markup=menu("Back"))
        await query.answer(f"Opened {query.data[3:]}")

    @dispatcher.callback_query()
    async def stale(query: CallbackQuery) -> None:
        await query.answer("This menu is out of date")

    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        yield dispatcher
    finally:
        await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await polling


def test_default_users_include_an_admin() -> None:
    assert [(u.id, u.first_name, u.language_code) for u in DEFAULT_USERS] == [
        (1001, "Anna", "ru"),
        (1002, "Boris", "en"),
        (9001, "Admin", "ru"),
    ]
    assert [u.id for u in DEFAULT_USERS if u.is_admin] == [ADMIN]


async def test_conversation_with_press_and_wait(emulator: TelegramEmulator, echo_bot: Dispatcher) -> None:
    await emulator.send_text(ANNA, "/start")
    menu_message = await emulator.wait_bot_message(ANNA)
    assert menu_message.text == "Main menu" and menu_message.buttons == [["Images"], ["Video"]]
    query_id = await emulator.press(ANNA, "Video")
    screen = await emulator.wait_bot_message(ANNA)
    assert screen.message_id == menu_message.message_id and screen.text == "Screen Video" and screen.edited
    answer = await emulator.wait_callback_answer(query_id)
    assert answer.text == "Opened Video"
    transcript = emulator.messages(ANNA)
    assert [(m.from_bot, m.content) for m in transcript] == [(False, "/start"), (True, "Screen Video")]
    assert [a.text for a in emulator.callback_answers(ANNA)] == ["Opened Video"]
    # other users' chats are separate
    assert emulator.messages(BORIS) == []


async def test_forged_press_gets_an_answer(emulator: TelegramEmulator, echo_bot: Dispatcher) -> None:
    await emulator.send_text(ANNA, "/start")
    message = await emulator.wait_bot_message(ANNA)
    query_id = await emulator.press_data(ANNA, "admin:delete_all", message.message_id)
    answer = await emulator.wait_callback_answer(query_id)
    assert answer.text == "This menu is out of date" and answer.data == "admin:delete_all"


async def test_press_errors_are_helpful(emulator: TelegramEmulator, bot: Bot) -> None:
    await bot.send_message(
        ANNA,
        "links",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Site", url="https://example.com")]]
        ),
    )
    with pytest.raises(EmulatorError, match=r"no inline button 'Nope'.*visible buttons: \['Site'\]"):
        await emulator.press(ANNA, "Nope")
    with pytest.raises(EmulatorError, match="url button"):
        await emulator.press(ANNA, "Site")
    with pytest.raises(EmulatorError, match="unknown test user 5"):
        await emulator.send_text(5, "hi")


async def test_press_targets_latest_message_or_given_one(emulator: TelegramEmulator, bot: Bot) -> None:
    old = await bot.send_message(ANNA, "old", reply_markup=menu("Same"))
    new = await bot.send_message(ANNA, "new", reply_markup=menu("Same"))
    await emulator.press(ANNA, "Same")
    await emulator.press(ANNA, "Same", message_id=old.message_id)
    updates = await bot.get_updates()
    pressed = [
        u.callback_query.message.message_id for u in updates if u.callback_query and u.callback_query.message
    ]
    assert pressed == [new.message_id, old.message_id]


async def test_wait_bot_message_times_out_with_context(emulator: TelegramEmulator) -> None:
    await emulator.send_text(ANNA, "anyone?")
    with pytest.raises(TimeoutError, match="no new bot message for user 1001"):
        await emulator.wait_bot_message(ANNA, timeout=0.2)


async def test_wait_for_and_wait_idle(emulator: TelegramEmulator, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(BORIS, "eventually")

    task = asyncio.create_task(later())
    found = await emulator.wait_for(lambda: emulator.last_bot_message(BORIS), timeout=3)
    assert found.text == "eventually"
    await task
    await emulator.wait_idle(quiet=0.1)
    with pytest.raises(TimeoutError, match="condition not met"):
        await emulator.wait_for(lambda: False, timeout=0.1)


async def test_duplicate_update_for_dedup_tests(emulator: TelegramEmulator, bot: Bot) -> None:
    await emulator.send_text(ANNA, "once")
    updates = await bot.get_updates()
    await bot.get_updates(offset=updates[-1].update_id + 1)
    copy = await emulator.redeliver_last_update()
    assert copy["message"]["message_id"] == updates[-1].message.message_id  # same message, new delivery
    assert len(emulator.sent_updates) == 2


async def test_custom_users_and_add_user() -> None:
    emulator = TelegramEmulator(users=[EmulatedUser(7, "Solo", "en")])
    async with emulator:
        assert [u.id for u in emulator.users] == [7]
        emulator.add_user(EmulatedUser(8, "Late", "ru"))
        bot = emulator.make_bot()
        try:
            assert (await bot.send_message(8, "hi")).chat.first_name == "Late"
        finally:
            await bot.session.close()
    with pytest.raises(EmulatorError, match="not started"):
        _ = emulator.base_url


async def test_blocking_sends_my_chat_member(emulator: TelegramEmulator, bot: Bot) -> None:
    await emulator.block_bot(BORIS)
    await emulator.send_text(BORIS, "/start")  # writing again unblocks, as in Telegram
    kinds = [u.event_type for u in await bot.get_updates()]
    assert kinds == ["my_chat_member", "my_chat_member", "message"]
    assert (await bot.send_message(BORIS, "welcome back")).text == "welcome back"


async def test_standalone_module_serves_the_api_and_page() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "emulators.telegram",
        "--port",
        "0",
        "--token",
        "5:TOKEN",
        "--user",
        "1:Solo:en",
        "--user",
        "2:Boss:ru:admin",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        base = line.split("chat page ")[1].split("/ ")[0]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/bot5:TOKEN/getMe") as resp:
                assert (await resp.json())["result"]["id"] == 5
            async with http.get(f"{base}/ui/config") as resp:
                users = (await resp.json())["users"]
                assert [(u["id"], u["is_admin"]) for u in users] == [(1, False), (2, True)]
            async with http.get(f"{base}/") as resp:
                assert resp.status == 200 and 'data-testid="chat"' in await resp.text()
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 10) == 0
