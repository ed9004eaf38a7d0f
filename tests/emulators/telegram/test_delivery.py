"""Webhook delivery as Telegram does it: concurrent across chats, one at a time and in order
within a chat, retried (same update_id) on a non-2xx answer or a timeout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiohttp import web

from emulators.telegram import TelegramEmulator
from emulators.telegram.delivery import chat_key

ANNA, BORIS = 1001, 1002


@dataclass
class Receiver:
    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    open_by_chat: dict[int, int] = field(default_factory=dict)
    most_open_by_chat: int = 0
    most_open: int = 0
    answer: Callable[[dict[str, Any]], int] = lambda update: 200
    delay: float = 0.05

    @property
    def texts(self) -> list[str]:
        return [u["message"]["text"] for u in self.received if "message" in u]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        key = chat_key(update)
        found.open_by_chat[key] = found.open_by_chat.get(key, 0) + 1
        found.most_open_by_chat = max(found.most_open_by_chat, found.open_by_chat[key])
        found.most_open = max(found.most_open, sum(found.open_by_chat.values()))
        try:
            await asyncio.sleep(found.delay)
            found.received.append(update)
            return web.json_response({}, status=found.answer(update))
        finally:
            found.open_by_chat[key] -= 1

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    found.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        yield found
    finally:
        await runner.cleanup()


async def test_chats_in_parallel_each_in_order(
    bot: Bot, emulator: TelegramEmulator, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, max_connections=10)
    for n in range(5):
        await emulator.send_text(ANNA, f"anna {n}")
        await emulator.send_text(BORIS, f"boris {n}")
    await emulator.wait_for(lambda: len(receiver.received) == 10)
    assert [t for t in receiver.texts if t.startswith("anna")] == [f"anna {n}" for n in range(5)]
    assert [t for t in receiver.texts if t.startswith("boris")] == [f"boris {n}" for n in range(5)]
    assert receiver.most_open_by_chat == 1  # never two of one chat at once
    assert receiver.most_open == 2  # but both chats at once


async def test_max_connections_bounds_requests_open(
    bot: Bot, emulator: TelegramEmulator, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, max_connections=1)
    await emulator.send_text(ANNA, "one")
    await emulator.send_text(BORIS, "two")
    await emulator.wait_for(lambda: len(receiver.received) == 2)
    assert receiver.most_open == 1


async def test_non_2xx_is_retried_before_the_chats_next_update(
    bot: Bot, emulator: TelegramEmulator, receiver: Receiver
) -> None:
    failures = {"left": 2}

    def answer(update: dict[str, Any]) -> int:
        if update["message"]["text"] == "first" and failures["left"]:
            failures["left"] -= 1
            return 503
        return 200

    receiver.answer = answer
    await bot.set_webhook(receiver.url, secret_token="s3cret")
    await emulator.send_text(ANNA, "first")
    await emulator.send_text(ANNA, "second")
    await emulator.wait_for(lambda: len(receiver.received) == 4)
    assert receiver.texts == ["first", "first", "first", "second"]
    ids = [u["update_id"] for u in receiver.received]
    assert ids[0] == ids[1] == ids[2] < ids[3]  # retried with the same update_id
    statuses = [a.status for a in emulator.webhook_attempts]
    assert statuses == [503, 503, 200, 200]
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0 and info.last_error_message == (
        "Wrong response from the webhook: 503 Service Unavailable"
    )


async def test_no_answer_in_time_is_retried(receiver: Receiver) -> None:
    receiver.delay = 0.5
    async with TelegramEmulator(webhook_timeout=0.2) as emulator:
        bot = emulator.make_bot()
        try:
            await bot.set_webhook(receiver.url)
            await emulator.send_text(ANNA, "slow")
            await emulator.wait_for(lambda: len(emulator.webhook_attempts) >= 2, timeout=5)
            assert emulator.webhook_attempts[0].status is None  # timed out: sent again
            await bot.delete_webhook()
        finally:
            await bot.session.close()
