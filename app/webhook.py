"""Webhook mode: Telegram posts updates to TELEGRAM_WEBHOOK_URL, and any instance answers.

Every instance serves the webhook with aiogram's own handler (``SimpleRequestHandler``), in
the foreground: the 200 goes back only once the update was handled, so an update whose
handling failed, or whose instance died, is delivered again (by Telegram, or by the proxy to
another instance). ``SerialUpdates`` (engine.telegram.serial) keeps each user's updates one
at a time across instances and handles a redelivered update once; sessions are read from
PostgreSQL under that lock (no instance's memory is authoritative).

On SIGTERM an instance drains: new webhook requests get 503 (Telegram, or the proxy, retries
them elsewhere), the ones in hand finish within DRAIN_SECONDS, then it exits.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from urllib.parse import urlsplit

import asyncpg
from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from app.config import Config
from engine.runtime.pg_sessions import PgSessionStore
from engine.storage.database import open_database
from engine.telegram.serial import SerialUpdates

log = logging.getLogger("bot.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(config: Config) -> str:
    """Where this instance listens: the path of TELEGRAM_WEBHOOK_URL (a proxy in front may
    map the public address to it)."""
    assert config.telegram_webhook_url is not None
    return urlsplit(str(config.telegram_webhook_url)).path or "/"


def shared_sessions(pool: asyncpg.Pool) -> PgSessionStore:
    """Sessions when any instance may handle a user's next update: read from the table every
    time (under the user's lock), written before the update counts as handled."""
    return PgSessionStore(pool)


async def serialize_updates(dispatcher: Dispatcher, dsn: str, connections: int) -> asyncpg.Pool:
    """Put ``SerialUpdates`` in front of every update; returns its lock pool (close it last)."""
    lock_pool = await open_database(dsn, max_size=connections)
    dispatcher.update.outer_middleware(SerialUpdates(lock_pool))
    return lock_pool


class WebhookHandler(SimpleRequestHandler):
    """aiogram's handler, checking the secret on every request in constant time (as bytes:
    a header of any characters is refused, never an error), and able to drain."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret: str) -> None:
        super().__init__(dispatcher, bot, handle_in_background=False, secret_token=secret)
        self._secret = secret.encode()
        self.in_hand = 0
        self.draining = False
        self._idle = asyncio.Event()
        self._idle.set()

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        given = telegram_secret_token.encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self._secret)

    async def handle(self, request: web.Request) -> web.Response:
        if self.draining:  # not ours any more: Telegram (or the proxy) retries elsewhere
            return web.Response(status=503, text="draining", headers={"Retry-After": "1"})
        self.in_hand += 1
        self._idle.clear()
        try:
            return await super().handle(request)
        finally:
            self.in_hand -= 1
            if not self.in_hand:
                self._idle.set()

    async def drain(self, deadline: float) -> bool:
        """Refuse new updates and wait for the ones in hand; False if the deadline passed."""
        self.draining = True
        try:
            await asyncio.wait_for(self._idle.wait(), deadline)
        except TimeoutError:
            log.warning("%s updates still in hand after %.0f s: stopping anyway", self.in_hand, deadline)
            return False
        return True


def add_webhook(http: web.Application, dispatcher: Dispatcher, bot: Bot, config: Config) -> WebhookHandler:
    """The webhook route on the bot's HTTP app (before it starts)."""
    assert config.telegram_webhook_secret is not None
    handler = WebhookHandler(dispatcher, bot, config.telegram_webhook_secret.get_secret_value())
    handler.register(http, path=webhook_path(config))
    return handler


async def register_webhook(bot: Bot, dispatcher: Dispatcher, config: Config) -> None:
    """Tell Telegram where to post: replaces any earlier webhook and ends polling (Telegram
    refuses getUpdates while a webhook is set). Every instance registers the same values."""
    assert config.telegram_webhook_url is not None and config.telegram_webhook_secret is not None
    await bot.set_webhook(
        str(config.telegram_webhook_url),
        secret_token=config.telegram_webhook_secret.get_secret_value(),
        allowed_updates=dispatcher.resolve_used_update_types(),
        max_connections=config.telegram_webhook_max_connections,
        drop_pending_updates=False,
    )


async def serve_webhook(
    bot: Bot, dispatcher: Dispatcher, handler: WebhookHandler, config: Config, stop: asyncio.Event
) -> None:
    """Register the webhook, serve until ``stop``, then drain."""
    await register_webhook(bot, dispatcher, config)
    log.info("bot takes updates by webhook at %s", webhook_path(config))
    await stop.wait()
    log.info("draining: new updates are refused, %s in hand", handler.in_hand)
    await handler.drain(config.drain_seconds)
