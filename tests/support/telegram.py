"""End-to-end harness: the real aiogram Bot and Dispatcher, polling the Telegram emulator.

Conversation scripts read like a user's: ``await chat.send("/start")``,
``await chat.press("Help")``, ``await chat.expect("How it works")``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from aiogram import Bot, Dispatcher

from engine.app import PROJECT_ROOT, assemble, load_checked_bundle
from engine.emulators.telegram.server import TelegramEmulator
from engine.emulators.telegram.transcript import ChatMessage
from engine.plugin import Plugin
from engine.runtime.interpreter import Runtime

ADMIN_ID = 9001


class Chat:
    """One test user's side of the conversation."""

    def __init__(self, emulator: TelegramEmulator, user_id: int) -> None:
        self.emulator = emulator
        self.user_id = user_id

    async def _after(self, mark: int) -> None:
        await self.emulator.wait_bot_message(self.user_id, since=mark, timeout=10)
        await self.emulator.wait_idle(quiet=0.05, timeout=10)

    async def send(self, text: str) -> None:
        mark = self.emulator.mark()
        await self.emulator.send_text(self.user_id, text)
        await self._after(mark)

    async def press(self, label: str) -> str | None:
        """Press a button on the newest message showing it; returns the callback answer text."""
        mark = self.emulator.mark()
        query_id = await self.emulator.press(self.user_id, label)
        answer = await self.emulator.wait_callback_answer(query_id, timeout=10)
        await self._after(mark)
        return answer.text

    async def press_data(self, data: str, message_id: int | None = None) -> str | None:
        mark = self.emulator.mark()
        query_id = await self.emulator.press_data(self.user_id, data, message_id)
        answer = await self.emulator.wait_callback_answer(query_id, timeout=10)
        await self._after(mark)
        return answer.text

    async def send_photo(self, data: bytes, name: str = "photo.png") -> None:
        mark = self.emulator.mark()
        await self.emulator.send_photo(self.user_id, data, name)
        await self._after(mark)

    @property
    def last(self) -> ChatMessage:
        message = self.emulator.last_bot_message(self.user_id)
        assert message is not None, "the bot has said nothing"
        return message

    @property
    def screen(self) -> str:
        return self.last.content

    def buttons(self, message: ChatMessage | None = None) -> list[str]:
        markup = (message or self.last).reply_markup or {}
        return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]

    def callback_data(self, label: str) -> str:
        markup = self.last.reply_markup or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return str(button["callback_data"])
        raise AssertionError(f"no button {label!r} on {self.screen!r}")

    def expect(self, *fragments: str) -> ChatMessage:
        """The newest bot message shows every fragment."""
        message = self.last
        missing = [f for f in fragments if f not in message.content]
        assert not missing, f"expected {missing} in the bot's last message:\n{message.content}"
        return message


@dataclass
class BotUnderTest:
    emulator: TelegramEmulator
    runtime: Runtime
    dispatcher: Dispatcher
    bot: Bot
    polling: asyncio.Task[Any]

    def chat(self, user_id: int) -> Chat:
        return Chat(self.emulator, user_id)

    async def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            await self.dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.polling, 10)
        await self.bot.session.close()


async def start_bot(emulator: TelegramEmulator, pool: asyncpg.Pool, root: Path | None = None,
                    extra_plugins: Sequence[Plugin] = (), **deps: Any) -> BotUnderTest:
    bundle = load_checked_bundle(root or PROJECT_ROOT, [type(p) for p in extra_plugins])
    bot = emulator.make_bot()
    runtime, dispatcher = assemble(bundle, pool, bot, frozenset({ADMIN_ID}), extra_plugins,
                                   **deps)
    polling = asyncio.create_task(dispatcher.start_polling(
        bot, handle_signals=False, close_bot_session=False, polling_timeout=1))
    return BotUnderTest(emulator, runtime, dispatcher, bot, polling)


@contextlib.asynccontextmanager
async def running_bot(pool: asyncpg.Pool, root: Path | None = None,
                      extra_plugins: Sequence[Plugin] = ()) -> AsyncIterator[BotUnderTest]:
    async with TelegramEmulator() as emulator:
        under_test = await start_bot(emulator, pool, root, extra_plugins)
        try:
            yield under_test
        finally:
            await under_test.stop()
