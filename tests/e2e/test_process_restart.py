"""`python main.py` as a real process: killed with SIGKILL mid-flow, restarted, the user goes on."""

from __future__ import annotations

import asyncio
import signal

from engine.emulators.telegram.server import TelegramEmulator
from tests.support.process import start_bot_process
from tests.support.telegram import Chat

ANNA = 1001


async def _start_bot_process(emulator: TelegramEmulator, dsn: str) -> asyncio.subprocess.Process:
    return await start_bot_process(emulator, dsn, KIE_API_KEY="unused-in-this-test",
                                   KIE_API_URL="http://127.0.0.1:9", ADMIN_IDS="9001")


async def test_killed_bot_process_resumes_the_conversation(database_dsn: str) -> None:
    async with TelegramEmulator() as emulator:
        chat = Chat(emulator, ANNA)
        process = await _start_bot_process(emulator, database_dsn)
        try:
            await chat.send("/start")
            await chat.press("❓ Помощь")
            chat.expect("Выберите задачу, затем модель")
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        process = await _start_bot_process(emulator, database_dsn)
        try:
            await chat.press("Частые вопросы")
            chat.expect("Сколько ждать?")
            await chat.press("◀️ Назад")
            chat.expect("Выберите задачу, затем модель")
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 20) == 0
