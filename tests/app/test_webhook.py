"""Webhook mode: its configuration, the registration Telegram gets, the secret on every
request, and the drain that turns updates away once SIGTERM came."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Dispatcher, Router
from aiogram.types import CallbackQuery, Message
from aiohttp import web
from pydantic import AnyHttpUrl, SecretStr, ValidationError

from app.config import Config
from app.webhook import SECRET_HEADER, WebhookHandler, add_webhook, register_webhook, webhook_path
from emulators.telegram import TelegramEmulator

SECRET = "s3cret-token_1"


def config(url: str = "https://bot.example.com/telegram/webhook") -> Config:
    return Config(
        _env_file=None, telegram_webhook_url=AnyHttpUrl(url), telegram_webhook_secret=SecretStr(SECRET)
    )


def test_webhook_mode_needs_a_secret_of_telegrams_shape() -> None:
    assert not Config(_env_file=None).webhook
    assert config().webhook and webhook_path(config()) == "/telegram/webhook"
    with pytest.raises(ValidationError, match="TELEGRAM_WEBHOOK_SECRET"):
        Config(_env_file=None, telegram_webhook_url=AnyHttpUrl("https://bot.example.com/hook"))
    with pytest.raises(ValidationError, match="A-Z, a-z, 0-9"):
        Config(_env_file=None, telegram_webhook_secret=SecretStr("no spaces allowed"))
    with pytest.raises(ValidationError):
        Config(_env_file=None, telegram_webhook_max_connections=101)


def dispatcher() -> Dispatcher:
    router = Router()
    seen: list[str] = []

    @router.message()
    async def on_message(message: Message) -> None:
        seen.append(message.text or "")

    @router.callback_query()
    async def on_press(query: CallbackQuery) -> None:
        seen.append(query.data or "")

    found = Dispatcher()
    found.include_router(router)
    found["seen"] = seen
    return found


@pytest.fixture
async def served() -> AsyncIterator[tuple[TelegramEmulator, Dispatcher, WebhookHandler, str]]:
    async with TelegramEmulator() as emulator:
        bot = emulator.make_bot()
        http = web.Application()
        runner = web.AppRunner(http)
        flows = dispatcher()
        try:
            handler = add_webhook(http, flows, bot, config())
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram/webhook"
            yield emulator, flows, handler, url
        finally:
            await runner.cleanup()
            await bot.session.close()


async def test_registration_limits_updates_to_those_handled(
    served: tuple[TelegramEmulator, Dispatcher, WebhookHandler, str],
) -> None:
    emulator, flows, handler, url = served
    await register_webhook(handler.bot, flows, config(url))
    [call] = emulator.calls("setWebhook")
    assert call.ok
    info = emulator.state.updates.webhook_info()
    assert info["url"] == url and info["max_connections"] == 40
    assert info["allowed_updates"] == ["callback_query", "message"]
    await emulator.send_text(1001, "hello")
    await emulator.wait_for(lambda: flows["seen"] == ["hello"])
    assert [a.status for a in emulator.webhook_attempts] == [200]


async def test_every_request_needs_the_secret_and_a_drain_refuses_new_ones(
    served: tuple[TelegramEmulator, Dispatcher, WebhookHandler, str],
) -> None:
    _, flows, handler, url = served
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1001, "type": "private"},
            "from": {"id": 1001, "is_bot": False, "first_name": "A"},
            "text": "hi",
        },
    }
    async with aiohttp.ClientSession() as http:
        for secret in (None, "wrong", SECRET + "x", "нет"):
            headers = {SECRET_HEADER: secret} if secret is not None else {}
            async with http.post(url, json=update, headers=headers) as resp:
                assert resp.status == 401
        assert flows["seen"] == []
        async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as resp:
            assert resp.status == 200
        assert flows["seen"] == ["hi"]
        assert await handler.drain(1.0)
        async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as resp:
            assert resp.status == 503  # Telegram (or the proxy) delivers it elsewhere
        assert flows["seen"] == ["hi"]
