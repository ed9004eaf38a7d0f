"""`python main.py` as a real process: killed with SIGKILL mid-flow, restarted, the user goes on.

The polling instance writes sessions behind (app.bot.polling_sessions): a kill within a few
milliseconds of a screen can lose that last step, which the next press then hears as out of
date (tests/engine/runtime/test_interpreter.py). Here the kill comes once the step is stored.
"""

from __future__ import annotations

import asyncio
import signal

import asyncpg

from emulators.telegram.server import TelegramEmulator
from tests.support.process import start_bot_process
from tests.support.telegram import Chat

ANNA = 1001


async def _start_bot_process(emulator: TelegramEmulator, dsn: str) -> asyncio.subprocess.Process:
    return await start_bot_process(
        emulator, dsn, KIE_API_KEY="unused-in-this-test", KIE_API_URL="http://127.0.0.1:9", ADMIN_IDS="9001"
    )


async def stored_version(dsn: str, user_id: int, version: int) -> None:
    """Wait until the user's session row reaches ``version`` (written behind, in milliseconds)."""
    connection = await asyncpg.connect(dsn)
    try:
        for _ in range(200):
            stored = await connection.fetchval("SELECT version FROM sessions WHERE user_id = $1", user_id)
            if stored is not None and stored >= version:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"the session of {user_id} never reached version {version}")
    finally:
        await connection.close()


async def test_killed_bot_process_resumes_the_conversation(database_dsn: str) -> None:
    async with TelegramEmulator() as emulator:
        chat = Chat(emulator, ANNA)
        process = await _start_bot_process(emulator, database_dsn)
        try:
            await chat.send("/start")
            await chat.press("❓ Помощь")
            chat.expect("Выберите задачу, затем модель")
            await stored_version(database_dsn, ANNA, 2)  # /start, then the press
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
