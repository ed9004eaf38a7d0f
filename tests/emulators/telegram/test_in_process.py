"""The in-process session: the bot's calls reach the emulator as they do over HTTP (fields,
uploads, errors in Telegram's envelope, file downloads), with no socket in between."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from emulators.telegram import TelegramEmulator
from emulators.telegram.in_process import in_process_bot
from emulators.telegram.state import EmulatedUser

USER = 41


async def test_calls_uploads_errors_and_downloads_without_http() -> None:
    emulator = TelegramEmulator(users=[EmulatedUser(USER, "Ann", "en")])
    bot = in_process_bot(emulator)  # the emulator is never started: no server at all
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]])
    sent = await bot.send_message(USER, "<b>hi</b>", parse_mode="HTML", reply_markup=markup)
    assert sent.text == "hi" and sent.chat.first_name == "Ann"
    [shown] = emulator.bot_messages(USER)
    assert shown.inline_keyboard[0][0]["callback_data"] == "go"

    photo = await bot.send_photo(USER, BufferedInputFile(b"\x89PNG fake", "a.png"))
    file = await bot.get_file(photo.photo[-1].file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"\x89PNG fake"

    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999, "nobody")
