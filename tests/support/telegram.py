"""End-to-end harness: the real aiogram Bot and Dispatcher, taking updates from the Telegram
emulator by polling or, in webhook mode, by the emulator posting them to the bot's webhook.

The mode is ``E2E_DELIVERY`` (``polling``, the default, or ``webhook``), so the whole suite runs
either way; tests/e2e/conftest.py runs a few modules in both modes in every run.

Conversation scripts read like a user's: ``await chat.send("/start")``,
``await chat.press("Help")``, ``await chat.expect("How it works")``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from aiogram import Bot
from aiohttp import web
from pydantic import AnyHttpUrl, SecretStr

from app.assembly import Assembled, BroadcastOptions, Dependencies, RunnerOptions, assemble
from app.bot import PROJECT_ROOT, http_app, load_checked_bundle
from app.bot import serve_http as serve_bot_http
from app.config import Config
from app.metrics import Metrics
from app.webhook import WebhookHandler, add_webhook, register_webhook
from emulators.telegram.server import TelegramEmulator
from emulators.telegram.transcript import ChatMessage
from engine.plugin import Plugin, PluginSet
from engine.runtime.interpreter import Runtime
from engine.runtime.splits import ControlVariants
from engine.telegram.flood import FloodLimit
from engine.telegram.pace import SendLimits
from engine.telegram.serial import SerialUpdates
from plugins.integrations.public_fetch import AddressPolicy
from plugins.user import UserPlugin

ADMIN_ID = 9001
WEBHOOK_PATH = "/telegram/webhook"
WEBHOOK_SECRET = "e2e-webhook-secret"
#: how updates reach the bot under test; tests/e2e/conftest.py may set it per test
DELIVERY = {"mode": os.environ.get("E2E_DELIVERY", "polling")}


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

    async def press(self, label: str, message_id: int | None = None) -> str | None:
        """Press a button on the newest message showing it (or on ``message_id``); returns the
        callback answer text."""
        mark = self.emulator.mark()
        query_id = await self.emulator.press(self.user_id, label, message_id)
        answer = await self.emulator.wait_callback_answer(query_id, timeout=10)
        await self._after(mark)
        return answer.text

    async def press_data(self, data: str, message_id: int | None = None) -> str | None:
        mark = self.emulator.mark()
        query_id = await self.emulator.press_data(self.user_id, data, message_id)
        answer = await self.emulator.wait_callback_answer(query_id, timeout=10)
        await self._after(mark)
        return answer.text

    async def send_photo(self, data: bytes, name: str = "photo.png", *, state_size: bool = True) -> None:
        mark = self.emulator.mark()
        await self.emulator.send_photo(self.user_id, data, name, state_size=state_size)
        await self._after(mark)

    async def send_document(self, data: bytes, name: str, mime: str) -> None:
        mark = self.emulator.mark()
        await self.emulator.send_document(self.user_id, data, name, mime)
        await self._after(mark)

    async def send_audio(
        self, data: bytes, name: str = "voice.mp3", duration: int = 3, mime: str = "audio/mpeg"
    ) -> None:
        """An audio message; ``duration`` is what the client claims, whatever the file holds."""
        mark = self.emulator.mark()
        await self.emulator.send_audio(self.user_id, data, name, mime=mime, duration=duration)
        await self._after(mark)

    async def press_containing(self, part: str, next_page: str | None = None) -> str:
        """Press the first button whose label contains ``part``, paging on if needed."""
        for _ in range(30):
            for label in self.buttons():
                if part in label:
                    await self.press(label)
                    return label
            if next_page is None or next_page not in self.buttons():
                break
            await self.press(next_page)
        raise AssertionError(f"no button with {part!r}: {self.buttons()}")

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

    def callback_data(self, label: str, message: ChatMessage | None = None) -> str:
        markup = (message or self.last).reply_markup or {}
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
    app: Assembled
    bot: Bot
    polling: asyncio.Task[Any]
    services: list[asyncio.Task[None]]
    http: web.AppRunner | None = None  # health, metrics, Kie.ai callbacks (``serve_http``)
    http_url: str | None = None
    webhook: WebhookHandler | None = None  # webhook mode: the handler the emulator posts to
    lock_pool: asyncpg.Pool | None = None  # webhook mode: the users' locks (SerialUpdates)

    @property
    def runtime(self) -> Runtime:
        return self.app.runtime

    def chat(self, user_id: int) -> Chat:
        return Chat(self.emulator, user_id)

    async def stop(self) -> None:
        if self.webhook is not None:
            await self.webhook.drain(10)
            self.polling.cancel()
        with contextlib.suppress(RuntimeError):
            await self.app.dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.polling, 10)
        await self.app.stop_services(self.services)
        if self.http is not None:
            await self.http.cleanup()
        if self.lock_pool is not None:
            await self.lock_pool.close()
        await self.bot.session.close()


async def start_bot(
    emulator: TelegramEmulator,
    pool: asyncpg.Pool,
    root: Path | None = None,
    extra_plugins: Sequence[Plugin] = (),
    *,
    kie_url: str = "http://127.0.0.1:9",
    kie_key: str = "no-kie-in-this-test",
    kie_upload_url: str | None = None,
    runner_options: RunnerOptions | None = None,
    fetch_policy: AddressPolicy | None = None,
    config: Config | None = None,
    serve_http: bool = False,
    flood: FloodLimit | None = None,
    metrics: Metrics | None = None,
    broadcast_options: BroadcastOptions | None = None,
    splits: bool = False,
    send_limits: SendLimits | None = None,
) -> BotUnderTest:
    """``serve_http``: also the bot's HTTP server (health, callbacks) on a free port, its URL
    given to ``config`` as the public URL (so Kie.ai callbacks reach it). In webhook mode
    (``DELIVERY``) that server always runs, and the emulator posts updates to it. ``splits``:
    the A/B splits choose per user as in production; otherwise everyone sees each split's own
    screen (the conversations here were written for it)."""
    webhook_mode = DELIVERY["mode"] == "webhook"
    sock = _listening_socket() if serve_http or webhook_mode else None
    if sock is not None:
        public = f"http://127.0.0.1:{sock.getsockname()[1]}"
        update: dict[str, Any] = {"public_url": AnyHttpUrl(public)} if serve_http else {}
        if webhook_mode:
            update |= {
                "telegram_webhook_url": AnyHttpUrl(public + WEBHOOK_PATH),
                "telegram_webhook_secret": SecretStr(WEBHOOK_SECRET),
            }
        config = (config or Config(_env_file=None)).model_copy(update=update)
    # a project of a test's own is checked against the plug-ins it was written for
    declarations = (
        PluginSet([UserPlugin.declarations()] + [type(p).declarations() for p in extra_plugins])
        if root
        else None
    )
    bundle = load_checked_bundle(root or PROJECT_ROOT, declarations)
    bot = emulator.make_bot()
    deps = Dependencies(
        bundle=bundle,
        pool=pool,
        bot=bot,
        admin_ids=frozenset({ADMIN_ID}),
        kie_url=kie_url,
        kie_key=kie_key,
        kie_upload_url=kie_upload_url,
        runner_options=runner_options or RunnerOptions(),
        fetch_policy=fetch_policy or AddressPolicy(),
        config=config,
        flood=flood,
        metrics=metrics,
        broadcast_options=broadcast_options or BroadcastOptions(),
        split_winners=None if splits else ControlVariants(bundle),
        send_limits=send_limits,
    )
    app = assemble(deps, extra_plugins)
    services = await app.start_services()
    http, webhook, lock_pool = None, None, None
    if sock is not None:
        assert config is not None
        site = http_app(pool, app.runtime, app.kit.routes, metrics)
        if webhook_mode:
            webhook = add_webhook(site, app.dispatcher, bot, config)
            # the users' locks on connections of their own (as app.webhook.serialize_updates)
            lock_pool = await asyncpg.create_pool(
                *pool._connect_args, **pool._connect_kwargs, min_size=1, max_size=5
            )  # type: ignore[attr-defined]
            app.dispatcher.update.outer_middleware(SerialUpdates(lock_pool))
        http = await _serve(site, sock)
    if webhook is not None:
        assert config is not None
        await register_webhook(bot, app.dispatcher, config)
        polling: asyncio.Task[Any] = asyncio.create_task(asyncio.Event().wait())
    else:
        polling = asyncio.create_task(
            app.dispatcher.start_polling(
                bot, handle_signals=False, close_bot_session=False, polling_timeout=1
            )
        )
    return BotUnderTest(
        emulator,
        app,
        bot,
        polling,
        services,
        http,
        str(config.public_url).rstrip("/") if http and config and config.public_url else None,
        webhook,
        lock_pool,
    )


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


async def _serve(http: web.Application, sock: socket.socket) -> web.AppRunner:
    return await serve_bot_http(http, "127.0.0.1", 0, sock)


@contextlib.asynccontextmanager
async def running_bot(
    pool: asyncpg.Pool,
    root: Path | None = None,
    extra_plugins: Sequence[Plugin] = (),
    *,
    emulator: TelegramEmulator | None = None,
    **options: Any,
) -> AsyncIterator[BotUnderTest]:
    """The bot polling a fresh emulator (or ``emulator``); ``options`` are ``start_bot``'s
    keywords. Flood control is off unless ``flood`` is given: the conversations here run much
    faster than people type."""
    async with emulator or TelegramEmulator() as telegram:
        under_test = await start_bot(telegram, pool, root, extra_plugins, **options)
        try:
            yield under_test
        finally:
            await under_test.stop()
